/**
 * The session record written into every checkpoint the extension saves (Save Model As, autosave):
 * where the training text came from, with a hash of it, and the loss history. Load Model and
 * resume read it back to offer that text first and to continue the curves. See
 * engine/io/sessionRecord.ts for the format.
 */

import { createHash } from 'node:crypto';
import { readSessionRecord, withSessionRecord, type SessionRecord } from '../engine/io/sessionRecord';
import { type TrainingSession } from './trainingSession';

const hashes = new WeakMap<object, string>();

/** A hash of a training text (hex): equal texts, equal hashes. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}

export function recordOf(session: TrainingSession): SessionRecord {
  let hash = hashes.get(session.source);
  if (hash === undefined) {
    hash = textHash(session.source.text);
    hashes.set(session.source, hash);
  }
  return {
    source: { path: session.source.uri.toString(), hash, length: session.source.text.length },
    history: session.series.toLossHistory(),
  };
}

/** The checkpoint with the session's record in it; the bytes unchanged if they cannot take one (not expected). */
export function withRecordOf(session: TrainingSession, bytes: Uint8Array): Uint8Array {
  try {
    return withSessionRecord(bytes, recordOf(session));
  } catch {
    return bytes;
  }
}

export { readSessionRecord };
