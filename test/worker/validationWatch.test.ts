import { strict as assert } from 'node:assert';
import { type CheckpointData } from '../../src/engine/io/checkpointData';
import { type WorkerToHost } from '../../src/protocol/worker';
import { BestCheckpoint, ValidationWatch } from '../../src/worker/validationWatch';

const data = (step: number): CheckpointData => ({ config: { cell: 'rnn', hidden: 1, layers: 1, vocab: ['a', 'b'], gruResetAfter: true }, weights: new Map([['step', Float32Array.of(step)]]) });

describe('worker: the best validation checkpoint and the overfitting watch', () => {
  it('keeps the snapshot of the lowest validation loss only, taking one only when it improves', () => {
    const best = new BestCheckpoint();
    const taken: number[] = [];
    const offer = (step: number, val: number): boolean => best.offer(step, val, () => { taken.push(step); return data(step); });
    assert.equal(offer(100, 2.0), true);
    assert.equal(offer(200, 1.5), true);
    assert.equal(offer(300, 1.5), false, 'a tie keeps the older one');
    assert.equal(offer(400, 1.9), false);
    assert.equal(offer(500, NaN), false);
    assert.equal(offer(600, Infinity), false);
    assert.deepEqual(taken, [100, 200], 'no snapshot for a measurement that is not the best');
    assert.deepEqual([best.best!.step, best.best!.valLoss, best.best!.data.weights.get('step')![0]], [200, 1.5, 200]);
  });

  it('says which measurement is the new best, the best kept before a step, and overfitting once', () => {
    const sent: WorkerToHost[] = [];
    const watch = new ValidationWatch((m) => sent.push(m), { patience: 3, warmup: 1 });
    let train = 3;
    const vals = [2.5, 2.2, 2.0, 2.1, 2.3, 2.5, 2.7, 2.9, 3.1, 3.3, 3.5];
    vals.forEach((v, i) => {
      for (let k = 0; k < 50; k++) watch.trainLoss((train *= 0.995));
      watch.validation((i + 1) * 100, v, () => data((i + 1) * 100));
    });
    const bests = sent.filter((m) => m.type === 'bestValidation');
    assert.deepEqual(bests.map((m) => m.type === 'bestValidation' && [m.step, m.valLoss]), [[100, 2.5], [200, 2.2], [300, 2.0]]);
    const over = sent.filter((m) => m.type === 'overfitting');
    assert.equal(over.length, 1);
    const o = over[0].type === 'overfitting' ? over[0] : null;
    assert.ok(o && o.bestStep >= 300 && o.bestStep <= 400 && o.valLoss > o.bestValLoss && o.trainLoss < o.bestTrainLoss, JSON.stringify(o));
    assert.equal(watch.bestBefore(1100)!.step, 300);
    assert.equal(watch.bestBefore(300), null, 'at the best step itself the latest is the best');
  });
});
