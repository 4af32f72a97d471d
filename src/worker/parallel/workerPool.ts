/**
 * A Trainer's gradient source on W worker threads (the engine's GradientSource, gradientSource.ts).
 *
 * The extension's training thread drives its Trainer one `trainStep()` at a time between message
 * slices. With a pool, that thread coordinates W sub-workers (parallelWorker.ts), each owning
 * B/W of the B streams. One accumulateGradients:
 *
 *   1. the Trainer's weights are copied to shared memory; GO
 *   2. every sub-worker computes grads_w, the gradient of its streams' share of the loss
 *   3. the coordinator sleeps (Atomics.wait, allowed off the extension host's main thread) until all are DONE
 *   4. grads += grads_0 + grads_1 + ... + grads_{W-1}, in that order
 *
 * and the Trainer then clips and updates its weights exactly as with its local source. The
 * stream positions and carried h/c of all B streams live in shared memory, laid out as the local
 * source has them, so traces and checkpoints read the same things either way.
 *
 * Same W and seed: the same bits. Another W (or one thread) splits the gradient sum differently,
 * so the runs agree to float rounding only.
 */

import { Worker } from 'node:worker_threads';
import { type FloatArray } from '../../engine/kernels/kernels';
import { simdAvailable } from '../../engine/kernels/simd/simdArena';
import { paramLayout } from '../../engine/model/params';
import { type GradientPool, type GradientRun, type GradientSource } from '../../engine/training/gradientSource';
import { workerScript } from '../scripts';
import { Interrupted, type InterruptCheck } from '../../engine/errors';
import { ABORT, COMMAND, DONE, EXIT, FAILED, GO, STEP, poolLayout, poolViews, streamRange, type PoolViews, type PoolWorkerInit } from './poolMemory';

/** Sub-workers load tsx or a bundle and build their model; beyond this something is wrong. */
const START_TIMEOUT_MS = 60_000;
/** How often a blocked coordinator looks up from its wait to check for a failed sub-worker. */
const POLL_MS = 250;
/** ...and, during a step that a pause may abandon, for the pause (the single-thread path checks between layers). */
const INTERRUPT_POLL_MS = 10;

/** A gradient pool of `workers` threads (1 <= workers <= the batch: each thread needs at least one stream). */
export function workerPool(workers: number): GradientPool {
  return { start: (run) => new WorkerPool(run, workers) };
}

/**
 * How the training thread honours rnnLens.workers: a pool of W > 1 threads when every thread can
 * have at least one stream (W <= batch); otherwise the Trainer's own thread, with a notice saying why.
 */
export function threadsFor(workers: number, batch: number): { pool?: GradientPool; notice?: string } {
  if (workers <= 1) return {};
  if (batch < workers) {
    return { notice: `rnnLens.workers is ${workers} but the batch is ${batch}; training on one thread (each worker thread needs at least one of the batch's streams).` };
  }
  return { pool: workerPool(workers) };
}

export class WorkerPool implements GradientSource {
  private readonly views: PoolViews;
  private readonly rows: Float32Array[];
  private readonly subWorkers: Worker[] = [];
  private readonly exited: Promise<void>[] = [];
  /** Sub-worker threads started and not yet exited. */
  private live = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(private readonly run: GradientRun, readonly workers: number) {
    const B = run.batch;
    if (!Number.isInteger(workers) || workers < 1 || workers > B) throw new Error(`workers must be a whole number between 1 and the batch (${B}); got ${workers}.`);
    const { config } = run;
    const layout = poolLayout(workers, B, config.layers, config.hidden, config.cell === 'lstm', paramLayout(config).total, run.trainIds.length);
    const buffer = new SharedArrayBuffer(layout.byteLength);
    this.views = poolViews(buffer, layout);
    this.views.trainIds.set(run.trainIds);
    this.rows = Array.from({ length: workers }, (_, w) => this.views.gradsOf(w));
    const entry = workerScript('parallel/parallelWorker', 'parallelWorker.js');
    try {
      for (let index = 0; index < workers; index++) {
        const init: PoolWorkerInit = { config, seqLen: run.seqLen, streamLen: run.streamLen, index, buffer, layout, simd: simdAvailable() };
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

  get positions(): Int32Array {
    return this.views.positions;
  }

  carriedH(layer: number): FloatArray {
    const BH = this.run.batch * this.run.config.hidden;
    return this.views.carriedH.subarray(layer * BH, (layer + 1) * BH);
  }

  carriedC(layer: number): FloatArray {
    const BH = this.run.batch * this.run.config.hidden;
    return this.views.carriedC.subarray(layer * BH, this.views.carriedC.length === 0 ? layer * BH : (layer + 1) * BH);
  }

  /** Sub-worker threads still running (0 once close() has resolved). */
  get liveWorkers(): number {
    return this.live;
  }

  /**
   * `interrupt` (a pause or stop waiting) abandons the step as the single-thread source does: the
   * sub-workers stop between two layers, the positions and carried state some may already have
   * written back are restored, and Interrupted is thrown with nothing changed.
   */
  accumulateGradients(grads: FloatArray, scale: number, interrupt?: InterruptCheck): number {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the worker pool is closed');
    this.views.params.set(this.run.params);
    this.views.scale[0] = scale;
    const { control, positions, carriedH, carriedC } = this.views;
    const before = interrupt ? { positions: positions.slice(), h: carriedH.slice(), c: carriedC.slice() } : null;
    Atomics.store(control, ABORT, 0);
    Atomics.store(control, DONE, 0);
    Atomics.store(control, COMMAND, STEP);
    Atomics.add(control, GO, 1);
    Atomics.notify(control, GO);
    if (this.waitForAll(Infinity, 'step', interrupt) && before) {
      positions.set(before.positions);
      carriedH.set(before.h);
      carriedC.set(before.c);
      throw new Interrupted();
    }
    let lossSum = 0;
    for (let w = 0; w < this.workers; w++) lossSum += this.views.losses[w];
    for (const row of this.rows) {
      for (let i = 0; i < grads.length; i++) grads[i] += row[i];
    }
    return lossSum;
  }

  /**
   * After a skipped (divergent) update, as every sub-worker's StreamGroup would do: a worker's
   * streams whose carried state is no longer finite start again from zero, so training can recover.
   */
  resetNonFiniteState(): void {
    const { batch: B, config } = this.run;
    const H = config.hidden;
    const L = config.layers;
    const states = config.cell === 'lstm' ? [this.views.carriedH, this.views.carriedC] : [this.views.carriedH];
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

  /**
   * Sleeps until every sub-worker has said DONE; throws (and closes) if one failed or time ran out.
   * When `interrupt` says so meanwhile, tells them to abandon the step; returns whether it did.
   */
  private waitForAll(timeoutMs: number, what: 'start' | 'step', interrupt?: InterruptCheck): boolean {
    const control = this.views.control;
    const deadline = performance.now() + timeoutMs;
    let aborted = false;
    for (;;) {
      if (interrupt && !aborted && interrupt()) {
        aborted = true;
        Atomics.store(control, ABORT, 1);
      }
      const failed = Atomics.load(control, FAILED);
      if (failed !== 0) {
        const message = new TextDecoder().decode(this.views.error.slice(0, failed - 1));
        this.failure = new Error(`a training sub-worker failed: ${message}`);
        void this.close();
        throw this.failure;
      }
      const done = Atomics.load(control, DONE);
      if (done >= this.workers) return aborted;
      const left = deadline - performance.now();
      if (left <= 0) {
        this.failure = new Error(`the training sub-workers did not ${what === 'start' ? 'start' : 'finish a step'} within ${Math.round(timeoutMs / 1000)} s`);
        void this.close();
        throw this.failure;
      }
      Atomics.wait(control, DONE, done, Math.min(left, interrupt && !aborted ? INTERRUPT_POLL_MS : POLL_MS));
    }
  }
}
