/**
 * The step Jacobians J_t = dh_t / dh_{t-1} of one layer (input from below held fixed, and for
 * the LSTM the cell state c_{t-1} held fixed), either formed as H x H matrices or as the two
 * products a singular-value solver needs: J_t v (JVP) and J_t^T u (VJP), each O(G H^2).
 * ||J_t|| tells whether a gradient passing back through step t shrinks (< 1: vanishing) or
 * grows (> 1: exploding).
 *
 * Every cell's J is a diagonal plus row-scaled blocks of W_hh:  J = diag(d) + sum_g diag(s_g) W_g,
 * with d and s_g products of the cell's local derivatives (cells/*Cell.ts, *_LOCAL):
 *   rnn:   s = dh/da = 1 - h_t^2                                    (d = 0)
 *   lstm:  s_x = dh/dc * dc/dx̃ for x = i, f, g (c_{t-1} held fixed),  s_o = dh/dõ   (d = 0)
 *   gru:   d = z,  s_z = dh/dz̃
 *          reset-after: s_r = dh/dñ * dñ/dr̃,  s_n = dh/dñ * r
 *          Cho: the n path is dh/dñ * W_hn (r * v + d(r h)/dr̃ * (W_hr v)), not row-scaled.
 *
 * Implicitly, W_hh is the same at every step, so the products of many steps are one matrix-matrix product:
 * the rows of X are vectors of different steps (row r goes through operator ops[r]), and only the
 * diagonal scalings d and s_g differ from row to row.
 */

import { CELLS } from '../cells/cells';
import { GRU_LOCAL } from '../cells/gruCell';
import { LSTM_LOCAL } from '../cells/lstmCell';
import { RNN_LOCAL } from '../cells/rnnCell';
import { type FloatArray, matmulAB, matmulABt } from '../kernels/kernels';
import { byteAddress, simdKernelsFor } from '../kernels/simd/simdArena';
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

/** Per-step scratch for stepJacobianMatrix: the cell's local derivatives, and d and s of one step. */
export interface StepJacobianScratch {
  readonly local: Float64Array;
  readonly d: FloatArray;
  readonly s: FloatArray;
}

/** `alloc` places d and s: in the SIMD arena of the weights and J, J is formed on the SIMD kernels. */
export function stepJacobianScratch(net: Network, alloc: (length: number) => FloatArray = (n) => allocLike(net.params, n)): StepJacobianScratch {
  return { local: new Float64Array(CELLS[net.config.cell].blocks * net.H), d: alloc(net.H), s: alloc(net.GH) };
}

/** Writes J_t of layer `layer` (stream b, after forwardWindow) into J as a row-major H x H matrix. */
export function stepJacobianMatrix(net: Network, ws: Workspace, layer: number, t: number, J: FloatArray, b = 0, scratch = stepJacobianScratch(net)): void {
  if (!formsStepJacobians(net)) throw new Error('this cell\'s step Jacobian is not a sum of row-scaled W_hh blocks');
  const { H, G } = net;
  const { local, d, s } = scratch;
  stepScalings(net, ws.layers[layer], ws.batch, t, b, local, d, s, 0, null);
  // Row i of J: sum_g s_g[i] W_g[i, :], plus d[i] on the diagonal.
  rowScaledSums(J, 0, H, net.params, net.layout.layers[layer].wHh, H * H, s, 0, H, H, G);
  for (let i = 0; i < H; i++) J[i * H + i] += d[i];
}

/**
 * dst[dOff + r*dStride + j] = sum over g < terms of scales[sOff + g*R + r] * src[wOff + g*blockStride + r*n + j],
 * for rows r < R and j < n: R rows of a sum of row-scaled weight blocks, each destination value
 * written once (forming J_t or a folded step matrix). On the SIMD kernels when dst, src and
 * scales share an arena; otherwise in float64 sums, term by term.
 */
export function rowScaledSums(dst: FloatArray, dOff: number, dStride: number, src: FloatArray, wOff: number, blockStride: number, scales: FloatArray, sOff: number, R: number, n: number, terms: number): void {
  if (terms < 1 || terms > 4) throw new Error(`rowScaledSums takes 1 to 4 terms (got ${terms})`);
  const simd = scales.buffer === src.buffer ? simdKernelsFor(dst, src, scales) : undefined;
  if (simd !== undefined) {
    simd.rowScaledSums(byteAddress(dst, dOff), dStride, byteAddress(src, wOff), blockStride, byteAddress(scales, sOff), R, n, terms);
    return;
  }
  for (let r = 0; r < R; r++) {
    const o = dOff + r * dStride;
    const r0 = wOff + r * n, r1 = r0 + blockStride, r2 = r1 + blockStride, r3 = r2 + blockStride;
    const s0 = scales[sOff + r];
    const s1 = terms > 1 ? scales[sOff + R + r] : 0;
    const s2 = terms > 2 ? scales[sOff + 2 * R + r] : 0;
    const s3 = terms > 3 ? scales[sOff + 3 * R + r] : 0;
    if (terms === 1) for (let j = 0; j < n; j++) dst[o + j] = s0 * src[r0 + j];
    else if (terms === 2) for (let j = 0; j < n; j++) dst[o + j] = s0 * src[r0 + j] + s1 * src[r1 + j];
    else if (terms === 3) for (let j = 0; j < n; j++) dst[o + j] = s0 * src[r0 + j] + s1 * src[r1 + j] + s2 * src[r2 + j];
    else for (let j = 0; j < n; j++) dst[o + j] = s0 * src[r0 + j] + s1 * src[r1 + j] + s2 * src[r2 + j] + s3 * src[r3 + j];
  }
}

/** The Cho GRU's n path per step, [steps, H] each: (1-z)(1-n^2), r, h_{t-1} r(1-r). */
interface ChoPath {
  readonly a: FloatArray;
  readonly r: FloatArray;
  readonly hr: FloatArray;
}

/**
 * d and the row scalings s of J_t (stream b of layer buffers lb) into row m of d [.., H] and
 * s [.., G*H]; for the Cho GRU its n path into row m of cho instead of s's r and n blocks.
 */
function stepScalings(net: Network, lb: Workspace['layers'][number], B: number, t: number, b: number, local: Float64Array, d: FloatArray, s: FloatArray, m: number, cho: ChoPath | null): void {
  const { H, GH } = net;
  const cell = net.config.cell;
  CELLS[cell].localDerivatives(net, lb, B, t, b, local, 0);
  const sRow = m * GH;
  const dRow = m * H;
  for (let j = 0; j < H; j++) {
    if (cell === 'rnn') {
      d[dRow + j] = 0;
      s[sRow + j] = local[RNN_LOCAL.dhDa * H + j];
    } else if (cell === 'lstm') {
      // dh_t/dh_{t-1} with c_{t-1} fixed: the i, f, g paths reach h_t through c_t.
      const dhDc = local[LSTM_LOCAL.dhDc * H + j];
      d[dRow + j] = 0;
      s[sRow + j] = dhDc * local[LSTM_LOCAL.dcDi * H + j];
      s[sRow + H + j] = dhDc * local[LSTM_LOCAL.dcDf * H + j];
      s[sRow + 2 * H + j] = dhDc * local[LSTM_LOCAL.dcDg * H + j];
      s[sRow + 3 * H + j] = local[LSTM_LOCAL.dhDo * H + j];
    } else {
      const dhDn = local[GRU_LOCAL.dhDn * H + j];
      d[dRow + j] = local[GRU_LOCAL.dhDh * H + j];
      s[sRow + H + j] = local[GRU_LOCAL.dhDz * H + j];
      if (cho !== null) {
        cho.a[dRow + j] = dhDn;
        cho.r[dRow + j] = local[GRU_LOCAL.reset * H + j];
        cho.hr[dRow + j] = local[GRU_LOCAL.dnDr * H + j];
      } else {
        s[sRow + j] = dhDn * local[GRU_LOCAL.dnDr * H + j];
        s[sRow + 2 * H + j] = dhDn * local[GRU_LOCAL.reset * H + j];
      }
    }
  }
}

/**
 * J_t of layer `layer` for the steps first .. first+count-1 of stream b of the workspace (after
 * forwardWindow), implicitly: operator m of the result is J_{first+m}, and its products go
 * through W_hh, one matrix-matrix product for all operators at once.
 */
export function layerStepJacobians(net: Network, ws: Workspace, layer: number, first = 0, count = ws.steps - first, b = 0): BatchedLinearMap {
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
  const local = new Float64Array(CELLS[cell].blocks * H);
  const choPath = cho ? { a: choA, r: choR, hr: choHR } : null;
  for (let m = 0; m < T; m++) stepScalings(net, lb, B, first + m, b, local, d, s, m, choPath);
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

  return { count, rows: H, cols: H, apply, applyT, alloc: a };
}
