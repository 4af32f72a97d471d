/**
 * The BUILT worker bundle (dist/worker.js) through worker_threads, exactly as the extension host
 * runs it: a short real training run, traces and checkpoints transferred, stop, and crashes.
 */

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../src/engine/model/config';
import { checkTrace } from '../../src/protocol/traceLayout';
import { validateWorkerToHost, type HostToWorker, type WorkerToHost } from '../../src/protocol/worker';

const root = path.join(__dirname, '..', '..');
const bundle = path.join(root, 'dist', 'worker.js');

const TEXT = 'hello world, hello rnn. the quick brown fox jumps over the lazy dog. '.repeat(60);
const settings: TrainSettings = { ...DEFAULT_SETTINGS, cell: 'lstm', hidden: 24, seqLen: 16, batch: 4, lr: 0.01 };

/** A worker with a typed inbox: every message is validated the way the host validates it. */
class Harness {
  readonly worker = new Worker(bundle);
  readonly inbox: WorkerToHost[] = [];
  readonly invalid: unknown[] = [];
  private waiters: { test: (m: WorkerToHost) => boolean; resolve: (m: WorkerToHost) => void }[] = [];
  exitCode: number | null = null;
  error: Error | null = null;

  constructor() {
    this.worker.on('message', (raw) => {
      const m = validateWorkerToHost(raw);
      if (!m) {
        this.invalid.push(raw);
        return;
      }
      this.inbox.push(m);
      this.waiters = this.waiters.filter((w) => (w.test(m) ? (w.resolve(m), false) : true));
    });
    this.worker.on('exit', (code) => { this.exitCode = code; });
    this.worker.on('error', (e) => { this.error = e; });
  }

  send(message: HostToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  next<T extends WorkerToHost['type']>(type: T, test: (m: Extract<WorkerToHost, { type: T }>) => boolean = () => true, timeoutMs = 30_000): Promise<Extract<WorkerToHost, { type: T }>> {
    const found = this.inbox.find((m) => m.type === type && test(m as Extract<WorkerToHost, { type: T }>));
    if (found) return Promise.resolve(found as Extract<WorkerToHost, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs} ms; got ${this.inbox.map((m) => m.type).join(',')}`)), timeoutMs);
      this.waiters.push({
        test: (m) => m.type === type && test(m as Extract<WorkerToHost, { type: T }>),
        resolve: (m) => { clearTimeout(timer); resolve(m as Extract<WorkerToHost, { type: T }>); },
      });
    });
  }

  of<T extends WorkerToHost['type']>(type: T): Extract<WorkerToHost, { type: T }>[] {
    return this.inbox.filter((m) => m.type === type) as Extract<WorkerToHost, { type: T }>[];
  }

  async end(): Promise<void> {
    await this.worker.terminate();
  }
}

describe('worker: the built bundle through worker_threads', function () {
  this.timeout(120_000);
  const harnesses: Harness[] = [];
  const make = (): Harness => {
    const h = new Harness();
    harnesses.push(h);
    return h;
  };

  before(() => {
    const started = Date.now();
    try {
      execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      // Another bundle of the project may be mid-edit; the worker's own entry must still build.
      const esbuild = require('esbuild') as typeof import('esbuild');
      esbuild.buildSync({ entryPoints: [path.join(root, 'src/worker/trainingWorker.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'silent' });
      console.warn(`    (node esbuild.mjs failed, built the worker entry alone: ${String((error as { stderr?: Buffer }).stderr ?? error).split('\n')[0]})`);
    }
    assert.ok(existsSync(bundle) && statSync(bundle).mtimeMs >= started - 1000, 'dist/worker.js was just built');
  });

  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.end();
  });

  it('says ready, trains for real (progress arrives, the loss falls), pauses, steps once, samples and stops', async () => {
    const h = make();
    await h.next('ready');
    h.send({ type: 'start', text: TEXT, settings, fileName: 'hello.txt', maxSteps: 0, traceEvery: 50 });
    const started = await h.next('started');
    assert.equal(started.config.cell, 'lstm');
    assert.equal(started.config.vocab.length, new Set(TEXT).size);
    assert.ok(started.paramCount > 0 && started.trainLength > 0 && started.valLength > 0);

    await h.next('progress');
    await h.next('progress', (p) => p.step >= 150);
    h.send({ type: 'pause' });
    await h.next('state', (s) => s.state === 'paused');
    const progress = h.of('progress');
    const last = progress.at(-1)!;
    // An untrained model predicts about uniformly: ln V nats. (The first report can come after
    // the loss has already fallen: steps on this text take well under a millisecond.)
    const untrained = Math.log(started.config.vocab.length);
    assert.ok(last.loss < untrained * 0.7, `loss fell from about ${untrained} to ${last.loss}`);
    assert.ok(last.valLoss !== null && Number.isFinite(last.valLoss));
    assert.ok(progress.some((p) => p.charsPerSec > 0));
    // Throttled: consecutive training reports at least ~100 ms apart means far fewer reports than steps.
    assert.ok(progress.length < last.step / 2, `${progress.length} reports for ${last.step} steps`);
    const stats = h.of('stats').at(-1)!;
    assert.ok(stats.tensors.some((t) => t.name === 'rnn.weight_hh_l0' && t.gradNorm > 0 && t.updateNorm > 0));
    assert.equal(stats.spectralNorms.length, 1);

    const pausedAt = (await h.next('state', (s) => s.state === 'paused')).step;
    h.send({ type: 'step', requestId: 1 });
    const stepped = await h.next('stepped', (s) => s.replyTo === 1);
    assert.equal(stepped.step, pausedAt + 1);

    h.send({ type: 'sample', requestId: 2, length: 40, temperature: 0.5, seed: 7, prime: 'hello' });
    const sample = await h.next('sample', (s) => s.replyTo === 2);
    assert.ok(sample.text.length >= 40);

    h.send({ type: 'stop' });
    const stopped = await h.next('stopped');
    assert.equal(stopped.reason, 'requested');
    const final = h.of('checkpoint').find((c) => c.reason === 'final')!;
    assert.ok(final.bytes.length > 1000);
    assert.deepEqual(h.invalid, [], 'every message the worker sent passes the host\'s validator');
  });

  it('transfers traces: consistent windows arrive every traceEvery steps and on request', async () => {
    const h = make();
    h.send({ type: 'start', text: TEXT, settings: { ...settings, cell: 'gru' }, fileName: 'hello.txt', maxSteps: 60, traceEvery: 20, startPaused: false });
    await h.next('state', (s) => s.reason === 'maxSteps');
    await h.next('trace', (t) => t.header.trainingStep === 60);
    const traces = h.of('trace');
    // At the start, on multiples of 20 (periodic traces are also spaced by TRACE_INTERVAL_MS, so
    // fast steps skip some), and the pause at the step limit.
    const steps = traces.map((t) => t.header.trainingStep);
    assert.equal(steps[0], 0);
    assert.equal(steps.at(-1), 60);
    assert.ok(steps.every((s, i) => s % 20 === 0 && (i === 0 || s > steps[i - 1])), `trace steps ${steps.join(', ')}`);
    for (const t of traces) assert.equal(checkTrace({ header: t.header, ids: t.ids, data: t.data }), null);
    h.send({ type: 'requestTrace' });
    const requested = await h.next('trace', (t) => t !== traces.at(-1) && h.of('trace').length > traces.length);
    assert.equal(requested.header.steps, settings.seqLen);
  });

  it('colours by neuron: one unit over the snapshot text, as the first trace window saw it, arrays transferred', async () => {
    const h = make();
    h.send({ type: 'start', text: TEXT, settings, fileName: 'hello.txt', maxSteps: 0, traceEvery: 0, startPaused: true });
    // The first trace: stream 0 from position 0 with a zero state and untrained weights, which is
    // exactly how the colouring pass reads the text.
    const trace = await h.next('trace', (t) => t.header.trainingStep === 0);
    h.send({ type: 'unitActivations', requestId: 7, layer: 0, unit: 3, maxChars: 500, topK: 5 });
    const a = await h.next('unitActivations', (m) => m.replyTo === 7);
    assert.equal(a.h.length, 500);
    assert.equal(a.c.length, 500, 'an LSTM also reports its cell state');
    assert.equal(a.totalChars, [...TEXT].length);
    assert.equal(a.step, 0);
    assert.ok(a.topProbs.every((p) => p >= 0 && p <= 1));
    assert.ok(a.loss.subarray(0, 499).every((x) => Number.isFinite(x) && x > 0) && Number.isNaN(a.loss[499]));
    assert.equal(trace.header.position, 0);
    assert.equal(trace.header.carriedState, false);
    const H = trace.header.hidden;
    const T = trace.header.steps;
    const hSection = trace.data.subarray(2 * H, 2 * H + T * H); // after h0 [1, H] and c0 [1, H]: h [1, T, H]
    for (let t = 0; t < T; t++) assert.ok(Math.abs(hSection[t * H + 3] - a.h[t]) < 1e-5, `h at ${t}`);
    h.send({ type: 'unitActivations', requestId: 8, layer: 1, unit: 0, maxChars: 10, topK: 5 });
    assert.match((await h.next('error', (e) => e.replyTo === 8)).message, /layer must be between 0 and 0/);
  });

  it('host -> worker transfers detach the sender\'s checkpoint bytes, and a loaded model starts paused', async () => {
    const first = make();
    first.send({ type: 'start', text: TEXT, settings, fileName: 'a.txt', maxSteps: 5, traceEvery: 0 });
    await first.next('state', (s) => s.reason === 'maxSteps');
    first.send({ type: 'save', requestId: 1 });
    const saved = await first.next('checkpoint', (c) => c.replyTo === 1);
    assert.equal(saved.step, 5);

    const second = make();
    const bytes = new Uint8Array(saved.bytes);
    second.send({ type: 'start', text: TEXT, settings, fileName: 'a.txt', maxSteps: 0, traceEvery: 0, resume: bytes, startPaused: true }, [bytes.buffer]);
    assert.equal(bytes.byteLength, 0, 'the sender\'s copy is detached: moved, not copied');
    const started = await second.next('started');
    assert.deepEqual([started.step, started.state], [5, 'paused']);
    assert.equal(started.notice, undefined, 'an exact resume on the same text');
  });

  it('refuses bad input with a one-line input error and keeps running', async () => {
    const h = make();
    h.send({ type: 'start', text: 'aaaa', settings, fileName: 'a.txt', maxSteps: 0, traceEvery: 0 });
    const error = await h.next('error');
    assert.equal(error.kind, 'input');
    assert.match(error.message, /fewer than 2 distinct characters/);
    assert.ok(!error.message.includes('\n'));
    h.send({ type: 'start', text: TEXT, settings, fileName: 'a.txt', maxSteps: 0, traceEvery: 0, init: new Uint8Array([1, 2, 3]) });
    const corrupt = await h.next('error', (e) => e !== error);
    assert.equal(corrupt.kind, 'input');
    h.send({ type: 'gradcheck', requestId: 5, cell: 'rnn', layers: 1, hidden: 3 });
    const check = await h.next('gradcheck');
    assert.ok(check.results.length > 0 && check.results.every((r) => r.maxRelError < 1e-5));
  });

  it('ignores malformed messages', async () => {
    const h = make();
    await h.next('ready');
    h.worker.postMessage({ type: 'start', text: TEXT, settings: { ...settings, hidden: -3 }, fileName: 'a', maxSteps: 0, traceEvery: 0 });
    h.worker.postMessage({ type: 'selfDestruct' });
    h.worker.postMessage('not even an object');
    h.send({ type: 'gradcheck', requestId: 1, cell: 'rnn', layers: 1, hidden: 2 });
    await h.next('gradcheck');
    assert.deepEqual(h.inbox.map((m) => m.type), ['ready', 'gradcheck'], 'nothing but the answer to the valid request');
  });

  it('a stop while training answers promptly (the loop yields), and terminate ends a busy worker', async () => {
    const h = make();
    h.send({ type: 'start', text: TEXT, settings: { ...settings, hidden: 64 }, fileName: 'a.txt', maxSteps: 0, traceEvery: 0 });
    await h.next('progress');
    h.send({ type: 'stop' });
    await h.next('stopped', () => true, 5000);
    const busy = make();
    busy.send({ type: 'start', text: TEXT, settings, fileName: 'a.txt', maxSteps: 0, traceEvery: 0 });
    await busy.next('progress');
    const code = await busy.worker.terminate();
    assert.equal(code, 1);
  });

  it('a crash of the thread (out of memory) reaches the host as an error event', async () => {
    const w = new Worker(bundle, { resourceLimits: { maxOldGenerationSizeMb: 8 } });
    try {
      const outcome = await new Promise<string>((resolve) => {
        w.on('error', (e) => resolve((e as { code?: string }).code ?? e.message));
        w.on('exit', (c) => resolve(`exit ${c}`));
        // Four million characters of training text do not fit in an 8 MB heap.
        const text = Array.from({ length: 4_000_000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
        w.postMessage({ type: 'start', text, settings, fileName: 'big.txt', maxSteps: 0, traceEvery: 0 });
      });
      assert.equal(outcome, 'ERR_WORKER_OUT_OF_MEMORY');
    } finally {
      await w.terminate();
    }
  });
});
