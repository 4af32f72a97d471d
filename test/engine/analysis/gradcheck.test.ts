import * as assert from 'node:assert/strict';
import { gradientCheck } from '../../../src/engine/analysis/gradcheck';

describe('gradient check (float64 finite differences vs BPTT)', () => {
  const variants = [
    { cell: 'rnn' as const, gruResetAfter: true, label: 'rnn' },
    { cell: 'lstm' as const, gruResetAfter: true, label: 'lstm' },
    { cell: 'gru' as const, gruResetAfter: true, label: 'gru (reset after)' },
    { cell: 'gru' as const, gruResetAfter: false, label: 'gru (Cho)' },
  ];
  for (const v of variants) {
    for (const layers of [1, 2, 3]) {
      it(`${v.label}, ${layers} layer${layers > 1 ? 's' : ''}: every tensor within 1e-6`, () => {
        const results = gradientCheck({ cell: v.cell, layers, hidden: 4, gruResetAfter: v.gruResetAfter, seed: 3 + layers });
        assert.equal(results.length, 4 * layers + 2);
        for (const r of results) assert.ok(r.maxRelError < 1e-6, `${r.tensor}: ${r.maxRelError}`);
      });
    }
  }
});
