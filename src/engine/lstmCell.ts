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

import { matmulAB, matmulABt, matmulAtB, type FloatArray } from './kernels';
import { type Network } from './network';
import { addColumnSums, sigmoid } from './tensorOps';
import { type LayerBuffers, type Workspace } from './workspace';

export function lstmForward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number): void {
  const { H, GH } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const B = ws.batch;
  const { xg, hh, acts, hs, cs, tanhC } = lb;
  for (let t = 0; t < ws.steps; t++) {
    matmulABt(hh, 0, hs, t * B * H, p, wHh, B, GH, H, false);
    for (let b = 0; b < B; b++) {
      const g4 = (t * B + b) * GH;
      const q = b * GH;
      const row = (t * B + b) * H;
      const prev = t * B * H + b * H;
      const out = prev + B * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(xg[g4 + j] + hh[q + j] + p[bHh + j]);
        const f = sigmoid(xg[g4 + H + j] + hh[q + H + j] + p[bHh + H + j]);
        const g = Math.tanh(xg[g4 + 2 * H + j] + hh[q + 2 * H + j] + p[bHh + 2 * H + j]);
        const o = sigmoid(xg[g4 + 3 * H + j] + hh[q + 3 * H + j] + p[bHh + 3 * H + j]);
        acts[g4 + j] = i;
        acts[g4 + H + j] = f;
        acts[g4 + 2 * H + j] = g;
        acts[g4 + 3 * H + j] = o;
        const c = f * cs[prev + j] + i * g;
        cs[out + j] = c;
        const tc = Math.tanh(c);
        tanhC[row + j] = tc;
        hs[out + j] = o * tc;
      }
    }
  }
}

export function lstmBackward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number, grads: FloatArray | null): void {
  const { H, GH } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const B = ws.batch;
  const { acts, hs, cs, tanhC, dH, dC, dGX, dhNext, dcNext } = lb;
  dhNext.fill(0);
  dcNext.fill(0);
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
    if (t > 0) matmulAB(dhNext, 0, dGX, t * B * GH, p, wHh, B, H, GH, false);
  }
  if (grads) {
    matmulAtB(grads, wHh, dGX, 0, hs, 0, GH, H, ws.rows, true);
    addColumnSums(grads, bHh, dGX, 0, ws.rows, GH);
  }
}
