/**
 * LSTM cell (Hochreiter & Schmidhuber 1997, with forget gate), PyTorch's nn.LSTM, gate blocks in
 * the order i, f, g, o:
 *
 *   [i; f; g; o] = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh      (pre-activations)
 *   i, f, o = sigmoid(.)      g = tanh(.)
 *   c_t = f * c_{t-1} + i * g
 *   h_t = o * tanh(c_t)
 *
 * Backward through one step (dh_t and dc_t include what flows back from step t+1):
 *   dc_t     += dh_t * o * (1 - tanh(c_t)^2)
 *   di = dc_t * g   df = dc_t * c_{t-1}   dg = dc_t * i   do = dh_t * tanh(c_t)
 *   dc_{t-1}  = dc_t * f        (the "constant error carousel": no squashing, only f)
 *   dh_{t-1}  = W_hh^T [di i(1-i); df f(1-f); dg (1-g^2); do o(1-o)]
 */

import { matmulAB, matmulABt, matmulAtB, type FloatArray } from '../kernels/kernels';
import { type Network } from '../model/network';
import { addColumnSums, sigmoidRows, tanhRows } from '../kernels/tensorOps';
import { holdUnits } from './unitHolds';
import { type LayerBuffers, type Workspace } from '../model/workspace';

export function lstmForward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number): void {
  const { H, GH } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const B = ws.batch;
  const { xg, hh, acts, hs, cs, tanhC } = lb;
  const hold = ws.holds?.[layer] ?? null;
  for (let t = 0; t < ws.steps; t++) {
    matmulABt(hh, 0, hs, t * B * H, p, wHh, B, GH, H, false);
    // The four gates' pre-activations for every stream: W_ih x_t + b_ih (already in xg) + W_hh h_{t-1} + b_hh.
    const gates = t * B * GH;
    for (let b = 0; b < B; b++) {
      const g4 = gates + b * GH;
      const q = b * GH;
      for (let j = 0; j < GH; j++) acts[g4 + j] = xg[g4 + j] + hh[q + j] + p[bHh + j];
    }
    // i, f, o = sigmoid(.), g = tanh(.): each a block of H in every stream's row of acts.
    sigmoidRows(acts, gates, B, GH, 2 * H);
    tanhRows(acts, gates + 2 * H, B, GH, H);
    sigmoidRows(acts, gates + 3 * H, B, GH, H);
    for (let b = 0; b < B; b++) {
      const g4 = gates + b * GH;
      const row = (t * B + b) * H;
      const prev = t * B * H + b * H;
      const out = prev + B * H;
      for (let j = 0; j < H; j++) {
        const c = acts[g4 + H + j] * cs[prev + j] + acts[g4 + j] * acts[g4 + 2 * H + j]; // f c_{t-1} + i g
        cs[out + j] = c;
        tanhC[row + j] = c;
      }
    }
    if (hold) {
      holdUnits(cs, (t + 1) * B * H, B, H, hold.cUnits, hold.cValues);
      holdUnits(tanhC, t * B * H, B, H, hold.cUnits, hold.cValues);
    }
    tanhRows(tanhC, t * B * H, 1, B * H, B * H);
    for (let b = 0; b < B; b++) {
      const o = (t * B + b) * GH + 3 * H;
      const row = (t * B + b) * H;
      const out = (t + 1) * B * H + b * H;
      for (let j = 0; j < H; j++) hs[out + j] = acts[o + j] * tanhC[row + j]; // o tanh(c_t)
    }
    if (hold) holdUnits(hs, (t + 1) * B * H, B, H, hold.hUnits, hold.hValues);
  }
}

export function lstmBackward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number, grads: FloatArray | null): void {
  const { H, GH } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const B = ws.batch;
  const { acts, hs, cs, tanhC, dH, dC, dGX, dhNext, dcNext } = lb;
  if (!ws.continueGradient) {
    dhNext.fill(0);
    dcNext.fill(0);
  }
  for (let t = ws.steps - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const g4 = (t * B + b) * GH;
      const row = (t * B + b) * H;
      const prev = t * B * H + b * H;
      const s = b * H;
      for (let j = 0; j < H; j++) {
        const dh = dH[row + j] + dhNext[s + j];
        dH[row + j] = dh;
        const i = acts[g4 + j];
        const f = acts[g4 + H + j];
        const g = acts[g4 + 2 * H + j];
        const o = acts[g4 + 3 * H + j];
        const tc = tanhC[row + j];
        const dc = dcNext[s + j] + dh * o * (1 - tc * tc);
        dC[row + j] = dc;
        dGX[g4 + j] = dc * g * i * (1 - i);
        dGX[g4 + H + j] = dc * cs[prev + j] * f * (1 - f);
        dGX[g4 + 2 * H + j] = dc * i * (1 - g * g);
        dGX[g4 + 3 * H + j] = dh * tc * o * (1 - o);
        dcNext[s + j] = dc * f;
      }
    }
    if (t > 0 || ws.continueGradient) matmulAB(dhNext, 0, dGX, t * B * GH, p, wHh, B, H, GH, false);
  }
  if (grads) {
    matmulAtB(grads, wHh, dGX, 0, hs, 0, GH, H, ws.rows, true);
    addColumnSums(grads, bHh, dGX, 0, ws.rows, GH);
  }
}
