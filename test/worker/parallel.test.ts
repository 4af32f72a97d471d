import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS, type CellType, type TrainSettings } from '../../src/engine/model/config';
import { InputError } from '../../src/engine/errors';
import { Trainer } from '../../src/engine/training/trainer';
import { ParallelTrainer, type RunResult } from '../../src/worker/parallel/parallelTrainer';
import { streamRange } from '../../src/worker/parallel/sharedMemory';

const TEXT = 'The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! '.repeat(12);

function settings(cell: CellType, over: Partial<TrainSettings> = {}): TrainSettings {
  return { ...DEFAULT_SETTINGS, cell, hidden: 12, layers: 2, seqLen: 8, batch: 5, lr: 0.01, valFraction: 0.1, seed: 7, ...over };
}

async function train(s: TrainSettings, workers: number, steps: number): Promise<{ weights: Float32Array; run: RunResult }> {
  const pt = await ParallelTrainer.start({ text: TEXT, settings: s, workers });
  try {
    const run = await pt.run(steps);
    return { weights: pt.weights(), run };
  } finally {
    await pt.close();
  }
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

describe('worker/parallel data-parallel training', function () {
  this.timeout(120000);

  it('splits B streams into contiguous groups covering every stream once', () => {
    for (const [B, W] of [[5, 2], [32, 2], [7, 3], [4, 4], [1, 1]]) {
      let next = 0;
      for (let w = 0; w < W; w++) {
        const { start, end } = streamRange(B, W, w);
        assert.equal(start, next);
        assert.ok(end > start, `worker ${w} of ${W} gets no stream of ${B}`);
        next = end;
      }
      assert.equal(next, B);
    }
  });

  it('one worker reproduces Trainer.trainStep bit for bit (losses and weights)', async () => {
    const s = settings('lstm');
    const trainer = Trainer.create(TEXT, s);
    const losses = [1, 2, 3, 4].map(() => trainer.trainStep().loss);
    const { weights, run } = await train(s, 1, 4);
    assert.deepEqual(run.losses, losses);
    assert.deepEqual(weights, trainer.model.params);
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as CellType[]) {
    it(`${cell}: two workers match one worker within float tolerance`, async () => {
      const s = settings(cell);
      const one = await train(s, 1, 4);
      const two = await train(s, 2, 4);
      for (let i = 0; i < 4; i++) assert.ok(Math.abs(one.run.losses[i] - two.run.losses[i]) < 1e-5, `step ${i + 1}: ${one.run.losses[i]} vs ${two.run.losses[i]}`);
      const rel = maxRelDiff(one.weights, two.weights);
      assert.ok(rel < 1e-4, `weights differ by ${rel} relative`);
      // The workers really did train: the weights moved from their initial values.
      assert.ok(maxRelDiff(one.weights, Trainer.create(TEXT, s).model.params) > 1e-3);
    });
  }

  it('the same worker count and seed give the same bits', async () => {
    const s = settings('gru', { batch: 6 });
    const a = await train(s, 3, 3);
    const b = await train(s, 3, 3);
    assert.deepEqual(a.run.losses, b.run.losses);
    assert.deepEqual(a.weights, b.weights);
  });

  it('continues across runs as one run does (state and optimizer carry over)', async () => {
    const s = settings('rnn');
    const pt = await ParallelTrainer.start({ text: TEXT, settings: s, workers: 2 });
    try {
      const first = await pt.run(2);
      const second = await pt.run(3);
      const whole = await train(s, 2, 5);
      assert.deepEqual([...first.losses, ...second.losses], whole.run.losses);
      assert.deepEqual(pt.weights(), whole.weights);
    } finally {
      await pt.close();
    }
  });

  it('refuses more workers than streams and too-short texts with a one-line InputError', async () => {
    await assert.rejects(ParallelTrainer.start({ text: TEXT, settings: settings('rnn', { batch: 2 }), workers: 3 }), (e: Error) => e instanceof InputError && /cannot exceed/.test(e.message));
    await assert.rejects(ParallelTrainer.start({ text: 'abcabc', settings: settings('rnn'), workers: 1 }), (e: Error) => e instanceof InputError && /too short/.test(e.message) && !e.message.includes('\n'));
  });
});
