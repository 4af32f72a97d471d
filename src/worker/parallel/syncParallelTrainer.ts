/**
 * Data-parallel training behind the training loop's ordinary, synchronous TrainerLike.
 *
 * The extension's training thread drives a trainer one `trainStep()` at a time between message
 * slices. Here that thread is the coordinator of W sub-workers (worker_threads), each owning
 * B/W of the B streams (syncShardWorker.ts). One step:
 *
 *   1. GO: every sub-worker computes grads_w, the gradient of its streams' share of the mean loss
 *   2. the coordinator sleeps (Atomics.wait, allowed off the extension host's main thread) until all are DONE
 *   3. g = grads_0 + grads_1 + ... + grads_{W-1} in that order, then clip and optimizer (applyUpdate)
 *      on the shared weights, exactly as Trainer.trainStep does with its single gradient
 *
 * The coordinator keeps the optimizer state, the step count and (in shared memory) the stream
 * positions and carried h/c of all B streams, laid out as a Trainer's. So traces, samples and
 * checkpoints read the same things a single-thread Trainer would, and toCheckpoint() writes the
 * same ResumeState: checkpoints move freely between one thread and several.
 *
 * Same W and seed: the same bits. Another W (or one thread) splits the gradient sum differently,
 * so the runs agree to float rounding only.
 */

import { Worker } from 'node:worker_threads';
import { type CheckpointData, type ResumeState } from '../../engine/io/checkpointData';
import { type ModelConfig, type TrainSettings } from '../../engine/model/config';
import { heldOutLoss } from '../../engine/evaluate';
import { Model } from '../../engine/model/model';
import { slotNames, type OptimizerState } from '../../engine/training/optimizers';
import { tensorViews } from '../../engine/model/params';
import { sampleText, type SampleOptions } from '../../engine/sampling';
import { matrixSpectralNorm } from '../../engine/analysis/spectral';
import { streamLength } from '../../engine/training/streams';
import { encodeText, splitLengths } from '../../engine/text';
import { recordStreamTrace } from '../../engine/analysis/trace';
import { type Trace } from '../../protocol/traceLayout';
import { type Trainer, type StepStats } from '../../engine/training/trainer';
import { InputError } from '../../engine/errors';
import { type TrainerLike } from '../trainingLoop';
import { workerEntry } from './parallelTrainer';
import { streamRange } from './sharedMemory';
import { COMMAND, DONE, EXIT, FAILED, GO, STEP, syncLayout, syncViews, type SyncLayout, type SyncViews, type SyncWorkerInit } from './syncMemory';
import { SummedUpdate } from './summedUpdate';

/** Sub-workers load tsx or a bundle and build their model; beyond this something is wrong. */
const START_TIMEOUT_MS = 60_000;
/** How often a blocked coordinator looks up from its wait to check for a failed sub-worker. */
const POLL_MS = 250;

export class SyncParallelTrainer implements TrainerLike {
  readonly config: ModelConfig;
  readonly settings: TrainSettings;
  readonly trainLength: number;
  readonly valLength: number;
  private readonly local: Model;
  /** True when the shared weights have moved on since `local` last copied them. */
  private stale = false;
  private readonly views: SyncViews;
  private readonly rows: Float32Array[];
  private readonly optimizer: OptimizerState;
  /** Sums the workers' rows and applies clipping and the optimizer (whose state it holds). */
  private readonly update: SummedUpdate;
  private readonly trainIds: Int32Array;
  private readonly valIds: Int32Array;
  private readonly streamLen: number;
  private readonly fixed: Pick<ResumeState, 'rng' | 'textLength' | 'textHash'>;
  private stepCount: number;
  private readonly subWorkers: Worker[] = [];
  private readonly exited: Promise<void>[] = [];
  /** Sub-worker threads started and not yet exited. */
  private live = 0;
  private failure: Error | null = null;
  private closed = false;

  /**
   * Continues `trainer`'s run (fresh, resumed or started from weights: whatever it holds) on
   * `workers` sub-workers. Blocks until they are ready. Needs 1 <= workers <= batch.
   */
  static fromTrainer(trainer: Trainer, text: string, workers: number): SyncParallelTrainer {
    const B = trainer.settings.batch;
    if (!Number.isInteger(workers) || workers < 1 || workers > B) throw new InputError(`workers must be a whole number between 1 and the batch (${B}); got ${workers}.`);
    return new SyncParallelTrainer(trainer.toCheckpoint(), text, workers);
  }

  private constructor(checkpoint: CheckpointData, text: string, private readonly workers: number) {
    const r = checkpoint.resume!;
    this.config = checkpoint.config;
    this.settings = { ...r.settings };
    this.local = Model.fromCheckpoint(checkpoint);
    this.fixed = { rng: r.rng, textLength: r.textLength, textHash: r.textHash };
    this.stepCount = r.step;
    const ids = encodeText(text, this.config.vocab);
    const B = this.settings.batch;
    const H = this.config.hidden;
    const L = this.config.layers;
    const lstm = this.config.cell === 'lstm';
    const layout: SyncLayout = syncLayout(workers, B, L, H, lstm, this.local.paramCount);
    const buffer = new SharedArrayBuffer(layout.byteLength);
    this.views = syncViews(buffer, layout);
    this.rows = Array.from({ length: workers }, (_, w) => this.views.gradsOf(w));

    this.views.params.set(this.local.params);
    this.update = new SummedUpdate(r.optimizer.kind, this.local.layout);
    this.optimizer = this.update.optimizer;
    this.optimizer.t = r.optimizer.t;
    for (const slot of slotNames(r.optimizer.kind)) {
      const flat = this.optimizer.slots.get(slot)!;
      const tensors = r.optimizer.slots.get(slot)!;
      this.local.layout.specs.forEach((spec, i) => flat.set(tensors.get(spec.name)!, this.local.layout.offsets[i]));
    }
    this.views.positions.set(r.streamPositions);
    for (let l = 0; l < L; l++) {
      this.views.carriedH.set(r.carried.get(`h_l${l}`)!, l * B * H);
      if (lstm) this.views.carriedC.set(r.carried.get(`c_l${l}`)!, l * B * H);
    }
    this.trainIds = ids.subarray(0, splitLengths(ids.length, this.settings.valFraction).trainLength);
    this.valIds = ids.subarray(this.trainIds.length);
    this.trainLength = this.trainIds.length;
    this.valLength = this.valIds.length;
    this.streamLen = streamLength(this.trainLength, B);

    const entry = workerEntry();
    try {
      for (let index = 0; index < workers; index++) {
        const init: SyncWorkerInit = { mode: 'sync', text, settings: this.settings, config: this.config, index, buffer, layout };
        const worker = new Worker(entry.file, { workerData: init, execArgv: entry.execArgv });
        // Errors are read from shared memory; an unheard 'error' event would take the process down.
        worker.on('error', () => undefined);
        this.exited.push(new Promise((resolve) => worker.once('exit', () => {
          this.live--;
          resolve();
        })));
        this.live++;
        this.subWorkers.push(worker);
      }
      this.waitForAll(START_TIMEOUT_MS, 'start');
    } catch (e) {
      void this.close();
      throw e;
    }
  }

  /** What the loop reports as `paramCount` and what traces, samples and unit activations read (the current weights). */
  get model(): Model {
    if (this.stale) {
      this.local.params.set(this.views.params);
      this.stale = false;
    }
    return this.local;
  }

  get step(): number {
    return this.stepCount;
  }

  get workerCount(): number {
    return this.workers;
  }

  /** Sub-worker threads still running (0 once close() has resolved). */
  get liveWorkers(): number {
    return this.live;
  }

  /** One optimizer step over all B streams; the same statistics as Trainer.trainStep. */
  trainStep(options: { stats?: boolean } = {}): StepStats {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the parallel trainer is closed');
    const control = this.views.control;
    Atomics.store(control, DONE, 0);
    Atomics.store(control, COMMAND, STEP);
    Atomics.add(control, GO, 1);
    Atomics.notify(control, GO);
    this.waitForAll(Infinity, 'step');

    let lossSum = 0;
    for (let w = 0; w < this.workers; w++) lossSum += this.views.losses[w];
    const n = this.settings.batch * this.settings.seqLen;
    const loss = lossSum / n;
    const update = this.update.apply(this.views.params, this.rows, this.settings, this.settings.lr, Number.isFinite(loss), options.stats ?? true);
    if (update.nonFinite !== null) this.resetNonFiniteState();
    this.stale = true;
    this.stepCount++;
    return { step: this.stepCount, loss, ...update };
  }

  validationLoss(): number | null {
    return heldOutLoss(this.model.net, this.valIds);
  }

  /** The window that stream `stream` will train on next, with the current weights and its carried state (as Trainer.trace). */
  trace(stream = 0): Trace {
    const B = this.settings.batch;
    if (!Number.isInteger(stream) || stream < 0 || stream >= B) throw new InputError(`stream must be between 0 and ${B - 1} (got ${stream}).`);
    const BH = B * this.config.hidden;
    return recordStreamTrace(this.model.net, {
      trainIds: this.trainIds,
      streamLen: this.streamLen,
      seqLen: this.settings.seqLen,
      stream,
      position: this.views.positions[stream],
      trainingStep: this.stepCount,
      carriedH: (l) => this.views.carriedH.subarray(l * BH, (l + 1) * BH),
      carriedC: (l) => this.views.carriedC.subarray(l * BH, (l + 1) * BH),
    });
  }

  sample(opts: SampleOptions): string {
    return sampleText(this.model, opts);
  }

  spectralNorms(): number[] {
    const H = this.config.hidden;
    return this.local.layout.layers.map((off) => matrixSpectralNorm(this.views.params, off.wHh, this.local.net.GH, H));
  }

  /** The same CheckpointData a single-thread Trainer at this point of the run would write. */
  toCheckpoint(): CheckpointData {
    const layout = this.local.layout;
    const views = (buffer: Float32Array): Map<string, Float32Array> => {
      const out = new Map<string, Float32Array>();
      for (const [name, v] of tensorViews(buffer, layout)) out.set(name, v.slice());
      return out;
    };
    const slots = new Map<string, ReadonlyMap<string, Float32Array>>();
    for (const [slot, buffer] of this.optimizer.slots) slots.set(slot, views(buffer));
    const B = this.settings.batch;
    const H = this.config.hidden;
    const carried = new Map<string, Float32Array>();
    for (let l = 0; l < this.config.layers; l++) {
      carried.set(`h_l${l}`, this.views.carriedH.slice(l * B * H, (l + 1) * B * H));
      if (this.config.cell === 'lstm') carried.set(`c_l${l}`, this.views.carriedC.slice(l * B * H, (l + 1) * B * H));
    }
    const resume: ResumeState = {
      settings: { ...this.settings },
      step: this.stepCount,
      optimizer: { kind: this.optimizer.kind, t: this.optimizer.t, slots },
      streamPositions: Array.from(this.views.positions),
      carried,
      ...this.fixed,
    };
    return { config: this.config, weights: views(this.views.params), resume };
  }

  /** Tells the sub-workers to exit and waits until every thread has ended. Safe to call twice. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const control = this.views.control;
      Atomics.store(control, COMMAND, EXIT);
      Atomics.add(control, GO, 1);
      Atomics.notify(control, GO);
      for (const w of this.subWorkers) void w.terminate();
    }
    return Promise.all(this.exited).then(() => undefined);
  }

  /** Sleeps until every sub-worker has said DONE; throws (and closes) if one failed or time ran out. */
  private waitForAll(timeoutMs: number, what: 'start' | 'step'): void {
    const control = this.views.control;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const failed = Atomics.load(control, FAILED);
      if (failed !== 0) {
        const message = new TextDecoder().decode(this.views.error.slice(0, failed - 1));
        this.failure = new Error(`a training sub-worker failed: ${message}`);
        void this.close();
        throw this.failure;
      }
      const done = Atomics.load(control, DONE);
      if (done >= this.workers) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        this.failure = new Error(`the training sub-workers did not ${what === 'start' ? 'start' : 'finish a step'} within ${Math.round(timeoutMs / 1000)} s`);
        void this.close();
        throw this.failure;
      }
      Atomics.wait(control, DONE, done, Math.min(left, POLL_MS));
    }
  }

  /**
   * After a skipped (divergent) update, as every sub-worker's StreamGroup would do: a worker's
   * streams whose carried state is no longer finite start again from zero, so training can recover.
   */
  private resetNonFiniteState(): void {
    const B = this.settings.batch;
    const H = this.config.hidden;
    const L = this.config.layers;
    const states = this.config.cell === 'lstm' ? [this.views.carriedH, this.views.carriedC] : [this.views.carriedH];
    for (let w = 0; w < this.workers; w++) {
      const { start, end } = streamRange(B, this.workers, w);
      let finite = true;
      for (let l = 0; l < L && finite; l++) {
        for (const s of states) for (let i = (l * B + start) * H; i < (l * B + end) * H && finite; i++) finite = Number.isFinite(s[i]);
      }
      if (finite) continue;
      for (let l = 0; l < L; l++) for (const s of states) s.fill(0, (l * B + start) * H, (l * B + end) * H);
    }
  }
}
