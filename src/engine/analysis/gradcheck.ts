/**
 * Gradient check: BPTT's analytic gradient against central finite differences
 *
 *   dL/dw ≈ (8 (L(w + ε) - L(w - ε)) - (L(w + 2ε) - L(w - 2ε))) / 12ε     (error O(ε^4))
 *
 * in float64 (in float32 the differences drown in rounding), for every parameter entry of a
 * small network on a small random text, over two streams starting from a random (nonzero)
 * carried state so every term of the backward pass is exercised.
 */

import { backwardWindow, forwardWindow, windowLoss } from '../model/bptt';
import { type CellType, type ModelConfig } from '../model/config';
import { initParameters } from '../model/init';
import { Network } from '../model/network';
import { paramLayout } from '../model/params';
import { Rng } from '../rng';
import { Workspace } from '../model/workspace';

export interface GradientCheckOptions { cell: CellType; layers: number; hidden: number; gruResetAfter?: boolean; seed?: number }

const EPSILON = 1e-4;
const BATCH = 2;
const STEPS = 5;
const VOCAB = ['a', 'b', 'c', 'd', 'e'];

/**
 * Per tensor, the largest relative error |analytic - numeric| / max(|analytic| + |numeric|, 1e-5).
 * The floor keeps entries whose true gradient is ~0 from dividing rounding noise (~1e-12 in the
 * differences) by noise: below 1e-5 the check is in effect an absolute one at 1e-11.
 */
export function gradientCheck(opts: GradientCheckOptions): { tensor: string; maxRelError: number }[] {
  const rng = new Rng(opts.seed ?? 7);
  const config: ModelConfig = { cell: opts.cell, hidden: opts.hidden, layers: opts.layers, vocab: VOCAB, gruResetAfter: opts.gruResetAfter ?? true };
  const layout = paramLayout(config);
  const params = new Float64Array(layout.total);
  initParameters(params, layout, config, rng, 1);
  const net = new Network(config, params);
  const ws = new Workspace(net, BATCH, STEPS);
  for (let r = 0; r < ws.rows; r++) {
    // Every character appears as an input, so no column of W_ih has an exactly-zero gradient (pure noise to compare).
    ws.ids[r] = r < VOCAB.length ? r : rng.int(VOCAB.length);
    ws.targets[r] = rng.int(VOCAB.length);
  }
  const stateSize = BATCH * opts.hidden;
  for (const lb of ws.layers) {
    for (let i = 0; i < stateSize; i++) lb.hs[i] = rng.uniform(-0.8, 0.8);
    for (let i = 0; i < lb.cs.length && i < stateSize; i++) lb.cs[i] = rng.uniform(-1, 1);
  }
  const scale = 1 / ws.rows;
  const loss = (): number => {
    forwardWindow(net, ws);
    return windowLoss(net, ws, scale) * scale;
  };
  loss();
  const analytic = new Float64Array(layout.total);
  backwardWindow(net, ws, analytic);
  return layout.specs.map((spec, k) => {
    let worst = 0;
    for (let i = layout.offsets[k]; i < layout.offsets[k] + spec.size; i++) {
      const w = params[i];
      const at = (delta: number): number => {
        params[i] = w + delta;
        const value = loss();
        params[i] = w;
        return value;
      };
      const numeric = (8 * (at(EPSILON) - at(-EPSILON)) - (at(2 * EPSILON) - at(-2 * EPSILON))) / (12 * EPSILON);
      const err = Math.abs(analytic[i] - numeric) / Math.max(Math.abs(analytic[i]) + Math.abs(numeric), 1e-5);
      worst = Math.max(worst, err);
    }
    return { tensor: spec.name, maxRelError: worst };
  });
}
