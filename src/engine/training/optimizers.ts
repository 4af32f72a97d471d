/**
 * The three optimizers, with exactly PyTorch's update rules (adam betas 0.9, 0.999; eps 1e-8 for
 * adagrad and adam, as the golden README pins down):
 *
 *   sgd:      w -= lr * g
 *   adagrad:  G += g^2;  w -= lr * g / (sqrt(G) + 1e-8)
 *   adam:     m = 0.9 m + 0.1 g;  v = 0.999 v + 0.001 g^2;  t += 1
 *             w -= lr * (m / (1 - 0.9^t)) / (sqrt(v / (1 - 0.999^t)) + 1e-8)
 *             computed as PyTorch does: step = lr / (1 - 0.9^t), denom = sqrt(v) / sqrt(1 - 0.999^t) + 1e-8,
 *             w -= step * m / denom (two divisions per weight instead of three: the update is
 *             division-bound, about a tenth of a batch-1 training step)
 *
 * Each runs as one loop over the flat parameter buffer; tensor by tensor only when the size of
 * each tensor's update (||Δw||) is to be reported (the same arithmetic either way).
 */

import { type OptimizerKind } from '../model/config';
import { type FloatArray } from '../kernels/kernels';
import { type ParamLayout } from '../model/params';
import { byteAddress, simdKernelsFor } from '../kernels/simd/simdArena';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const OPTIMIZER_EPS = 1e-8;

/** Optimizer state over the flat parameter layout; slot names are those stored in checkpoints. */
export interface OptimizerState {
  readonly kind: OptimizerKind;
  /** Adam's step counter (bias corrections); counts updates for the others too. */
  t: number;
  /** 'm' and 'v' (adam), 'sum' (adagrad), none (sgd); each as long as the parameter buffer. */
  readonly slots: Map<string, Float32Array>;
}

export function slotNames(kind: OptimizerKind): string[] {
  return kind === 'adam' ? ['m', 'v'] : kind === 'adagrad' ? ['sum'] : [];
}

/** `alloc` places the slots (a training run's SIMD arena, next to the weights and gradients). */
export function createOptimizerState(kind: OptimizerKind, size: number, alloc: (length: number) => Float32Array = (n) => new Float32Array(n)): OptimizerState {
  const slots = new Map<string, Float32Array>();
  for (const name of slotNames(kind)) slots.set(name, alloc(size));
  return { kind, t: 0, slots };
}

/**
 * Applies one update to params from grads. Returns, per tensor of the layout, the sum of squares
 * of the change actually applied (for ||Δw||); null when `measure` is false (nothing measured).
 */
export function optimizerStep(state: OptimizerState, params: FloatArray, grads: FloatArray, lr: number, layout: ParamLayout, measure = true): Float64Array | null {
  state.t += 1;
  if (!measure && state.kind === 'adam') {
    adamUpdate(params, grads, state.slots.get('m')!, state.slots.get('v')!, lr, state.t, 0, params.length);
    return null;
  }
  const updateSq = new Float64Array(layout.specs.length);
  const t = state.t;
  const m = state.slots.get('m');
  const v = state.slots.get('v');
  const sum = state.slots.get('sum');
  for (let k = 0; k < layout.specs.length; k++) {
    const start = layout.offsets[k];
    const end = start + layout.specs[k].size;
    let sq = 0;
    if (state.kind === 'sgd') {
      for (let i = start; i < end; i++) {
        const old = params[i];
        params[i] = old - lr * grads[i];
        const d = params[i] - old;
        sq += d * d;
      }
    } else if (state.kind === 'adagrad') {
      const G = sum!;
      for (let i = start; i < end; i++) {
        const g = grads[i];
        G[i] += g * g;
        const old = params[i];
        params[i] = old - (lr * g) / (Math.sqrt(G[i]) + OPTIMIZER_EPS);
        const d = params[i] - old;
        sq += d * d;
      }
    } else {
      // The same update as the unmeasured path (SIMD or not), then the change it made: steps
      // with and without statistics must train the same bits.
      const old = params.slice(start, end);
      adamUpdate(params, grads, m!, v!, lr, t, start, end);
      for (let i = start; i < end; i++) {
        const d = params[i] - old[i - start];
        sq += d * d;
      }
    }
    updateSq[k] = sq;
  }
  return updateSq;
}

/**
 * The Adam rule above on params[start, end), without measuring ||Δw|| (the hot path of training
 * steps that report nothing). When the weights, gradients and both slots share a SIMD arena (a
 * Trainer's do), four lanes at a time in float32, as PyTorch computes it; otherwise in double.
 */
function adamUpdate(params: FloatArray, grads: FloatArray, M: Float32Array, Vs: Float32Array, lr: number, t: number, start: number, end: number): void {
  const adamStep = lr / (1 - Math.pow(ADAM_BETA1, t));
  const sqrtBc2 = Math.sqrt(1 - Math.pow(ADAM_BETA2, t));
  const simd = simdKernelsFor(params, grads, M);
  if (simd !== undefined && Vs.buffer === M.buffer) {
    const at = (a: FloatArray): number => byteAddress(a, start);
    simd.adamUpdate(at(params), at(grads), at(M), at(Vs), end - start, adamStep, sqrtBc2, ADAM_BETA1, 1 - ADAM_BETA1, ADAM_BETA2, 1 - ADAM_BETA2, OPTIMIZER_EPS);
    return;
  }
  for (let i = start; i < end; i++) {
    const g = grads[i];
    M[i] = ADAM_BETA1 * M[i] + (1 - ADAM_BETA1) * g;
    Vs[i] = ADAM_BETA2 * Vs[i] + (1 - ADAM_BETA2) * g * g;
    params[i] = params[i] - (adamStep * M[i]) / (Math.sqrt(Vs[i]) / sqrtBc2 + OPTIMIZER_EPS);
  }
}
