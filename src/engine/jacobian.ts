/**
 * The step Jacobian J_t = dh_t / dh_{t-1} of one layer at one step (input from below held fixed,
 * and for the LSTM the cell state c_{t-1} held fixed), as the two products power iteration needs:
 * J v (JVP) and J^T u (VJP), each O(G H^2), never the H x H matrix itself. ||J_t|| tells whether
 * a gradient passing back through step t shrinks (< 1: vanishing) or grows (> 1: exploding).
 *
 * Every cell's J is a diagonal plus row-scaled blocks of W_hh:  J = diag(d) + sum_g diag(s_g) W_g
 *   rnn:   s = 1 - h_t^2                                           (d = 0)
 *   lstm:  s_i = o (1 - tanh^2 c) g i(1-i)    s_f = o (1 - tanh^2 c) c_{t-1} f(1-f)
 *          s_g = o (1 - tanh^2 c) i (1-g^2)   s_o = tanh(c) o(1-o)  (d = 0)
 *   gru:   d = z,  s_z = (h_{t-1} - n) z(1-z)
 *          reset-after: s_r = (1-z)(1-n^2)(W_hn h_{t-1} + b_hn) r(1-r),  s_n = (1-z)(1-n^2) r
 *          Cho: the n path is (1-z)(1-n^2) * W_hn (r * v + h_{t-1} r(1-r) * (W_hr v)), not row-scaled.
 */

import { type FloatArray, matmulAB, matmulABt } from './kernels';
import { type Network } from './network';
import { type LinearMap } from './spectral';
import { type Workspace } from './workspace';

export interface StepJacobian {
  readonly jvp: LinearMap;
  readonly vjp: LinearMap;
}

/** The Jacobian of layer `layer` at step t for stream b of the workspace (after forwardWindow). */
export function stepJacobian(net: Network, ws: Workspace, layer: number, t: number, b = 0): StepJacobian {
  const { H, G } = net;
  const B = ws.batch;
  const lb = ws.layers[layer];
  const wHh = net.layout.layers[layer].wHh;
  const W = Float64Array.from(net.params.subarray(wHh, wHh + G * H * H));
  const row = (t * B + b) * H;
  const gateBase = (t * B + b) * G * H;
  const prev = t * B * H + b * H;
  const out = prev + B * H;
  const act = (gate: number, j: number): number => lb.acts[gateBase + gate * H + j];
  const d = new Float64Array(H);
  const s: Float64Array[] = [];
  for (let g = 0; g < G; g++) s.push(new Float64Array(H));
  const cell = net.config.cell;
  const cho = cell === 'gru' && !net.config.gruResetAfter;
  const choA = new Float64Array(H); // (1-z)(1-n^2)
  const choR = new Float64Array(H); // r
  const choHR = new Float64Array(H); // h_{t-1} r(1-r)
  for (let j = 0; j < H; j++) {
    if (cell === 'rnn') {
      const h = lb.hs[out + j];
      s[0][j] = 1 - h * h;
    } else if (cell === 'lstm') {
      const i = act(0, j), f = act(1, j), g = act(2, j), o = act(3, j);
      const tc = lb.tanhC[row + j];
      const dc = o * (1 - tc * tc);
      s[0][j] = dc * g * i * (1 - i);
      s[1][j] = dc * lb.cs[prev + j] * f * (1 - f);
      s[2][j] = dc * i * (1 - g * g);
      s[3][j] = tc * o * (1 - o);
    } else {
      const r = act(0, j), z = act(1, j), n = act(2, j);
      const hPrev = lb.hs[prev + j];
      const a = (1 - z) * (1 - n * n);
      d[j] = z;
      s[1][j] = (hPrev - n) * z * (1 - z);
      if (cho) {
        choA[j] = a;
        choR[j] = r;
        choHR[j] = hPrev * r * (1 - r);
      } else {
        s[0][j] = a * lb.aux[row + j] * r * (1 - r);
        s[2][j] = a * r;
      }
    }
  }
  const rowScaled = cho ? [1] : Array.from({ length: G }, (_, g) => g);
  const tmp = new Float64Array(H);
  const tmp2 = new Float64Array(H);
  const Wv = (x: FloatArray, gate: number, dst: FloatArray): void => matmulABt(dst, 0, x, 0, W, gate * H * H, 1, H, H, false);
  const WTu = (u: FloatArray, gate: number, dst: FloatArray, acc: boolean): void => matmulAB(dst, 0, u, 0, W, gate * H * H, 1, H, H, acc);
  const jvp: LinearMap = (v, res) => {
    for (let j = 0; j < H; j++) res[j] = d[j] * v[j];
    for (const g of rowScaled) {
      Wv(v, g, tmp);
      for (let j = 0; j < H; j++) res[j] += s[g][j] * tmp[j];
    }
    if (cho) {
      Wv(v, 0, tmp);
      for (let j = 0; j < H; j++) tmp[j] = choR[j] * v[j] + choHR[j] * tmp[j];
      Wv(tmp, 2, tmp2);
      for (let j = 0; j < H; j++) res[j] += choA[j] * tmp2[j];
    }
  };
  const vjp: LinearMap = (u, res) => {
    for (let j = 0; j < H; j++) res[j] = d[j] * u[j];
    for (const g of rowScaled) {
      for (let j = 0; j < H; j++) tmp[j] = s[g][j] * u[j];
      WTu(tmp, g, res, true);
    }
    if (cho) {
      for (let j = 0; j < H; j++) tmp[j] = choA[j] * u[j];
      WTu(tmp, 2, tmp2, false);
      for (let j = 0; j < H; j++) {
        res[j] += choR[j] * tmp2[j];
        tmp[j] = choHR[j] * tmp2[j];
      }
      WTu(tmp, 0, res, true);
    }
  };
  return { jvp, vjp };
}
