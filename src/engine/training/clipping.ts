/**
 * Gradient clipping, the standard guard against exploding gradients in BPTT.
 *
 * Global norm clipping (torch.nn.utils.clip_grad_norm_): with total = ||g||_2 over ALL parameters,
 * if clipNorm / (total + 1e-6) < 1 every gradient is scaled by that factor. The direction of the
 * step is kept, only its length is capped.
 *
 * Value clipping (min-char-rnn's np.clip(g, -5, 5)): each entry is clamped on its own, which can
 * change the direction. Applied after norm clipping when both are on.
 */

import { type FloatArray } from '../kernels/kernels';
import { type ParamLayout } from '../model/params';
import { sumSquares } from '../kernels/tensorOps';

export const CLIP_EPS = 1e-6;

/** Per-tensor sums of squares of the gradient (the global norm is the sqrt of their sum). */
export function tensorSquares(grads: FloatArray, layout: ParamLayout): Float64Array {
  const out = new Float64Array(layout.specs.length);
  for (let k = 0; k < out.length; k++) out[k] = sumSquares(grads, layout.offsets[k], layout.specs[k].size);
  return out;
}

/** The clip_grad_norm_ factor: 1 when the norm is within bounds or clipping is off. */
export function normClipScale(totalNorm: number, clipNorm: number): number {
  if (clipNorm <= 0) return 1;
  const coef = clipNorm / (totalNorm + CLIP_EPS);
  return coef < 1 ? coef : 1;
}

export function scaleInPlace(a: FloatArray, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= s;
}

/** Clamps every entry to [-clipValue, clipValue]; returns how many were clamped. */
export function clipValues(grads: FloatArray, clipValue: number): number {
  if (clipValue <= 0) return 0;
  let clipped = 0;
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (g > clipValue) { grads[i] = clipValue; clipped++; }
    else if (g < -clipValue) { grads[i] = -clipValue; clipped++; }
  }
  return clipped;
}
