/**
 * GRU cell (Cho et al. 2014), gate blocks in PyTorch's order r, z, n:
 *
 *   r = sigmoid(W_ir x + b_ir + W_hr h_{t-1} + b_hr)
 *   z = sigmoid(W_iz x + b_iz + W_hz h_{t-1} + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h_{t-1} + b_hn))      reset-after (PyTorch, gruResetAfter = true)
 *   n = tanh(W_in x + b_in + W_hn (r * h_{t-1}) + b_hn)      Cho et al. / textbook (gruResetAfter = false)
 *   h_t = (1 - z) * n + z * h_{t-1}
 *
 * Backward through one step:
 *   dn_pre = dh_t (1 - z)(1 - n^2)        dz_pre = dh_t (h_{t-1} - n) z(1 - z)
 *   reset-after: dr_pre = dn_pre (W_hn h_{t-1} + b_hn) r(1 - r);  dh_{t-1} gets W_hn^T (dn_pre * r)
 *   Cho:         d(r h) = W_hn^T dn_pre;  dr_pre = d(r h) h_{t-1} r(1 - r);  dh_{t-1} gets d(r h) * r
 *   both:        dh_{t-1} += dh_t * z + W_hr^T dr_pre + W_hz^T dz_pre     (the z path is the GRU's shortcut)
 * The element-wise factors of these lines are the step's local derivatives (gruLocalDerivatives).
 *
 * The recurrent products are done per block ([r z] and n) because in the Cho form the n block
 * multiplies r * h rather than h; W_hh's blocks are contiguous rows, so this needs no copies.
 */

import { matmulAB, matmulABt, matmulAtB, type FloatArray } from '../kernels/kernels';
import { type Network } from '../model/network';
import { addColumnSums, sigmoidRows, tanhRows } from '../kernels/tensorOps';
import { holdUnits } from './unitHolds';
import { type LayerBuffers, type Workspace } from '../model/workspace';

export function gruForward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number): void {
  const { H, GH } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const wHn = wHh + 2 * H * H;
  const resetAfter = net.config.gruResetAfter;
  const B = ws.batch;
  const { xg, hh, hhN, acts, hs, aux } = lb;
  // Reset-after: all three blocks multiply h_{t-1}, so one product W_hh h_{t-1} [B, 3H] (each
  // entry the same dot product as with separate products). Cho: [r z] now, n after r is known.
  const hhWidth = resetAfter ? GH : 2 * H;
  const hold = ws.holds?.[layer] ?? null;
  for (let t = 0; t < ws.steps; t++) {
    const prevBase = t * B * H;
    const gates = t * B * GH;
    matmulABt(hh, 0, hs, prevBase, p, wHh, B, hhWidth, H, false);
    for (let b = 0; b < B; b++) {
      const g3 = gates + b * GH;
      const q = b * hhWidth;
      for (let j = 0; j < 2 * H; j++) acts[g3 + j] = xg[g3 + j] + hh[q + j] + p[bHh + j];
    }
    sigmoidRows(acts, gates, B, GH, 2 * H); // r and z, every stream
    for (let b = 0; b < B; b++) {
      const g3 = gates + b * GH;
      const q = b * hhWidth;
      const row = (t * B + b) * H;
      const prev = prevBase + b * H;
      for (let j = 0; j < H; j++) {
        if (resetAfter) aux[row + j] = hh[q + 2 * H + j] + p[bHh + 2 * H + j];
        else aux[row + j] = acts[g3 + j] * hs[prev + j];
      }
    }
    if (!resetAfter) matmulABt(hhN, 0, aux, t * B * H, p, wHn, B, H, H, false);
    for (let b = 0; b < B; b++) {
      const g3 = gates + b * GH;
      const row = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        acts[g3 + 2 * H + j] = resetAfter
          ? xg[g3 + 2 * H + j] + acts[g3 + j] * aux[row + j]
          : xg[g3 + 2 * H + j] + hhN[b * H + j] + p[bHh + 2 * H + j];
      }
    }
    tanhRows(acts, gates + 2 * H, B, GH, H); // n, every stream
    for (let b = 0; b < B; b++) {
      const g3 = gates + b * GH;
      const prev = prevBase + b * H;
      const out = prev + B * H;
      for (let j = 0; j < H; j++) {
        const z = acts[g3 + H + j];
        hs[out + j] = (1 - z) * acts[g3 + 2 * H + j] + z * hs[prev + j];
      }
    }
    if (hold) holdUnits(hs, (t + 1) * B * H, B, H, hold.hUnits, hold.hValues);
  }
}

/**
 * The blocks of H values gruLocalDerivatives writes per stream, in order (x̃ is x's pre-activation):
 *   dhDh = dh_t/dh_{t-1} along the shortcut = z     dhDz = dh_t/dz̃ = (h_{t-1} - n) z(1-z)
 *   dhDn = dh_t/dñ = (1-z)(1-n^2)
 *   dnDr = reset-after: dñ/dr̃ = (W_hn h_{t-1} + b_hn) r(1-r);   Cho: d(r h_{t-1})/dr̃ = h_{t-1} r(1-r)
 *   reset = r, what the n path's recurrent term is multiplied by (reset-after: W_hn h_{t-1} + b_hn;
 *           Cho: h_{t-1}, before W_hn)
 */
export const GRU_LOCAL = { dhDh: 0, dhDz: 1, dhDn: 2, dnDr: 3, reset: 4, blocks: 5 } as const;

/**
 * The step's local derivatives for stream b of step t after the forward pass, into out[at ..) in
 * GRU_LOCAL's blocks. The backward pass, the step Jacobians and the itemized backward all read
 * them from here.
 */
export function gruLocalDerivatives(net: Network, lb: LayerBuffers, B: number, t: number, b: number, out: FloatArray, at: number): void {
  const { H, GH } = net;
  const resetAfter = net.config.gruResetAfter;
  const { acts, hs, aux } = lb;
  const g3 = (t * B + b) * GH;
  const row = (t * B + b) * H;
  const prev = t * B * H + b * H;
  for (let j = 0; j < H; j++) {
    const r = acts[g3 + j];
    const z = acts[g3 + H + j];
    const n = acts[g3 + 2 * H + j];
    const hPrev = hs[prev + j];
    out[at + j] = z;
    out[at + H + j] = (hPrev - n) * z * (1 - z);
    out[at + 2 * H + j] = (1 - z) * (1 - n * n);
    out[at + 3 * H + j] = (resetAfter ? aux[row + j] : hPrev) * r * (1 - r);
    out[at + 4 * H + j] = r;
  }
}

export function gruBackward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number, grads: FloatArray | null): void {
  const { H, GH } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const wHn = wHh + 2 * H * H;
  const resetAfter = net.config.gruResetAfter;
  const B = ws.batch;
  const { hs, aux, dH, dGX, dHRZ, dHN, dhNext, local } = lb;
  const direct = lb.scratch; // dh_t * z, plus (Cho) d(r h) * r: the parts of dh_{t-1} that skip W_hr and W_hz
  const dRH = lb.scratch2;
  if (!ws.continueGradient) dhNext.fill(0);
  for (let t = ws.steps - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const d = b * 5 * H; // every stream's derivatives are kept for the Cho form's second pass below
      gruLocalDerivatives(net, lb, B, t, b, local, d);
      const g3 = (t * B + b) * GH;
      const rz = (t * B + b) * 2 * H;
      const row = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const dh = dH[row + j] + dhNext[b * H + j];
        dH[row + j] = dh;
        const dn = dh * local[d + 2 * H + j];
        const dz = dh * local[d + H + j];
        dGX[g3 + H + j] = dz;
        dHRZ[rz + H + j] = dz;
        dGX[g3 + 2 * H + j] = dn;
        direct[b * H + j] = dh * local[d + j];
        if (resetAfter) {
          const dr = dn * local[d + 3 * H + j];
          dGX[g3 + j] = dr;
          dHRZ[rz + j] = dr;
          dHN[row + j] = dn * local[d + 4 * H + j];
        } else {
          dHN[row + j] = dn;
        }
      }
    }
    if (!resetAfter) {
      matmulAB(dRH, 0, dHN, t * B * H, p, wHn, B, H, H, false);
      for (let b = 0; b < B; b++) {
        const g3 = (t * B + b) * GH;
        const rz = (t * B + b) * 2 * H;
        const d = b * 5 * H;
        for (let j = 0; j < H; j++) {
          const dRh = dRH[b * H + j];
          const dr = dRh * local[d + 3 * H + j];
          dGX[g3 + j] = dr;
          dHRZ[rz + j] = dr;
          direct[b * H + j] += dRh * local[d + 4 * H + j];
        }
      }
    }
    if (t > 0 || ws.continueGradient) {
      dhNext.set(direct);
      matmulAB(dhNext, 0, dHRZ, t * B * 2 * H, p, wHh, B, H, 2 * H, true);
      if (resetAfter) matmulAB(dhNext, 0, dHN, t * B * H, p, wHn, B, H, H, true);
    }
  }
  if (grads) {
    const rows = ws.rows;
    matmulAtB(grads, wHh, dHRZ, 0, hs, 0, 2 * H, H, rows, true);
    // The n block of W_hh multiplied h_{t-1} (reset-after) or r * h_{t-1} (Cho, kept in aux).
    matmulAtB(grads, wHn, dHN, 0, resetAfter ? hs : aux, 0, H, H, rows, true);
    addColumnSums(grads, bHh, dHRZ, 0, rows, 2 * H);
    addColumnSums(grads, bHh + 2 * H, dHN, 0, rows, H);
  }
}
