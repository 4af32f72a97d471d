/**
 * `rnn-lens bench` drives the training worker the extension runs, through the extension's own
 * client and the ordinary worker protocol (src/protocol/worker.ts): the same script, the same
 * training loop and time slices, the same worker pool for --workers, the same progress messages.
 * So its figures are what a user of the extension gets, overheads included.
 */

import { type TrainSettings } from '../engine/model/config';
import { InputError } from '../engine/errors';
import { nodeWorkerFactory, WorkerClient } from '../extension/workerClient';
import { type HostToWorker, type StartedMessage, type WorkerToHost } from '../protocol/worker';
import { workerScript, type TrainingWorkerData } from '../worker/scripts';

type Message<T extends WorkerToHost['type']> = Extract<WorkerToHost, { type: T }>;

interface Waiter {
  readonly type: WorkerToHost['type'];
  readonly test: (m: WorkerToHost) => boolean;
  readonly resolve: (m: WorkerToHost) => void;
  readonly reject: (e: Error) => void;
}

/** One training session in a fresh training worker, with promises for the messages it sends. */
export class BenchWorker {
  private readonly client: WorkerClient;
  private readonly waiters: Waiter[] = [];
  private failure: Error | null = null;
  /** Messages of each type received so far. */
  private readonly counts = new Map<WorkerToHost['type'], number>();
  /** Hears every message as it arrives, with the time it arrived (performance.now()). */
  onMessage: (m: WorkerToHost, at: number) => void = () => undefined;

  private constructor(scalarKernels: boolean) {
    const script = workerScript('trainingWorker', 'worker.js');
    const workerData: TrainingWorkerData = { scalarKernels };
    this.client = new WorkerClient(nodeWorkerFactory(script.file, { execArgv: script.execArgv, workerData }), {
      message: (m) => this.receive(m),
      died: (reason) => this.fail(new Error(reason)),
    });
  }

  /** A worker with a started session (paused or training, as `start` asks). */
  static async start(start: Omit<Extract<HostToWorker, { type: 'start' }>, 'type'>, scalarKernels: boolean): Promise<{ worker: BenchWorker; started: StartedMessage }> {
    const worker = new BenchWorker(scalarKernels);
    try {
      await worker.next('ready');
      const started = worker.next('started');
      worker.send({ type: 'start', ...start });
      return { worker, started: await started };
    } catch (e) {
      await worker.close();
      throw e;
    }
  }

  send(message: HostToWorker): void {
    this.client.send(message);
  }

  /** The next message of this type (that passes `test`) from now on; rejects on a worker error or death. */
  next<T extends WorkerToHost['type']>(type: T, test: (m: Message<T>) => boolean = () => true): Promise<Message<T>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ type, test: (m) => test(m as Message<T>), resolve: (m) => resolve(m as Message<T>), reject });
    });
  }

  /** The n-th message of this type since the worker started (counting from 1): at once when it has come already. */
  nth<T extends WorkerToHost['type']>(type: T, n: number): Promise<Message<T> | undefined> {
    if ((this.counts.get(type) ?? 0) >= n) return Promise.resolve(undefined);
    return this.next(type, () => (this.counts.get(type) ?? 0) >= n);
  }

  /** Stops the session and ends the thread (and its worker pool). */
  async close(): Promise<void> {
    if (!this.failure && this.client.isAlive) {
      const stopped = this.next('stopped').catch(() => undefined);
      this.send({ type: 'stop' });
      await stopped;
    }
    await this.client.terminate();
  }

  private receive(m: WorkerToHost): void {
    const at = performance.now();
    if (m.type === 'error') {
      this.fail(m.kind === 'input' ? new InputError(m.message) : new Error(m.message));
      return;
    }
    this.counts.set(m.type, (this.counts.get(m.type) ?? 0) + 1);
    this.onMessage(m, at);
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (w.type !== m.type || !w.test(m)) continue;
      this.waiters.splice(i--, 1);
      w.resolve(m);
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiters.splice(0)) w.reject(e);
  }
}

/** Where the training loop stood at a progress message, and when the bench heard it. */
export interface ProgressMark {
  readonly at: number;
  readonly step: number;
  readonly loss: number;
}

/**
 * Trains until `enough(latest mark)` holds, calling `onMark` for every progress message; resolves
 * with the mark that satisfied it.
 */
export function progressUntil(worker: BenchWorker, enough: (m: ProgressMark) => boolean): Promise<ProgressMark> {
  return new Promise((resolve, reject) => {
    let done = false;
    worker.onMessage = (m, at) => {
      if (done || m.type !== 'progress' || m.state !== 'training') return;
      const mark = { at, step: m.step, loss: m.loss };
      if (enough(mark)) {
        done = true;
        resolve(mark);
      }
    };
    worker.next('stopped').then(() => reject(new Error('the training worker stopped during the measurement')), reject);
  });
}

/** The start message of a bench session: no validation split, no periodic traces, no step limit. */
export function benchStart(text: string, source: string, settings: TrainSettings, workers: number, startPaused: boolean): Omit<Extract<HostToWorker, { type: 'start' }>, 'type'> {
  return { text, settings, fileName: source, maxSteps: 0, traceEvery: 0, workers, startPaused };
}
