/**
 * Reading a text through the network window by window, for the analyses that need more than the
 * loss (probe, saliency, neurons): the windows of one workspace, the state carried from one to
 * the next, and the predicted distributions as log-probabilities in double precision.
 */

import { type FloatArray } from '../kernels/kernels';
import { type Workspace } from '../model/workspace';

/** Characters per window: long enough that the products are matrix-matrix, short enough to stay in cache. */
export const TEXT_WINDOW = 256;

/** [start, count) of each window over `total` steps of at most `size`. */
export function* windowsOf(total: number, size: number): Generator<readonly [number, number]> {
  for (let start = 0; start < total; start += size) yield [start, Math.min(size, total - start)];
}

/**
 * Makes the state after step `steps - 1` (row `steps` of every layer's hs and cs) the state the
 * next window starts from. Unlike Workspace.carryState, the window may have run fewer steps than
 * the workspace holds (the rows after it are stale and ignored).
 */
export function carryAfter(ws: Workspace, steps: number): void {
  const n = ws.batch * ws.net.H;
  for (const lb of ws.layers) {
    lb.hs.copyWithin(0, steps * n, (steps + 1) * n);
    if (lb.cs.length > 0) lb.cs.copyWithin(0, steps * n, (steps + 1) * n);
  }
}

/** log softmax of logits[off .. off + V) into out[0 .. V), in double precision. */
export function logSoftmax(logits: FloatArray, off: number, V: number, out: Float64Array): void {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[off + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[off + v] - max);
  const shift = max + Math.log(sum);
  for (let v = 0; v < V; v++) out[v] = logits[off + v] - shift;
}

/** Index of the largest of values[off .. off + n) (the first of equals). */
export function argmax(values: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let v = 1; v < n; v++) if (values[off + v] > values[off + best]) best = v;
  return best;
}
