/**
 * The training thread's behaviour, independent of how messages arrive: a Trainer driven in short
 * time slices so that pause, step and stop messages are handled between slices (the thread never
 * blocks its own message queue for long), progress throttled to about ten reports a second, trace
 * windows posted with their buffers transferred, and every failure turned into a message.
 *
 * The engine is passed in (see WorkerEngine) so the loop can be tested in-process with a fake
 * trainer; `trainingWorker.ts` wires the real engine and the worker_threads port.
 */

import { type CellType, type ModelConfig, type TrainSettings } from '../engine/model/config';
import { type CheckpointData } from '../engine/io/checkpointData';
import { streamLength } from '../engine/training/streams';
import { Interrupted, type ErrorArgs } from '../engine/errors';
import { unigramEntropy } from '../engine/text';
import { type UnitActivations } from '../engine/kernels/activations';
import { type TensorStats } from '../engine/training/update';
import { type Trace } from '../protocol/traceLayout';
import {
  exactBytes, type CheckpointReason, type HostToWorker, type StartMessage, type TrainingState, type UnitActivationsRequest, type WorkerToHost,
} from '../protocol/worker';
import { AutoSampler } from './autoSampler';
import { ValidationWatch } from './validationWatch';

/** What the loop needs from a trainer (the engine's Trainer satisfies it). */
export interface TrainerLike {
  readonly config: ModelConfig;
  readonly settings: TrainSettings;
  readonly model: { readonly paramCount: number };
  readonly step: number;
  readonly trainLength: number;
  readonly valLength: number;
  /** `stats: false`: `tensors` may come back empty (the per-tensor norms are skipped); everything else is as usual. */
  /** `interrupt`: asked during the step; true abandons it (Interrupted) before anything changed. */
  trainStep(options?: { stats?: boolean; interrupt?: () => boolean }): {
    step: number; loss: number; gradNorm: number; clipScale: number; valueClipped: number;
    tensors: TensorStats[];
    nonFinite: string | null;
  };
  validationLoss(interrupt?: () => boolean): number | null;
  trace(stream?: number, interrupt?: () => boolean): Trace;
  sample(opts: { length: number; temperature: number; topK?: number; prime?: string; seed: number }): string;
  toCheckpoint(): CheckpointData;
  spectralNorms(): number[];
  /** Something about how this trainer was set up that the user should know (e.g. fewer threads than rnnLens.workers asks). */
  readonly notice?: string;
  /** Threads training (a data-parallel trainer's sub-workers); absent = 1. */
  readonly workerCount?: number;
  /** Ends threads the trainer started (a data-parallel trainer's sub-workers); called when the session stops. */
  close?(): unknown;
}

/** The engine functions the loop calls. */
export interface WorkerEngine {
  /** `workers`: rnnLens.workers, the threads the trainer may train on; `init`: start from these weights. */
  createTrainer(text: string, settings: TrainSettings, options: { workers: number; init?: CheckpointData }): TrainerLike;
  resumeTrainer(text: string, checkpoint: CheckpointData, workers: number): TrainerLike;
  decodeCheckpoint(bytes: Uint8Array): CheckpointData;
  encodeCheckpoint(data: CheckpointData): Uint8Array;
  gradientCheck(opts: { cell: CellType; layers: number; hidden: number; gruResetAfter?: boolean }): { tensor: string; maxRelError: number }[];
  /** True for the engine's user-facing errors (InputError). */
  isInputError(error: unknown): boolean;
  /**
   * One unit over the start of `text` (at most `maxChars` code points, fewer when the model is too
   * big to read that many within the worker's time budget), with the trainer's current weights.
   */
  unitActivations(trainer: TrainerLike, text: string, request: { layer: number; unit: number; maxChars: number; topK: number }): UnitActivations & { totalChars: number };
}

export type Post = (message: WorkerToHost, transfer: ArrayBuffer[]) => void;

export interface LoopTiming {
  now(): number;
  /**
   * True when a pause or stop is on its way to the loop: a step, a periodic trace or a validation
   * in flight is then abandoned (the engine leaves no trace of it), so the message is handled at
   * once rather than after them. Absent: nothing is ever abandoned.
   */
  interrupted?(): boolean;
  /** Runs the next slice after pending messages have had their turn. */
  schedule(run: () => void): void;
}

/** Train this long before letting messages through. */
export const SLICE_MS = 40;
/** At most this many progress (and stats) reports a second. */
export const PROGRESS_INTERVAL_MS = 100;
/**
 * Periodic traces (every traceEvery steps) at most this often. A small model trains thousands of
 * steps a second; a trace every 5 of them would be hundreds of windows a second, which floods the
 * extension host and the panel so badly that a click on Pause waits behind them for seconds.
 * Traces asked for (pause, step, request) are never held back.
 */
export const TRACE_INTERVAL_MS = 100;
/**
 * Validation may take at most this share of the training time: the next pass waits
 * (its duration / VALIDATION_BUDGET). Only training runs it; a pause or step never waits for one.
 */
const VALIDATION_BUDGET = 0.05;
const SPECTRAL_INTERVAL_MS = 1000;

type LoopState = 'idle' | TrainingState | 'stopped';

export class TrainingLoop {
  private state: LoopState = 'idle';
  private trainer: TrainerLike | null = null;
  /** The snapshot being trained on (Color Text by Neuron reads it again). */
  private text = '';
  private maxSteps = 0;
  private traceEvery = 0;
  private scheduled = false;
  private sampler: AutoSampler | null = null;
  private watch = new ValidationWatch((m) => this.post(m, []));

  private lastLoss = NaN;
  private lastStats: ReturnType<TrainerLike['trainStep']> | null = null;
  private valLoss: number | null = null;
  private valStep: number | null = null;
  private nextValidationAt = 0;
  private spectral: number[] = [];
  private nextSpectralAt = 0;
  private lastReportAt = 0;
  /** When the last trace went out (periodic traces are spaced by TRACE_INTERVAL_MS). */
  private lastTraceAt = -Infinity;
  private charsSinceReport = 0;
  private charsPerSec = 0;

  constructor(
    private readonly post: Post,
    private readonly engine: WorkerEngine,
    private readonly timing: LoopTiming,
  ) {}

  get currentState(): LoopState {
    return this.state;
  }

  /** Entry point for every (already validated) message from the host. */
  handle(message: HostToWorker): void {
    const replyTo = 'requestId' in message ? message.requestId : undefined;
    try {
      this.dispatch(message);
    } catch (error) {
      this.postError(error, replyTo);
    }
  }

  private dispatch(message: HostToWorker): void {
    switch (message.type) {
      case 'start': return this.start(message);
      case 'pause': return this.pause('request');
      case 'resume': return this.resume();
      case 'step': return this.stepOnce(message.requestId);
      case 'requestTrace': this.postTrace(message.stream); return;
      case 'sample': {
        const { length, temperature, topK, prime, seed } = message;
        const text = this.requireTrainer().sample({ length, temperature, topK, prime, seed });
        return this.post({ type: 'sample', replyTo: message.requestId, text }, []);
      }
      case 'save': return this.postCheckpoint('request', message.requestId, message.best);
      case 'stop': return this.stop('requested');
      case 'gradcheck': {
        const { cell, layers, hidden, gruResetAfter } = message;
        const results = this.engine.gradientCheck({ cell, layers, hidden, gruResetAfter });
        return this.post({ type: 'gradcheck', replyTo: message.requestId, results }, []);
      }
      case 'unitActivations': return this.postUnitActivations(message);
    }
  }

  private start(message: StartMessage): void {
    if (this.state !== 'idle') throw new Error('this worker already has a training session');
    this.maxSteps = message.maxSteps;
    this.traceEvery = message.traceEvery;
    this.text = message.text;
    let notice: string | undefined;
    const workers = message.workers ?? 1;
    if (message.resume) {
      const checkpoint = this.engine.decodeCheckpoint(message.resume);
      try {
        this.trainer = this.engine.resumeTrainer(message.text, checkpoint, workers);
      } catch (error) {
        // A checkpoint made on another text can still seed this one: same weights, fresh optimizer.
        if (!this.engine.isInputError(error)) throw error;
        this.trainer = this.engine.createTrainer(message.text, { ...message.settings, ...configSettings(checkpoint.config) }, { workers, init: checkpoint });
        notice = `Started from the model's weights with a fresh optimizer (${errorText(error)})`;
      }
    } else if (message.init) {
      const checkpoint = this.engine.decodeCheckpoint(message.init);
      this.trainer = this.engine.createTrainer(message.text, { ...message.settings, ...configSettings(checkpoint.config) }, { workers, init: checkpoint });
    } else {
      this.trainer = this.engine.createTrainer(message.text, message.settings, { workers });
    }
    const t = this.trainer;
    if (t.notice) notice = notice ? `${notice}; ${t.notice}` : t.notice;
    this.state = message.startPaused ? 'paused' : 'training';
    this.lastReportAt = this.timing.now();
    this.post({
      type: 'started', config: t.config, settings: t.settings, paramCount: t.model.paramCount,
      trainLength: t.trainLength, valLength: t.valLength, unigramEntropy: unigramEntropy(message.text, t.trainLength), step: t.step, state: this.state, ...(notice ? { notice } : {}),
      threads: t.workerCount ?? 1,
    }, []);
    const windowLoss = this.postTrace();
    // A loaded model has taken no step here yet: its loss is the trace window's, never a made-up 0.
    if (!Number.isFinite(this.lastLoss)) this.lastLoss = windowLoss;
    this.sampler = message.samples ? new AutoSampler(message.samples, t.step) : null;
    this.postSample();
    if (this.state === 'training') this.scheduleSlice();
    else this.report(true);
  }

  private pause(reason: 'request' | 'maxSteps'): void {
    if (this.state !== 'training') return;
    // At the step limit nobody waits on a click: validate at the last step, so the final numbers agree.
    if (reason === 'maxSteps' && this.valStep !== this.requireTrainer().step) this.updateValidation(this.timing.now(), true);
    this.state = 'paused';
    const step = this.requireTrainer().step;
    // Progress, "paused", then the trace (slow for a big model): whoever hears "paused" holds its step.
    this.report(true);
    this.post({ type: 'state', state: 'paused', step, reason }, []);
    this.postTrace();
  }

  private resume(): void {
    if (this.state !== 'paused') return;
    // Resuming past the step limit means "keep going": the limit has done its job.
    if (this.maxSteps > 0 && this.requireTrainer().step >= this.maxSteps) this.maxSteps = 0;
    this.state = 'training';
    this.lastReportAt = this.timing.now();
    this.charsSinceReport = 0;
    this.post({ type: 'state', state: 'training', step: this.requireTrainer().step, reason: 'request' }, []);
    this.scheduleSlice();
  }

  private stepOnce(requestId: number): void {
    if (this.state !== 'paused') throw new UserFacing(this.state === 'training' ? 'Pause training before stepping one step at a time.' : 'There is no paused training session to step.');
    const stats = this.requireTrainer().trainStep();
    if (stats.nonFinite !== null) {
      this.onNonFinite(stats.step, stats.nonFinite);
      return;
    }
    this.record(stats, 0);
    this.postSample();
    this.post({ type: 'stepped', replyTo: requestId, step: stats.step, loss: stats.loss }, []);
    this.report(true);
    this.postTrace();
  }

  /** One time slice of training, then give the message queue a turn. */
  private readonly interrupt = (): boolean => this.timing.interrupted?.() ?? false;

  private readonly slice = (): void => {
    this.scheduled = false;
    if (this.state !== 'training' || !this.trainer) return;
    const trainer = this.trainer;
    const charsPerStep = trainer.settings.batch * trainer.settings.seqLen;
    const start = this.timing.now();
    try {
      let first = true;
      do {
        // Per-tensor norms cost extra passes over the weights; the 'stats' message goes out at
        // most every PROGRESS_INTERVAL_MS, so only the first step of each slice measures them.
        const stats = trainer.trainStep({ stats: first, interrupt: this.interrupt });
        first = false;
        if (stats.nonFinite !== null) {
          this.onNonFinite(stats.step, stats.nonFinite);
          return;
        }
        this.record(stats, charsPerStep);
        this.postSample();
        if (this.maxSteps > 0 && stats.step >= this.maxSteps) {
          this.pause('maxSteps'); // posts the trace of the paused weights itself
          return;
        }
        if (this.traceEvery > 0 && stats.step % this.traceEvery === 0 && this.timing.now() - this.lastTraceAt >= TRACE_INTERVAL_MS) this.postTrace(undefined, true);
      } while (this.timing.now() - start < SLICE_MS);
      this.report(false);
    } catch (error) {
      if (error instanceof Interrupted) {
        // A pause or stop is waiting: let it through; the abandoned step runs again on resume.
        this.scheduleSlice();
        return;
      }
      this.postError(error);
      this.stop('error');
      return;
    }
    this.scheduleSlice();
  };

  private scheduleSlice(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.timing.schedule(this.slice);
  }

  private record(stats: ReturnType<TrainerLike['trainStep']>, chars: number): void {
    // A step run without statistics keeps the last measured ones (and their step number) for the next report.
    if (stats.tensors.length > 0 || !this.lastStats) this.lastStats = stats;
    this.lastLoss = stats.loss;
    this.watch.trainLoss(stats.loss);
    this.charsSinceReport += chars;
  }

  /** Posts progress and stats, at most every PROGRESS_INTERVAL_MS unless forced. */
  private report(force: boolean): void {
    const trainer = this.trainer;
    if (!trainer || this.state === 'idle' || this.state === 'stopped') return;
    const now = this.timing.now();
    const elapsed = now - this.lastReportAt;
    if (!force && elapsed < PROGRESS_INTERVAL_MS) return;
    if (this.state === 'training' && elapsed > 0) this.charsPerSec = (this.charsSinceReport * 1000) / elapsed;
    if (this.state === 'paused') this.charsPerSec = 0;
    this.lastReportAt = now;
    this.charsSinceReport = 0;
    if (now >= this.nextSpectralAt || force) {
      this.spectral = trainer.spectralNorms().filter(Number.isFinite);
      this.nextSpectralAt = now + SPECTRAL_INTERVAL_MS;
    }
    const loss = Number.isFinite(this.lastLoss) ? this.lastLoss : 0;
    this.post({ type: 'progress', step: trainer.step, loss, valLoss: this.valLoss, valStep: this.valLoss === null ? null : this.valStep, charsPerSec: this.charsPerSec, state: this.state }, []);
    const s = this.lastStats;
    if (s) {
      this.post({
        type: 'stats', step: s.step, gradNorm: s.gradNorm, clipScale: s.clipScale, valueClipped: s.valueClipped,
        tensors: s.tensors.filter((t) => Number.isFinite(t.gradNorm) && Number.isFinite(t.weightNorm) && Number.isFinite(t.updateNorm)),
        spectralNorms: this.spectral,
      }, []);
    }
    // After the numbers are out: a big model's first numbers then wait for no pass over the held-out text.
    if (this.state === 'training') this.updateValidation(now);
  }

  /** The validation pass costs a forward pass over the held-out text: keep it within a small share of the time. */
  private updateValidation(now: number, force = false): void {
    const trainer = this.trainer;
    if (!trainer || trainer.valLength === 0 || (now < this.nextValidationAt && !force)) return;
    const t0 = this.timing.now();
    let v: number | null;
    try {
      v = trainer.validationLoss(this.interrupt);
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      return; // the last value (and its step) stand; the pass runs again at the next report
    }
    this.valLoss = v !== null && Number.isFinite(v) ? v : null;
    this.valStep = trainer.step;
    if (this.valLoss !== null) this.watch.validation(trainer.step, this.valLoss, () => trainer.toCheckpoint());
    const took = this.timing.now() - t0;
    this.nextValidationAt = this.timing.now() + Math.max(1000, took / VALIDATION_BUDGET);
  }

  /** `periodic`: one of the traceEvery traces, which a waiting pause or stop abandons. Returns the window's mean loss (NaN when abandoned). */
  private postTrace(stream?: number, periodic = false): number {
    const trainer = this.requireTrainer();
    this.lastTraceAt = this.timing.now();
    let trace: Trace;
    try {
      trace = trainer.trace(stream, periodic ? this.interrupt : undefined);
    } catch (error) {
      if (error instanceof Interrupted) return NaN;
      throw error;
    }
    // The engine's header.position counts from the start of the trace's stream; traceLayout
    // promises the index into the training text, so add where that stream starts.
    const streamStart = trace.header.stream * streamLength(trainer.trainLength, trainer.settings.batch);
    const header = { ...trace.header, position: streamStart + trace.header.position };
    // The trace owns its buffers (traceLayout contract), so they can be moved, not copied.
    this.post({ type: 'trace', header, ids: trace.ids, data: trace.data }, [trace.ids.buffer as ArrayBuffer, trace.data.buffer as ArrayBuffer]);
    return header.meanLoss;
  }

  /** The training sample due now (rnnLens.sampleEvery), if any. */
  private postSample(): void {
    const sample = this.sampler && this.trainer ? this.sampler.take(this.trainer, Number.isFinite(this.lastLoss) ? this.lastLoss : null, this.timing.now()) : null;
    if (sample) this.post(sample, []);
  }

  private postUnitActivations(request: UnitActivationsRequest): void {
    const trainer = this.requireTrainer();
    const { layer, unit, maxChars, topK } = request;
    const a = this.engine.unitActivations(trainer, this.text, { layer, unit, maxChars, topK });
    const arrays = [a.h, a.c, a.topIds, a.topProbs, a.loss];
    this.post({
      type: 'unitActivations', replyTo: request.requestId, step: trainer.step, layer, unit, topK: a.topK, totalChars: a.totalChars,
      h: a.h, c: a.c, topIds: a.topIds, topProbs: a.topProbs, loss: a.loss,
    }, arrays.map((x) => x.buffer as ArrayBuffer).filter((b, i, all) => all.indexOf(b) === i));
  }

  /** `best`: the kept checkpoint of the lowest validation loss instead, when it is older than the weights now. */
  private postCheckpoint(reason: CheckpointReason, replyTo?: number, best = false): void {
    const trainer = this.requireTrainer();
    const kept = best ? this.watch.bestBefore(trainer.step) : null;
    const bytes = exactBytes(this.engine.encodeCheckpoint(kept?.data ?? trainer.toCheckpoint()));
    this.post({ type: 'checkpoint', reason, step: kept?.step ?? trainer.step, bytes, ...(replyTo !== undefined ? { replyTo } : {}) }, [bytes.buffer as ArrayBuffer]);
  }

  /** The step's update was not applied (engine contract), so the weights are still the last good ones. */
  private onNonFinite(step: number, tensor: string): void {
    this.post({ type: 'nonFinite', step, tensor }, []);
    this.stop('nonFinite');
  }

  /** Ends the session: the last good weights go to the host first, so nothing is lost. */
  private stop(reason: 'requested' | 'nonFinite' | 'error'): void {
    if (this.state === 'stopped') return;
    const trainer = this.trainer;
    this.state = 'stopped';
    if (trainer && reason !== 'error') {
      try {
        // The best one first, so the host holds it when it hears of the end.
        if (this.watch.bestBefore(trainer.step)) this.postCheckpoint('best', undefined, true);
        this.postCheckpoint('final');
      } catch (error) {
        this.postError(error);
      }
    }
    this.post({ type: 'stopped', reason, step: trainer ? trainer.step : 0 }, []);
    void trainer?.close?.();
    this.trainer = null;
    this.text = '';
  }

  private requireTrainer(): TrainerLike {
    if (!this.trainer) throw new UserFacing('There is no training session in this worker.');
    return this.trainer;
  }

  private postError(error: unknown, replyTo?: number): void {
    const input = error instanceof UserFacing || this.engine.isInputError(error);
    const message = input ? errorText(error) : `Internal error in the training worker: ${errorText(error)}`;
    // The engine's InputErrors carry a code and arguments: the host says them in the display language.
    const coded = input ? (error as { code?: unknown; args?: unknown }) : {};
    const code = typeof coded.code === 'string' ? { code: coded.code, args: (coded.args ?? {}) as ErrorArgs } : {};
    this.post({ type: 'error', message: message.slice(0, 2000), kind: input ? 'input' : 'internal', ...code, ...(replyTo !== undefined ? { replyTo } : {}) }, []);
  }
}

/** An error whose message is meant for the user as is. */
class UserFacing extends Error {}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}

/** The architecture fields of the settings, taken from a checkpoint so they agree with its weights. */
function configSettings(config: ModelConfig): Pick<TrainSettings, 'cell' | 'hidden' | 'layers' | 'gruResetAfter'> {
  return { cell: config.cell, hidden: config.hidden, layers: config.layers, gruResetAfter: config.gruResetAfter };
}
