/**
 * Itemized gradients (RNNbow): for every loss term L_s / T of a window and every step k <= s,
 * the vector d(L_s/T)/dh_k in every layer, and the trace keeps its norm.
 *
 * The direct way is T backward passes, one per source s, each a chain of matrix-VECTOR
 * products. All T of them run on the same forward activations, so here they run as ONE backward
 * over S = T "gradient streams" sharing the window's single forward pass (the B = 1 workspace):
 * stream s starts at step s with (p_s - onehot(y_s)) / T on the decoder and is zero after s.
 * At step t only the streams s >= t carry anything (L_s does not depend on h_t for t > s),
 * so the step's products are one matrix-MATRIX product over the T - t live streams: T^2/2
 * rows per layer in T products instead of T^2/2 separate matrix-vector products.
 *
 * Per layer, top to bottom (rows of dH indexed by (step k, stream s)):
 *   dh_(k,s) = (from above)_(k,s) + (from step k+1)_s          the itemized vector
 *   dG_s     = the cell's gate gradients at step k             (the cell's local derivatives at
 *                                                               step k, shared by every stream)
 *   (from step k)_s = W_hh^T dG_s                              for the step below in time
 *   (from above, layer l-1)_(k,s) = W_ih^T dG_s                for the layer below
 * Summed over s, the streams give exactly what backwardWindow computes for the mean loss.
 *
 * Folding the gates. Because every stream sees the same activations at step k, the gate
 * gradients are fixed diagonal scalings of (dh, dc), so W^T dG folds into one small matrix per
 * step, formed once (O(G H^2)) and used by all live streams:
 * (names of the cells' local derivatives, cells/*Cell.ts *_LOCAL):
 *   rnn:   [dhNext | below] = dh F,  F = diag(dhDa) [W_hh | W_ih]                  (H x 2H)
 *   gru:   [dhNext | below] = dh F,  F = diag(dhDh) [I | 0] + sum_g diag(p_g) [W_hh,g | W_ih,g]
 *          (reset-after: p_r = dhDn dnDr, p_z = dhDz, p_n = dhDn r on W_hn but dhDn on W_in) (H x 2H)
 *   lstm:  dc = dcNext + dhDc dh, dcNext <- dcDc dc, and
 *          [dhNext | below] = [dc | dh] F,  F = [sum_{i,f,g} diag(dcDx) [W_hh,x | W_ih,x];
 *                                               diag(dhDo) [W_hh,o | W_ih,o]]     (2H x 2H)
 * That is 2H^2 (lstm 4H^2) multiply-adds per stream and step instead of 2 G H^2. Only the Cho
 * GRU, whose n path multiplies W_hn^T and W_hr^T in series, keeps the per-gate products.
 *
 * Memory: the streams run in chunks, so the [T, chunk, H] buffers stay within a few MB.
 */

import { CELLS } from '../cells/cells';
import { GRU_LOCAL, gruLocalDerivatives } from '../cells/gruCell';
import { LSTM_LOCAL } from '../cells/lstmCell';
import { RNN_LOCAL } from '../cells/rnnCell';
import { rowScaledSums } from './jacobian';
import { matmulAB, type FloatArray } from '../kernels/kernels';
import { type Network } from '../model/network';
import { arenaFloats, SimdArena } from '../kernels/simd/simdArena';
import { allocLike } from '../model/params';
import { sumSquares } from '../kernels/tensorOps';
import { type Workspace } from '../model/workspace';

/** Elements per [steps, streams, H] buffer: chunks of streams are sized to this. */
const CHUNK_ELEMENTS = 1 << 22;

/** Buffers for one chunk of S gradient streams (s0 .. s0+S-1); stream s is local index s - s0. */
interface StreamBuffers {
  readonly s0: number;
  readonly S: number;
  /** [s0+S steps, S, H] row (k, i): first what comes from above, then (in place) the full d(L_s/T)/dh_k. */
  dH: FloatArray;
  /** [s0+S, S, H] what this layer sends to the layer below, same rows. */
  dHBelow: FloatArray;
  /** [S, H] per stream: the gradient from step t+1 into step t (and the LSTM cell's). */
  readonly dhNext: FloatArray;
  readonly dcNext: FloatArray;
  /**
   * Folded path: [S, K] the rows multiplied by F ([dc | dh] for the LSTM, dh otherwise), and F's
   * two halves [K, H]: toward step t-1 and toward the layer below. Kept apart, the products
   * land straight in dhNext and in dHBelow's rows, with no copying per stream.
   */
  readonly x: FloatArray;
  readonly fold: FloatArray;
  readonly foldBelow: FloatArray;
  /** Cho GRU: [S, G*H] input-path gate gradients, [S, 2H] (r, z) and [S, H] (n) recurrent ones, the z shortcut and d(r h). */
  readonly dG: FloatArray;
  readonly dHRZ: FloatArray;
  readonly dHN: FloatArray;
  readonly direct: FloatArray;
  readonly dRH: FloatArray;
  /** Folded path, per step: the cell's local derivatives, the row scalings of W_hh's and W_ih's gate blocks [G, H], the GRU's diagonal and the LSTM's dh -> dc and dc -> dc factors. */
  readonly local: Float64Array;
  readonly pRec: FloatArray;
  readonly pIn: FloatArray;
  readonly diag: Float64Array;
  readonly a: Float64Array;
  readonly f: Float64Array;
}

/**
 * Fills `out[offset + (l*T + s)*T + k]` with ||d(L_s/T)/dh^l_k|| for k <= s (other entries are
 * left untouched); streams go in chunks of at most chunkElements / (T H). Needs ws (batch 1) after forwardWindow and windowLoss(net, ws, 1/T), whose
 * dLogits row s is then exactly (p_s - onehot(y_s)) / T. `alloc` (at least itemizedFloats(...)
 * floats) places the buffers: in the SIMD arena of the weights and ws, every product and every
 * folded step matrix is made on the SIMD kernels. Without it they get an arena of their own,
 * where the products still run in SIMD but the step matrices are formed in JavaScript.
 */
export function itemizedGradientNorms(net: Network, ws: Workspace, out: Float32Array, offset: number, chunkElements = CHUNK_ELEMENTS, alloc?: (length: number) => FloatArray): void {
  const { H, V } = net;
  const T = ws.steps;
  if (ws.batch !== 1) throw new Error('itemized gradients replay one stream: the workspace must have batch 1');
  const S = chunkStreams(T, H, chunkElements);
  const sizes = bufferSizes(net, T, S);
  const a = alloc ?? ownAllocator(net, sizes);
  // The top layer hears from the decoder only at its own step: W_dec^T dlogits_s at (s, s).
  const decoded = a(sizes.decoded);
  matmulAB(decoded, 0, ws.dLogits, 0, net.params, net.layout.decoderWeight, T, H, V, false);
  // One set of buffers for every chunk: the last, shorter chunk uses the first rows of each.
  const bufs = allocate(net, sizes, a);
  for (let s0 = 0; s0 < T; s0 += S) chunkNorms(net, ws, decoded, { ...bufs, s0, S: Math.min(S, T - s0) }, out, offset);
}

/** Floats `alloc` must have room for (in an arena: each buffer padded to the alignment). */
export function itemizedFloats(net: Network, T: number, chunkElements = CHUNK_ELEMENTS): number {
  return Object.values(bufferSizes(net, T, chunkStreams(T, net.H, chunkElements))).reduce((sum, n) => sum + arenaFloats(n), 0);
}

function chunkStreams(T: number, H: number, chunkElements: number): number {
  return Math.max(1, Math.min(T, Math.floor(chunkElements / (T * H))));
}

function bufferSizes(net: Network, T: number, S: number): Record<string, number> {
  const { H, GH } = net;
  const cho = !folds(net);
  const K = net.config.cell === 'lstm' ? 2 * H : H;
  return {
    decoded: T * H,
    dH: T * S * H,
    dHBelow: T * S * H,
    dhNext: S * H,
    dcNext: S * H,
    x: cho ? 0 : S * K,
    fold: cho ? 0 : K * H,
    foldBelow: cho ? 0 : K * H,
    pRec: cho ? 0 : GH,
    pIn: cho ? 0 : GH,
    dG: cho ? S * GH : 0,
    dHRZ: cho ? S * 2 * H : 0,
    dHN: cho ? S * H : 0,
    direct: cho ? S * H : 0,
    dRH: cho ? S * H : 0,
  };
}

/** An arena of the buffers' own (float32): the products x F of the live streams, most of the work, then run on the SIMD kernels. */
function ownAllocator(net: Network, sizes: Record<string, number>): (length: number) => FloatArray {
  const floats = Object.values(sizes).reduce((sum, n) => sum + arenaFloats(n), 0);
  const arena = net.params instanceof Float32Array ? SimdArena.create(floats) : null;
  return arena !== null ? arena.alloc : (n: number): FloatArray => allocLike(net.params, n);
}

function allocate(net: Network, sizes: Record<string, number>, a: (length: number) => FloatArray): Omit<StreamBuffers, 's0' | 'S'> {
  const H = net.H;
  const lstm = net.config.cell === 'lstm';
  return {
    dH: a(sizes.dH),
    dHBelow: a(sizes.dHBelow),
    dhNext: a(sizes.dhNext),
    dcNext: a(sizes.dcNext),
    x: a(sizes.x),
    fold: a(sizes.fold),
    foldBelow: a(sizes.foldBelow),
    dG: a(sizes.dG),
    dHRZ: a(sizes.dHRZ),
    dHN: a(sizes.dHN),
    direct: a(sizes.direct),
    dRH: a(sizes.dRH),
    pRec: a(sizes.pRec),
    pIn: a(sizes.pIn),
    local: new Float64Array(CELLS[net.config.cell].blocks * H),
    diag: new Float64Array(H),
    a: new Float64Array(lstm ? H : 0),
    f: new Float64Array(lstm ? H : 0),
  };
}

function folds(net: Network): boolean {
  return !(net.config.cell === 'gru' && !net.config.gruResetAfter);
}

/** All layers for the streams s0 .. s0+S-1. */
function chunkNorms(net: Network, ws: Workspace, decoded: FloatArray, bufs: StreamBuffers, out: Float32Array, offset: number): void {
  const H = net.H;
  const T = ws.steps;
  const { s0, S } = bufs;
  const end = s0 + S;
  bufs.dH.fill(0, 0, end * S * H);
  for (let i = 0; i < S; i++) bufs.dH.set(decoded.subarray((s0 + i) * H, (s0 + i + 1) * H), ((s0 + i) * S + i) * H);
  for (let l = net.config.layers - 1; l >= 0; l--) {
    if (folds(net)) foldedBackward(net, ws, l, bufs);
    else choBackward(net, ws, l, bufs);
    for (let i = 0; i < S; i++) {
      const s = s0 + i;
      for (let k = 0; k <= s; k++) out[offset + (l * T + s) * T + k] = Math.sqrt(sumSquares(bufs.dH, (k * S + i) * H, H));
    }
    const above = bufs.dH;
    bufs.dH = bufs.dHBelow;
    bufs.dHBelow = above;
  }
}

/** The recurrence of layer l with the folded step matrix F (rnn, lstm, reset-after gru). */
function foldedBackward(net: Network, ws: Workspace, l: number, bufs: StreamBuffers): void {
  const H = net.H;
  const { s0, S, dH, dHBelow, dhNext, dcNext, x, fold, foldBelow, a, f } = bufs;
  const lstm = net.config.cell === 'lstm';
  const K = lstm ? 2 * H : H;
  dhNext.fill(0);
  dcNext.fill(0);
  for (let t = s0 + S - 1; t >= 0; t--) {
    // Local streams lo .. S-1 are live; a stream starting here still has zero dhNext / dcNext.
    const lo = Math.max(0, t - s0);
    const live = S - lo;
    // Layer 0 sends nothing below, and step 0 nothing to an earlier step.
    formFold(net, ws, l, t, t > 0, l > 0, bufs);
    for (let i = lo; i < S; i++) {
      const row = (t * S + i) * H;
      const q = i * H;
      const xr = i * K;
      for (let j = 0; j < H; j++) {
        const dh = dH[row + j] + dhNext[q + j];
        dH[row + j] = dh;
        if (lstm) {
          const dc = dcNext[q + j] + a[j] * dh;
          x[xr + j] = dc;
          x[xr + H + j] = dh;
          dcNext[q + j] = dc * f[j];
        } else {
          x[xr + j] = dh;
        }
      }
    }
    // Streams below lo are not live yet: dhNext's rows there stay zero until they start.
    if (t > 0) matmulAB(dhNext, lo * H, x, lo * K, fold, 0, live, H, K, false);
    if (l > 0) matmulAB(dHBelow, (t * S + lo) * H, x, lo * K, foldBelow, 0, live, H, K, false);
  }
}

/**
 * Forms F of layer l at step t (see the top of the file): its half toward step t-1 into
 * bufs.fold if `toPrevious`, its half toward the layer below into bufs.foldBelow if `toBelow`;
 * and the LSTM's elementwise factors bufs.a = o(1 - tanh^2 c) (dh into dc) and bufs.f (dc into dc_{t-1}).
 */
function formFold(net: Network, ws: Workspace, l: number, t: number, toPrevious: boolean, toBelow: boolean, bufs: StreamBuffers): void {
  const { H, G } = net;
  const cell = net.config.cell;
  const { local, a, f, pRec, pIn, diag, fold: F } = bufs;
  CELLS[cell].localDerivatives(net, ws.layers[l], 1, t, 0, local, 0);
  const at = (block: number, c: number): number => local[block * H + c];
  // pRec[g*H + c], pIn[g*H + c]: the scaling of row c of gate block g of W_hh and of W_ih.
  for (let c = 0; c < H; c++) {
    if (cell === 'rnn') {
      pRec[c] = pIn[c] = at(RNN_LOCAL.dhDa, c);
    } else if (cell === 'lstm') {
      a[c] = at(LSTM_LOCAL.dhDc, c);
      f[c] = at(LSTM_LOCAL.dcDc, c);
      pRec[c] = pIn[c] = at(LSTM_LOCAL.dcDi, c);
      pRec[H + c] = pIn[H + c] = at(LSTM_LOCAL.dcDf, c);
      pRec[2 * H + c] = pIn[2 * H + c] = at(LSTM_LOCAL.dcDg, c);
      pRec[3 * H + c] = pIn[3 * H + c] = at(LSTM_LOCAL.dhDo, c);
    } else {
      const dhDn = at(GRU_LOCAL.dhDn, c);
      diag[c] = at(GRU_LOCAL.dhDh, c);
      pRec[c] = pIn[c] = dhDn * at(GRU_LOCAL.dnDr, c);
      pRec[H + c] = pIn[H + c] = at(GRU_LOCAL.dhDz, c);
      pRec[2 * H + c] = dhDn * at(GRU_LOCAL.reset, c);
      pIn[2 * H + c] = dhDn;
    }
  }
  // Row c of F sums row c of the gate blocks it receives; the LSTM's i, f, g blocks act on dc
  // (rows 0..H-1 of F), its o block on dh (rows H..2H-1).
  if (cell === 'lstm') {
    foldRows(net, l, 0, 0, 3, toPrevious, toBelow, bufs);
    foldRows(net, l, H, 3, 1, toPrevious, toBelow, bufs);
  } else {
    foldRows(net, l, 0, 0, G, toPrevious, toBelow, bufs);
  }
  if (cell === 'gru' && toPrevious) for (let c = 0; c < H; c++) F[c * H + c] += diag[c];
}

/** Rows r0 .. r0+H-1 of F's halves: the row-scaled sum of gate blocks g0 .. g0+gates-1 of W_hh (toward step t-1) and of W_ih (toward the layer below). */
function foldRows(net: Network, l: number, r0: number, g0: number, gates: number, toPrevious: boolean, toBelow: boolean, bufs: StreamBuffers): void {
  const H = net.H;
  const { wHh, wIh } = net.layout.layers[l];
  const block = H * H;
  if (toPrevious) rowScaledSums(bufs.fold, r0 * H, H, net.params, wHh + g0 * block, block, bufs.pRec, g0 * H, H, H, gates);
  if (toBelow) rowScaledSums(bufs.foldBelow, r0 * H, H, net.params, wIh + g0 * block, block, bufs.pIn, g0 * H, H, H, gates);
}

/** The Cho GRU's recurrence, per gate (see gruCell.ts): its n path is W_hr^T diag W_hn^T, not foldable cheaply. */
function choBackward(net: Network, ws: Workspace, l: number, bufs: StreamBuffers): void {
  const { H, GH } = net;
  const p = net.params;
  const { wIh, wHh } = net.layout.layers[l];
  const wHn = wHh + 2 * H * H;
  const { s0, S, dH, dHBelow, dG, dhNext, dHRZ, dHN, direct, dRH } = bufs;
  const local = new Float64Array(GRU_LOCAL.blocks * H);
  const at = (block: number, j: number): number => local[block * H + j];
  dhNext.fill(0);
  for (let t = s0 + S - 1; t >= 0; t--) {
    const lo = Math.max(0, t - s0);
    const live = S - lo;
    gruLocalDerivatives(net, ws.layers[l], 1, t, 0, local, 0);
    for (let i = lo; i < S; i++) {
      const row = (t * S + i) * H;
      const q = i * H;
      const d3 = i * GH;
      const rz = i * 2 * H;
      for (let j = 0; j < H; j++) {
        const dh = dH[row + j] + dhNext[q + j];
        dH[row + j] = dh;
        const dn = dh * at(GRU_LOCAL.dhDn, j);
        const dz = dh * at(GRU_LOCAL.dhDz, j);
        dG[d3 + H + j] = dz;
        dHRZ[rz + H + j] = dz;
        dG[d3 + 2 * H + j] = dn;
        dHN[q + j] = dn;
        direct[q + j] = dh * at(GRU_LOCAL.dhDh, j);
      }
    }
    matmulAB(dRH, lo * H, dHN, lo * H, p, wHn, live, H, H, false);
    for (let i = lo; i < S; i++) {
      const q = i * H;
      const d3 = i * GH;
      const rz = i * 2 * H;
      for (let j = 0; j < H; j++) {
        const d = dRH[q + j];
        const dr = d * at(GRU_LOCAL.dnDr, j);
        dG[d3 + j] = dr;
        dHRZ[rz + j] = dr;
        direct[q + j] += d * at(GRU_LOCAL.reset, j);
      }
    }
    if (t > 0) {
      dhNext.set(direct.subarray(lo * H, S * H), lo * H);
      matmulAB(dhNext, lo * H, dHRZ, lo * 2 * H, p, wHh, live, H, 2 * H, true);
    }
    if (l > 0) matmulAB(dHBelow, (t * S + lo) * H, dG, lo * GH, p, wIh, live, H, GH, false);
  }
}
