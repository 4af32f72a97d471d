/**
 * Softmax cross-entropy, the loss of next-character prediction:
 *
 *   p = softmax(y),   L_row = -log p[target] = logsumexp(y) - y[target]
 *   dL_row/dy = p - onehot(target)
 *
 * Computed per row in double precision with the max subtracted (exp never overflows).
 */

import { type FloatArray } from '../kernels/kernels';

/** exp(y - max) of one row, kept in double precision between the sum and the division (grown as needed, never per row). */
let rowExps = new Float64Array(0);

/**
 * Turns logits into probabilities in place, writes each row's loss into rowLoss and
 * scale * (p - onehot) into dLogits. Returns the sum of the rows' losses.
 */
export function softmaxCrossEntropy(
  probs: FloatArray, dLogits: FloatArray | null, rowLoss: Float64Array, targets: Int32Array, rows: number, V: number, scale: number,
): number {
  let total = 0;
  if (rowExps.length < V) rowExps = new Float64Array(V);
  const e = rowExps;
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (probs[o + v] > max) max = probs[o + v];
    let sum = 0;
    for (let v = 0; v < V; v++) {
      e[v] = Math.exp(probs[o + v] - max);
      sum += e[v];
    }
    const target = targets[r];
    const loss = Math.log(sum) + max - probs[o + target];
    rowLoss[r] = loss;
    total += loss;
    for (let v = 0; v < V; v++) probs[o + v] = e[v] / sum;
    if (dLogits) {
      for (let v = 0; v < V; v++) dLogits[o + v] = probs[o + v] * scale;
      dLogits[o + target] -= scale;
    }
  }
  return total;
}
