/**
 * Vanilla (Elman) RNN cell, PyTorch's nn.RNN with tanh:
 *
 *   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
 *   h_t = tanh(a_t)
 *
 * Backward through one step, with dh_t = (dL/dh_t from above) + (from step t+1):
 *   da_t      = dh_t * (1 - h_t^2)      (the local derivative dh_t/da_t: rnnLocalDerivatives)
 *   dh_{t-1} += W_hh^T da_t          (the recurrence: this product, repeated T times, is what vanishes or explodes)
 */

import { matmulAB, matmulABt, matmulAtB, type FloatArray } from '../kernels/kernels';
import { type Network } from '../model/network';
import { addColumnSums, tanhRows } from '../kernels/tensorOps';
import { holdUnits } from './unitHolds';
import { type LayerBuffers, type Workspace } from '../model/workspace';

export function rnnForward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number): void {
  const { H } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const B = ws.batch;
  const { xg, hh, acts, hs } = lb;
  const hold = ws.holds?.[layer] ?? null;
  for (let t = 0; t < ws.steps; t++) {
    matmulABt(hh, 0, hs, t * B * H, p, wHh, B, H, H, false);
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * H;
      const out = (t + 1) * B * H + b * H;
      for (let j = 0; j < H; j++) {
        const a = xg[row + j] + hh[b * H + j] + p[bHh + j];
        acts[row + j] = a;
        hs[out + j] = a;
      }
    }
    tanhRows(hs, (t + 1) * B * H, 1, B * H, B * H); // h_t = tanh(a_t), all streams at once
    if (hold) holdUnits(hs, (t + 1) * B * H, B, H, hold.hUnits, hold.hValues);
  }
}

/** The blocks of H values rnnLocalDerivatives writes per stream, in order. */
export const RNN_LOCAL = { dhDa: 0, blocks: 1 } as const;

/**
 * The step's local derivative for stream b of step t, after the forward pass: block dhDa of
 * out[at ..) is dh_t/da_t = 1 - h_t^2. The backward pass, the step Jacobians and the itemized
 * backward all read it from here.
 */
export function rnnLocalDerivatives(net: Network, lb: LayerBuffers, B: number, t: number, b: number, out: FloatArray, at: number): void {
  const H = net.H;
  const { hs } = lb;
  const h = (t + 1) * B * H + b * H;
  for (let j = 0; j < H; j++) out[at + j] = 1 - hs[h + j] * hs[h + j];
}

export function rnnBackward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number, grads: FloatArray | null): void {
  const { H } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const B = ws.batch;
  const { hs, dH, dGX, dhNext, local } = lb;
  if (!ws.continueGradient) dhNext.fill(0);
  for (let t = ws.steps - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      rnnLocalDerivatives(net, lb, B, t, b, local, 0);
      const row = (t * B + b) * H;
      const q = b * H;
      for (let j = 0; j < H; j++) {
        const dh = dH[row + j] + dhNext[q + j];
        dH[row + j] = dh;
        dGX[row + j] = dh * local[j];
      }
    }
    // The gradient stops at the window start (truncated BPTT), so step 0 needs no dh_{-1} unless it is carried on.
    if (t > 0 || ws.continueGradient) matmulAB(dhNext, 0, dGX, t * B * H, p, wHh, B, H, H, false);
  }
  if (grads) {
    // dW_hh = sum_t da_t h_{t-1}^T over all steps and streams at once.
    matmulAtB(grads, wHh, dGX, 0, hs, 0, H, H, ws.rows, true);
    addColumnSums(grads, bHh, dGX, 0, ws.rows, H);
  }
}
