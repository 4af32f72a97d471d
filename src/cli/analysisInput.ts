/**
 * What probe, saliency, neurons and an ablated eval share: a checkpoint and a text read together,
 * with the text checked against the checkpoint's vocabulary (a text the model was not trained on
 * is the usual mistake, so the message says so), and positions checked against the text.
 */

import { InputError } from '../engine/errors';
import { parseHold, type UnitHold, checkHolds } from '../engine/analysis/ablation';
import { Model } from '../engine/model/model';
import { buildVocab, describeChar, encodeText } from '../engine/text';
import { numberFlag, listFlag, type ParsedArgs } from './args';
import { readCheckpointFile, readTextFile } from './files';
import { type CliIo } from './io';
import { UsageError } from './usageError';

export interface ModelAndText {
  readonly model: Model;
  readonly text: string;
}

export function readModelAndText(ckptPath: string, textPath: string, io: CliIo): ModelAndText {
  const model = Model.fromCheckpoint(readCheckpointFile(ckptPath, io.cwd));
  const text = readTextFile(textPath, io.cwd, io.isTTY ? (line) => io.stderr(`${line}\n`) : undefined);
  return { model, text };
}

/** The ids of `text` (all of it), or one line naming the characters the checkpoint lacks. */
export function encodeForModel(text: string, model: Model, ckptPath: string, textPath: string): Int32Array {
  const known = new Set(model.config.vocab);
  const missing = buildVocab(text).filter((ch) => !known.has(ch));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map(describeChar).join(', ');
    throw new InputError(
      `${textPath} has ${missing.length} character${missing.length === 1 ? '' : 's'} that ${ckptPath} does not know (${shown}${missing.length > 5 ? ', ...' : ''}); ` +
      'give a text in the vocabulary of the model (e.g. the one it was trained on)',
    );
  }
  return encodeText(text, model.config.vocab);
}

/** A required whole-number position flag, e.g. --at, from 0 to `max` inclusive. */
export function positionFlag(values: ParsedArgs['values'], flag: string, max: number, what: string): number {
  if (values[flag] === undefined) throw new UsageError(`--${flag} is required (${what})`);
  const raw = String(values[flag]).trim();
  const value = raw === '' ? Number.NaN : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag} must be a whole number of 0 or more (got ${JSON.stringify(String(values[flag]))})`);
  if (value > max) throw new InputError(`--${flag} ${value} is out of range: ${what} goes from 0 to ${max}`);
  return value;
}

/** The units --ablate holds (repeatable), checked against the model. */
export function holdsFlag(values: ParsedArgs['values'], model: Model): UnitHold[] {
  const holds = listFlag(values, 'ablate').map((spec) => parseHold(spec));
  checkHolds(holds, model.config);
  return holds;
}

/** A whole-number flag with bounds, or its default. */
export function countFlag(values: ParsedArgs['values'], flag: string, min: number, max: number, fallback: number): number {
  return numberFlag(values, flag, { min, max, integer: true }) ?? fallback;
}
