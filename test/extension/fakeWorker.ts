/**
 * A scripted stand-in for the training worker: it answers the protocol the way the real one does
 * (started, state changes, stepped, sample, checkpoint, stopped), asynchronously, and lets a test
 * inject anything else: a crash, an exit, a non-finite loss, a malformed message.
 */

import { traceLayout, TRACE_VERSION, type TraceHeader } from '../../src/protocol/traceLayout';
import { type HostToWorker, type WorkerToHost } from '../../src/protocol/worker';
import { type WorkerHandle } from '../../src/extension/workerClient';

type Listener = (value: never) => void;

export interface FakeWorkerOptions {
  /** Answer the protocol automatically (default true). */
  auto?: boolean;
  /** Makes `start` fail with this input error. */
  startError?: string;
  /** Trace window length. */
  steps?: number;
  /** Read at most this many characters for neuron colours (as the real worker does for a big model). */
  activationChars?: number;
}

/** The fake's unit activation at character i: a slow wave, so neighbours share colour levels and the sign flips. */
export function fakeActivation(unit: number, step: number, i: number): number {
  return Math.fround(Math.sin((i + unit * 7 + step) / 60));
}

export const FAKE_VOCAB = [' ', 'a', 'b', 'c'];
export const FAKE_HIDDEN = 3;

/** A consistent trace: h_t[unit] = (t + 1) / T * (unit % 2 ? -1 : 1), probs uniform, loss = log V. */
export function fakeTrace(steps: number, trainingStep: number, position = 0): { header: TraceHeader; ids: Int32Array; data: Float32Array } {
  const V = FAKE_VOCAB.length;
  const H = FAKE_HIDDEN;
  const paramNames = ['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'decoder.weight', 'decoder.bias'];
  const header: TraceHeader = {
    version: TRACE_VERSION, cell: 'rnn', layers: 1, hidden: H, vocab: FAKE_VOCAB, steps, trainingStep, stream: 0, position,
    carriedState: position > 0, gruResetAfter: true, paramNames, meanLoss: Math.log(V),
  };
  const layout = traceLayout({ cell: 'rnn', layers: 1, hidden: H, vocabSize: V, steps, paramCount: paramNames.length });
  const data = new Float32Array(layout.total);
  for (let t = 0; t < steps; t++) {
    for (let u = 0; u < H; u++) data[layout.offset.h + t * H + u] = ((t + 1) / steps) * (u % 2 ? -1 : 1);
    for (let v = 0; v < V; v++) data[layout.offset.probs + t * V + v] = 1 / V;
    data[layout.offset.loss + t] = Math.log(V);
  }
  const ids = new Int32Array(2 * steps);
  for (let i = 0; i < 2 * steps; i++) ids[i] = (i + 1) % V;
  return { header, ids, data };
}

export class FakeWorker implements WorkerHandle {
  static instances: FakeWorker[] = [];
  readonly received: HostToWorker[] = [];
  terminated = false;
  step = 0;
  /** The checkpoint of the lowest validation loss the test says the worker keeps (sent on save with best, and before the final one). */
  best: { step: number; bytes: Uint8Array } | null = null;
  private readonly listeners: Record<'message' | 'error' | 'exit', Listener[]> = { message: [], error: [], exit: [] };
  private state: 'idle' | 'training' | 'paused' | 'stopped' = 'idle';
  private text = '';

  constructor(readonly options: FakeWorkerOptions = {}) {
    FakeWorker.instances.push(this);
  }

  static get last(): FakeWorker {
    return FakeWorker.instances[FakeWorker.instances.length - 1];
  }

  postMessage(message: unknown): void {
    if (this.terminated) return;
    this.received.push(message as HostToWorker);
    if (this.options.auto !== false) setImmediate(() => this.answer(message as HostToWorker));
  }

  on(event: 'message' | 'error' | 'exit', listener: Listener): this {
    this.listeners[event].push(listener);
    return this;
  }

  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }

  /** Sends a message to the host, as the worker would. */
  emit(message: WorkerToHost | Record<string, unknown>): void {
    if (this.terminated) return;
    for (const l of this.listeners.message) (l as (m: unknown) => void)(message);
  }

  crash(error: Error & { code?: string }): void {
    for (const l of this.listeners.error) (l as (e: Error) => void)(error);
  }

  exit(code: number): void {
    for (const l of this.listeners.exit) (l as (c: number) => void)(code);
  }

  /** A progress report, as training would send. */
  progress(loss = 1.5): void {
    this.step += 10;
    this.emit({ type: 'progress', step: this.step, loss, valLoss: loss + 0.1, charsPerSec: 1000, state: this.state === 'paused' ? 'paused' : 'training' });
  }

  trace(position = 0): void {
    const t = fakeTrace(this.options.steps ?? 8, this.step, position);
    this.emit({ type: 'trace', ...t });
  }

  private answer(m: HostToWorker): void {
    switch (m.type) {
      case 'start': {
        if (this.options.startError) {
          this.emit({ type: 'error', kind: 'input', message: this.options.startError });
          return;
        }
        this.state = m.startPaused ? 'paused' : 'training';
        this.text = m.text;
        this.emit({
          type: 'started', config: { cell: m.settings.cell, hidden: FAKE_HIDDEN, layers: 1, vocab: FAKE_VOCAB, gruResetAfter: true },
          settings: m.settings, paramCount: 100, trainLength: 900, valLength: 100, unigramEntropy: 1.25, step: 0, state: this.state,
        });
        this.trace();
        return;
      }
      case 'pause':
        if (this.state !== 'training') return;
        this.state = 'paused';
        this.emit({ type: 'state', state: 'paused', step: this.step, reason: 'request' });
        this.progress();
        this.trace();
        return;
      case 'resume':
        if (this.state !== 'paused') return;
        this.state = 'training';
        this.emit({ type: 'state', state: 'training', step: this.step, reason: 'request' });
        return;
      case 'step':
        this.step += 1;
        this.emit({ type: 'stepped', replyTo: m.requestId, step: this.step, loss: 1.25 });
        this.trace();
        return;
      case 'requestTrace':
        this.trace();
        return;
      case 'sample':
        this.emit({ type: 'sample', replyTo: m.requestId, text: `${m.prime ?? ''}abc abc`.slice(0, m.length + (m.prime?.length ?? 0)) });
        return;
      case 'save':
        if (m.best && this.best) this.emit({ type: 'checkpoint', replyTo: m.requestId, reason: 'request', step: this.best.step, bytes: this.best.bytes });
        else this.emit({ type: 'checkpoint', replyTo: m.requestId, reason: 'request', step: this.step, bytes: new Uint8Array([1, 2, 3, this.step & 255]) });
        return;
      case 'stop':
        this.state = 'stopped';
        if (this.best) this.emit({ type: 'checkpoint', reason: 'best', step: this.best.step, bytes: this.best.bytes });
        this.emit({ type: 'checkpoint', reason: 'final', step: this.step, bytes: new Uint8Array([9, 9, 9]) });
        this.emit({ type: 'stopped', reason: 'requested', step: this.step });
        return;
      case 'unitActivations': {
        const total = [...this.text].length;
        const n = Math.min(m.maxChars, total, this.options.activationChars ?? Infinity);
        const K = Math.min(m.topK, FAKE_VOCAB.length);
        const topIds = new Int32Array(n * K);
        const topProbs = new Float32Array(n * K);
        for (let i = 0; i < n * K; i++) {
          topIds[i] = i % K;
          topProbs[i] = 1 / K;
        }
        this.emit({
          type: 'unitActivations', replyTo: m.requestId, step: this.step, layer: m.layer, unit: m.unit, topK: K, totalChars: total,
          h: Float32Array.from({ length: n }, (_, i) => fakeActivation(m.unit, this.step, i)), c: new Float32Array(0),
          topIds, topProbs, loss: Float32Array.from({ length: n }, (_, i) => (i + 1 < total ? Math.log(FAKE_VOCAB.length) : NaN)),
        });
        return;
      }
      case 'gradcheck':
        this.emit({ type: 'gradcheck', replyTo: m.requestId, results: [{ tensor: 'rnn.weight_hh_l0', maxRelError: 1e-9 }, { tensor: 'decoder.bias', maxRelError: 2e-10 }] });
        return;
    }
  }
}

/** Lets queued setImmediate callbacks (the fake worker's answers) and promise chains run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
