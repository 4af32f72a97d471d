/** Small element-wise helpers the cells and the trainer share. */

import { type FloatArray } from './kernels';
import { byteAddress, simdKernelsFor, simdKernelsOf } from './simd/simdArena';

/**
 * x = sigmoid(x) in place over `rows` runs of `width` values starting `stride` apart (a gate
 * block of every stream of a step). In a SIMD arena, four lanes at a time with a float32
 * exponential (simd/assembly/kernels.ts, about 1 ulp); otherwise Math.exp in double precision.
 */
export function sigmoidRows(x: FloatArray, off: number, rows: number, stride: number, width: number): void {
  const simd = simdKernelsOf(x);
  if (simd !== undefined) {
    simd.sigmoidRows(byteAddress(x, off), rows, stride, width);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = off + r * stride;
    for (let j = 0; j < width; j++) x[o + j] = 1 / (1 + Math.exp(-x[o + j]));
  }
}

/** x = tanh(x) in place, laid out as for sigmoidRows. */
export function tanhRows(x: FloatArray, off: number, rows: number, stride: number, width: number): void {
  const simd = simdKernelsOf(x);
  if (simd !== undefined) {
    simd.tanhRows(byteAddress(x, off), rows, stride, width);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = off + r * stride;
    for (let j = 0; j < width; j++) x[o + j] = Math.tanh(x[o + j]);
  }
}

/** dst[dOff + j] += sum over r < rows of src[sOff + r*cols + j]: a bias gradient summed over steps and streams. */
export function addColumnSums(dst: FloatArray, dOff: number, src: FloatArray, sOff: number, rows: number, cols: number): void {
  const simd = simdKernelsFor(dst, src, src);
  if (simd !== undefined) {
    simd.addColumnSums(byteAddress(dst, dOff), byteAddress(src, sOff), rows, cols);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = sOff + r * cols;
    for (let j = 0; j < cols; j++) dst[dOff + j] += src[o + j];
  }
}

/** Copies a bias vector into every row of a [rows, cols] block (the starting value before products add into it). */
export function fillRows(dst: FloatArray, dOff: number, bias: FloatArray, bOff: number, rows: number, cols: number): void {
  const row = bias.subarray(bOff, bOff + cols);
  for (let r = 0; r < rows; r++) dst.set(row, dOff + r * cols); // a block copy when both have one element type
}

/** Sum of squares of a[off .. off+n), in double precision. */
export function sumSquares(a: ArrayLike<number>, off: number, n: number): number {
  let s = 0;
  for (let i = off; i < off + n; i++) s += a[i] * a[i];
  return s;
}
