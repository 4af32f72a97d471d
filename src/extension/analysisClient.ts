/**
 * The host's end of the analysis worker: spawned on first use, fed the session's text and a
 * snapshot of its weights, asked one job per lane at a time. A new job in a lane supersedes the
 * one before it (Why This Prediction? following the cursor asks again at every move), which the
 * worker then stops at its next chunk. Its death fails what is waiting; the next job starts a new one.
 */

import { RequestFailedError } from '../protocol/worker';
import { type ErrorArgs } from '../engine/errors';
import {
  analysisTransferables, validateAnalysisToHost, type AnalysisAnswer, type AnalysisJob, type AnalysisToHost, type HostToAnalysis,
} from '../protocol/analysis';
import { type WorkerFactory, type WorkerHandle } from './workerClient';

/** A job ended because a newer one in its lane (or a cancel) replaced it: nothing to tell the user. */
export class Superseded extends Error {
  constructor() {
    super('superseded');
    this.name = 'Superseded';
  }
}

/** The independent questions: each has at most one job running. */
export type AnalysisLane = 'whatIf' | 'why' | 'findUnits' | 'ablate' | 'sample' | 'colors' | 'neuronColors';

interface Pending {
  readonly lane: AnalysisLane;
  readonly resolve: (a: AnalysisAnswer) => void;
  readonly reject: (e: Error) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

export class AnalysisClient {
  private worker: WorkerHandle | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly byLane = new Map<AnalysisLane, number>();
  private textKey: string | null = null;
  private modelKey: string | null = null;

  constructor(private readonly factory: WorkerFactory, private readonly log: { warn(m: string): void }) {}

  /** The text key and model key the worker holds (null before any, or after it died). */
  get loaded(): { textKey: string | null; modelKey: string | null } {
    return { textKey: this.textKey, modelKey: this.modelKey };
  }

  setText(key: string, text: string): void {
    if (this.textKey === key && this.worker) return;
    this.send({ type: 'text', textKey: key, text });
    this.textKey = key;
  }

  /** `bytes` are copied before they are moved to the worker (the caller may keep using them). */
  setModel(key: string, bytes: Uint8Array): void {
    if (this.modelKey === key && this.worker) return;
    this.send({ type: 'model', modelKey: key, checkpoint: new Uint8Array(bytes) });
    this.modelKey = key;
  }

  /** Runs `job` against the loaded text and model; the lane's previous job is cancelled. */
  run(lane: AnalysisLane, job: AnalysisJob, onProgress?: (done: number, total: number) => void): Promise<AnalysisAnswer> {
    this.cancel(lane);
    if (!this.textKey || !this.modelKey || !this.worker) return Promise.reject(new RequestFailedError('The analysis has no text or weights to work on; run it again.'));
    const requestId = this.nextId++;
    const answer = new Promise<AnalysisAnswer>((resolve, reject) => this.pending.set(requestId, { lane, resolve, reject, onProgress }));
    this.byLane.set(lane, requestId);
    this.send({ type: 'run', requestId, textKey: this.textKey, modelKey: this.modelKey, job });
    return answer;
  }

  /** Stops the lane's job (its promise rejects with Superseded). */
  cancel(lane: AnalysisLane): void {
    const id = this.byLane.get(lane);
    if (id === undefined) return;
    this.byLane.delete(lane);
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.worker?.postMessage({ type: 'cancel', requestId: id } satisfies HostToAnalysis);
    entry.reject(new Superseded());
  }

  dispose(): void {
    this.failAll(new Superseded());
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate().catch(() => undefined);
  }

  private send(message: HostToAnalysis): void {
    this.ensureWorker().postMessage(message, analysisTransferables(message));
  }

  private ensureWorker(): WorkerHandle {
    if (this.worker) return this.worker;
    const worker = this.factory();
    this.worker = worker;
    worker.on('message', (raw) => {
      if (this.worker !== worker) return;
      const message = validateAnalysisToHost(raw);
      if (message) this.receive(message);
    });
    const died = (reason: string, code: string, args: ErrorArgs): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.textKey = null;
      this.modelKey = null;
      this.log.warn(reason);
      this.failAll(new RequestFailedError(reason, code, args));
    };
    worker.on('error', (error) => { const detail = error.message.split('\n')[0]; died(`The analysis worker crashed: ${detail}`, 'analysisCrashed', { detail }); });
    worker.on('exit', (code) => died(`The analysis worker exited (code ${code}).`, 'analysisExited', { code }));
    return worker;
  }

  private receive(message: AnalysisToHost): void {
    if (message.type === 'ready') return;
    const entry = this.pending.get(message.replyTo);
    if (!entry) return; // superseded: its answer is for nobody
    if (message.type === 'progress') {
      entry.onProgress?.(message.done, message.total);
      return;
    }
    this.pending.delete(message.replyTo);
    if (this.byLane.get(entry.lane) === message.replyTo) this.byLane.delete(entry.lane);
    if (message.type === 'result') entry.resolve(message.answer);
    else if (message.kind === 'cancelled') entry.reject(new Superseded());
    else entry.reject(new RequestFailedError(message.message, message.code, message.args));
  }

  private failAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.byLane.clear();
    for (const e of entries) e.reject(error);
  }
}
