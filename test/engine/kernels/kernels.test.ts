import { strict as assert } from 'node:assert';
import {
  type FloatArray,
  matmulABt,
  matmulAB,
  matmulAtB,
  gatherColumnsAdd,
  scatterColumnsAdd,
} from '../../../src/engine/kernels/kernels';
import { SimdArena, simdAvailable, simdKernelsFor } from '../../../src/engine/kernels/simd/simdArena';

/** Deterministic values in [-1, 1) so failures reproduce. */
function filled(make: (n: number) => FloatArray, n: number, seed: number): FloatArray {
  const a = make(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

type Layout = 'ABt' | 'AB' | 'AtB';
const KERNELS: Record<Layout, typeof matmulABt> = { ABt: matmulABt, AB: matmulAB, AtB: matmulAtB };

/** The definition, one entry at a time, in float64. */
function reference(layout: Layout, A: FloatArray, aOff: number, B: FloatArray, bOff: number, M: number, N: number, K: number): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = layout === 'AtB' ? A[aOff + k * M + i] : A[aOff + i * K + k];
        const b = layout === 'ABt' ? B[bOff + j * K + k] : B[bOff + k * N + j];
        s += a * b;
      }
      C[i * N + j] = s;
    }
  }
  return C;
}

// Arrays in one SimdArena run on the WebAssembly SIMD kernels (float32 sums), all others on the scalar ones.
const arena = SimdArena.create(1 << 20);
const FLOAT_TYPES: Array<{ name: string; make: (n: number) => FloatArray; tol: number; simd: boolean }> = [
  { name: 'Float32Array', make: (n) => new Float32Array(n), tol: 1e-5, simd: false },
  { name: 'Float64Array', make: (n) => new Float64Array(n), tol: 1e-12, simd: false },
  { name: 'SimdArena Float32Array', make: (n) => arena!.alloc(n), tol: 1e-5, simd: true },
];

// Odd sizes exercise every remainder path of the register blocking (3×4 tiles, 1×8 rows, leftovers).
// The SIMD kernels tile 2×4 (A·B^T) and 4×8 (the others), rows of 16, and take k four at a time.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [1, 7, 5], [3, 5, 7], [4, 4, 4], [5, 9, 13], [7, 3, 1], [1, 65, 33], [1, 8, 3], [2, 23, 17], [17, 31, 9], [13, 6, 130], [32, 128, 64],
  [1, 35, 130], [6, 40, 8], [4, 16, 4], [9, 21, 6],
];

describe('engine/kernels', () => {
  it('runs WebAssembly SIMD on this Node, and only when all three arrays live in one arena', () => {
    assert.ok(simdAvailable(), 'WebAssembly SIMD is missing: training would fall back to the scalar kernels');
    assert.ok(arena !== null);
    const a = arena.alloc(4), b = arena.alloc(4), c = arena.alloc(4);
    assert.notEqual(simdKernelsFor(c, a, b), undefined);
    assert.equal(simdKernelsFor(c, a, new Float32Array(4)), undefined);
    assert.equal(simdKernelsFor(new Float32Array(4), a, b), undefined);
    const other = SimdArena.create(16)!;
    assert.equal(simdKernelsFor(c, a, other.alloc(4)), undefined, 'two arenas are two memories');
  });

  it('an arena refuses to hand out more than it reserved', () => {
    const small = SimdArena.create(1)!;
    small.alloc(small.capacity - 4);
    assert.throws(() => small.alloc(5), /SIMD arena overflow/);
  });

  for (const ft of FLOAT_TYPES) {
    for (const layout of Object.keys(KERNELS) as Layout[]) {
      for (const acc of [false, true]) {
        it(`matmul${layout} ${ft.name} acc=${acc} matches the definition on odd sizes with offsets`, () => {
          for (const [M, N, K] of SHAPES) {
            const aOff = 3, bOff = 5, cOff = 7;
            const A = filled(ft.make, aOff + M * K + 2, 11 + M);
            const B = filled(ft.make, bOff + N * K + 2, 29 + N);
            const C = filled(ft.make, cOff + M * N + 4, 47 + K);
            const before = Float64Array.from(C);
            KERNELS[layout](C, cOff, A, aOff, B, bOff, M, N, K, acc);
            const expected = reference(layout, A, aOff, B, bOff, M, N, K);
            for (let i = 0; i < M * N; i++) {
              const want = (acc ? before[cOff + i] : 0) + expected[i];
              const scale = Math.max(1, Math.sqrt(K));
              assert.ok(Math.abs(C[cOff + i] - want) <= ft.tol * scale,
                `${layout} M=${M} N=${N} K=${K} entry ${i}: got ${C[cOff + i]}, want ${want}`);
            }
            // Nothing outside C[cOff .. cOff+M*N) may change.
            for (let i = 0; i < cOff; i++) assert.equal(C[i], before[i], `wrote before C at ${i}`);
            for (let i = cOff + M * N; i < C.length; i++) assert.equal(C[i], before[i], `wrote after C at ${i}`);
          }
        });
      }
    }

    it(`gatherColumnsAdd ${ft.name} adds the selected columns of W`, () => {
      const rows = 5, cols = 7, count = 3, outOff = 2, idsOff = 1;
      const W = filled(ft.make, rows * cols, 3);
      const ids = Int32Array.from([9, 6, 0, 3]);
      const out = filled(ft.make, outOff + count * rows + 1, 4);
      const before = Float64Array.from(out);
      gatherColumnsAdd(out, outOff, W, ids, idsOff, rows, cols, count);
      for (let r = 0; r < count; r++) {
        for (let j = 0; j < rows; j++) {
          const i = outOff + r * rows + j;
          assert.ok(Math.abs(out[i] - (before[i] + W[j * cols + ids[idsOff + r]])) <= ft.tol);
        }
      }
      assert.equal(out[0], before[0]);
      assert.equal(out[out.length - 1], before[out.length - 1]);
    });

    it(`scatterColumnsAdd ${ft.name} is the transpose of the gather (repeated ids accumulate)`, () => {
      const rows = 4, cols = 6, count = 4, dOutOff = 3, idsOff = 0;
      const dOut = filled(ft.make, dOutOff + count * rows, 5);
      const ids = Int32Array.from([2, 5, 2, 0]);
      const dW = filled(ft.make, rows * cols, 6);
      const want = Float64Array.from(dW);
      for (let r = 0; r < count; r++) for (let j = 0; j < rows; j++) want[j * cols + ids[r]] += dOut[dOutOff + r * rows + j];
      scatterColumnsAdd(dW, dOut, dOutOff, ids, idsOff, rows, cols, count);
      for (let i = 0; i < dW.length; i++) assert.ok(Math.abs(dW[i] - want[i]) <= ft.tol, `entry ${i}`);
    });
  }
});
