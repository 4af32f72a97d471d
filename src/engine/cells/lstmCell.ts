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
 * The element-wise factors of these lines are the step's local derivatives (lstmLocalDerivatives).
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

/**
 * The blocks of H values lstmLocalDerivatives writes per stream, in order (x̃ is x's pre-activation):
 *   dcDi = dc_t/dĩ = g i(1-i)     dcDf = dc_t/df̃ = c_{t-1} f(1-f)     dcDg = dc_t/dg̃ = i(1-g^2)
 *   dhDo = dh_t/dõ = tanh(c_t) o(1-o)     dhDc = dh_t/dc_t = o(1 - tanh^2 c_t)     dcDc = dc_t/dc_{t-1} = f
 */
export const LSTM_LOCAL = { dcDi: 0, dcDf: 1, dcDg: 2, dhDo: 3, dhDc: 4, dcDc: 5, blocks: 6 } as const;

/**
 * The step's local derivatives for stream b of step t after the forward pass, into out[at ..) in
 * LSTM_LOCAL's blocks. The backward pass, the step Jacobians and the itemized backward all read
 * them from here.
 */
export function lstmLocalDerivatives(net: Network, lb: LayerBuffers, B: number, t: number, b: number, out: FloatArray, at: number): void {
  const { H, GH } = net;
  const { acts, cs, tanhC } = lb;
  const g4 = (t * B + b) * GH;
  const row = (t * B + b) * H;
  const prev = t * B * H + b * H;
  for (let j = 0; j < H; j++) {
    const i = acts[g4 + j];
    const f = acts[g4 + H + j];
    const g = acts[g4 + 2 * H + j];
    const o = acts[g4 + 3 * H + j];
    const tc = tanhC[row + j];
    out[at + j] = g * i * (1 - i);
    out[at + H + j] = cs[prev + j] * f * (1 - f);
    out[at + 2 * H + j] = i * (1 - g * g);
    out[at + 3 * H + j] = tc * o * (1 - o);
    out[at + 4 * H + j] = o * (1 - tc * tc);
    out[at + 5 * H + j] = f;
  }
}

export function lstmBackward(net: Network, ws: Workspace, lb: LayerBuffers, layer: number, grads: FloatArray | null): void {
  const { H, GH } = net;
  const p = net.params;
  const { wHh, bHh } = net.layout.layers[layer];
  const B = ws.batch;
  const { hs, dH, dC, dGX, dhNext, dcNext, local } = lb;
  if (!ws.continueGradient) {
    dhNext.fill(0);
    dcNext.fill(0);
  }
  for (let t = ws.steps - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      lstmLocalDerivatives(net, lb, B, t, b, local, 0);
      const g4 = (t * B + b) * GH;
      const row = (t * B + b) * H;
      const s = b * H;
      for (let j = 0; j < H; j++) {
        const dh = dH[row + j] + dhNext[s + j];
        dH[row + j] = dh;
        const dc = dcNext[s + j] + dh * local[4 * H + j];
        dC[row + j] = dc;
        dGX[g4 + j] = dc * local[j];
        dGX[g4 + H + j] = dc * local[H + j];
        dGX[g4 + 2 * H + j] = dc * local[2 * H + j];
        dGX[g4 + 3 * H + j] = dh * local[3 * H + j];
        dcNext[s + j] = dc * local[5 * H + j];
      }
    }
    if (t > 0 || ws.continueGradient) matmulAB(dhNext, 0, dGX, t * B * GH, p, wHh, B, H, GH, false);
  }
  if (grads) {
    matmulAtB(grads, wHh, dGX, 0, hs, 0, GH, H, ws.rows, true);
    addColumnSums(grads, bHh, dGX, 0, ws.rows, GH);
  }
}
