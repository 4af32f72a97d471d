/**
 * Held-out loss: the text read as ONE stream from a zero state, every character predicting the
 * next. Done in windows of up to 256 steps with the state carried between them (forward only, so
 * the window length changes nothing but memory).
 */

import { forwardWindow } from './model/bptt';
import { layerHolds, type UnitHold } from './analysis/ablation';
import { InputError, type InterruptCheck } from './errors';
import { softmaxCrossEntropy } from './model/loss';
import { type Model } from './model/model';
import { type Network } from './model/network';
import { buildVocab, codePointLength, describeChar, encodeText, vocabIndex } from './text';
import { passWorkspace } from './training/trainingMemory';

const EVAL_WINDOW = 256;

/**
 * The validation loss computed during training reads at most this many held-out characters (the
 * start of the held-out part). Forward passes over one stream run at about 6,000 (3x256 LSTM) to
 * 45,000 (128-unit LSTM) characters a second here, so the whole 10% of a megabyte-sized text would
 * stall training at every check; 20,000 characters already pin the mean loss down to about a
 * hundredth of a nat.
 */
export const MAX_VALIDATION_CHARS = 20_000;

/** Mean loss (nats) on the first MAX_VALIDATION_CHARS + 1 held-out ids, from a zero state; null when there are fewer than 2. */
export function heldOutLoss(net: Network, valIds: Int32Array, interrupt?: InterruptCheck): number | null {
  if (valIds.length < 2) return null;
  const { lossSum, count } = streamLoss(net, valIds.subarray(0, MAX_VALIDATION_CHARS + 1), undefined, { interrupt });
  return lossSum / count;
}

/** What a stream's loss can also do: hold units (analysis/ablation.ts), keep each prediction's loss. */
export interface StreamLossOptions {
  readonly holds?: readonly UnitHold[];
  /** Receives the loss of prediction i (of ids[i + 1]) at index i; length ids.length - 1. */
  readonly losses?: Float64Array;
  /** Asked between layers of every window: true abandons the pass (Interrupted). */
  readonly interrupt?: InterruptCheck;
}

/**
 * Sum of the cross-entropies of ids[1..] given ids[..n-1], from a zero state. `onProgress` hears
 * after each window how many of the predictions are done (a long evaluation shows it).
 */
export function streamLoss(
  network: Network, ids: Int32Array, onProgress?: (done: number, total: number) => void, options: StreamLossOptions = {},
): { lossSum: number; count: number } {
  const predictions = ids.length - 1;
  if (predictions < 1) return { lossSum: 0, count: 0 };
  const T = Math.min(EVAL_WINDOW, predictions);
  const { net, ws } = passWorkspace(network, 1, T);
  ws.holds = layerHolds(options.holds ?? [], net.config);
  ws.interrupt = options.interrupt ?? null;
  ws.resetState();
  let lossSum = 0;
  for (let start = 0; start < predictions; start += T) {
    if (start > 0) ws.carryState();
    // The last window may be shorter: its rows past `steps` run on stale ids and are not
    // counted (nothing is carried out of the last window), so one workspace serves every window.
    const steps = Math.min(T, predictions - start);
    ws.ids.set(ids.subarray(start, start + steps));
    ws.targets.set(ids.subarray(start + 1, start + steps + 1));
    forwardWindow(net, ws);
    lossSum += softmaxCrossEntropy(ws.probs, null, ws.rowLoss, ws.targets, steps, net.V, 0);
    options.losses?.set(ws.rowLoss.subarray(0, steps), start);
    onProgress?.(start + steps, predictions);
  }
  return { lossSum, count: predictions };
}

export interface EvaluateResult {
  loss: number;
  bitsPerChar: number;
  perplexity: number;
  chars: number;
  skipped: number;
  /** With `perChar`: the loss of every prediction (of the known characters), length `chars`. */
  losses?: Float64Array;
}

export interface EvaluateOptions {
  skipUnknown?: boolean;
  /** Also return each prediction's loss. */
  perChar?: boolean;
  /** Units held fixed while reading (analysis/ablation.ts). */
  holds?: readonly UnitHold[];
  onProgress?: (done: number, total: number) => void;
}

/**
 * Mean cross-entropy of the model on a text (nats), with bits per character and perplexity.
 * `chars` counts the characters predicted (all but the first). Characters outside the model's
 * vocabulary are refused, or with skipUnknown dropped (and counted in `skipped`).
 */
export function evaluateText(model: Model, text: string, opts: EvaluateOptions = {}): EvaluateResult {
  let kept = text;
  let skipped = 0;
  if (opts.skipUnknown) {
    const index = vocabIndex(model.config.vocab);
    const chars: string[] = [];
    for (const ch of text) {
      if (index.has(ch.codePointAt(0)!)) chars.push(ch);
      else skipped++;
    }
    kept = chars.join('');
  } else {
    const unknown = buildVocab(text).filter((ch) => !model.config.vocab.includes(ch));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 5).map(describeChar).join(', ');
      throw new InputError(`The text has ${unknown.length} character${unknown.length === 1 ? '' : 's'} the model does not know (${shown}${unknown.length > 5 ? ', ...' : ''}); use --skip-unknown to leave them out.`);
    }
  }
  if (codePointLength(kept) < 2) throw new InputError('The text needs at least 2 known characters to evaluate (one to read, one to predict).');
  const ids = encodeText(kept, model.config.vocab);
  const losses = opts.perChar ? new Float64Array(ids.length - 1) : undefined;
  const { lossSum, count } = streamLoss(model.net, ids, opts.onProgress, { holds: opts.holds, losses });
  const loss = lossSum / count;
  return { loss, bitsPerChar: loss / Math.LN2, perplexity: Math.exp(loss), chars: count, skipped, ...(losses ? { losses } : {}) };
}
