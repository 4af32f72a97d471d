import { strict as assert } from 'node:assert';
import { AutoSampler } from '../../src/worker/autoSampler';

class Trainer {
  seeds: number[] = [];
  constructor(public step: number) {}
  sample(opts: { length: number; seed: number }): string {
    this.seeds.push(opts.seed);
    return 'x'.repeat(opts.length);
  }
}

describe('worker: samples taken while training', () => {
  it('takes one at step 0, then at each multiple of `every` (at most one per call), with a seed fixed by the step', () => {
    const sampler = new AutoSampler({ every: 250, length: 3, temperature: 0.8 }, 0);
    const t = new Trainer(0);
    const taken: number[] = [];
    for (let step = 0; step <= 1000; step += 7) {
      t.step = step;
      const s = sampler.take(t, 1.5, step * 1000);
      if (s) taken.push(s.step);
    }
    // Steps move by 7: the first step at or past each multiple.
    assert.deepEqual(taken, [0, 252, 504, 756]);
    const again = new Trainer(252);
    new AutoSampler({ every: 250, length: 3, temperature: 0.8 }, 252).take(again, 1, 0);
    assert.equal(again.seeds.length, 0, 'a run resumed at 252 waits for 500');
  });

  it('is never more often than once a second: a multiple of `every` that comes sooner is skipped', () => {
    const sampler = new AutoSampler({ every: 10, length: 3, temperature: 1 }, 0);
    const t = new Trainer(0);
    const taken: number[] = [];
    // 100 steps a second: a multiple of 10 every 100 ms.
    for (let step = 0; step <= 300; step++) {
      t.step = step;
      if (sampler.take(t, 1, step * 10)) taken.push(step);
    }
    assert.deepEqual(taken, [0, 100, 200, 300]);
  });

  it('the same step gives the same seed, so a run shows the same samples', () => {
    const a = new Trainer(500);
    const b = new Trainer(500);
    new AutoSampler({ every: 250, length: 3, temperature: 1 }, 499).take(a, null, 0);
    new AutoSampler({ every: 100, length: 3, temperature: 1 }, 420).take(b, null, 0);
    assert.equal(a.seeds.length, 1);
    assert.deepEqual(a.seeds, b.seeds);
  });
});
