/**
 * Small runtime checks for messages that cross a thread or process boundary. A message is only
 * as trustworthy as its sender's code, and a malformed one must be ignored rather than crash the
 * receiver, so every field is checked before a typed value is handed on.
 *
 * Pure code: imports neither `vscode` nor Node built-ins, so host, worker and tests share it.
 */

import { type ErrorArgs } from '../engine/errors';
import { SETTING_BOUNDS } from '../engine/model/config';

/** Longest free-text string a message may carry (training text excluded: it has its own cap). */
export const MAX_MESSAGE_STRING = 10_000;

/**
 * The model and window sizes a message may describe: those the settings allow (config.ts), so a
 * message about any model the extension or the CLI can train passes, and nothing larger does.
 */
export const MAX_LAYERS = SETTING_BOUNDS.layers.max;
export const MAX_HIDDEN = SETTING_BOUNDS.hidden.max;
/** Steps of a window (the trace's T), so a time step is below it. */
export const MAX_WINDOW = SETTING_BOUNDS.seqLen.max;
/** Streams of a batch, so a stream index is below it. */
export const MAX_BATCH = SETTING_BOUNDS.batch.max;
/** Longest file name or path a message carries. */
export const MAX_FILE_NAME = 4096;
/** Parameter tensors of a model (4 per layer x 4 layers + the decoder's leave room). */
export const MAX_TENSORS = 64;

export type Record_ = Record<string, unknown>;

export function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isNumberIn(value: unknown, min: number, max: number): value is number {
  return isFiniteNumber(value) && value >= min && value <= max;
}

export function isCappedString(value: unknown, maxLength = MAX_MESSAGE_STRING): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}

export function isOneOf<T extends string>(value: unknown, options: readonly T[]): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}

/** A number or null (e.g. a validation loss that does not exist when nothing is held out). */
export function isFiniteOrNull(value: unknown): value is number | null {
  return value === null || isFiniteNumber(value);
}

export function isFiniteArray(value: unknown, maxLength: number): value is number[] {
  return Array.isArray(value) && value.length <= maxLength && value.every(isFiniteNumber);
}

/** An error's arguments (src/engine/errors.ts): a few short names and numbers. */
export function isErrorArgs(v: unknown): v is ErrorArgs {
  return isRecord(v) && Object.keys(v).length <= 20 && Object.values(v).every((x) => isFiniteNumber(x) || isCappedString(x, 1000));
}

export function isOptional<T>(value: unknown, check: (v: unknown) => v is T): value is T | undefined {
  return value === undefined || check(value);
}
