/**
 * A session's series, kept by the extension host for the session's whole life: the training and
 * validation loss (validation only at the steps it was measured), the timeline of samples and the
 * training statistics the Gradient Flow view charts over training. A view opened at any time, or
 * reloaded, is sent all of it, so no chart depends on when its view was opened; a new session
 * starts its own (a loaded checkpoint's own loss history when it has one).
 */

import { type LossHistory } from '../engine/io/sessionRecord';
import { type ProgressMessage } from '../protocol/worker';
import { type HostToWebview, type StatsInfo, type TrainingSample } from '../protocol/webview';
import { addStats, copyStats, emptyStats } from '../protocol/statsHistory';

/** Points kept per curve; beyond, every other old point goes (the curve's shape survives). */
export const MAX_SERIES_POINTS = 2000;
/** Samples kept in the timeline; beyond, every other old one goes (the first, the untrained model's, stays). */
export const MAX_TIMELINE = 16;

let nextSessionId = 1;

export class SessionSeries {
  /** Tells a webview whether a history belongs to the session it already shows. */
  readonly id = nextSessionId++;
  readonly steps: number[] = [];
  readonly loss: number[] = [];
  readonly valSteps: number[] = [];
  readonly valLoss: number[] = [];
  readonly samples: TrainingSample[] = [];
  /** Gradient norms, update ratios and σ_max(W_hh) over training (capped: protocol/statsHistory.ts). */
  readonly stats = emptyStats();

  constructor(from?: LossHistory) {
    if (!from) return;
    this.steps.push(...from.steps);
    this.loss.push(...from.loss);
    this.valSteps.push(...from.valSteps);
    this.valLoss.push(...from.valLoss);
  }

  /** A progress report: a training point for a new step, a validation point only for a new measurement. */
  addProgress(p: ProgressMessage): void {
    const lastStep = this.steps.at(-1);
    if (lastStep !== undefined && p.step < lastStep) return; // never a line back in time
    if (lastStep === undefined || p.step > lastStep) {
      this.steps.push(p.step);
      this.loss.push(p.loss);
      thin(this.steps, this.loss);
    }
    const at = p.valStep ?? (p.valLoss !== null ? p.step : null);
    const lastVal = this.valSteps.at(-1);
    if (p.valLoss !== null && at !== null && (lastVal === undefined || at > lastVal)) {
      this.valSteps.push(at);
      this.valLoss.push(p.valLoss);
      thin(this.valSteps, this.valLoss);
    }
  }

  addStats(s: StatsInfo): void {
    addStats(this.stats, s);
  }

  addSample(sample: TrainingSample): void {
    this.samples.push(sample);
    if (this.samples.length > MAX_TIMELINE) {
      // Keep the first (the untrained model's) and the latest half; thin the middle, so the timeline still spans the run.
      const latest = this.samples.slice(-MAX_TIMELINE / 2);
      const middle = this.samples.slice(1, -MAX_TIMELINE / 2).filter((_, i) => i % 2 === 1);
      this.samples.splice(0, this.samples.length, this.samples[0], ...middle, ...latest);
    }
  }

  /** The loss history as a checkpoint carries it. */
  toLossHistory(): LossHistory {
    return { steps: [...this.steps], loss: [...this.loss], valSteps: [...this.valSteps], valLoss: [...this.valLoss] };
  }

  historyMessage(): HostToWebview {
    return { type: 'history', session: this.id, steps: [...this.steps], loss: [...this.loss], valSteps: [...this.valSteps], valLoss: [...this.valLoss] };
  }

  statsMessage(): HostToWebview {
    return { type: 'statsHistory', session: this.id, history: copyStats(this.stats) };
  }

  samplesMessage(): HostToWebview {
    return { type: 'samples', session: this.id, samples: [...this.samples] };
  }
}

function thin(xs: number[], ys: number[]): void {
  if (xs.length <= MAX_SERIES_POINTS) return;
  const keepX: number[] = [];
  const keepY: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (i % 2 === 0 || i >= xs.length - MAX_SERIES_POINTS / 4) { keepX.push(xs[i]); keepY.push(ys[i]); }
  }
  xs.splice(0, xs.length, ...keepX);
  ys.splice(0, ys.length, ...keepY);
}
