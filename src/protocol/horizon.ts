/**
 * The gradient horizon of a trace: how many steps back the loss at a step still reaches with at
 * least 1% of its own weight, read off the itemized gradient matrix (traceLayout.ts, section
 * `itemized`). Shared by the Gradient Flow view (webview/shared/traceData.ts) and the command
 * line (`rnn-lens compare`), so both report the same number.
 */

/**
 * How many steps back the contribution of the loss at step t stays at or above `fraction` of its
 * value at k = t: the number of consecutive k = t-1, t-2, ... with row[k] >= fraction * row[t].
 * A row whose own value is zero (or not finite) has horizon 0.
 */
export function gradientHorizon(row: ArrayLike<number>, t: number, fraction = 0.01): number {
  const base = row[t];
  if (!(base > 0) || !Number.isFinite(base)) return 0;
  let n = 0;
  for (let k = t - 1; k >= 0; k--) {
    if (row[k] >= fraction * base) n++;
    else break;
  }
  return n;
}

/**
 * One layer's horizon for a whole window of T steps: the median of the row horizons over the rows
 * that have room to show it (t >= T/2), so one noisy row does not decide it. `itemized` is the
 * trace's [L, T, T] section.
 */
export function windowHorizon(itemized: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, layer: number, T: number): number {
  const hs: number[] = [];
  for (let t = Math.floor(T / 2); t < T; t++) hs.push(gradientHorizon(itemized.subarray((layer * T + t) * T, (layer * T + t + 1) * T), t));
  hs.sort((a, b) => a - b);
  return hs.length ? hs[Math.floor(hs.length / 2)] : 0;
}
