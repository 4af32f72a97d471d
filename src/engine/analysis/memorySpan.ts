/**
 * How far back a trained network carries information, measured two ways that need no gradient:
 * the memory span (the mean probe horizon: how many characters a changed character keeps changing
 * the predictions for) and the loss at given positions of a text (the positions a task made to
 * need memory). Shared by `rnn-lens compare` and the Run Experiment view, so both report the same.
 */

import { meanAtPositions } from '../tasks/tasks';
import { streamLoss } from '../evaluate';
import { type Network } from '../model/network';
import { runChunked } from './chunked';
import { probeJob, replaceAt } from './probe';

/** The memory span probes this many positions of the held-out text... */
export const MEMORY_SPAN_PROBES = 8;
/** ...each over this many characters from the edit (so a span is at most this minus 1). */
export const MEMORY_SPAN_WINDOW = 256;

/**
 * The mean probe horizon over MEMORY_SPAN_PROBES positions spread evenly over the text (the
 * held-out part the validation loss reads), each character replaced by the next one of the
 * vocabulary and followed for MEMORY_SPAN_WINDOW characters (half the text's length if that is
 * less). 0 when there are fewer than 4 held-out characters.
 */
export function memorySpan(net: Network, ids: Int32Array): number {
  const V = net.V;
  // A short held-out part is probed over half its length rather than not at all.
  const window = Math.min(MEMORY_SPAN_WINDOW, Math.floor(ids.length / 2));
  const room = ids.length - window;
  if (window < 2) return 0;
  let sum = 0;
  for (let i = 0; i < MEMORY_SPAN_PROBES; i++) {
    const at = Math.floor(((i + 0.5) * room) / MEMORY_SPAN_PROBES);
    const original = ids.subarray(0, at + window);
    sum += runChunked(probeJob(net, original, replaceAt(original, at, (ids[at] + 1) % V), at)).horizon;
  }
  return sum / MEMORY_SPAN_PROBES;
}

/**
 * The text read as one stream from a zero state: its mean loss, and the mean loss of predicting
 * the characters at `positions` (code point indices into `ids`; NaN when there are none).
 */
export function lossAtPositions(net: Network, ids: Int32Array, positions: ArrayLike<number>): { loss: number; atPositions: number } {
  const losses = new Float64Array(Math.max(0, ids.length - 1));
  const { lossSum, count } = streamLoss(net, ids, undefined, { losses });
  return { loss: count > 0 ? lossSum / count : Number.NaN, atPositions: meanAtPositions(losses, positions) };
}
