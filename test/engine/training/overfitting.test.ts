import { strict as assert } from 'node:assert';
import { OverfitDetector, PARAMS_PER_CHAR_LIMIT, climbing, proposeHidden } from '../../../src/engine/training/overfitting';
import { Rng } from '../../../src/engine/rng';

/** Feeds `stepsPerVal` training losses, then one validation; returns the steps of the reports. */
function run(detector: OverfitDetector, n: number, train: (i: number) => number, val: (i: number) => number, stepsPerVal = 10): number[] {
  const reports: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < stepsPerVal; k++) detector.addTrain(train(i * stepsPerVal + k));
    const r = detector.addValidation((i + 1) * stepsPerVal, val(i));
    if (r) reports.push(r.step);
  }
  return reports;
}

describe('engine: overfitting detector', () => {
  // A textbook run: both fall until measurement 20, then validation climbs while training keeps falling.
  const train = (s: number): number => 3 * Math.exp(-s / 300) + 0.1;
  const val = (i: number): number => (i < 20 ? 3 - i * 0.05 : 2 + (i - 20) * 0.08);

  it('says so once, after the patience, with the best step and both losses', () => {
    const d = new OverfitDetector({ patience: 5 });
    const reports: ReturnType<OverfitDetector['addValidation']>[] = [];
    for (let i = 0; i < 60; i++) {
      for (let k = 0; k < 10; k++) d.addTrain(train(i * 10 + k));
      const r = d.addValidation((i + 1) * 10, val(i));
      if (r) reports.push(r);
    }
    assert.equal(reports.length, 1, 'said once');
    const r = reports[0]!;
    // The smoothed validation bottoms out a little after the raw one (measurement 20, step 210).
    assert.ok(r.bestStep >= 200 && r.bestStep <= 240, `best at ${r.bestStep}`);
    assert.ok(r.valLoss > r.bestValLoss && r.trainLoss < r.bestTrainLoss, JSON.stringify(r));
    assert.ok(r.bestValLoss > 1.9 && r.bestValLoss < 2.2, `best ${r.bestValLoss}`);
    assert.ok(d.hasReported);
  });

  it('waits for the patience: a longer patience reports later, a rise shorter than it never', () => {
    const steps = (patience: number): number[] => run(new OverfitDetector({ patience }), 60, train, val);
    const [p3] = steps(3);
    const [p8] = steps(8);
    assert.ok(p3 !== undefined && p8 !== undefined && p8 - p3 >= 50, `patience 3 at ${p3}, 8 at ${p8}`);
    // A bump of 4 measurements, then down again: patience 5 stays quiet.
    const bump = (i: number): number => (i >= 20 && i < 24 ? 3 : 3 - i * 0.01);
    assert.deepEqual(run(new OverfitDetector({ patience: 5 }), 60, train, bump), []);
  });

  it('never on noise: a flat, jittery validation beside a falling training loss', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      const noisy = (): number => 2 + (rng.nextFloat() - 0.5) * 0.3;
      // Sums of three uniforms: near-normal noise with tails.
      const normalish = (): number => 2 + (rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 1.5) * 0.15;
      assert.deepEqual(run(new OverfitDetector(), 400, train, noisy), [], `uniform, seed ${seed}`);
      assert.deepEqual(run(new OverfitDetector(), 400, train, normalish), [], `near-normal, seed ${seed}`);
    }
  });

  it('through the noise: a real climb under the same jitter is still found', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      const climb = (i: number): number => (i < 30 ? 3 - i * 0.03 : 2.1 + (i - 30) * 0.03) + (rng.nextFloat() - 0.5) * 0.1;
      const [at] = run(new OverfitDetector(), 100, train, climb);
      assert.ok(at !== undefined && at > 300 && at < 700, `seed ${seed}: reported at ${at}`);
    }
  });

  it('the smoothing carries it over single spikes: one outlier among falling measurements is no rise', () => {
    const spiky = (i: number): number => (i % 7 === 6 ? 4 : 3 - i * 0.01);
    assert.deepEqual(run(new OverfitDetector({ patience: 2 }), 100, train, spiky), []);
    // Unsmoothed (weight 1), the same patience would trip on the spikes' after-effects only if they lasted: they do not.
    assert.deepEqual(run(new OverfitDetector({ patience: 2, valSmoothing: 1 }), 100, train, spiky), []);
  });

  it('not while training rises too (a learning rate too high is another problem)', () => {
    const both = (s: number): number => 1 + s / 500;
    assert.deepEqual(run(new OverfitDetector(), 60, both, val), []);
  });
});

describe('engine: a smaller model for a small text', () => {
  const lstm = (vocab: number) => (h: number): number => 4 * h * (vocab + h) + 8 * h + vocab * h + vocab;

  it('proposes the largest listed size within the target ratio, only when the model is over the limit', () => {
    // 3,600 characters, 60 distinct, 128 units: 105,000 parameters, 29x the text; 24 units: 9,756 (2.7x), 32: 15,276 (4.2x).
    assert.equal(proposeHidden(128, 3600, lstm(60)), 24);
    // 21,000 characters: 128 units are 5x the text, under the limit: no proposal.
    assert.equal(proposeHidden(128, 21_000, lstm(60)), null);
    assert.ok(lstm(60)(128) <= PARAMS_PER_CHAR_LIMIT * 21_000);
    // 4,000 characters at 512 units: 32 units keep within 3x, 48 do not.
    assert.equal(proposeHidden(512, 4000, lstm(11)), 32);
    assert.ok(lstm(11)(32) <= 3 * 4000 && lstm(11)(48) > 3 * 4000);
  });

  it('never proposes a size at or above the current one', () => {
    assert.equal(proposeHidden(16, 100, lstm(30)), null, '16 is the floor');
    assert.equal(proposeHidden(20, 100, lstm(30)), 16, 'too big and nothing fits: the smallest');
  });
});

describe('engine: the slope test of the overfitting detector', () => {
  it('a steady climb is climbing; a fall, a flat line and zig-zag noise are not', () => {
    assert.equal(climbing([1, 1.1, 1.2, 1.3, 1.4, 1.5]), true);
    assert.equal(climbing([1, 1.02, 1.01, 1.05, 1.04, 1.08, 1.07, 1.1]), true);
    assert.equal(climbing([1.5, 1.4, 1.3, 1.2]), false);
    assert.equal(climbing([1, 1, 1, 1]), false);
    assert.equal(climbing([1, 1.2, 0.9, 1.25, 0.95, 1.1]), false);
  });
});
