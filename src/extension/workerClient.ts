/**
 * The host's end of the training worker: spawns dist/worker.js lazily, validates everything it
 * says, and reports its death (exception, out of memory, exit) as one event. Tests substitute a
 * fake through `WorkerFactory`.
 */

import { Worker } from 'node:worker_threads';
import { type ErrorArgs } from '../engine/errors';
import { transferablesOf, validateWorkerToHost, type HostToWorker, type WorkerToHost } from '../protocol/worker';

/** The part of node's Worker the host uses. */
export interface WorkerHandle {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export type WorkerFactory = () => WorkerHandle;

/** Heap for the training thread: room for big models, but an explicit ceiling so a runaway run fails cleanly (ERR_WORKER_OUT_OF_MEMORY) instead of taking the host down. */
export const WORKER_HEAP_MB = 2048;

/** `options`: for `rnn-lens bench`, which runs the same worker from source (tsx) or with the scalar kernels. */
export function nodeWorkerFactory(scriptPath: string, options: { execArgv?: string[]; workerData?: unknown } = {}): WorkerFactory {
  return () => new Worker(scriptPath, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false, ...options });
}

export type WorkerDeathCode = 'workerOutOfMemory' | 'workerCrashed' | 'workerExited';

export interface WorkerClientEvents {
  message(message: WorkerToHost): void;
  /**
   * The worker is gone without being asked to go: `reason` is a sentence for the user in English
   * (the CLI's), `code` and `args` say it in the display language (engineErrors.ts codeText).
   */
  died(reason: string, code: WorkerDeathCode, args: ErrorArgs): void;
}

export class WorkerClient {
  private readonly worker: WorkerHandle;
  private ended = false;
  /** Set as pause and stop go out, so the worker abandons work in flight (StartMessage.interrupt). */
  private readonly interrupt = new Int32Array(new SharedArrayBuffer(4));

  constructor(factory: WorkerFactory, private readonly events: WorkerClientEvents) {
    this.worker = factory();
    this.worker.on('message', (raw) => {
      if (this.ended) return;
      const message = validateWorkerToHost(raw);
      if (message) this.events.message(message);
    });
    this.worker.on('error', (error) => {
      const oom = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      const detail = error.message.split('\n')[0];
      if (oom) this.end(`The training worker ran out of memory (limit ${WORKER_HEAP_MB} MB); try a smaller hiddenSize, layers, batchSize or seqLength.`, 'workerOutOfMemory', { limit: WORKER_HEAP_MB });
      else this.end(`The training worker crashed: ${detail}`, 'workerCrashed', { detail });
    });
    this.worker.on('exit', (code) => this.end(`The training worker exited unexpectedly (code ${code}).`, 'workerExited', { code }));
  }

  get isAlive(): boolean {
    return !this.ended;
  }

  /** Sends a message, moving its typed arrays to the worker. */
  send(message: HostToWorker): void {
    if (this.ended) return;
    if (message.type === 'pause' || message.type === 'stop') Atomics.store(this.interrupt, 0, 1);
    if (message.type === 'start') message = { ...message, interrupt: this.interrupt.buffer as SharedArrayBuffer };
    this.worker.postMessage(message, transferablesOf(message));
  }

  /** Ends the worker on purpose (no `died` event). */
  async terminate(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      await this.worker.terminate();
    } catch {
      // Already gone: nothing left to end.
    }
  }

  private end(reason: string, code: WorkerDeathCode, args: ErrorArgs): void {
    if (this.ended) return;
    this.ended = true;
    this.events.died(reason, code, args);
    void this.worker.terminate().catch(() => undefined);
  }
}
