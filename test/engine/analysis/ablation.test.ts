import * as assert from 'node:assert/strict';
import { checkHolds, formatHold, parseHold } from '../../../src/engine/analysis/ablation';
import { evaluateText } from '../../../src/engine/evaluate';
import { sampleText } from '../../../src/engine/sampling';
import { setSimdEnabled } from '../../../src/engine/kernels/simd/simdArena';
import { analysisCases, caseModel } from './vectors';

describe('ablation: units held fixed, against PyTorch', () => {
  after(() => setSimdEnabled(true));
  for (const kernels of ['SIMD', 'scalar'] as const) {
    for (const c of analysisCases()) {
      it(`${c.name}: per-character losses and greedy samples with units held (${kernels} kernels)`, () => {
        setSimdEnabled(kernels === 'SIMD');
        const model = caseModel(c);
        const chars = Array.from(c.text);
        for (const a of c.ablation) {
          const holds = a.holds.map((h) => parseHold(h.spec));
          assert.deepEqual(holds, a.holds.map(({ state, layer, unit, value }) => ({ state, layer, unit, value })));
          const r = evaluateText(model, c.text, { perChar: true, holds });
          assert.equal(r.losses!.length, chars.length - 1);
          const worst = Math.max(...a.losses.map((l, i) => Math.abs(r.losses![i] - l) / Math.max(1, Math.abs(l))));
          assert.ok(worst < 1e-5, `${a.holds.map((h) => h.spec).join(' ') || 'no holds'}: loss error ${worst}`);
          const mean = a.losses.reduce((s, l) => s + l, 0) / a.losses.length;
          assert.ok(Math.abs(r.loss - mean) < 1e-5 * mean);
          const sample = sampleText(model, { length: a.sample.length - a.prime, temperature: 0, prime: chars.slice(0, a.prime).join(''), seed: 7, holds });
          assert.equal(sample, a.sample.map((id) => c.config.vocab[id]).join(''));
        }
        // The holds change something (else the comparison above proves little).
        assert.notDeepEqual(c.ablation[1].losses, c.ablation[0].losses);
      });
    }
  }

  it('greedy sampling is the same for every seed, with or without held units', () => {
    const c = analysisCases().find((x) => x.name === 'lstm-l2')!;
    const model = caseModel(c);
    for (const holds of [[], [parseHold('c:1:2=0.5')]]) {
      const samples = [1, 2, 3].map((seed) => sampleText(model, { length: 30, temperature: 0, prime: 'say', seed, holds }));
      assert.equal(new Set(samples).size, 1);
    }
  });

  it('reads [h:|c:]LAYER:UNIT[=VALUE], h and 0 by default', () => {
    assert.deepEqual(parseHold('0:12'), { state: 'h', layer: 0, unit: 12, value: 0 });
    assert.deepEqual(parseHold('c:1:5=0.5'), { state: 'c', layer: 1, unit: 5, value: 0.5 });
    assert.deepEqual(parseHold('h:2:0=-1e-3'), { state: 'h', layer: 2, unit: 0, value: -0.001 });
    assert.equal(formatHold(parseHold('3:4')), 'h:3:4=0');
    for (const bad of ['', '1', 'x:0:1', '0:1:2', '-1:2', '0:1=', '0:1=abc', '0:1=Infinity', 'h0:1', '0.5:1']) {
      assert.throws(() => parseHold(bad), /LAYER:UNIT|finite number/, bad);
    }
  });

  it('refuses holds the model cannot have, saying what would work', () => {
    const config = { cell: 'gru' as const, hidden: 8, layers: 2, vocab: ['a', 'b'], gruResetAfter: true };
    assert.throws(() => checkHolds([parseHold('2:0')], config), /2 layers, counted from 0 \(0 to 1\)/);
    assert.throws(() => checkHolds([parseHold('0:8')], config), /8 units, counted from 0 \(0 to 7\)/);
    assert.throws(() => checkHolds([parseHold('c:0:1')], config), /only an LSTM has a cell state/);
    assert.throws(() => checkHolds([parseHold('0:1'), parseHold('h:0:1=2')], config), /h:0:1 is held twice/);
    assert.doesNotThrow(() => checkHolds([parseHold('0:1'), parseHold('1:1')], config));
  });
});
