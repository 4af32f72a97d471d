/**
 * Dense matrix kernels for the RNN engine.
 *
 * Every matrix is a flat row-major array addressed by an offset, so a model can keep all its
 * parameters and activations in a few big buffers. `acc` false overwrites C, true adds into C
 * (gradients accumulate across time steps and streams).
 *
 * Two implementations behind each function. When C, A and B all live in one SimdArena (a
 * training run's parameters, gradients and workspace do), the call goes to WebAssembly SIMD
 * code (simd/assembly/kernels.ts: four float32 lanes per instruction, float32 sums). Everything
 * else (float64 gradient checks, one-off buffers) runs the scalar JavaScript below.
 *
 * Blocking scheme of the scalar kernels (why these loops look the way they do). JavaScript has
 * no SIMD, so speed comes from keeping partial sums in registers and loading each array element
 * as few times as possible:
 *   - Tiles of 3 rows × 4 columns of C: twelve running sums stay in local variables for the
 *     whole k loop, and each k step loads 3 values of A and 4 of B for 12 multiply-adds (a
 *     plain triple loop loads 2 values per multiply-add). Each value of B is used by all three
 *     rows right after it is loaded, so only 12 sums + 3 values of A + 1 of B are live: that
 *     fits the 16 floating-point registers of x64 and nothing spills to the stack. (Measured:
 *     3×4 beats 2×4 by about 15%; 4×4 spills and gains less.)
 *   - A single row (batch 1: the matrix-vector product W h of one time step) uses 1 × 8 tiles:
 *     each value of the vector is loaded once per eight rows (or columns) of W; 8 sums + the
 *     vector value + one weight stay in registers. (Measured: 1×8 beats 1×4 by 12-16%.)
 *   - The edges that do not fill a tile (M not a multiple of 3, N not a multiple of 4) are computed FIRST, by
 *     separate narrow loops, and the tile loop is the last thing each function does. V8
 *     compiles the hot loop while it runs (on-stack replacement); code placed after it that has
 *     never run yet makes that compiled code bail out again and again.
 *   - `acc` false is handled by zeroing C up front, so the loops only add: keeping the flag
 *     alive through the loops costs a register, and that spill slowed them by a third.
 * Sums are JS doubles, added into C once per tile.
 *
 * Keep the arrays of one call the same type (all Float32Array in training): V8 then compiles a
 * single specialized version of each kernel.
 */
import { byteAddress, simdKernelsFor } from './simd/simdArena';

export type FloatArray = Float32Array | Float64Array;

function zeroUnlessAccumulating(C: FloatArray, cOff: number, M: number, N: number, acc: boolean): void {
  if (!acc) C.fill(0, cOff, cOff + M * N);
}

// ---------------------------------------------------------------------------------------------
// C = A · B^T: every C entry is the dot product of a row of A with a row of B, both contiguous.
// This is W x for a batch of inputs x (rows of A) and a weight matrix W [N, K] (B).

/** C[M,N] (+)= A[M,K] · B[N,K]^T. */
export function matmulABt(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M: number, N: number, K: number, acc: boolean): void {
  const simd = simdKernelsFor(C, A, B);
  if (simd !== undefined) {
    simd.matmulABt(byteAddress(C, cOff), byteAddress(A, aOff), byteAddress(B, bOff), M, N, K, acc ? 1 : 0);
    return;
  }
  zeroUnlessAccumulating(C, cOff, M, N, acc);
  const M3 = M - (M % 3);
  const N4 = N & ~3;
  for (let i = M3; i < M; i++) rowTimesBt(C, cOff + i * N, A, aOff + i * K, B, bOff, N, K);
  edgeColumnsABt(C, cOff, A, aOff, B, bOff, M3, N4, N, K);
  tilesABt(C, cOff, A, aOff, B, bOff, M3, N4, N, K);
}

/** One row: c[N] += B[N,K] · a[K]. Leftover rows of B one at a time, then eight at a time. */
function rowTimesBt(C: FloatArray, c0: number, A: FloatArray, a0: number, B: FloatArray, bOff: number, N: number, K: number): void {
  const N8 = N & ~7;
  for (let j = N8; j < N; j++) {
    const b0 = bOff + j * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
    C[c0 + j] += s;
  }
  for (let j = 0; j < N8; j += 8) {
    const b0 = bOff + j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K, b4 = b3 + K, b5 = b4 + K, b6 = b5 + K, b7 = b6 + K;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let k = 0; k < K; k++) {
      const x = A[a0 + k];
      s0 += x * B[b0 + k]; s1 += x * B[b1 + k]; s2 += x * B[b2 + k]; s3 += x * B[b3 + k];
      s4 += x * B[b4 + k]; s5 += x * B[b5 + k]; s6 += x * B[b6 + k]; s7 += x * B[b7 + k];
    }
    const c = c0 + j;
    C[c] += s0; C[c + 1] += s1; C[c + 2] += s2; C[c + 3] += s3; C[c + 4] += s4; C[c + 5] += s5; C[c + 6] += s6; C[c + 7] += s7;
  }
}

/** Columns N4..N-1 of rows 0..M3-1, three rows at a time. */
function edgeColumnsABt(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M3: number, N4: number, N: number, K: number): void {
  for (let i = 0; i < M3; i += 3) {
    const a0 = aOff + i * K, a1 = a0 + K, a2 = a1 + K;
    for (let j = N4; j < N; j++) {
      const b0 = bOff + j * K;
      let s0 = 0, s1 = 0, s2 = 0;
      for (let k = 0; k < K; k++) {
        const w = B[b0 + k];
        s0 += A[a0 + k] * w; s1 += A[a1 + k] * w; s2 += A[a2 + k] * w;
      }
      const c = cOff + i * N + j;
      C[c] += s0; C[c + N] += s1; C[c + 2 * N] += s2;
    }
  }
}

/** The 3×4 tiles covering rows 0..M3-1, columns 0..N4-1. */
function tilesABt(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M3: number, N4: number, N: number, K: number): void {
  for (let i = 0; i < M3; i += 3) {
    const a0 = aOff + i * K, a1 = a0 + K, a2 = a1 + K;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bOff + j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k];
        let w = B[b0 + k]; s00 += x0 * w; s10 += x1 * w; s20 += x2 * w;
        w = B[b1 + k]; s01 += x0 * w; s11 += x1 * w; s21 += x2 * w;
        w = B[b2 + k]; s02 += x0 * w; s12 += x1 * w; s22 += x2 * w;
        w = B[b3 + k]; s03 += x0 * w; s13 += x1 * w; s23 += x2 * w;
      }
      let c = cOff + i * N + j;
      C[c] += s00; C[c + 1] += s01; C[c + 2] += s02; C[c + 3] += s03; c += N;
      C[c] += s10; C[c + 1] += s11; C[c + 2] += s12; C[c + 3] += s13; c += N;
      C[c] += s20; C[c + 1] += s21; C[c + 2] += s22; C[c + 3] += s23;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// C = A · B: each k step reads 4 adjacent values of row k of B. In backpropagation this is
// W^T δ: the gradient flowing back through a weight matrix W [K, N] (B) for the rows δ of A.

/** C[M,N] (+)= A[M,K] · B[K,N]. */
export function matmulAB(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M: number, N: number, K: number, acc: boolean): void {
  const simd = simdKernelsFor(C, A, B);
  if (simd !== undefined) {
    simd.matmulAB(byteAddress(C, cOff), byteAddress(A, aOff), byteAddress(B, bOff), M, N, K, acc ? 1 : 0);
    return;
  }
  zeroUnlessAccumulating(C, cOff, M, N, acc);
  const M3 = M - (M % 3);
  const N4 = N & ~3;
  for (let i = M3; i < M; i++) rowTimesB(C, cOff + i * N, A, aOff + i * K, B, bOff, N, K);
  edgeColumnsAB(C, cOff, A, aOff, B, bOff, M3, N4, N, K);
  tilesAB(C, cOff, A, aOff, B, bOff, M3, N4, N, K);
}

/** One row: c[N] += a[K] · B[K,N]. Leftover columns one at a time, then eight at a time. */
function rowTimesB(C: FloatArray, c0: number, A: FloatArray, a0: number, B: FloatArray, bOff: number, N: number, K: number): void {
  const N8 = N & ~7;
  for (let j = N8; j < N; j++) {
    let s = 0;
    for (let k = 0, b = bOff + j; k < K; k++, b += N) s += A[a0 + k] * B[b];
    C[c0 + j] += s;
  }
  for (let j = 0; j < N8; j += 8) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let k = 0, b = bOff + j; k < K; k++, b += N) {
      const x = A[a0 + k];
      s0 += x * B[b]; s1 += x * B[b + 1]; s2 += x * B[b + 2]; s3 += x * B[b + 3];
      s4 += x * B[b + 4]; s5 += x * B[b + 5]; s6 += x * B[b + 6]; s7 += x * B[b + 7];
    }
    const c = c0 + j;
    C[c] += s0; C[c + 1] += s1; C[c + 2] += s2; C[c + 3] += s3; C[c + 4] += s4; C[c + 5] += s5; C[c + 6] += s6; C[c + 7] += s7;
  }
}

function edgeColumnsAB(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M3: number, N4: number, N: number, K: number): void {
  for (let i = 0; i < M3; i += 3) {
    const a0 = aOff + i * K, a1 = a0 + K, a2 = a1 + K;
    for (let j = N4; j < N; j++) {
      let s0 = 0, s1 = 0, s2 = 0;
      for (let k = 0, b = bOff + j; k < K; k++, b += N) {
        const w = B[b];
        s0 += A[a0 + k] * w; s1 += A[a1 + k] * w; s2 += A[a2 + k] * w;
      }
      const c = cOff + i * N + j;
      C[c] += s0; C[c + N] += s1; C[c + 2 * N] += s2;
    }
  }
}

function tilesAB(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M3: number, N4: number, N: number, K: number): void {
  for (let i = 0; i < M3; i += 3) {
    const a0 = aOff + i * K, a1 = a0 + K, a2 = a1 + K;
    for (let j = 0; j < N4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      for (let k = 0, b = bOff + j; k < K; k++, b += N) {
        const x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k];
        let w = B[b]; s00 += x0 * w; s10 += x1 * w; s20 += x2 * w;
        w = B[b + 1]; s01 += x0 * w; s11 += x1 * w; s21 += x2 * w;
        w = B[b + 2]; s02 += x0 * w; s12 += x1 * w; s22 += x2 * w;
        w = B[b + 3]; s03 += x0 * w; s13 += x1 * w; s23 += x2 * w;
      }
      let c = cOff + i * N + j;
      C[c] += s00; C[c + 1] += s01; C[c + 2] += s02; C[c + 3] += s03; c += N;
      C[c] += s10; C[c + 1] += s11; C[c + 2] += s12; C[c + 3] += s13; c += N;
      C[c] += s20; C[c + 1] += s21; C[c + 2] += s22; C[c + 3] += s23;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// C = A^T · B: a sum over k of outer products of row k of A with row k of B. This is a weight
// gradient dW = Σ δ x^T summed over all time steps and streams at once (δ rows of A, x rows of B).
// Each k step reads 3 + 4 adjacent values.

/** C[M,N] (+)= A[K,M]^T · B[K,N]. */
export function matmulAtB(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M: number, N: number, K: number, acc: boolean): void {
  const simd = simdKernelsFor(C, A, B);
  if (simd !== undefined) {
    simd.matmulAtB(byteAddress(C, cOff), byteAddress(A, aOff), byteAddress(B, bOff), M, N, K, acc ? 1 : 0);
    return;
  }
  zeroUnlessAccumulating(C, cOff, M, N, acc);
  const M3 = M - (M % 3);
  const N4 = N & ~3;
  for (let i = M3; i < M; i++) columnTimesB(C, cOff + i * N, A, aOff + i, M, B, bOff, N, K);
  edgeColumnsAtB(C, cOff, A, aOff, B, bOff, M, M3, N4, N, K);
  tilesAtB(C, cOff, A, aOff, B, bOff, M, M3, N4, N, K);
}

/** Row i of C from column i of A: c[N] += Σ_k A[k,i] B[k,:], four columns of B at a time. */
function columnTimesB(C: FloatArray, c0: number, A: FloatArray, a0: number, M: number, B: FloatArray, bOff: number, N: number, K: number): void {
  const N4 = N & ~3;
  for (let j = N4; j < N; j++) {
    let s = 0;
    for (let k = 0, a = a0, b = bOff + j; k < K; k++, a += M, b += N) s += A[a] * B[b];
    C[c0 + j] += s;
  }
  for (let j = 0; j < N4; j += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0, a = a0, b = bOff + j; k < K; k++, a += M, b += N) {
      const x = A[a];
      s0 += x * B[b]; s1 += x * B[b + 1]; s2 += x * B[b + 2]; s3 += x * B[b + 3];
    }
    C[c0 + j] += s0; C[c0 + j + 1] += s1; C[c0 + j + 2] += s2; C[c0 + j + 3] += s3;
  }
}

function edgeColumnsAtB(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M: number, M3: number, N4: number, N: number, K: number): void {
  for (let i = 0; i < M3; i += 3) {
    for (let j = N4; j < N; j++) {
      let s0 = 0, s1 = 0, s2 = 0;
      for (let k = 0, a = aOff + i, b = bOff + j; k < K; k++, a += M, b += N) {
        const w = B[b];
        s0 += A[a] * w; s1 += A[a + 1] * w; s2 += A[a + 2] * w;
      }
      const c = cOff + i * N + j;
      C[c] += s0; C[c + N] += s1; C[c + 2 * N] += s2;
    }
  }
}

function tilesAtB(C: FloatArray, cOff: number, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M: number, M3: number, N4: number, N: number, K: number): void {
  for (let i = 0; i < M3; i += 3) {
    for (let j = 0; j < N4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      for (let k = 0, a = aOff + i, b = bOff + j; k < K; k++, a += M, b += N) {
        const x0 = A[a], x1 = A[a + 1], x2 = A[a + 2];
        let w = B[b]; s00 += x0 * w; s10 += x1 * w; s20 += x2 * w;
        w = B[b + 1]; s01 += x0 * w; s11 += x1 * w; s21 += x2 * w;
        w = B[b + 2]; s02 += x0 * w; s12 += x1 * w; s22 += x2 * w;
        w = B[b + 3]; s03 += x0 * w; s13 += x1 * w; s23 += x2 * w;
      }
      let c = cOff + i * N + j;
      C[c] += s00; C[c + 1] += s01; C[c + 2] += s02; C[c + 3] += s03; c += N;
      C[c] += s10; C[c + 1] += s11; C[c + 2] += s12; C[c + 3] += s13; c += N;
      C[c] += s20; C[c + 1] += s21; C[c + 2] += s22; C[c + 3] += s23;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One-hot inputs. Multiplying W [rows, cols] by a one-hot vector selects one column, so the
// input projection W_ih x_t of a character costs `rows` loads instead of rows × V multiply-adds.

/** out[outOff + r*rows + j] += W[j*cols + ids[idsOff+r]] for r < count, j < rows. */
export function gatherColumnsAdd(out: FloatArray, outOff: number, W: FloatArray, ids: Int32Array, idsOff: number, rows: number, cols: number, count: number): void {
  for (let r = 0; r < count; r++) {
    const o = outOff + r * rows;
    for (let j = 0, w = ids[idsOff + r]; j < rows; j++, w += cols) out[o + j] += W[w];
  }
}

/** dW[j*cols + ids[idsOff+r]] += dOut[dOutOff + r*rows + j]: the gradient of gatherColumnsAdd (repeated ids accumulate). */
export function scatterColumnsAdd(dW: FloatArray, dOut: FloatArray, dOutOff: number, ids: Int32Array, idsOff: number, rows: number, cols: number, count: number): void {
  for (let r = 0; r < count; r++) {
    const o = dOutOff + r * rows;
    for (let j = 0, w = ids[idsOff + r]; j < rows; j++, w += cols) dW[w] += dOut[o + j];
  }
}
