import { strict as assert } from 'node:assert';
import { createOptimizerState, optimizerStep } from '../../../src/engine/training/optimizers';
import { paramLayout } from '../../../src/engine/model/params';
import { SimdArena } from '../../../src/engine/kernels/simd/simdArena';
import { addColumnSums, fillRows, sigmoidRows, tanhRows } from '../../../src/engine/kernels/tensorOps';

// The element-wise SIMD kernels against their definitions (the scalar paths, in double).
describe('engine/simd: element-wise kernels', () => {
  const arena = SimdArena.create(1 << 20)!;

  for (const [name, rowsFn, exact] of [
    ['sigmoidRows', sigmoidRows, (x: number) => 1 / (1 + Math.exp(-x))],
    ['tanhRows', tanhRows, Math.tanh],
  ] as const) {
    it(`${name}: within 3e-7 of the definition from -100 to 100, NaN stays NaN, infinities saturate`, () => {
      const n = 40_003; // not a multiple of 4: the scalar tail runs too
      const x = arena.alloc(n);
      for (let i = 0; i < n; i++) x[i] = -100 + (200 * i) / (n - 1);
      const input = Float64Array.from(x);
      rowsFn(x, 0, 1, n, n);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i] - exact(input[i])) <= 3e-7, `${name}(${input[i]}) = ${x[i]}, want ${exact(input[i])}`);
      const special = arena.alloc(5);
      special.set([NaN, Infinity, -Infinity, 0, 1e-20]);
      rowsFn(special, 0, 1, 5, 5);
      assert.ok(Number.isNaN(special[0]));
      assert.equal(special[1], 1);
      assert.ok(Math.abs(special[2] - (name === 'tanhRows' ? -1 : 0)) < 1e-30);
      assert.equal(special[3], exact(0));
      assert.ok(Math.abs(special[4] - exact(1e-20)) <= 1e-7 * Math.abs(exact(1e-20)));
    });

    it(`${name}: strided rows change only their own runs, as the scalar path does`, () => {
      const x = arena.alloc(60);
      for (let i = 0; i < 60; i++) x[i] = Math.sin(i) * 4;
      const before = Float32Array.from(x);
      const plain = Float32Array.from(x);
      rowsFn(x, 2, 4, 13, 9); // rows of 9 values at 2, 15, 28, 41
      rowsFn(plain, 2, 4, 13, 9);
      for (let i = 0; i < 60; i++) {
        const inRun = i >= 2 && i < 2 + 4 * 13 && (i - 2) % 13 < 9;
        if (!inRun) assert.equal(x[i], before[i], `value ${i} outside the runs changed`);
        assert.ok(Math.abs(x[i] - plain[i]) <= 3e-7, `value ${i}: ${x[i]} vs ${plain[i]}`);
      }
    });
  }

  it('addColumnSums in an arena gives the scalar version\'s bits (same order, float32 partial sums)', () => {
    const rows = 37, cols = 23; // neither a multiple of 4
    const src = arena.alloc(3 + rows * cols);
    for (let i = 0; i < src.length; i++) src[i] = Math.cos(i * 0.37) * 3;
    const dst = arena.alloc(cols + 2).fill(0.25);
    const plainDst = new Float32Array(cols + 2).fill(0.25);
    addColumnSums(dst, 1, src, 3, rows, cols - 1);
    addColumnSums(plainDst, 1, Float32Array.from(src), 3, rows, cols - 1);
    assert.deepEqual(Array.from(dst), Array.from(plainDst));
    assert.equal(dst[0], 0.25);
    assert.equal(dst[cols], 0.25, 'nothing past the columns');
    assert.notEqual(dst[1], 0.25);
  });

  it('fillRows copies the bias into every row and nothing else', () => {
    const bias = Float32Array.from([9, 1, 2, 3, 9]);
    const dst = new Float32Array(2 + 4 * 3 + 1).fill(-1);
    fillRows(dst, 2, bias, 1, 4, 3);
    assert.deepEqual(Array.from(dst), [-1, -1, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, -1]);
  });

  it('Adam in an arena (float32 SIMD) follows the double-precision rule within float32 rounding', () => {
    const config = { cell: 'lstm' as const, hidden: 7, layers: 1, vocab: ['a', 'b', 'c', 'd', 'e'], gruResetAfter: true };
    const layout = paramLayout(config);
    const n = layout.total;
    const fill = (a: Float32Array, seed: number): Float32Array => {
      for (let i = 0; i < a.length; i++) a[i] = Math.sin(seed * 7.3 + i * 1.7) * 0.1;
      return a;
    };
    const initial = fill(new Float32Array(n), 1);
    const wSimd = fill(arena.alloc(n), 1);
    const wPlain = fill(new Float32Array(n), 1);
    const gSimd = arena.alloc(n);
    const gPlain = new Float32Array(n);
    const sSimd = createOptimizerState('adam', n, arena.alloc);
    const sPlain = createOptimizerState('adam', n);
    for (let step = 0; step < 5; step++) {
      fill(gSimd, step + 2);
      fill(gPlain, step + 2);
      optimizerStep(sSimd, wSimd, gSimd, 0.01, layout, false);
      optimizerStep(sPlain, wPlain, gPlain, 0.01, layout, false);
    }
    let moved = 0;
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(wSimd[i] - wPlain[i]) <= 1e-6 * Math.max(1e-2, Math.abs(wPlain[i])), `weight ${i}: ${wSimd[i]} vs ${wPlain[i]}`);
      if (wPlain[i] !== initial[i]) moved++;
    }
    assert.ok(moved > n / 2, 'the steps moved the weights');
  });
});
