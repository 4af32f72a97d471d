/**
 * For the trace (after backwardWindow on its workspace): what each step's cell sends back to the
 * state it started from, and the GRU's reset-gate gradient. The backward pass computes both on
 * its way but keeps neither (it folds the first into dL/dh_{t-1} and needs the second only
 * through the pre-activation): here they are recomputed from its per-step pre-activation
 * gradients, which it does keep, with one or two products per layer over all T steps at once.
 *
 *   rnn, lstm:  dhPrev_t = W_hh^T dpre_t                       (dpre: the gates' pre-activation gradient)
 *   gru:        dhPrev_t = z ⊙ dh_t + W_hr^T dr_pre + W_hz^T dz_pre
 *                          + reset-after: W_hn^T (dn_pre ⊙ r)     Cho: (W_hn^T dn_pre) ⊙ r
 *               dL/dr_t  = reset-after: dn_pre ⊙ (W_hn h_{t-1} + b_hn)     Cho: (W_hn^T dn_pre) ⊙ h_{t-1}
 *
 * (The formulas are the cells' backward passes, cells/*.ts; the trace test checks the results
 * against the engine's dL/dh and against finite differences.)
 */

import { matmulAB, type FloatArray } from '../kernels/kernels';
import { type Network } from '../model/network';
import { type Workspace } from '../model/workspace';

/** Writes dhPrev [L, T, H] at `dhPrevAt` and, for a GRU, dL/dr [L, T, H] at `dResetAt` into `data`. `scratch` holds T*H values. */
export function recordRecurrentGradients(net: Network, ws: Workspace, scratch: FloatArray, data: Float32Array, dhPrevAt: number, dResetAt: number): void {
  const { H, GH } = net;
  const T = ws.steps;
  const p = net.params;
  const TH = T * H;
  for (let l = 0; l < net.config.layers; l++) {
    const lb = ws.layers[l];
    const { wHh } = net.layout.layers[l];
    const out = dhPrevAt + l * TH;
    if (net.config.cell !== 'gru') {
      matmulAB(scratch, 0, lb.dGX, 0, p, wHh, T, H, GH, false);
      for (let i = 0; i < TH; i++) data[out + i] = scratch[i];
      continue;
    }
    const wHn = wHh + 2 * H * H;
    const resetAfter = net.config.gruResetAfter;
    const { acts, aux, hs, dH, dGX } = lb;
    const dr = dResetAt + l * TH;
    if (!resetAfter) matmulAB(scratch, 0, lb.dHN, 0, p, wHn, T, H, H, false); // d(r ⊙ h_{t-1}) per step
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < H; j++) {
        const g = t * GH + j, row = t * H + j;
        const r = acts[g], z = acts[g + H];
        if (resetAfter) {
          data[dr + row] = dGX[g + 2 * H] * aux[row];
          data[out + row] = dH[row] * z;
        } else {
          data[dr + row] = scratch[row] * hs[row]; // hs row t is h_{t-1} (batch 1)
          data[out + row] = dH[row] * z + scratch[row] * r;
        }
      }
    }
    matmulAB(scratch, 0, lb.dHRZ, 0, p, wHh, T, H, 2 * H, false);
    if (resetAfter) matmulAB(scratch, 0, lb.dHN, 0, p, wHn, T, H, H, true);
    for (let i = 0; i < TH; i++) data[out + i] += scratch[i];
  }
}
