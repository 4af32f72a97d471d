/**
 * One optimizer update from a finished gradient: measure, clip, step.
 *
 * Order: the global L2 norm is measured (and reported) before clipping; norm clipping, then
 * value clipping; then the optimizer. A gradient with any non-finite entry (NaN or ±Inf: the
 * network has diverged) is never applied: the weights and the optimizer state stay as they were
 * and the first offending tensor is named.
 */

import { clipValues, normClipScale, scaleInPlace, tensorSquares } from './clipping';
import { type FloatArray } from '../kernels/kernels';
import { optimizerStep, type OptimizerState } from './optimizers';
import { type ParamLayout } from '../model/params';
import { sumSquares } from '../kernels/tensorOps';

export interface TensorStats {
  name: string;
  /** ||dL/dW|| before clipping. */
  gradNorm: number;
  /** ||W|| after the update. */
  weightNorm: number;
  /** ||ΔW|| of the update actually applied (0 when skipped). */
  updateNorm: number;
}

export interface UpdateResult {
  gradNorm: number;
  clipScale: number;
  valueClipped: number;
  /** One entry per tensor (parameterSpecs order); EMPTY when the update was asked for no per-tensor statistics. */
  tensors: TensorStats[];
  nonFinite: string | null;
}

export interface ClipSettings {
  clipNorm: number;
  clipValue: number;
}

/**
 * Clips `grads` in place and updates `params` (unless non-finite). `lossFinite` false also skips the update.
 *
 * `tensorStats` false skips what only the per-tensor report needs (a pass over the weights for
 * ||W||, the ||ΔW|| sums in the optimizer and the objects): `tensors` is then empty, every other
 * field is as usual, and the update itself is bit-for-bit the same. Training loops ask for the
 * statistics only on the steps they report (at batch 1 the extra passes cost a few % of a step).
 */
export function applyUpdate(
  params: FloatArray, grads: FloatArray, optimizer: OptimizerState, layout: ParamLayout, clip: ClipSettings, lr: number, lossFinite = true,
  tensorStats = true,
): UpdateResult {
  // Summed tensor by tensor in both modes, so the norm (and hence the clipping factor) is the same bits.
  const squares = tensorStats ? tensorSquares(grads, layout) : null;
  const total = squares ? squares.reduce((a, b) => a + b, 0) : totalSquares(grads, layout);
  const gradNorm = Math.sqrt(total);
  let nonFinite: string | null = null;
  if (!Number.isFinite(total)) {
    const perTensor = squares ?? tensorSquares(grads, layout);
    for (let k = 0; k < perTensor.length && nonFinite === null; k++) if (!Number.isFinite(perTensor[k])) nonFinite = layout.specs[k].name;
  }
  if (nonFinite === null && !lossFinite) nonFinite = 'loss';
  let clipScale = 1;
  let valueClipped = 0;
  let updateSq: Float64Array | null = null;
  if (nonFinite === null) {
    clipScale = normClipScale(gradNorm, clip.clipNorm);
    if (clipScale !== 1) scaleInPlace(grads, clipScale);
    valueClipped = clipValues(grads, clip.clipValue);
    updateSq = optimizerStep(optimizer, params, grads, lr, layout, tensorStats);
  }
  if (!squares) return { gradNorm, clipScale, valueClipped, tensors: [], nonFinite };
  const tensors = layout.specs.map((spec, k) => ({
    name: spec.name,
    gradNorm: Math.sqrt(squares[k]),
    weightNorm: Math.sqrt(sumSquares(params, layout.offsets[k], spec.size)),
    updateNorm: updateSq ? Math.sqrt(updateSq[k]) : 0,
  }));
  return { gradNorm, clipScale, valueClipped, tensors, nonFinite };
}

/** Σ over tensors of (Σ g^2 of the tensor): the same additions in the same order as summing tensorSquares. */
function totalSquares(grads: FloatArray, layout: ParamLayout): number {
  let total = 0;
  for (let k = 0; k < layout.specs.length; k++) total += sumSquares(grads, layout.offsets[k], layout.specs[k].size);
  return total;
}
