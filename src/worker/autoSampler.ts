/**
 * Samples taken while training (rnnLens.sampleEvery): one of the untrained model at step 0, then
 * one every `every` steps, so a learner watches gibberish turn into words in the panel's
 * timeline. A fast small model passes hundreds of steps a second, so samples are also at least
 * MIN_INTERVAL_MS apart (a multiple of `every` that comes sooner is skipped): the host and the
 * panel are never flooded. Each sample has its own seed (from the step), so sampling never touches the
 * training's random stream and a resumed run trains exactly as an uninterrupted one.
 */

import { type TrainingSampleMessage, type TrainingSampleSettings } from '../protocol/worker';

export interface SamplingTrainer {
  readonly step: number;
  sample(opts: { length: number; temperature: number; seed: number }): string;
}

/** Samples at most this often (wall clock), whatever the steps per second. */
export const MIN_INTERVAL_MS = 1000;

export class AutoSampler {
  /** The step of the next sample. */
  private nextAt: number;
  private lastAt = -Infinity;

  constructor(private readonly settings: TrainingSampleSettings, startStep: number) {
    this.nextAt = startStep === 0 ? 0 : (Math.floor(startStep / settings.every) + 1) * settings.every;
  }

  /** The sample due at the trainer's current step, if one is (at most one per call); `now` in ms. */
  take(trainer: SamplingTrainer, loss: number | null, now: number): TrainingSampleMessage | null {
    const step = trainer.step;
    if (step < this.nextAt) return null;
    this.nextAt = (Math.floor(step / this.settings.every) + 1) * this.settings.every;
    if (now - this.lastAt < MIN_INTERVAL_MS) return null;
    this.lastAt = now;
    const { length, temperature } = this.settings;
    // A fixed function of the step: the same run shows the same samples.
    const seed = (Math.imul(step + 1, 0x9e3779b1) >>> 0) ^ 0x5eed;
    const text = trainer.sample({ length, temperature, seed: seed >>> 0 });
    return { type: 'trainingSample', step, loss: loss !== null && Number.isFinite(loss) ? loss : null, temperature, text };
  }
}
