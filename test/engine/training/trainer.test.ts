import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../../src/engine/model/config';
import { InputError, Interrupted } from '../../../src/engine/errors';
import { Trainer } from '../../../src/engine/training/trainer';

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(12) + 'pack my box with five dozen liquor jugs. '.repeat(6);

function settings(over: Partial<TrainSettings> = {}): TrainSettings {
  return { ...DEFAULT_SETTINGS, cell: 'lstm', hidden: 12, layers: 2, seqLen: 8, batch: 3, lr: 0.01, valFraction: 0.1, seed: 5, ...over };
}

function sameBits(a: Trainer, b: Trainer): boolean {
  const pa = new Uint32Array(a.model.params.buffer);
  const pb = new Uint32Array(b.model.params.buffer);
  return pa.length === pb.length && pa.every((x, i) => x === pb[i]);
}

describe('Trainer', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: an interrupted step, trace or validation changes nothing; the step runs again to the same bits (across a stream wrap)`, () => {
      const s = settings({ cell, optimizer: 'adam' });
      const straight = Trainer.create(TEXT, s);
      const stopped = Trainer.create(TEXT, s);
      // Every 3rd step is interrupted at some layer of its forward or backward pass first;
      // 3 streams of 236 chars wrap after 29 steps.
      for (let i = 0; i < 32; i++) {
        if (i % 3 === 0) {
          let asked = 0;
          const at = 1 + (i % 4);
          assert.throws(() => stopped.trainStep({ interrupt: () => ++asked >= at }), Interrupted);
          assert.equal(stopped.step, i);
          assert.throws(() => stopped.trace(1, () => true), Interrupted);
          assert.throws(() => stopped.validationLoss(() => true), Interrupted);
        }
        assert.equal(stopped.trainStep({ interrupt: () => false }).loss, straight.trainStep().loss, `step ${i + 1}`);
      }
      assert.ok(sameBits(stopped, straight));
      assert.deepEqual(stopped.toCheckpoint().resume, straight.toCheckpoint().resume);
      assert.deepEqual(Array.from(stopped.trace(1).data), Array.from(straight.trace(1).data));
      assert.equal(stopped.validationLoss(), straight.validationLoss());
    });
  }

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: the same seed and settings train bit-identically`, () => {
      const s = settings({ cell, optimizer: 'adam', clipValue: 0.5 });
      const a = Trainer.create(TEXT, s);
      const b = Trainer.create(TEXT, s);
      const la: number[] = [];
      const lb: number[] = [];
      for (let i = 0; i < 25; i++) { la.push(a.trainStep().loss); lb.push(b.trainStep().loss); }
      assert.deepEqual(la, lb);
      assert.ok(sameBits(a, b));
      const c = Trainer.create(TEXT, { ...s, seed: 6 });
      c.trainStep();
      assert.ok(!sameBits(a, c), 'another seed gives other weights');
    });
  }

  for (const optimizer of ['sgd', 'adagrad', 'adam'] as const) {
    it(`${optimizer}: N+M steps equal N steps, checkpoint, resume, M steps, bit for bit (including stream wrap)`, () => {
      const s = settings({ optimizer, lr: optimizer === 'sgd' ? 0.5 : 0.01, cell: optimizer === 'adagrad' ? 'gru' : 'lstm' });
      const straight = Trainer.create(TEXT, s);
      const first = Trainer.create(TEXT, s);
      // 3 streams of 236 chars and windows of 9 (8 inputs + 1 target): the streams wrap after 29 steps.
      for (let i = 0; i < 30; i++) { straight.trainStep(); first.trainStep(); }
      first.setLearningRate(s.lr / 2);
      straight.setLearningRate(s.lr / 2);
      const resumed = Trainer.resume(TEXT, first.toCheckpoint());
      assert.equal(resumed.step, 30);
      for (let i = 0; i < 10; i++) assert.equal(resumed.trainStep().loss, straight.trainStep().loss);
      assert.ok(sameBits(resumed, straight));
      assert.equal(resumed.validationLoss(), straight.validationLoss());
    });
  }

  it('refuses to resume on another text or from a weights-only checkpoint', () => {
    const t = Trainer.create(TEXT, settings());
    t.trainStep();
    const cp = t.toCheckpoint();
    assert.throws(() => Trainer.resume(TEXT.replace('quick', 'quack'), cp), (e: Error) => e instanceof InputError && /different text/.test(e.message));
    assert.throws(() => Trainer.resume(TEXT, { config: cp.config, weights: cp.weights }), /weights only/);
    assert.throws(() => Trainer.resume(TEXT + '€', cp), /does not know/);
  });

  it('starts from given weights with fresh optimizer state, and checks they match the settings', () => {
    const t = Trainer.create(TEXT, settings());
    for (let i = 0; i < 3; i++) t.trainStep();
    const cp = t.toCheckpoint();
    const warm = Trainer.create(TEXT, settings(), cp);
    assert.equal(warm.step, 0);
    assert.deepEqual(Array.from(warm.model.params), Array.from(t.model.params));
    assert.throws(() => Trainer.create(TEXT, settings({ hidden: 16 }), cp), /hidden \(12\) differs/);
  });

  it('refuses bad settings and too-short texts with one clear line', () => {
    assert.throws(() => Trainer.create(TEXT, settings({ hidden: 0 })), /Invalid settings: hidden must be between 1 and 1024/);
    assert.throws(() => Trainer.create('abcabc', settings()), /too short.*needs at least/);
  });

  it('reports clipping, per-tensor statistics and skips non-finite updates', () => {
    const t = Trainer.create(TEXT, settings({ clipNorm: 1e-3, clipValue: 0 }));
    const stats = t.trainStep();
    assert.ok(stats.gradNorm > 1e-3);
    assert.ok(Math.abs(stats.clipScale - 1e-3 / (stats.gradNorm + 1e-6)) < 1e-12);
    assert.equal(stats.tensors.length, 4 * 2 + 2);
    assert.ok(stats.tensors.every((x) => x.updateNorm > 0 && x.weightNorm > 0 && x.gradNorm > 0));
    const v = Trainer.create(TEXT, settings({ clipNorm: 0, clipValue: 1e-4 }));
    assert.ok(v.trainStep().valueClipped > 0);
    const before = Float32Array.from(t.model.params);
    t.model.params[t.model.layout.decoderBias] = Number.NaN;
    const bad = t.trainStep();
    assert.ok(bad.nonFinite !== null);
    const changed = before.some((x, i) => i !== t.model.layout.decoderBias && x !== t.model.params[i]);
    assert.ok(!changed, 'no weight moved on a non-finite step');
  });

  it('learns: a few hundred steps bring the loss well below the unigram entropy', () => {
    const text = 'abcdefgh'.repeat(60) + 'hgfedcba'.repeat(20);
    const t = Trainer.create(text, settings({ cell: 'lstm', hidden: 24, layers: 1, seqLen: 16, batch: 4, lr: 0.01, valFraction: 0.1 }));
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let unigram = 0;
    for (const n of counts.values()) unigram -= (n / text.length) * Math.log(n / text.length);
    let last = Infinity;
    for (let i = 0; i < 300; i++) last = t.trainStep().loss;
    assert.ok(last < 0.3 * unigram, `loss ${last} vs unigram entropy ${unigram}`);
    const val = t.validationLoss();
    assert.ok(val !== null && val < 0.5 * unigram, `validation ${val}`);
  });

  it('validation is null without a held-out part; spectral norms are positive per layer', () => {
    const t = Trainer.create(TEXT, settings({ valFraction: 0 }));
    assert.equal(t.validationLoss(), null);
    const norms = t.spectralNorms();
    assert.equal(norms.length, 2);
    assert.ok(norms.every((n) => n > 0 && Number.isFinite(n)));
  });
});
