import * as assert from 'node:assert/strict';
import { ACTIVATION_BUDGET_MACS, affordableChars, macsPerChar, topK, unitActivations } from '../../../src/engine/kernels/activations';
import { setSimdEnabled } from '../../../src/engine/kernels/simd/simdArena';
import { type CellType } from '../../../src/engine/model/config';
import { evaluateText } from '../../../src/engine/evaluate';
import { Model } from '../../../src/engine/model/model';
import { encodeText, buildVocab } from '../../../src/engine/text';
import { recordTrace } from '../../../src/engine/analysis/trace';
import { traceSection } from '../../../src/protocol/traceLayout';

// Longer than one 256-step window, so the state carried across windows is exercised.
const TEXT = 'the quick brown fox jumps over the lazy dog; '.repeat(7);
const VARIANTS: { cell: CellType; gruResetAfter: boolean }[] = [
  { cell: 'rnn', gruResetAfter: true },
  { cell: 'lstm', gruResetAfter: true },
  { cell: 'gru', gruResetAfter: false },
];

function model(cell: CellType, gruResetAfter: boolean, layers = 2, hidden = 6): Model {
  return Model.init({ cell, hidden, layers, vocab: buildVocab(TEXT), gruResetAfter }, 7, 1);
}

describe('unitActivations', () => {
  for (const { cell, gruResetAfter } of VARIANTS) {
    it(`${cell}: h (and c) equal a trace of the same text from a zero state, with its probabilities and losses`, () => {
      const m = model(cell, gruResetAfter);
      const ids = encodeText(TEXT, m.config.vocab);
      const n = ids.length;
      assert.ok(n > 256);
      const T = n - 1;
      const H = m.config.hidden;
      const zeros = [new Float32Array(H), new Float32Array(H)];
      const trace = recordTrace(m.net, {
        inputs: ids.slice(0, T), targets: ids.slice(1, T + 1), h0: zeros, c0: zeros,
        trainingStep: 0, stream: 0, position: 0, carriedState: false,
      });
      const h = traceSection(trace, 'h');
      const c = traceSection(trace, 'c');
      const probs = traceSection(trace, 'probs');
      const loss = traceSection(trace, 'loss');
      const V = m.config.vocab.length;
      for (const [layer, unit] of [[0, 0], [1, 5], [1, 2]]) {
        const a = unitActivations(m.net, ids, layer, unit, { topK: 5 });
        assert.equal(a.length, n);
        assert.equal(a.c.length, cell === 'lstm' ? n : 0);
        for (let t = 0; t < T; t++) {
          assert.ok(Math.abs(a.h[t] - h[(layer * T + t) * H + unit]) < 1e-6, `h at ${t}`);
          if (cell === 'lstm') assert.ok(Math.abs(a.c[t] - c[(layer * T + t) * H + unit]) < 1e-6, `c at ${t}`);
          assert.ok(Math.abs(a.loss[t] - loss[t]) < 1e-5, `loss at ${t}`);
          const best = a.topIds[t * 5];
          assert.ok(Math.abs(a.topProbs[t * 5] - probs[t * V + best]) < 1e-6);
        }
        assert.ok(Number.isNaN(a.loss[n - 1]), 'the last character predicts nothing');
        assert.ok(Number.isFinite(a.h[n - 1]));
      }
    });
  }

  it('reads as many characters as the running kernels afford, more with SIMD, never under 1000', () => {
    const big = { ...model('lstm', true).config, hidden: 256, layers: 3 };
    const withSimd = affordableChars(big);
    assert.equal(withSimd, Math.floor(ACTIVATION_BUDGET_MACS.simd / macsPerChar(big)));
    setSimdEnabled(false);
    try {
      assert.equal(affordableChars(big), Math.floor(ACTIVATION_BUDGET_MACS.scalar / macsPerChar(big)));
      assert.ok(affordableChars(big) < withSimd);
    } finally {
      setSimdEnabled(true);
    }
    assert.equal(affordableChars({ ...big, hidden: 4096 }), 1000);
  });

  it('the same activations on the scalar kernels (no SIMD) within float32 rounding', () => {
    const m = model('gru', true);
    const ids = encodeText(TEXT, m.config.vocab);
    const simd = unitActivations(m.net, ids, 1, 3);
    setSimdEnabled(false);
    let scalar;
    try {
      scalar = unitActivations(m.net, ids, 1, 3);
    } finally {
      setSimdEnabled(true);
    }
    for (let t = 0; t < ids.length; t++) assert.ok(Math.abs(simd.h[t] - scalar.h[t]) < 1e-5, `h at ${t}`);
    assert.deepEqual(Array.from(simd.topIds.slice(0, 50)), Array.from(scalar.topIds.slice(0, 50)));
  });

  it('the mean of the per-character losses is evaluateText\'s loss', () => {
    const m = model('lstm', true);
    const a = unitActivations(m.net, encodeText(TEXT, m.config.vocab), 0, 1);
    let sum = 0;
    for (let i = 0; i < a.length - 1; i++) sum += a.loss[i];
    const mean = sum / (a.length - 1);
    const expected = evaluateText(m, TEXT).loss;
    assert.ok(Math.abs(mean - expected) < 1e-5 * expected, `${mean} vs ${expected}`);
  });

  it('keeps the top K predictions, most likely first, summing to at most 1', () => {
    const m = model('gru', true, 1, 8);
    const V = m.config.vocab.length;
    const a = unitActivations(m.net, encodeText(TEXT.slice(0, 40), m.config.vocab), 0, 3, { topK: 5 });
    assert.equal(a.topK, 5);
    for (let i = 0; i < a.length; i++) {
      const p = a.topProbs.subarray(i * 5, i * 5 + 5);
      const ids = a.topIds.subarray(i * 5, i * 5 + 5);
      for (let k = 1; k < 5; k++) assert.ok(p[k - 1] >= p[k]);
      assert.equal(new Set(ids).size, 5);
      assert.ok(ids.every((id) => id >= 0 && id < V));
      const total = p.reduce((s, x) => s + x, 0);
      assert.ok(total > 0 && total <= 1 + 1e-6);
    }
    assert.equal(unitActivations(m.net, encodeText('ab', m.config.vocab), 0, 0, { topK: 1000 }).topK, V, 'K is capped at V');
  });

  it('topK selects exactly the largest entries, lower id first on ties', () => {
    const row = [0.1, 0.4, 0.05, 0.4, 0.3, 0.0, 0.15];
    const ids = new Int32Array(4);
    const probs = new Float32Array(4);
    topK(row, 0, row.length, 4, ids, probs, 0);
    assert.deepEqual([...ids], [1, 3, 4, 6]);
    assert.deepEqual([...probs], [0.4, 0.4, 0.3, 0.15].map(Math.fround));
  });

  it('refuses a layer or unit outside the model with a clear message; an empty text gives empty arrays', () => {
    const m = model('rnn', true, 1, 4);
    const ids = encodeText('abc'.replace(/[^a-z ]/g, ''), m.config.vocab);
    assert.throws(() => unitActivations(m.net, ids, 1, 0), /layer must be between 0 and 0/);
    assert.throws(() => unitActivations(m.net, ids, 0, 4), /unit must be between 0 and 3/);
    assert.equal(unitActivations(m.net, new Int32Array(0), 0, 0).length, 0);
  });
});
