/**
 * The step Jacobians J_t = dh_t / dh_{t-1} of one layer (input from below held fixed, and for
 * the LSTM the cell state c_{t-1} held fixed), either formed as H x H matrices or as the two
 * products a singular-value solver needs: J_t v (JVP) and J_t^T u (VJP), each O(G H^2).
 * ||J_t|| tells whether a gradient passing back through step t shrinks (< 1: vanishing) or
 * grows (> 1: exploding).
 *
 * Every cell's J is a diagonal plus row-scaled blocks of W_hh:  J = diag(d) + sum_g diag(s_g) W_g
 *   rnn:   s = 1 - h_t^2                                           (d = 0)
 *   lstm:  s_i = o (1 - tanh^2 c) g i(1-i)    s_f = o (1 - tanh^2 c) c_{t-1} f(1-f)
 *          s_g = o (1 - tanh^2 c) i (1-g^2)   s_o = tanh(c) o(1-o)  (d = 0)
 *   gru:   d = z,  s_z = (h_{t-1} - n) z(1-z)
 *          reset-after: s_r = (1-z)(1-n^2)(W_hn h_{t-1} + b_hn) r(1-r),  s_n = (1-z)(1-n^2) r
 *          Cho: the n path is (1-z)(1-n^2) * W_hn (r * v + h_{t-1} r(1-r) * (W_hr v)), not row-scaled.
 *
 * Implicitly, W_hh is the same at every step, so the products of many steps are one matrix-matrix product:
 * the rows of X are vectors of different steps (row r goes through operator ops[r]), and only the
 * diagonal scalings d and s_g differ from row to row.
 */

import { type FloatArray, matmulAB, matmulABt } from '../kernels/kernels';
import { type Network } from '../model/network';
import { allocLike } from '../model/params';
import { type BatchedLinearMap } from './spectral';
import { type Workspace } from '../model/workspace';

/**
 * Whether each J_t can be formed as an H x H matrix cheaply (G H^2 work once). It pays: each
 * product then costs H^2 instead of G H^2, the matrix stays in cache for the 20-50 products a
 * singular-value solver needs, and one step's answer warm starts the next (rnn: the same cost
 * per product, but the warm start halves their number). Only the Cho GRU's J contains a
 * product of two blocks (forming it would cost H^3); it stays implicit (layerStepJacobians).
 */
export function formsStepJacobians(net: Network): boolean {
  return !(net.config.cell === 'gru' && !net.config.gruResetAfter);
}

/** Writes J_t of layer `layer` (stream b, after forwardWindow) into J as a row-major H x H matrix. */
export function stepJacobianMatrix(net: Network, ws: Workspace, layer: number, t: number, J: FloatArray, b = 0): void {
  if (!formsStepJacobians(net)) throw new Error('this cell\'s step Jacobian is not a sum of row-scaled W_hh blocks');
  const { H } = net;
  const { d, s } = implicitStepJacobians(net, ws, layer, t, 1, b);
  const p = net.params;
  const wHh = net.layout.layers[layer].wHh;
  const scales = new Float64Array(net.G);
  const rows = new Int32Array(net.G);
  for (let i = 0; i < H; i++) {
    for (let g = 0; g < net.G; g++) {
      scales[g] = s[g * H + i];
      rows[g] = wHh + (g * H + i) * H;
    }
    // Row i of J: sum_g s_g[i] W_g[i, :], plus d[i] on the diagonal.
    scaledRowSum(J, i * H, p, H, net.G, scales, rows);
    J[i * H + i] += d[i];
  }
}

/**
 * dst[dOff .. dOff+n) = sum over g < terms of scales[g] * src[rows[g] .. rows[g]+n): one pass,
 * each destination value written once (forming J_t or a folded step matrix row by row).
 */
export function scaledRowSum(dst: FloatArray, dOff: number, src: FloatArray, n: number, terms: number, scales: Float64Array, rows: Int32Array): void {
  const s0 = scales[0], s1 = scales[1], s2 = scales[2], s3 = scales[3];
  const r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3];
  if (terms === 1) for (let j = 0; j < n; j++) dst[dOff + j] = s0 * src[r0 + j];
  else if (terms === 2) for (let j = 0; j < n; j++) dst[dOff + j] = s0 * src[r0 + j] + s1 * src[r1 + j];
  else if (terms === 3) for (let j = 0; j < n; j++) dst[dOff + j] = s0 * src[r0 + j] + s1 * src[r1 + j] + s2 * src[r2 + j];
  else if (terms === 4) for (let j = 0; j < n; j++) dst[dOff + j] = s0 * src[r0 + j] + s1 * src[r1 + j] + s2 * src[r2 + j] + s3 * src[r3 + j];
  else throw new Error(`scaledRowSum takes 1 to 4 terms (got ${terms})`);
}

/**
 * J_t of layer `layer` for the steps first .. first+count-1 of stream b of the workspace (after
 * forwardWindow), implicitly: operator m of the result is J_{first+m}, and its products go
 * through W_hh, one matrix-matrix product for all operators at once.
 */
export function layerStepJacobians(net: Network, ws: Workspace, layer: number, first = 0, count = ws.steps - first, b = 0): BatchedLinearMap {
  return implicitStepJacobians(net, ws, layer, first, count, b).map;
}

/** The Jacobians as d and s (see the top of the file), and products through W_hh. */
function implicitStepJacobians(net: Network, ws: Workspace, layer: number, first: number, count: number, b: number): { d: FloatArray; s: FloatArray; map: BatchedLinearMap } {
  const { H, G, GH } = net;
  const T = count;
  const B = ws.batch;
  const lb = ws.layers[layer];
  const p = net.params;
  const wHh = net.layout.layers[layer].wHh;
  const wHn = wHh + 2 * H * H;
  const cell = net.config.cell;
  const cho = cell === 'gru' && !net.config.gruResetAfter;
  const a = (n: number): FloatArray => allocLike(p, n);
  // Per step t: d [T, H] and the row scalings s [T, G*H] (gate g at g*H); Cho's n path separately.
  const d = a(T * H);
  const s = a(T * GH);
  const choA = a(cho ? T * H : 0); // (1-z)(1-n^2)
  const choR = a(cho ? T * H : 0); // r
  const choHR = a(cho ? T * H : 0); // h_{t-1} r(1-r)
  for (let m = 0; m < T; m++) {
    const t = first + m;
    const row = (t * B + b) * H;
    const gateBase = (t * B + b) * GH;
    const prev = t * B * H + b * H;
    const out = prev + B * H;
    const act = (gate: number, j: number): number => lb.acts[gateBase + gate * H + j];
    const sRow = m * GH;
    for (let j = 0; j < H; j++) {
      if (cell === 'rnn') {
        const h = lb.hs[out + j];
        s[sRow + j] = 1 - h * h;
      } else if (cell === 'lstm') {
        const i = act(0, j), f = act(1, j), g = act(2, j), o = act(3, j);
        const tc = lb.tanhC[row + j];
        const dc = o * (1 - tc * tc);
        s[sRow + j] = dc * g * i * (1 - i);
        s[sRow + H + j] = dc * lb.cs[prev + j] * f * (1 - f);
        s[sRow + 2 * H + j] = dc * i * (1 - g * g);
        s[sRow + 3 * H + j] = tc * o * (1 - o);
      } else {
        const r = act(0, j), z = act(1, j), n = act(2, j);
        const hPrev = lb.hs[prev + j];
        const an = (1 - z) * (1 - n * n);
        d[m * H + j] = z;
        s[sRow + H + j] = (hPrev - n) * z * (1 - z);
        if (cho) {
          choA[m * H + j] = an;
          choR[m * H + j] = r;
          choHR[m * H + j] = hPrev * r * (1 - r);
        } else {
          s[sRow + j] = an * lb.aux[row + j] * r * (1 - r);
          s[sRow + 2 * H + j] = an * r;
        }
      }
    }
  }
  // Cho's n block is not row-scaled, so its products use only the r and z blocks of W_hh here.
  const blocks = cho ? 2 : G;
  const NB = blocks * H;
  const prod = a(T * GH);
  const tmp = a(T * H);
  const tmp2 = a(T * H);

  const apply = (ops: Int32Array, n: number, x: FloatArray, res: FloatArray): void => {
    matmulABt(prod, 0, x, 0, p, wHh, n, NB, H, false);
    for (let r = 0; r < n; r++) {
      const m = ops[r];
      const xr = r * H, pr = r * NB, sr = m * GH, dr = m * H;
      for (let j = 0; j < H; j++) {
        let v = d[dr + j] * x[xr + j];
        for (let g = cho ? 1 : 0; g < blocks; g++) v += s[sr + g * H + j] * prod[pr + g * H + j];
        res[xr + j] = v;
        if (cho) tmp[xr + j] = choR[dr + j] * x[xr + j] + choHR[dr + j] * prod[pr + j];
      }
    }
    if (cho) {
      matmulABt(tmp2, 0, tmp, 0, p, wHn, n, H, H, false);
      for (let r = 0; r < n; r++) {
        const xr = r * H, dr = ops[r] * H;
        for (let j = 0; j < H; j++) res[xr + j] += choA[dr + j] * tmp2[xr + j];
      }
    }
  };

  const applyT = (ops: Int32Array, n: number, u: FloatArray, res: FloatArray): void => {
    if (cho) {
      for (let r = 0; r < n; r++) {
        const ur = r * H, dr = ops[r] * H;
        for (let j = 0; j < H; j++) tmp[ur + j] = choA[dr + j] * u[ur + j];
      }
      matmulAB(tmp2, 0, tmp, 0, p, wHn, n, H, H, false);
    }
    for (let r = 0; r < n; r++) {
      const m = ops[r];
      const ur = r * H, pr = r * NB, sr = m * GH, dr = m * H;
      for (let j = 0; j < H; j++) {
        res[ur + j] = d[dr + j] * u[ur + j];
        for (let g = cho ? 1 : 0; g < blocks; g++) prod[pr + g * H + j] = s[sr + g * H + j] * u[ur + j];
        if (cho) {
          res[ur + j] += choR[dr + j] * tmp2[ur + j];
          prod[pr + j] = choHR[dr + j] * tmp2[ur + j];
        }
      }
    }
    matmulAB(res, 0, prod, 0, p, wHh, n, H, NB, true);
  };

  return { d, s, map: { count, rows: H, cols: H, apply, applyT, alloc: a } };
}
