/**
 * What a checkpoint remembers of the session that wrote it, beside the model and its resume
 * state: where its training text came from (a path and a hash of the text, so Load Model can
 * offer that text first and tell whether it changed) and the loss history (so a loaded session's
 * charts start from its own curves, not from nothing). One more safetensors metadata key,
 *
 *   `rnn_lens_session` = JSON {format, source?: {path, hash, length}, history?: {steps, loss, valSteps, valLoss}}
 *
 * which readers that do not know it ignore (decodeCheckpoint reads only its own keys), so files
 * stay readable by older versions and by PyTorch. Reading is lenient: a missing or malformed
 * record is "no record" (null), never a reason to refuse the model.
 */

import { readSafetensors, writeSafetensors, type NamedTensor } from './safetensors';

export const SESSION_METADATA_KEY = 'rnn_lens_session';
export const SESSION_FORMAT = 'rnn-lens-session/1';
/** Points per curve a record keeps (the host thins its series to fewer). */
export const MAX_HISTORY_POINTS = 10_000;

export interface LossHistory {
  readonly steps: readonly number[];
  readonly loss: readonly number[];
  /** Validation only at the steps it was measured. */
  readonly valSteps: readonly number[];
  readonly valLoss: readonly number[];
}

export interface TextSource {
  /** Where the text was read from (a URI string, or a path for the CLI). */
  readonly path: string;
  /** A hash of the text trained on (hex), to tell whether the file still holds it. */
  readonly hash: string;
  /** Its length in UTF-16 units. */
  readonly length: number;
}

export interface SessionRecord {
  readonly source?: TextSource;
  readonly history?: LossHistory;
}

/** The checkpoint `bytes` with `record` added (or replaced); tensors and other metadata unchanged. */
export function withSessionRecord(bytes: Uint8Array, record: SessionRecord): Uint8Array {
  const { tensors, metadata } = readSafetensors(bytes);
  const named: NamedTensor[] = [...tensors.values()];
  const meta = new Map(metadata);
  meta.set(SESSION_METADATA_KEY, JSON.stringify({ format: SESSION_FORMAT, ...record }));
  return writeSafetensors(named, meta);
}

/** The session record of a checkpoint, or null when it has none (or an unreadable one). */
export function readSessionRecord(bytes: Uint8Array): SessionRecord | null {
  let raw: string | undefined;
  try {
    raw = readSafetensors(bytes).metadata.get(SESSION_METADATA_KEY);
  } catch {
    return null;
  }
  if (raw === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value) || value.format !== SESSION_FORMAT) return null;
  const source = parseSource(value.source);
  const history = parseHistory(value.history);
  return { ...(source ? { source } : {}), ...(history ? { history } : {}) };
}

function parseSource(v: unknown): TextSource | null {
  if (!isObject(v)) return null;
  const { path, hash, length } = v;
  return typeof path === 'string' && path.length > 0 && path.length <= 4096 && typeof hash === 'string' && /^[0-9a-f]{8,128}$/.test(hash)
    && Number.isSafeInteger(length) && (length as number) >= 0
    ? { path, hash, length: length as number } : null;
}

/** Both curves: equal lengths, steps ascending, finite losses; otherwise no history at all. */
function parseHistory(v: unknown): LossHistory | null {
  if (!isObject(v)) return null;
  const curve = (xs: unknown, ys: unknown): [number[], number[]] | null => {
    if (!Array.isArray(xs) || !Array.isArray(ys) || xs.length !== ys.length || xs.length > MAX_HISTORY_POINTS) return null;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const y = ys[i];
      if (!Number.isSafeInteger(x) || x < 0 || (i > 0 && x <= xs[i - 1]) || typeof y !== 'number' || !Number.isFinite(y)) return null;
    }
    return [xs as number[], ys as number[]];
  };
  const train = curve(v.steps, v.loss);
  const val = curve(v.valSteps, v.valLoss);
  return train && val ? { steps: train[0], loss: train[1], valSteps: val[0], valLoss: val[1] } : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
