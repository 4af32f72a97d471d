/**
 * Largest singular values from the products A v and A^T u only, so they work for a weight matrix
 * and for a step Jacobian given as JVP/VJP alike. Deterministic: fixed start vector (or a given
 * warm start), fixed stopping rule.
 *
 *  - powerIteration: v <- A^T A v / ||A^T A v||, then sigma = ||A v||. Simple (the reference the
 *    tests hold Lanczos to), but when the top singular values lie close together (typical for
 *    random-like matrices) it needs hundreds of products: the error shrinks like
 *    (sigma_2 / sigma_1)^(2k).
 *  - largestSingularValues: Lanczos on A^T A. After k products the Krylov space
 *    span{v, A^T A v, ..., (A^T A)^(k-1) v} is orthonormalized into Q_k, and Q_k^T A^T A Q_k is
 *    a small tridiagonal matrix whose largest eigenvalue theta_k is the best estimate of
 *    sigma_1^2 that space holds (never above it, never decreasing in k). It converges like
 *    Chebyshev polynomials, about the square root of the power iteration's count. It stops on
 *    the residual of the top Ritz pair (a cheap by-product), not on theta's growth, which can
 *    stall for a few steps before jumping. Many operators of the same shape (the T step
 *    Jacobians of a layer) can run together, so each round of products is one matrix-matrix
 *    product over all still-unconverged operators.
 */

import { type FloatArray, matmulAB, matmulABt } from '../kernels/kernels';

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

/**
 * `count` operators A_m [rows, cols] applied together: row r of x (a vector of length cols) goes
 * through operator ops[r]; `n` rows are used. Buffers come from alloc (the network's precision).
 */
export interface BatchedLinearMap {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  apply(ops: Int32Array, n: number, x: FloatArray, out: FloatArray): void;
  applyT(ops: Int32Array, n: number, u: FloatArray, out: FloatArray): void;
  alloc(length: number): FloatArray;
}

export interface LanczosOptions {
  /** Stop an operator when the residual of its top Ritz pair of A^T A is below this times theta (= sigma^2). */
  tolerance: number;
  /** At most this many products per operator (never more than cols: then the space is all of R^cols). */
  maxIterations?: number;
  /** Start vectors per operator (e.g. a neighbouring step's singular vector); a fixed vector where missing. */
  starts?: readonly (Float64Array | undefined)[];
  /** When given, receives each operator's estimate of its top right singular vector (unit length). */
  vectors?: Float64Array[];
}

/** sigma_max of every operator of `op`, by Lanczos with full reorthogonalization. */
export function largestSingularValues(op: BatchedLinearMap, opts: LanczosOptions): Float64Array {
  const { count, rows, cols } = op;
  const maxK = Math.min(cols, opts.maxIterations ?? 300);
  const X = op.alloc(count * cols);
  const Y = op.alloc(count * rows);
  const Z = op.alloc(count * cols);
  const Q: Float64Array[][] = [];
  const alpha: number[][] = [];
  const beta: number[][] = [];
  for (let m = 0; m < count; m++) {
    const given = opts.starts?.[m];
    const q0 = given && given.length === cols && norm(given) > 0 ? given.slice() : fixedStart(cols);
    scale(q0, 1 / norm(q0));
    Q.push([q0]);
    alpha.push([]);
    beta.push([]);
  }
  const theta = new Float64Array(count);
  const active = Int32Array.from({ length: count }, (_, m) => m);
  let live = count;
  for (let j = 0; live > 0; j++) {
    // Element by element: TypedArray.set and .from between float64 and float32 arrays take a slow
    // generic path in V8, which cost more than the products of a 256 x 256 operator.
    for (let r = 0; r < live; r++) copyInto(X, r * cols, Q[active[r]][j]);
    op.apply(active, live, X, Y);
    op.applyT(active, live, Y, Z);
    let kept = 0;
    for (let r = 0; r < live; r++) {
      const m = active[r];
      const q = Q[m];
      const w = copyOut(Z, r * cols, cols); // A^T A q_j
      const a = dot(q[j], w);
      // Orthogonalize against every earlier q (that is the three-term recurrence, done in full):
      // in floating point the recurrence alone loses orthogonality, and a non-orthogonal basis
      // can report more than sigma_1. A second time when the first cancelled most of w (the
      // DGKS test: w lost more than 1 - 1/sqrt 2 of its length), because once is then not enough.
      const before = norm(w);
      for (let i = 0; i <= j; i++) axpy(w, -dot(q[i], w), q[i]);
      let b = norm(w);
      if (b < Math.SQRT1_2 * before) {
        for (let i = 0; i <= j; i++) axpy(w, -dot(q[i], w), q[i]);
        b = norm(w);
      }
      alpha[m].push(a);
      // theta never decreases with j (the Krylov space only grows): the last one bounds it below.
      const th = largestTridiagonalEigenvalue(alpha[m], beta[m], theta[m]);
      theta[m] = th;
      // The Ritz vector Q s of theta leaves the residual ||A^T A Q s - theta Q s|| = b |s_last|.
      const y = topEigenvector(alpha[m], beta[m], th);
      const residual = b * Math.abs(y[j]);
      const done = j + 1 >= maxK || b <= 1e-12 * th || residual <= opts.tolerance * th;
      if (done) {
        if (opts.vectors) {
          const v = new Float64Array(cols);
          for (let i = 0; i <= j; i++) axpy(v, y[i], q[i]);
          opts.vectors[m] = v;
        }
        continue;
      }
      beta[m].push(b);
      scale(w, 1 / b);
      q.push(w);
      active[kept++] = m;
    }
    live = kept;
  }
  return theta.map(Math.sqrt);
}

/**
 * Largest eigenvalue of the symmetric tridiagonal matrix (diagonal alpha, off-diagonal beta) by
 * bisection on Sturm counts: the number of negative pivots of T - x I is the number of
 * eigenvalues below x. Between the largest diagonal entry (a Rayleigh quotient) and the
 * Gershgorin bound.
 */
function largestTridiagonalEigenvalue(alpha: readonly number[], beta: readonly number[], atLeast = -Infinity): number {
  const k = alpha.length;
  let lo = atLeast;
  let hi = -Infinity;
  for (let i = 0; i < k; i++) {
    lo = Math.max(lo, alpha[i]);
    hi = Math.max(hi, alpha[i] + (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < k - 1 ? Math.abs(beta[i]) : 0));
  }
  const below = (x: number): number => {
    let count = 0;
    let pivot = 1;
    for (let i = 0; i < k; i++) {
      pivot = alpha[i] - x - (i > 0 ? (beta[i - 1] * beta[i - 1]) / pivot : 0);
      if (pivot === 0) pivot = -Number.EPSILON * (Math.abs(x) + Number.MIN_VALUE);
      if (pivot < 0) count++;
    }
    return count;
  };
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.abs(hi); it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (below(mid) < k) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The unit eigenvector of the tridiagonal matrix for its largest eigenvalue theta, by two steps
 * of inverse iteration with mu I - T, mu just above theta: that matrix is positive definite, so
 * the elimination without pivoting below is stable.
 */
function topEigenvector(alpha: readonly number[], beta: readonly number[], theta: number): Float64Array {
  const k = alpha.length;
  const mu = theta + 1e-12 * Math.abs(theta) + Number.MIN_VALUE;
  const pivot = new Float64Array(k);
  const x = new Float64Array(k).fill(1);
  for (let i = 0; i < k; i++) pivot[i] = mu - alpha[i] - (i > 0 ? (beta[i - 1] * beta[i - 1]) / pivot[i - 1] : 0);
  for (let sweep = 0; sweep < 2; sweep++) {
    // Solve (mu I - T) y = x: forward elimination, then back substitution.
    for (let i = 1; i < k; i++) x[i] += (beta[i - 1] / pivot[i - 1]) * x[i - 1];
    x[k - 1] /= pivot[k - 1];
    for (let i = k - 2; i >= 0; i--) x[i] = (x[i] + beta[i] * x[i + 1]) / pivot[i];
    let n = 0;
    for (let i = 0; i < k; i++) n += x[i] * x[i];
    n = Math.sqrt(n);
    if (!(n > 0) || !Number.isFinite(n)) return new Float64Array(k);
    for (let i = 0; i < k; i++) x[i] /= n;
  }
  return x;
}

/**
 * A dense row-major matrix A [rows, cols] at offset `off` of `data`, read in place, as a (count 1)
 * operator. `alloc` places the solver's vectors (next to `data` in a SIMD arena, say); by default
 * they are new arrays of the matrix's type.
 */
export function denseOperator(data: FloatArray, off: number, rows: number, cols: number, alloc?: (length: number) => FloatArray): BatchedLinearMap {
  return {
    count: 1,
    rows,
    cols,
    apply: (_ops, _n, x, out) => matmulABt(out, 0, x, 0, data, off, 1, rows, cols, false),
    applyT: (_ops, _n, u, out) => matmulAB(out, 0, u, 0, data, off, 1, cols, rows, false),
    // The same array type as the matrix: in training the products then stay on Float32 arrays.
    alloc: alloc ?? ((n) => (data instanceof Float64Array ? new Float64Array(n) : new Float32Array(n))),
  };
}

/** sigma_max of a row-major matrix block W [rows, cols] at offset `off` of `data`. */
export function matrixSpectralNorm(data: FloatArray, off: number, rows: number, cols: number): number {
  return largestSingularValues(denseOperator(data, off, rows, cols), { tolerance: data instanceof Float64Array ? 1e-12 : 1e-6 })[0];
}

/** Not orthogonal to anything in particular, and fixed. */
function fixedStart(cols: number): Float64Array {
  const start = new Float64Array(cols);
  for (let i = 0; i < cols; i++) start[i] = 1 + i / cols;
  return start;
}

function copyInto(dst: FloatArray, at: number, src: Float64Array): void {
  for (let i = 0; i < src.length; i++) dst[at + i] = src[i];
}

function copyOut(src: FloatArray, at: number, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = src[at + i];
  return out;
}

export function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(y: Float64Array, s: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += s * x[i];
}

function scale(a: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= s;
}
