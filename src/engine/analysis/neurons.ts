/**
 * Finding units that track a feature of the text: for every unit (h of every layer, and c of
 * every layer for an LSTM) and every feature (features.ts), the Pearson correlation r between
 * the unit's value after reading text[t] (from the zero state) and the feature's value at t, over
 * all positions t. A feature or unit that never changes gets r = 0.
 *
 * The text is read in windows; each window's means and centred sums of squares and products are
 * merged into the running ones (Chan, Golub and LeVeque's pairwise update), so a long text needs
 * no more memory than a window and its sums stay accurate.
 */

import { forwardWindow } from '../model/bptt';
import { InputError } from '../errors';
import { type Network } from '../model/network';
import { encodeText } from '../text';
import { passWorkspace } from '../training/trainingMemory';
import { type Chunked } from './chunked';
import { featureScanner, type FeatureSpec } from './features';
import { carryAfter, TEXT_WINDOW, windowsOf } from './textPass';

export interface UnitRef {
  /** Counted from 0. */
  readonly layer: number;
  readonly state: 'h' | 'c';
  readonly unit: number;
}

export interface RankedUnit extends UnitRef {
  readonly r: number;
}

export interface NeuronReport {
  /** Every unit, in the order of each feature's r: per layer, its h units then (LSTM) its c units. */
  readonly units: readonly UnitRef[];
  /** Per feature, r of every unit. */
  readonly features: readonly { readonly name: string; readonly r: Float64Array }[];
  /** Positions correlated (the text's length in characters). */
  readonly positions: number;
}

/** The units of a model in report order. */
export function unitRefs(layers: number, hidden: number, lstm: boolean): UnitRef[] {
  const out: UnitRef[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (const state of lstm ? (['h', 'c'] as const) : (['h'] as const)) {
      for (let unit = 0; unit < hidden; unit++) out.push({ layer, state, unit });
    }
  }
  return out;
}

/** The k units with the largest |r|, largest first (ties in report order). */
export function topUnits(units: readonly UnitRef[], r: Float64Array, k: number): RankedUnit[] {
  const order = Array.from(r.keys()).sort((a, b) => Math.abs(r[b]) - Math.abs(r[a]) || a - b);
  return order.slice(0, k).map((i) => ({ ...units[i], r: r[i] }));
}

/** Correlates every unit with every feature over the whole text. Yields after each window. */
export function* neuronsJob(network: Network, text: string, features: readonly FeatureSpec[]): Chunked<NeuronReport> {
  const ids = encodeText(text, network.config.vocab);
  const n = ids.length;
  if (n < 2) throw new InputError('The text needs at least 2 characters to correlate anything.');
  const { H } = network;
  const L = network.config.layers;
  const lstm = network.config.cell === 'lstm';
  const units = unitRefs(L, H, lstm);
  const U = units.length;
  const F = features.length;
  const scanners = features.map((f) => featureScanner(f, text));
  const chars = Array.from(text);
  const { net, ws } = passWorkspace(network, 1, Math.min(TEXT_WINDOW, n));
  ws.resetState();

  // Running statistics over the positions so far.
  let count = 0;
  const meanX = new Float64Array(U);
  const meanF = new Float64Array(F);
  const ssX = new Float64Array(U);
  const ssF = new Float64Array(F);
  const sxf = new Float64Array(F * U);
  // One window's values, centred on its own means, and its statistics.
  const W = ws.steps;
  const x = new Float64Array(W * U);
  const f = new Float64Array(W * F);
  const wMeanX = new Float64Array(U);
  const wMeanF = new Float64Array(F);
  const wSxf = new Float64Array(F * U);

  for (const [start, m] of windowsOf(n, W)) {
    ws.ids.set(ids.subarray(start, start + m));
    forwardWindow(net, ws);
    for (let t = 0; t < m; t++) {
      let u = 0;
      for (let l = 0; l < L; l++) {
        const { hs, cs } = ws.layers[l];
        for (let j = 0; j < H; j++) x[t * U + u++] = hs[(t + 1) * H + j];
        if (lstm) for (let j = 0; j < H; j++) x[t * U + u++] = cs[(t + 1) * H + j];
      }
      for (let k = 0; k < F; k++) f[t * F + k] = scanners[k](chars[start + t]);
    }
    carryAfter(ws, m);
    centre(x, m, U, wMeanX);
    centre(f, m, F, wMeanF);
    wSxf.fill(0);
    for (let t = 0; t < m; t++) {
      for (let k = 0; k < F; k++) {
        const a = f[t * F + k];
        if (a === 0) continue;
        const row = k * U;
        for (let u = 0; u < U; u++) wSxf[row + u] += a * x[t * U + u];
      }
    }
    // Merge: the sums about the joint mean gain (delta_a delta_b) * n_a n_b / (n_a + n_b).
    const joint = count + m;
    const weight = (count * m) / joint;
    const dX = new Float64Array(U);
    const dF = new Float64Array(F);
    for (let u = 0; u < U; u++) {
      dX[u] = wMeanX[u] - meanX[u];
      ssX[u] += sumOfSquares(x, m, U, u) + dX[u] * dX[u] * weight;
      meanX[u] += (dX[u] * m) / joint;
    }
    for (let k = 0; k < F; k++) {
      dF[k] = wMeanF[k] - meanF[k];
      ssF[k] += sumOfSquares(f, m, F, k) + dF[k] * dF[k] * weight;
      meanF[k] += (dF[k] * m) / joint;
    }
    for (let k = 0; k < F; k++) for (let u = 0; u < U; u++) sxf[k * U + u] += wSxf[k * U + u] + dF[k] * dX[u] * weight;
    count = joint;
    yield { done: start + m, total: n };
  }

  return {
    units,
    positions: n,
    features: features.map((spec, k) => {
      const r = new Float64Array(U);
      for (let u = 0; u < U; u++) {
        const den = Math.sqrt(ssX[u] * ssF[k]);
        r[u] = den > 0 ? sxf[k * U + u] / den : 0;
      }
      return { name: spec.name, r };
    }),
  };
}

/** Subtracts each column's mean over the first m rows of a [rows, cols] array; the means go to `mean`. */
function centre(a: Float64Array, m: number, cols: number, mean: Float64Array): void {
  mean.fill(0);
  for (let t = 0; t < m; t++) for (let c = 0; c < cols; c++) mean[c] += a[t * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= m;
  for (let t = 0; t < m; t++) for (let c = 0; c < cols; c++) a[t * cols + c] -= mean[c];
}

function sumOfSquares(a: Float64Array, m: number, cols: number, c: number): number {
  let s = 0;
  for (let t = 0; t < m; t++) s += a[t * cols + c] * a[t * cols + c];
  return s;
}
