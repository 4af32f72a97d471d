// AssemblyScript, compiled to WebAssembly by scripts/build-simd.mjs (not part of the TypeScript
// build: see src/engine/kernels/simd/README.md). The same three products as src/engine/kernels/kernels.ts, on
// float32 matrices in the module's linear memory, four lanes at a time (128-bit SIMD).
//
// Every pointer is a byte address of a row-major float32 matrix; `acc` 0 overwrites C, 1 adds.
// Sums are float32 (as in BLAS and PyTorch), not the float64 sums of the scalar kernels.
//
// Tile sizes (why the loops look the way they do): x64 has 16 vector registers. A tile keeps
// its running sums in registers for the whole k loop and loads each input once per tile:
//   - A · B^T (dot products, both operands contiguous along k): 2 rows × 4 columns of C,
//     eight vector sums of four k-lanes each, folded into four lanes at the end.
//   - A · B and A^T · B (rows of B, contiguous along n): 4 rows × 8 columns of C, each
//     k step broadcasts one A value per row and loads two vectors of B.

const F: usize = 4; // bytes per float32

@inline function fma(s: v128, x: v128, w: v128): v128 {
  return f32x4.add(s, f32x4.mul(x, w));
}

/** [Σ s0, Σ s1, Σ s2, Σ s3]: the lane sums of four vectors, in four lanes. */
@inline function laneSums(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u0 = f32x4.add(f32x4.shuffle(s0, s1, 0, 4, 1, 5), f32x4.shuffle(s0, s1, 2, 6, 3, 7));
  const u1 = f32x4.add(f32x4.shuffle(s2, s3, 0, 4, 1, 5), f32x4.shuffle(s2, s3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(u0, u1, 0, 1, 4, 5), f32x4.shuffle(u0, u1, 2, 3, 6, 7));
}

@inline function addInto(p: usize, v: v128): void {
  v128.store(p, f32x4.add(v128.load(p), v));
}

function zeroUnlessAccumulating(c: usize, M: i32, N: i32, acc: i32): void {
  if (!acc) memory.fill(c, 0, <usize>M * <usize>N * F);
}

// ---------------------------------------------------------------------------------------------
// C[M,N] (+)= A[M,K] · B[N,K]^T: W x for a batch of inputs (rows of A) and a weight matrix (B).

export function matmulABt(c: usize, a: usize, b: usize, M: i32, N: i32, K: i32, acc: i32): void {
  zeroUnlessAccumulating(c, M, N, acc);
  const rowA = <usize>K * F;
  const rowC = <usize>N * F;
  const k4 = <usize>(K & ~3) * F;
  const kEnd = <usize>K * F;
  const M2 = M & ~1;
  const N4 = N & ~3;
  let i = 0;
  for (; i < M2; i += 2) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const c0 = c + <usize>i * rowC;
    let j = 0;
    for (; j < N4; j += 4) {
      const b0 = b + <usize>j * rowA;
      const b1 = b0 + rowA;
      const b2 = b1 + rowA;
      const b3 = b2 + rowA;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      for (let k: usize = 0; k < k4; k += 16) {
        const x0 = v128.load(a0 + k);
        const x1 = v128.load(a1 + k);
        let w = v128.load(b0 + k); s00 = fma(s00, x0, w); s10 = fma(s10, x1, w);
        w = v128.load(b1 + k); s01 = fma(s01, x0, w); s11 = fma(s11, x1, w);
        w = v128.load(b2 + k); s02 = fma(s02, x0, w); s12 = fma(s12, x1, w);
        w = v128.load(b3 + k); s03 = fma(s03, x0, w); s13 = fma(s13, x1, w);
      }
      const p = c0 + <usize>j * F;
      addInto(p, laneSums(s00, s01, s02, s03));
      addInto(p + rowC, laneSums(s10, s11, s12, s13));
      if (k4 < kEnd) {
        for (let q = 0; q < 4; q++) {
          const bq = b0 + <usize>q * rowA;
          store<f32>(p + <usize>q * F, load<f32>(p + <usize>q * F) + dotTail(a0, bq, k4, kEnd));
          store<f32>(p + rowC + <usize>q * F, load<f32>(p + rowC + <usize>q * F) + dotTail(a1, bq, k4, kEnd));
        }
      }
    }
    for (; j < N; j++) {
      const bj = b + <usize>j * rowA;
      const p = c0 + <usize>j * F;
      store<f32>(p, load<f32>(p) + dot(a0, bj, k4, kEnd));
      store<f32>(p + rowC, load<f32>(p + rowC) + dot(a1, bj, k4, kEnd));
    }
  }
  for (; i < M; i++) rowTimesBt(c + <usize>i * rowC, a + <usize>i * rowA, b, N, rowA, k4, kEnd);
}

/** One row (batch 1: the matrix-vector product W h): c[N] += B[N,K] · a[K], four rows of B at a time. */
function rowTimesBt(c0: usize, a0: usize, b: usize, N: i32, rowA: usize, k4: usize, kEnd: usize): void {
  const N4 = N & ~3;
  let j = 0;
  for (; j < N4; j += 4) {
    const b0 = b + <usize>j * rowA;
    const b1 = b0 + rowA;
    const b2 = b1 + rowA;
    const b3 = b2 + rowA;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let k: usize = 0; k < k4; k += 16) {
      const x = v128.load(a0 + k);
      s0 = fma(s0, x, v128.load(b0 + k));
      s1 = fma(s1, x, v128.load(b1 + k));
      s2 = fma(s2, x, v128.load(b2 + k));
      s3 = fma(s3, x, v128.load(b3 + k));
    }
    const p = c0 + <usize>j * F;
    addInto(p, laneSums(s0, s1, s2, s3));
    if (k4 < kEnd) {
      for (let q = 0; q < 4; q++) store<f32>(p + <usize>q * F, load<f32>(p + <usize>q * F) + dotTail(a0, b0 + <usize>q * rowA, k4, kEnd));
    }
  }
  for (; j < N; j++) {
    const p = c0 + <usize>j * F;
    store<f32>(p, load<f32>(p) + dot(a0, b + <usize>j * rowA, k4, kEnd));
  }
}

/** Σ_k x[k] y[k] over the whole row (vector part, then the tail). */
function dot(x: usize, y: usize, k4: usize, kEnd: usize): f32 {
  let s = f32x4.splat(0);
  for (let k: usize = 0; k < k4; k += 16) s = fma(s, v128.load(x + k), v128.load(y + k));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3) + dotTail(x, y, k4, kEnd);
}

/** Σ over the last K mod 4 entries. */
@inline function dotTail(x: usize, y: usize, k4: usize, kEnd: usize): f32 {
  let s: f32 = 0;
  for (let k = k4; k < kEnd; k += 4) s += load<f32>(x + k) * load<f32>(y + k);
  return s;
}

// ---------------------------------------------------------------------------------------------
// C[M,N] (+)= A[M,K] · B[K,N] (W^T δ in backpropagation) and C[M,N] (+)= A[K,M]^T · B[K,N]
// (a weight gradient Σ δ x^T over all rows). Both walk rows of B; they differ only in where
// A's value for (row i, step k) sits: A[i*K + k] (stride 1 along k) or A[k*M + i] (stride M).

export function matmulAB(c: usize, a: usize, b: usize, M: i32, N: i32, K: i32, acc: i32): void {
  zeroUnlessAccumulating(c, M, N, acc);
  rowsTimesB(c, a, <usize>K * F, F, b, M, N, K);
}

// Weight gradients sum over all T*B rows (K in the thousands). Taken K_BLOCK rows at a time, the
// strip of A that every column tile of a row block re-reads stays in the L1 cache.
const K_BLOCK = 256;

export function matmulAtB(c: usize, a: usize, b: usize, M: i32, N: i32, K: i32, acc: i32): void {
  zeroUnlessAccumulating(c, M, N, acc);
  for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
    const rows = min(K_BLOCK, K - k0);
    rowsTimesB(c, a + <usize>k0 * <usize>M * F, F, <usize>M * F, b + <usize>k0 * <usize>N * F, M, N, rows);
  }
}

/** C[M,N] += Σ_k A(i,k) B[k,:], where A(i,k) is at a + i*rowStep + k*kStep. */
function rowsTimesB(c: usize, a: usize, rowStep: usize, kStep: usize, b: usize, M: i32, N: i32, K: i32): void {
  const rowB = <usize>N * F;
  const M4 = M & ~3;
  let i = 0;
  for (; i < M4; i += 4) fourRows(c + <usize>i * rowB, a + <usize>i * rowStep, rowStep, kStep, b, N, K);
  for (; i < M; i++) oneRow(c + <usize>i * rowB, a + <usize>i * rowStep, kStep, b, N, K);
}

/** Rows i..i+3 of C, eight columns at a time, then four, then one. */
function fourRows(c0: usize, a0: usize, rowStep: usize, kStep: usize, b: usize, N: i32, K: i32): void {
  const rowB = <usize>N * F;
  const a1 = a0 + rowStep, a2 = a1 + rowStep, a3 = a2 + rowStep;
  const c1 = c0 + rowB, c2 = c1 + rowB, c3 = c2 + rowB;
  const N8 = N & ~7;
  const N4 = N & ~3;
  let j = 0;
  for (; j < N8; j += 8) {
    const jb = <usize>j * F;
    let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
    let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
    let bk = b + jb;
    let ak: usize = 0;
    for (let k = 0; k < K; k++, bk += rowB, ak += kStep) {
      const w0 = v128.load(bk);
      const w1 = v128.load(bk, 16);
      let x = v128.load32_splat(a0 + ak); s00 = fma(s00, x, w0); s01 = fma(s01, x, w1);
      x = v128.load32_splat(a1 + ak); s10 = fma(s10, x, w0); s11 = fma(s11, x, w1);
      x = v128.load32_splat(a2 + ak); s20 = fma(s20, x, w0); s21 = fma(s21, x, w1);
      x = v128.load32_splat(a3 + ak); s30 = fma(s30, x, w0); s31 = fma(s31, x, w1);
    }
    addInto(c0 + jb, s00); addInto(c0 + jb + 16, s01);
    addInto(c1 + jb, s10); addInto(c1 + jb + 16, s11);
    addInto(c2 + jb, s20); addInto(c2 + jb + 16, s21);
    addInto(c3 + jb, s30); addInto(c3 + jb + 16, s31);
  }
  for (; j < N4; j += 4) {
    const jb = <usize>j * F;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let bk = b + jb;
    let ak: usize = 0;
    for (let k = 0; k < K; k++, bk += rowB, ak += kStep) {
      const w = v128.load(bk);
      s0 = fma(s0, v128.load32_splat(a0 + ak), w);
      s1 = fma(s1, v128.load32_splat(a1 + ak), w);
      s2 = fma(s2, v128.load32_splat(a2 + ak), w);
      s3 = fma(s3, v128.load32_splat(a3 + ak), w);
    }
    addInto(c0 + jb, s0); addInto(c1 + jb, s1); addInto(c2 + jb, s2); addInto(c3 + jb, s3);
  }
  for (; j < N; j++) {
    const jb = <usize>j * F;
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    let bk = b + jb;
    let ak: usize = 0;
    for (let k = 0; k < K; k++, bk += rowB, ak += kStep) {
      const w = load<f32>(bk);
      s0 += load<f32>(a0 + ak) * w; s1 += load<f32>(a1 + ak) * w;
      s2 += load<f32>(a2 + ak) * w; s3 += load<f32>(a3 + ak) * w;
    }
    store<f32>(c0 + jb, load<f32>(c0 + jb) + s0); store<f32>(c1 + jb, load<f32>(c1 + jb) + s1);
    store<f32>(c2 + jb, load<f32>(c2 + jb) + s2); store<f32>(c3 + jb, load<f32>(c3 + jb) + s3);
  }
}

/** One row of C (batch 1: δ W), sixteen columns at a time, then four, then one. */
function oneRow(c0: usize, a0: usize, kStep: usize, b: usize, N: i32, K: i32): void {
  const rowB = <usize>N * F;
  const N16 = N & ~15;
  const N4 = N & ~3;
  let j = 0;
  for (; j < N16; j += 16) {
    const jb = <usize>j * F;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let bk = b + jb;
    let ak: usize = 0;
    for (let k = 0; k < K; k++, bk += rowB, ak += kStep) {
      const x = v128.load32_splat(a0 + ak);
      s0 = fma(s0, x, v128.load(bk));
      s1 = fma(s1, x, v128.load(bk, 16));
      s2 = fma(s2, x, v128.load(bk, 32));
      s3 = fma(s3, x, v128.load(bk, 48));
    }
    addInto(c0 + jb, s0); addInto(c0 + jb + 16, s1); addInto(c0 + jb + 32, s2); addInto(c0 + jb + 48, s3);
  }
  for (; j < N4; j += 4) {
    const jb = <usize>j * F;
    let s = f32x4.splat(0);
    let bk = b + jb;
    let ak: usize = 0;
    for (let k = 0; k < K; k++, bk += rowB, ak += kStep) s = fma(s, v128.load32_splat(a0 + ak), v128.load(bk));
    addInto(c0 + jb, s);
  }
  for (; j < N; j++) {
    const jb = <usize>j * F;
    let s: f32 = 0;
    let bk = b + jb;
    let ak: usize = 0;
    for (let k = 0; k < K; k++, bk += rowB, ak += kStep) s += load<f32>(a0 + ak) * load<f32>(bk);
    store<f32>(c0 + jb, load<f32>(c0 + jb) + s);
  }
}

// ---------------------------------------------------------------------------------------------
// The gates' nonlinearities, four lanes at a time: sigmoid(x) = 1 / (1 + e^-x) and tanh(x), in
// place over `rows` runs of `width` floats that start `stride` floats apart (one gate block of
// every stream of a time step). The exponential is Cephes' expf, to about 1 ulp of float32:
//   e^x = 2^n e^r,  n = round(x / ln 2),  r = x - n ln 2 in [-ln2/2, ln2/2],
//   e^r = 1 + r + r^2 (1/2 + r/6 + ... + r^5/5040) (a minimax fit), 2^n built in the exponent bits.
// NaN stays NaN (so a diverged step is still caught); +-Infinity saturate. The input of the
// exponential is clamped to [-87.3, 88], where both functions have long reached their limits.

const EXP_HI: f32 = 88; // above, 2^n would not fit the exponent bits (e^88 is 1.7e38)
const EXP_LO: f32 = -87.3365447505531; // below, 2^n would leave the normal range
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375; // ln 2 in two parts, so r keeps its low bits
const LN2_LO: f32 = -2.12194440e-4;

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

@inline function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, splat(EXP_HI)), splat(EXP_LO));
  const n = f32x4.floor(fma(splat(0.5), x, splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO)));
  let p = splat(1.9875691500e-4);
  p = fma(splat(1.3981999507e-3), p, r);
  p = fma(splat(8.3334519073e-3), p, r);
  p = fma(splat(4.1665795894e-2), p, r);
  p = fma(splat(1.6666665459e-1), p, r);
  p = fma(splat(5.0000001201e-1), p, r);
  const er = f32x4.add(fma(r, p, f32x4.mul(r, r)), splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(er, pow2n);
}

@inline function sigmoid4(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), exp4(f32x4.neg(x))));
}

/** tanh: an odd polynomial near 0 (where 1 - 2/(e^2x + 1) would cancel), that formula beyond. */
@inline function tanh4(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = fma(splat(2.06390887954e-2), p, z);
  p = fma(splat(-5.37397155531e-2), p, z);
  p = fma(splat(1.33314422036e-1), p, z);
  p = fma(splat(-3.33332819422e-1), p, z);
  const small = fma(x, f32x4.mul(p, z), x);
  const large = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(exp4(f32x4.add(x, x)), splat(1))));
  return v128.bitselect(small, large, f32x4.lt(f32x4.abs(x), splat(0.625)));
}

// Scalar versions for the last width mod 4 values of a row: the same formulas, one lane.
@inline function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

export function sigmoidRows(p: usize, rows: i32, stride: i32, width: i32): void {
  const w4 = <usize>(width & ~3) * F;
  const wEnd = <usize>width * F;
  for (let r = 0; r < rows; r++) {
    const row = p + <usize>r * <usize>stride * F;
    let k: usize = 0;
    for (; k < w4; k += 16) v128.store(row + k, sigmoid4(v128.load(row + k)));
    for (; k < wEnd; k += 4) store<f32>(row + k, <f32>1 / (<f32>1 + exp1(-load<f32>(row + k))));
  }
}

export function tanhRows(p: usize, rows: i32, stride: i32, width: i32): void {
  const w4 = <usize>(width & ~3) * F;
  const wEnd = <usize>width * F;
  for (let r = 0; r < rows; r++) {
    const row = p + <usize>r * <usize>stride * F;
    let k: usize = 0;
    for (; k < w4; k += 16) v128.store(row + k, tanh4(v128.load(row + k)));
    for (; k < wEnd; k += 4) store<f32>(row + k, f32x4.extract_lane(tanh4(f32x4.splat(load<f32>(row + k))), 0));
  }
}

// ---------------------------------------------------------------------------------------------
// Adam over the flat parameter buffer, in float32 as PyTorch computes it (see optimizers.ts):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= step m / (sqrt(v) / sqrtBc2 + eps)

// 1 - beta comes from the caller, in double: 1 - 0.999f in float32 would be 1.3e-5 off.
export function adamUpdate(w: usize, g: usize, m: usize, v: usize, n: i32, step: f32, sqrtBc2: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, eps: f32): void {
  const end = <usize>n * F;
  const end4 = <usize>(n & ~3) * F;
  const b1 = splat(beta1), c1 = splat(oneMinusBeta1), b2 = splat(beta2), c2 = splat(oneMinusBeta2);
  const s = splat(step), q = splat(sqrtBc2), e = splat(eps);
  let k: usize = 0;
  for (; k < end4; k += 16) {
    const gk = v128.load(g + k);
    const mk = f32x4.add(f32x4.mul(b1, v128.load(m + k)), f32x4.mul(c1, gk));
    const vk = f32x4.add(f32x4.mul(b2, v128.load(v + k)), f32x4.mul(c2, f32x4.mul(gk, gk)));
    v128.store(m + k, mk);
    v128.store(v + k, vk);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vk), q), e);
    v128.store(w + k, f32x4.sub(v128.load(w + k), f32x4.div(f32x4.mul(s, mk), denom)));
  }
  for (; k < end; k += 4) {
    const gk = load<f32>(g + k);
    const mk = beta1 * load<f32>(m + k) + oneMinusBeta1 * gk;
    const vk = beta2 * load<f32>(v + k) + oneMinusBeta2 * gk * gk;
    store<f32>(m + k, mk);
    store<f32>(v + k, vk);
    store<f32>(w + k, load<f32>(w + k) - (step * mk) / (Mathf.sqrt(vk) / sqrtBc2 + eps));
  }
}

// ---------------------------------------------------------------------------------------------
// dst[j] += Σ_r src[r*cols + j]: a bias gradient summed over all rows, row by row as the scalar
// version adds them (each partial sum rounded to float32 in dst), so both give the same bits.

export function addColumnSums(dst: usize, src: usize, rows: i32, cols: i32): void {
  const c4 = <usize>(cols & ~3) * F;
  const cEnd = <usize>cols * F;
  for (let r = 0; r < rows; r++) {
    const row = src + <usize>r * <usize>cols * F;
    let k: usize = 0;
    for (; k < c4; k += 16) addInto(dst + k, v128.load(row + k));
    for (; k < cEnd; k += 4) store<f32>(dst + k, load<f32>(dst + k) + load<f32>(row + k));
  }
}

// ---------------------------------------------------------------------------------------------
// Row-scaled sums of weight blocks: C[r, :] = Σ_{g < terms} s[g*R + r] · W[g*blockStride + r*n + j],
// rows r < R of C `cStride` floats apart. A step Jacobian J_t = Σ_g diag(s_g) W_hh,g and the
// itemized pass's folded step matrices are built from these, once per step of a trace (the
// matrix products that use them run here too, so building them in JavaScript took as long).

export function rowScaledSums(c: usize, cStride: i32, w: usize, blockStride: i32, s: usize, R: i32, n: i32, terms: i32): void {
  const n4 = <usize>(n & ~3) * F;
  const nEnd = <usize>n * F;
  const block = <usize>blockStride * F;
  for (let r = 0; r < R; r++) {
    const row = c + <usize>r * <usize>cStride * F;
    const w0 = w + <usize>r * <usize>n * F;
    const w1 = w0 + block, w2 = w1 + block, w3 = w2 + block;
    const sr = s + <usize>r * F;
    const sR = <usize>R * F;
    const a0 = load<f32>(sr);
    const a1 = terms > 1 ? load<f32>(sr + sR) : <f32>0;
    const a2 = terms > 2 ? load<f32>(sr + 2 * sR) : <f32>0;
    const a3 = terms > 3 ? load<f32>(sr + 3 * sR) : <f32>0;
    const v0 = f32x4.splat(a0), v1 = f32x4.splat(a1), v2 = f32x4.splat(a2), v3 = f32x4.splat(a3);
    let k: usize = 0;
    if (terms == 1) {
      for (; k < n4; k += 16) v128.store(row + k, f32x4.mul(v0, v128.load(w0 + k)));
      for (; k < nEnd; k += 4) store<f32>(row + k, a0 * load<f32>(w0 + k));
    } else if (terms == 2) {
      for (; k < n4; k += 16) v128.store(row + k, fma(f32x4.mul(v0, v128.load(w0 + k)), v1, v128.load(w1 + k)));
      for (; k < nEnd; k += 4) store<f32>(row + k, a0 * load<f32>(w0 + k) + a1 * load<f32>(w1 + k));
    } else if (terms == 3) {
      for (; k < n4; k += 16) v128.store(row + k, fma(fma(f32x4.mul(v0, v128.load(w0 + k)), v1, v128.load(w1 + k)), v2, v128.load(w2 + k)));
      for (; k < nEnd; k += 4) store<f32>(row + k, a0 * load<f32>(w0 + k) + a1 * load<f32>(w1 + k) + a2 * load<f32>(w2 + k));
    } else {
      for (; k < n4; k += 16) v128.store(row + k, fma(fma(fma(f32x4.mul(v0, v128.load(w0 + k)), v1, v128.load(w1 + k)), v2, v128.load(w2 + k)), v3, v128.load(w3 + k)));
      for (; k < nEnd; k += 4) store<f32>(row + k, a0 * load<f32>(w0 + k) + a1 * load<f32>(w1 + k) + a2 * load<f32>(w2 + k) + a3 * load<f32>(w3 + k));
    }
  }
}
