import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../../src/engine/model/config';
import { Model } from '../../../src/engine/model/model';
import { createOptimizerState } from '../../../src/engine/training/optimizers';
import { StreamGroup } from '../../../src/engine/training/streamGroup';
import { streamLength } from '../../../src/engine/training/streams';
import { buildVocab, encodeText, splitLengths } from '../../../src/engine/text';
import { Trainer } from '../../../src/engine/training/trainer';
import { applyUpdate } from '../../../src/engine/training/update';

const TEXT = 'all work and no play makes jack a dull boy. '.repeat(15);

describe('data-parallel batch API (StreamGroup + applyUpdate)', () => {
  it('splitting the B streams over workers and summing their gradients reproduces the Trainer', () => {
    const s: TrainSettings = { ...DEFAULT_SETTINGS, cell: 'lstm', hidden: 8, layers: 2, batch: 5, seqLen: 6, valFraction: 0.1, seed: 4 };
    const trainer = Trainer.create(TEXT, s);
    const vocab = buildVocab(TEXT);
    const ids = encodeText(TEXT, vocab);
    const trainIds = ids.subarray(0, splitLengths(ids.length, s.valFraction).trainLength);
    const len = streamLength(trainIds.length, s.batch);
    // Two "workers", each with a replica of the same initial weights: streams 0-1 and 2-4.
    const replica = Model.init({ cell: 'lstm', hidden: 8, layers: 2, vocab, gruResetAfter: true }, s.seed, s.forgetBias);
    assert.deepEqual(Array.from(replica.params), Array.from(trainer.model.params));
    const groups = [new StreamGroup(replica.net, trainIds, len, 0, 2, s.seqLen), new StreamGroup(replica.net, trainIds, len, 2, 3, s.seqLen)];
    const optimizer = createOptimizerState(s.optimizer, replica.paramCount);
    const scale = 1 / (s.batch * s.seqLen);
    for (let step = 0; step < 40; step++) {
      const total = new Float32Array(replica.paramCount);
      let loss = 0;
      for (const g of groups) {
        const part = new Float32Array(replica.paramCount);
        loss += g.accumulateGradients(part, scale);
        for (let i = 0; i < total.length; i++) total[i] += part[i];
      }
      const update = applyUpdate(replica.params, total, optimizer, replica.layout, s, s.lr);
      const ref = trainer.trainStep();
      assert.ok(Math.abs(loss * scale - ref.loss) < 1e-5, `step ${step}: ${loss * scale} vs ${ref.loss}`);
      assert.ok(Math.abs(update.gradNorm - ref.gradNorm) < 1e-4 * ref.gradNorm);
    }
    let maxDiff = 0;
    for (let i = 0; i < replica.paramCount; i++) maxDiff = Math.max(maxDiff, Math.abs(replica.params[i] - trainer.model.params[i]));
    assert.ok(maxDiff < 1e-4, `weights differ by ${maxDiff}`);
  });
});
