/**
 * Largest singular value by power iteration: repeat v <- A^T A v / ||A^T A v||; then
 * sigma = ||A v||. Needs only the products A v and A^T u, so it works for a weight matrix and for
 * a step Jacobian given as JVP/VJP alike. Deterministic: fixed start vector (or a warm start),
 * fixed stopping rule.
 */

import { matmulAB, matmulABt } from './kernels';

export type LinearMap = (x: Float64Array, out: Float64Array) => void;

export interface PowerIterationOptions {
  /** Start vector (e.g. the previous step's result); copied, not modified. */
  start?: Float64Array;
  maxIterations?: number;
  /** Stop when sigma changes by less than this, relatively. */
  tolerance?: number;
}

/** sigma_max of A (rows x cols), and its right singular vector. */
export function powerIteration(apply: LinearMap, applyT: LinearMap, rows: number, cols: number, opts: PowerIterationOptions = {}): { sigma: number; vector: Float64Array } {
  const maxIterations = opts.maxIterations ?? 200;
  const tolerance = opts.tolerance ?? 1e-9;
  const v = new Float64Array(cols);
  if (opts.start && opts.start.length === cols && norm(opts.start) > 0) v.set(opts.start);
  else for (let i = 0; i < cols; i++) v[i] = 1 + i / cols; // not orthogonal to anything in particular, and fixed
  scale(v, 1 / norm(v));
  const av = new Float64Array(rows);
  let sigma = 0;
  for (let it = 0; it < maxIterations; it++) {
    apply(v, av);
    const next = norm(av);
    applyT(av, v);
    const n = norm(v);
    if (n === 0 || !Number.isFinite(n)) return { sigma: Number.isFinite(next) ? next : n, vector: v };
    scale(v, 1 / n);
    const done = Math.abs(next - sigma) <= tolerance * next;
    sigma = next;
    if (done) break;
  }
  apply(v, av);
  return { sigma: norm(av), vector: v };
}

/** sigma_max of a row-major matrix block W [rows, cols] at offset `off` of `data`. */
export function matrixSpectralNorm(data: Float32Array | Float64Array, off: number, rows: number, cols: number): number {
  const W = Float64Array.from(data.subarray(off, off + rows * cols));
  const apply: LinearMap = (x, out) => matmulABt(out, 0, x, 0, W, 0, 1, rows, cols, false);
  const applyT: LinearMap = (u, out) => matmulAB(out, 0, u, 0, W, 0, 1, cols, rows, false);
  return powerIteration(apply, applyT, rows, cols, { maxIterations: 500, tolerance: 1e-10 }).sigma;
}

export function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function scale(a: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= s;
}
