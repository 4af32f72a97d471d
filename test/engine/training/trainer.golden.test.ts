import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../../src/engine/model/config';
import { Trainer } from '../../../src/engine/training/trainer';
import { goldenCases, relToMax, weightMap } from '../golden';

describe('Trainer against PyTorch golden training runs (float32)', () => {
  const cases = goldenCases('train');
  it('finds the golden files', () => assert.ok(cases.length >= 2));
  for (const c of cases) {
    it(`${c.name}: loss per step and weights after ${c.train!.steps} steps`, () => {
      const t = c.train!;
      const settings: TrainSettings = {
        ...DEFAULT_SETTINGS,
        cell: c.config.cell, hidden: c.config.hidden, layers: c.config.layers, gruResetAfter: c.config.gruResetAfter,
        batch: t.batch, seqLen: t.seqLen, optimizer: t.optimizer, lr: t.lr, clipNorm: t.clipNorm, clipValue: 0, valFraction: t.valFraction,
      };
      const trainer = Trainer.create(c.text, settings, { config: c.config, weights: weightMap(c) });
      for (let s = 0; s < t.steps; s++) {
        const stats = trainer.trainStep();
        const expected = c.expected.losses![s];
        assert.ok(Math.abs(stats.loss - expected) / expected < 1e-5, `step ${s + 1} loss ${stats.loss} vs ${expected}`);
        assert.equal(stats.nonFinite, null);
      }
      const after = trainer.model.weights();
      for (const [name, tensor] of Object.entries(c.expected.weightsAfter!)) {
        const err = relToMax(after.get(name)!, tensor.data);
        assert.ok(err < 1e-5, `${name} after training: error ${err}`);
      }
    });
  }
});
