/**
 * One optimizer update from a finished gradient: measure, clip, step.
 *
 * Order: the global L2 norm is measured (and reported) before clipping; norm clipping, then
 * value clipping; then the optimizer. A gradient with any non-finite entry (NaN or ±Inf: the
 * network has diverged) is never applied: the weights and the optimizer state stay as they were
 * and the first offending tensor is named.
 */

import { clipValues, normClipScale, scaleInPlace, tensorSquares } from './clipping';
import { type FloatArray } from './kernels';
import { optimizerStep, type OptimizerState } from './optimizers';
import { type ParamLayout } from './params';
import { sumSquares } from './tensorOps';

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
  tensors: TensorStats[];
  nonFinite: string | null;
}

export interface ClipSettings {
  clipNorm: number;
  clipValue: number;
}

/** Clips `grads` in place and updates `params` (unless non-finite). `lossFinite` false also skips the update. */
export function applyUpdate(
  params: FloatArray, grads: FloatArray, optimizer: OptimizerState, layout: ParamLayout, clip: ClipSettings, lr: number, lossFinite = true,
): UpdateResult {
  const squares = tensorSquares(grads, layout);
  let total = 0;
  for (const s of squares) total += s;
  const gradNorm = Math.sqrt(total);
  let nonFinite: string | null = null;
  for (let k = 0; k < squares.length && nonFinite === null; k++) if (!Number.isFinite(squares[k])) nonFinite = layout.specs[k].name;
  if (nonFinite === null && !lossFinite) nonFinite = 'loss';
  let clipScale = 1;
  let valueClipped = 0;
  let updateSq: Float64Array | null = null;
  if (nonFinite === null) {
    clipScale = normClipScale(gradNorm, clip.clipNorm);
    if (clipScale !== 1) scaleInPlace(grads, clipScale);
    valueClipped = clipValues(grads, clip.clipValue);
    updateSq = optimizerStep(optimizer, params, grads, lr, layout);
  }
  const tensors = layout.specs.map((spec, k) => ({
    name: spec.name,
    gradNorm: Math.sqrt(squares[k]),
    weightNorm: Math.sqrt(sumSquares(params, layout.offsets[k], spec.size)),
    updateNorm: updateSq ? Math.sqrt(updateSq[k]) : 0,
  }));
  return { gradNorm, clipScale, valueClipped, tensors, nonFinite };
}
