import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../../src/engine/model/config';
import { softmaxCrossEntropy } from '../../../src/engine/model/loss';
import { createOptimizerState } from '../../../src/engine/training/optimizers';
import { paramLayout } from '../../../src/engine/model/params';
import { Trainer } from '../../../src/engine/training/trainer';
import { applyUpdate } from '../../../src/engine/training/update';

// trainStep({ stats: false }) / applyUpdate(..., false) skip the per-tensor norms only: the
// training must stay the same bits, and every other StepStats field must be as with stats.

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(12) + 'pack my box with five dozen liquor jugs. '.repeat(6);

function settings(over: Partial<TrainSettings> = {}): TrainSettings {
  return { ...DEFAULT_SETTINGS, hidden: 10, layers: 1, seqLen: 8, batch: 2, lr: 0.02, valFraction: 0, seed: 3, ...over };
}

describe('step statistics on demand', () => {
  for (const optimizer of ['sgd', 'adagrad', 'adam'] as const) {
    it(`${optimizer}: steps without statistics train the same bits and report the same scalars`, () => {
      // clipNorm small enough that norm clipping acts: the clip factor depends on the norm's last bits.
      const s = settings({ optimizer, cell: optimizer === 'adam' ? 'lstm' : 'gru', clipNorm: 0.05, clipValue: 0.01 });
      const withStats = Trainer.create(TEXT, s);
      const without = Trainer.create(TEXT, s);
      for (let i = 0; i < 12; i++) {
        const a = withStats.trainStep();
        const b = without.trainStep({ stats: i % 5 === 4 });
        assert.equal(b.loss, a.loss);
        assert.equal(b.gradNorm, a.gradNorm);
        assert.equal(b.clipScale, a.clipScale);
        assert.equal(b.valueClipped, a.valueClipped);
        assert.equal(b.nonFinite, a.nonFinite);
        if (i % 5 === 4) assert.deepEqual(b.tensors, a.tensors);
        else assert.equal(b.tensors.length, 0);
      }
      assert.ok(withStats.trainStep().clipScale < 1, 'the test exercises norm clipping');
      without.trainStep();
      assert.deepEqual(new Uint32Array(without.model.params.buffer), new Uint32Array(withStats.model.params.buffer));
    });
  }

  it('names the first non-finite tensor and skips the update without statistics too', () => {
    const s = settings();
    const config = { cell: s.cell, hidden: s.hidden, layers: 1, vocab: ['a', 'b', 'c'], gruResetAfter: true };
    const layout = paramLayout(config);
    const params = new Float32Array(layout.total).fill(0.5);
    const grads = new Float32Array(layout.total).fill(0.1);
    grads[layout.offsets[2] + 1] = NaN;
    const before = params.slice();
    const r = applyUpdate(params, grads, createOptimizerState('adam', layout.total), layout, s, 0.1, true, false);
    assert.equal(r.nonFinite, layout.specs[2].name);
    assert.equal(r.tensors.length, 0);
    assert.deepEqual(params, before);
  });

  it('softmax cross-entropy: probabilities sum to 1 and the loss is -log p[target]', () => {
    const V = 5;
    const logits = new Float32Array([1, 2, 3, 4, 5, -1, 0, 1000, 2, 3]);
    const dLogits = new Float32Array(10);
    const rowLoss = new Float64Array(2);
    const total = softmaxCrossEntropy(logits, dLogits, rowLoss, new Int32Array([4, 0]), 2, V, 0.5);
    for (let r = 0; r < 2; r++) {
      const p = logits.subarray(r * V, (r + 1) * V);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    }
    const expected0 = Math.log([1, 2, 3, 4, 5].reduce((a, y) => a + Math.exp(y - 5), 0)) - 0;
    assert.ok(Math.abs(rowLoss[0] - expected0) < 1e-12);
    assert.ok(Math.abs(rowLoss[1] - 1001) < 1e-9, 'exp never overflows: the max is subtracted');
    assert.equal(total, rowLoss[0] + rowLoss[1]);
    assert.ok(Math.abs(dLogits[4] - 0.5 * (logits[4] - 1)) < 1e-7);
  });
});
