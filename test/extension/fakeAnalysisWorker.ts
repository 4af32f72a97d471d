/**
 * A scripted stand-in for the analysis worker: it keeps the text and model keys it is sent and
 * answers unitRange jobs with fakeActivation over the requested stretch (the step is the one in
 * the model key, `model:<serial>:<step>`), so a test can check which stretches were asked for and
 * what was painted. Other jobs fail as the real worker's input errors would.
 */

import { type AnalysisToHost, type HostToAnalysis } from '../../src/protocol/analysis';
import { type WorkerHandle } from '../../src/extension/workerClient';
import { FAKE_VOCAB, fakeActivation } from './fakeWorker';

type Listener = (value: never) => void;

export class FakeAnalysisWorker implements WorkerHandle {
  static instances: FakeAnalysisWorker[] = [];
  readonly received: HostToAnalysis[] = [];
  terminated = false;
  /** Hold answers until release() (to see what a scroll does while a job is in flight). */
  hold = false;
  private held: (() => void)[] = [];
  private textLength = 0;
  private step = 0;
  private readonly listeners: Record<'message' | 'error' | 'exit', Listener[]> = { message: [], error: [], exit: [] };

  constructor() {
    FakeAnalysisWorker.instances.push(this);
  }

  static get last(): FakeAnalysisWorker | undefined {
    return FakeAnalysisWorker.instances[FakeAnalysisWorker.instances.length - 1];
  }

  /** The unitRange stretches asked for, in order. */
  get ranges(): [number, number][] {
    return this.received.flatMap((m) => (m.type === 'run' && m.job.kind === 'unitRange' ? [[m.job.from, m.job.to] as [number, number]] : []));
  }

  postMessage(message: unknown): void {
    if (this.terminated) return;
    const m = message as HostToAnalysis;
    this.received.push(m);
    const answer = (): void => this.answer(m);
    setImmediate(() => (this.hold ? this.held.push(answer) : answer()));
  }

  release(): void {
    this.hold = false;
    for (const a of this.held.splice(0)) a();
  }

  on(event: 'message' | 'error' | 'exit', listener: Listener): this {
    this.listeners[event].push(listener);
    return this;
  }

  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }

  private emit(message: AnalysisToHost): void {
    if (this.terminated) return;
    for (const l of this.listeners.message) (l as (m: unknown) => void)(message);
  }

  private answer(m: HostToAnalysis): void {
    switch (m.type) {
      case 'text':
        this.textLength = [...m.text].length;
        return;
      case 'model':
        this.step = Number(m.modelKey.split(':')[2]);
        return;
      case 'cancel':
        return;
      case 'run': {
        const job = m.job;
        if (job.kind !== 'unitRange') {
          this.emit({ type: 'error', replyTo: m.requestId, kind: 'input', message: `the fake answers unitRange only, not ${job.kind}` });
          return;
        }
        const to = Math.min(job.to, this.textLength);
        const n = to - job.from;
        const K = Math.min(job.topK ?? 0, FAKE_VOCAB.length);
        const topIds = new Int32Array(n * K);
        const topProbs = new Float32Array(n * K);
        for (let i = 0; i < n * K; i++) {
          topIds[i] = i % K;
          topProbs[i] = 1 / K;
        }
        this.emit({
          type: 'result', replyTo: m.requestId, answer: {
            kind: 'unitRange', from: job.from, startedAt: job.from, exact: true, topK: K, topIds, topProbs,
            values: Float32Array.from({ length: n }, (_, i) => fakeActivation(job.unit, this.step, job.from + i)),
            loss: Float32Array.from({ length: n }, (_, i) => (job.from + i + 1 < this.textLength ? Math.log(FAKE_VOCAB.length) : NaN)),
          },
        });
        return;
      }
    }
  }
}
