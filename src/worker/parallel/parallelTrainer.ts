/**
 * Data-parallel training across worker_threads (the coordinator's side, on the main thread).
 *
 * W workers each own B/W of the B streams. Per step, every worker computes the gradient of its
 * streams (scaled so that the workers' gradients SUM to the gradient of the mean loss over all
 * B·T predictions) into its own row of a shared gradient matrix; worker 0 then adds the rows in
 * the fixed order 0, 1, ..., W-1, clips and applies the optimizer to the weights, which live in
 * a SharedArrayBuffer that every worker's model reads directly. Two barriers per step and no
 * messages: the main thread only says "run n steps" and hears back when they are done, so it
 * stays free (the event loop of the extension host, or of `rnn-lens bench`, never blocks).
 *
 * Determinism: the same W and seed give the same bits (every sum has a fixed order). A
 * different W splits the sums differently, so results agree only to float rounding.
 */

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type TrainSettings } from '../../engine/model/config';
import { InputError } from '../../engine/errors';
import { type CoordinatorMessage, type ParallelWorkerInit, type ParallelWorkerMessage } from './messages';
import { sharedLayout, sharedViews, type SharedLayout } from './sharedMemory';
import { parameterCountFor } from './shard';

export interface ParallelTrainerOptions {
  readonly text: string;
  readonly settings: TrainSettings;
  readonly workers: number;
  /** Use the scalar JavaScript kernels even where WebAssembly SIMD runs. */
  readonly scalarKernels?: boolean;
}

export interface RunResult {
  /** Wall time of the steps, measured by worker 0 from the first step's start to the last step's end. */
  readonly ms: number;
  /** Mean cross-entropy (nats) of the last step, over all B·T predictions. */
  readonly lastLoss: number;
  /** Mean loss of every step of the run. */
  readonly losses: number[];
}

/**
 * The worker script: the bundled dist/parallelWorker.js next to a bundled caller, or the
 * TypeScript source run through tsx when the caller itself runs from source (tests, tsx).
 */
export function workerEntry(): { file: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) return { file: path.join(__dirname, 'parallelWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };
  const bundled = path.join(__dirname, 'parallelWorker.js');
  if (!existsSync(bundled)) throw new Error(`the training worker bundle is missing (${bundled}); run "node esbuild.mjs" first`);
  return { file: bundled, execArgv: [] };
}

export class ParallelTrainer {
  private pending: { resolve: (r: RunResult) => void; reject: (e: Error) => void; left: number; result?: RunResult } | null = null;
  private failure: Error | null = null;
  private closed = false;
  private simdWorkers = 0;

  private constructor(
    private readonly workers: Worker[],
    private readonly buffer: SharedArrayBuffer,
    private readonly layout: SharedLayout,
  ) {}

  get paramCount(): number {
    return this.layout.paramCount;
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /** Which matrix kernels the workers train on: 'simd' (WebAssembly) or 'scalar' (JavaScript). */
  get kernels(): 'simd' | 'scalar' {
    return this.simdWorkers === this.workers.length ? 'simd' : 'scalar';
  }

  /** Spawns the workers; resolves once every one has built its model. Throws InputError for unusable text or settings. */
  static async start(options: ParallelTrainerOptions): Promise<ParallelTrainer> {
    const W = options.workers;
    if (!Number.isInteger(W) || W < 1) throw new InputError(`workers must be a whole number of at least 1 (got ${W})`);
    if (W > options.settings.batch) throw new InputError(`workers (${W}) cannot exceed the batch (${options.settings.batch}): each worker trains at least one stream`);
    const layout = sharedLayout(W, parameterCountFor(options.text, options.settings));
    const buffer = new SharedArrayBuffer(layout.byteLength);
    const entry = workerEntry();
    const workers: Worker[] = [];
    for (let index = 0; index < W; index++) {
      const init: ParallelWorkerInit = { text: options.text, settings: options.settings, workers: W, index, buffer, layout, scalarKernels: options.scalarKernels };
      workers.push(new Worker(entry.file, { workerData: init, execArgv: entry.execArgv }));
    }
    const trainer = new ParallelTrainer(workers, buffer, layout);
    try {
      await Promise.all(workers.map((w) => trainer.whenReady(w)));
    } catch (e) {
      await trainer.close();
      throw e;
    }
    workers.forEach((w, i) => trainer.listen(w, i));
    return trainer;
  }

  private whenReady(worker: Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: ParallelWorkerMessage): void => {
        // The error listener stays: a worker must never be without one (an unheard 'error' event
        // would take the whole process down); once settled, a late reject is a no-op.
        worker.off('message', onMessage);
        if (m.type === 'ready') {
          if (m.simd) this.simdWorkers++;
          resolve();
        }
        else if (m.type === 'error') reject(m.input ? new InputError(m.message) : new Error(m.message));
        else reject(new Error(`unexpected message ${m.type} from a starting worker`));
      };
      const onError = (e: Error): void => reject(e);
      worker.on('message', onMessage);
      worker.on('error', onError);
    });
  }

  private listen(worker: Worker, index: number): void {
    worker.on('message', (m: ParallelWorkerMessage) => {
      const p = this.pending;
      if (m.type === 'error') return this.fail(m.input ? new InputError(m.message) : new Error(m.message));
      if (m.type !== 'ran' || !p) return;
      if (index === 0) p.result = { ms: m.ms, lastLoss: m.lastLoss, losses: m.losses };
      if (--p.left === 0) {
        this.pending = null;
        p.resolve(p.result!);
      }
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`training worker ${index} stopped unexpectedly (exit code ${code})`));
    });
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  /** Trains `steps` optimizer steps on all workers; resolves when every worker has finished them. */
  run(steps: number): Promise<RunResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the parallel trainer is closed'));
    if (this.pending) return Promise.reject(new Error('a run is already in progress'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, left: this.workers.length };
      const msg: CoordinatorMessage = { type: 'run', steps };
      for (const w of this.workers) w.postMessage(msg);
    });
  }

  /** A copy of the current weights (flat, parameterSpecs order). Only call between runs. */
  weights(): Float32Array {
    return sharedViews(this.buffer, this.layout).params.slice();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
