/**
 * Reading the user's files with messages that say which file and what to do about it. Every
 * failure here is an InputError (exit code 1), prefixed with the path as the user typed it.
 */

import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../common/atomicWrite';
import { decodeCheckpoint, encodeCheckpoint } from '../engine/io/checkpoint';
import { type CheckpointData } from '../engine/io/checkpointData';
import { InputError } from '../engine/errors';
import { decodeTextBytes } from '../engine/text';

/**
 * Training reads a few thousand characters a second, so one pass over 32 MB already takes hours,
 * and a text in memory costs about ten times its size (string, ids, streams). Past this, refuse
 * at once with advice, rather than spend a minute and gigabytes loading something unusable.
 */
export const MAX_TEXT_BYTES = 32 * 1024 * 1024;
/** A checkpoint of the largest allowed model (4 layers, H 1024, large vocab, with Adam state) stays well under this. */
export const MAX_CHECKPOINT_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/** Texts from this size take seconds to read and prepare: worth a word before the wait. */
const ANNOUNCE_FROM_BYTES = 4 * 1024 * 1024;

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;

function readBytes(path: string, cwd: string, what: string, maxBytes: number, advice: string, announce?: (line: string) => void): Uint8Array {
  const full = resolve(cwd, path);
  let size: number;
  try {
    const stat = statSync(full);
    if (stat.isDirectory()) throw new InputError(`${path} is a folder; give the path of a ${what}`);
    if (!stat.isFile()) throw new InputError(`${path} is not a regular file; give the path of a ${what}`);
    size = stat.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  if (size > maxBytes) throw new InputError(`${path} is too large (${megabytes(size)}; the limit for a ${what} is ${megabytes(maxBytes)})${advice}`);
  if (announce && size >= ANNOUNCE_FROM_BYTES) announce(`reading ${path} (${megabytes(size)})...`);
  try {
    return readFileSync(full);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${describeFsError(e)}`);
  }
}

/**
 * Reads a UTF-8 text file (refusing empty, binary and malformed files with the engine's messages).
 * `announce` hears a line before a large file is read, so a terminal is not silent meanwhile.
 */
export function readTextFile(path: string, cwd: string, announce?: (line: string) => void): string {
  const bytes = readBytes(path, cwd, 'text file', MAX_TEXT_BYTES, `; use a part of it, e.g. head -n 100000 ${path} > part.txt`, announce);
  try {
    return decodeTextBytes(bytes);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Reads and validates a checkpoint file. */
export function readCheckpointFile(path: string, cwd: string): CheckpointData {
  const bytes = readBytes(path, cwd, 'checkpoint (.safetensors)', MAX_CHECKPOINT_BYTES, '');
  try {
    return decodeCheckpoint(bytes);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Saves a checkpoint atomically; returns the byte count. */
export function writeCheckpointFile(path: string, cwd: string, data: CheckpointData): number {
  const bytes = encodeCheckpoint(data);
  try {
    writeFileAtomic(resolve(cwd, path), bytes);
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${describeFsError(e)}`);
  }
  return bytes.length;
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'ENOSPC': return 'the disk is full';
    case 'EROFS': return 'the file system is read-only';
    default: return code ?? String((e as Error)?.message ?? e).split('\n')[0];
  }
}
