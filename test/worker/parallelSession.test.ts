import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { decodeCheckpoint } from '../../src/engine/io/checkpoint';
import { validateWorkerToHost, type HostToWorker, type WorkerToHost } from '../../src/protocol/worker';
import { DEFAULT_SETTINGS, type CellType, type TrainSettings } from '../../src/engine/model/config';
import { type CheckpointData } from '../../src/engine/io/checkpointData';
import { checkTrace } from '../../src/protocol/traceLayout';
import { Trainer } from '../../src/engine/training/trainer';
import { Interrupted } from '../../src/engine/errors';
import { streamRange } from '../../src/worker/parallel/poolMemory';
import { threadsFor, workerPool, WorkerPool } from '../../src/worker/parallel/workerPool';

const TEXT = 'The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! '.repeat(12);

function settings(cell: CellType, over: Partial<TrainSettings> = {}): TrainSettings {
  return { ...DEFAULT_SETTINGS, cell, hidden: 12, layers: 2, seqLen: 8, batch: 5, lr: 0.01, valFraction: 0.1, seed: 7, ...over };
}

function flat(cp: CheckpointData): Float32Array {
  const parts = [...cp.weights.values()];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

/** A trainer continuing `trainer`'s run with its gradients from a pool of W threads. */
function onPool(trainer: Trainer, workers: number): Trainer {
  return Trainer.resume(TEXT, trainer.toCheckpoint(), { pool: workerPool(workers) });
}

/** Runs `body` on a W-thread trainer continuing `trainer`'s run, and always ends its threads. */
async function withParallel<T>(trainer: Trainer, workers: number, body: (p: Trainer) => T): Promise<T> {
  const p = onPool(trainer, workers);
  try {
    return body(p);
  } finally {
    await p.close();
  }
}

describe('worker/parallel: a Trainer whose gradients come from a worker pool (rnnLens.workers)', function () {
  this.timeout(120000);

  for (const cell of ['lstm', 'gru', 'rnn'] as CellType[]) {
    it(`${cell}: W=2 follows the single-thread Trainer within float rounding (losses, stats, weights)`, async () => {
      const s = settings(cell);
      const single = Trainer.create(TEXT, s);
      const expected = Array.from({ length: 6 }, () => single.trainStep());
      await withParallel(Trainer.create(TEXT, s), 2, (p) => {
        for (const e of expected) {
          const got = p.trainStep();
          assert.equal(got.step, e.step);
          assert.ok(Math.abs(got.loss - e.loss) < 1e-4 * Math.max(1, e.loss), `step ${e.step}: loss ${got.loss} vs ${e.loss}`);
          assert.ok(Math.abs(got.gradNorm - e.gradNorm) < 1e-3 * Math.max(1, e.gradNorm), `step ${e.step}: gradNorm ${got.gradNorm} vs ${e.gradNorm}`);
          assert.deepEqual(got.tensors.map((t) => t.name), e.tensors.map((t) => t.name));
          assert.equal(got.nonFinite, null);
        }
        const diff = maxRelDiff(flat(p.toCheckpoint()), flat(single.toCheckpoint()));
        assert.ok(diff < 1e-4, `weights differ by ${diff} (relative)`);
        assert.deepEqual(p.toCheckpoint().resume!.streamPositions, single.toCheckpoint().resume!.streamPositions);
        assert.equal(p.step, single.step);
      });
    });
  }

  it('the same W gives the same bits; stats: false trains the same bits', async () => {
    const s = settings('lstm', { batch: 6 });
    const run = (stats: boolean): Promise<{ losses: number[]; weights: Float32Array }> => withParallel(Trainer.create(TEXT, s), 3, (p) => {
      const losses = Array.from({ length: 5 }, () => p.trainStep({ stats }).loss);
      return { losses, weights: flat(p.toCheckpoint()) };
    });
    const a = await run(true);
    const b = await run(false);
    assert.deepEqual(b.losses, a.losses);
    assert.deepEqual(Array.from(b.weights), Array.from(a.weights));
  });

  it('a pause waiting during a pooled step abandons it with nothing changed (the step runs again, same bits)', async () => {
    const s = settings('lstm', { batch: 6, hidden: 24, seqLen: 32 });
    const run = (interruptAt: number | null): Promise<{ losses: number[]; weights: Float32Array; abandoned: number }> => withParallel(Trainer.create(TEXT, s), 2, (p) => {
      const losses: number[] = [];
      let abandoned = 0;
      for (let i = 0; losses.length < 4; i++) {
        // The "pause" is already waiting when the step starts: the sub-workers see ABORT at their first check.
        const interrupt = i === interruptAt ? () => true : undefined;
        try {
          losses.push(p.trainStep({ interrupt }).loss);
        } catch (e) {
          assert.ok(e instanceof Interrupted, String(e));
          abandoned++;
        }
      }
      return { losses, weights: flat(p.toCheckpoint()), abandoned };
    });
    const plain = await run(null);
    const paused = await run(2);
    assert.equal(paused.abandoned, 1, 'the step with the pause waiting was abandoned');
    assert.deepEqual(paused.losses, plain.losses, 'the positions and carried state were restored');
    assert.deepEqual(Array.from(paused.weights), Array.from(plain.weights));
  });

  it('a W=2 checkpoint resumes in a single-thread Trainer, and a single-thread one in W=2', async () => {
    const s = settings('lstm', { optimizer: 'adam' });
    const reference = Trainer.create(TEXT, s);
    for (let i = 0; i < 8; i++) reference.trainStep();

    // 4 steps on 2 threads, then 4 on one.
    const halfway = await withParallel(Trainer.create(TEXT, s), 2, (p) => {
      for (let i = 0; i < 4; i++) p.trainStep();
      return p.toCheckpoint();
    });
    const single = Trainer.resume(TEXT, halfway);
    assert.equal(single.step, 4);
    for (let i = 0; i < 4; i++) single.trainStep();
    const r = single.toCheckpoint().resume!;
    const ref = reference.toCheckpoint().resume!;
    assert.equal(r.step, 8);
    assert.equal(r.optimizer.t, ref.optimizer.t);
    assert.deepEqual(r.streamPositions, ref.streamPositions);
    assert.ok(maxRelDiff(flat(single.toCheckpoint()), flat(reference.toCheckpoint())) < 1e-4);

    // 4 steps on one thread, then 4 on 2.
    const first = Trainer.create(TEXT, s);
    for (let i = 0; i < 4; i++) first.trainStep();
    const resumed = Trainer.resume(TEXT, first.toCheckpoint());
    await withParallel(resumed, 2, (p) => {
      assert.equal(p.step, 4);
      for (let i = 0; i < 4; i++) p.trainStep();
      const cp = p.toCheckpoint();
      assert.equal(cp.resume!.step, 8);
      assert.equal(cp.resume!.optimizer.t, ref.optimizer.t);
      assert.deepEqual(cp.resume!.streamPositions, ref.streamPositions);
      for (const [name, h] of ref.carried) assert.ok(maxRelDiff(cp.resume!.carried.get(name)!, h) < 1e-3, `carried ${name}`);
      assert.ok(maxRelDiff(flat(cp), flat(reference.toCheckpoint())) < 1e-4);
      assert.equal(cp.resume!.textHash, ref.textHash);
    });
  });

  it('an untrained W=2 checkpoint holds exactly what the Trainer it came from holds', async () => {
    const trainer = Trainer.create(TEXT, settings('gru'));
    trainer.trainStep();
    const expected = trainer.toCheckpoint();
    const got = await withParallel(trainer, 2, (p) => p.toCheckpoint());
    assert.deepEqual(got.config, expected.config);
    assert.deepEqual(Array.from(flat(got)), Array.from(flat(expected)));
    assert.deepEqual({ ...got.resume!, optimizer: null, carried: null }, { ...expected.resume!, optimizer: null, carried: null });
    for (const [name, h] of expected.resume!.carried) assert.deepEqual(Array.from(got.resume!.carried.get(name)!), Array.from(h));
  });

  it('traces, samples, validation loss and spectral norms read the shared weights and carried state', async () => {
    const s = settings('lstm');
    const single = Trainer.create(TEXT, s);
    for (let i = 0; i < 3; i++) single.trainStep();
    await withParallel(Trainer.create(TEXT, s), 2, (p) => {
      for (let i = 0; i < 3; i++) p.trainStep();
      for (const stream of [0, 4]) {
        const got = p.trace(stream);
        const want = single.trace(stream);
        checkTrace(got);
        assert.equal(got.header.stream, stream);
        assert.equal(got.header.position, want.header.position);
        assert.equal(got.header.trainingStep, 3);
        assert.deepEqual(Array.from(got.ids), Array.from(want.ids));
        assert.ok(maxRelDiff(got.data, want.data) < 1e-3, `trace of stream ${stream}`);
      }
      assert.throws(() => p.trace(5), /stream must be between 0 and 4/);
      const text = p.sample({ length: 40, temperature: 0.8, seed: 3, prime: 'The' });
      assert.ok(text.length >= 40);
      const v = p.validationLoss()!;
      assert.ok(Math.abs(v - single.validationLoss()!) < 1e-4, `validation ${v}`);
      const norms = p.spectralNorms();
      assert.equal(norms.length, 2);
      norms.forEach((n, l) => assert.ok(Math.abs(n - single.spectralNorms()[l]) < 1e-3 * n));
      assert.equal(p.model.paramCount, single.model.paramCount);
    });
  });

  it('threadsFor: one thread when workers is 1 or exceeds the batch (with a notice), a pool otherwise', async () => {
    assert.deepEqual(threadsFor(1, 2), {});
    const fallback = threadsFor(4, 2);
    assert.equal(fallback.pool, undefined);
    assert.match(fallback.notice ?? '', /rnnLens\.workers is 4 but the batch is 2; training on one thread/);
    const { pool, notice } = threadsFor(2, 4);
    assert.equal(notice, undefined);
    const parallel = Trainer.create(TEXT, settings('rnn', { batch: 4 }), undefined, { pool });
    try {
      assert.ok(parallel.streams instanceof WorkerPool);
      assert.equal(parallel.streams.workers, 2);
    } finally {
      await parallel.close();
    }
  });

  it('close() ends every sub-worker thread, and a closed trainer refuses to step', async () => {
    const p = onPool(Trainer.create(TEXT, settings('gru')), 3);
    const pool = p.streams as WorkerPool;
    assert.equal(pool.liveWorkers, 3);
    p.trainStep();
    await p.close();
    assert.equal(pool.liveWorkers, 0, 'a sub-worker is still alive');
    await p.close();
    assert.throws(() => p.trainStep(), /closed/);
  });

  it('refuses more workers than streams with a clear message', () => {
    assert.throws(() => onPool(Trainer.create(TEXT, settings('rnn', { batch: 2 })), 3), /between 1 and the batch \(2\)/);
  });

  it('splits B streams into contiguous groups covering every stream once', () => {
    for (const [B, W] of [[5, 2], [32, 2], [7, 3], [4, 4], [1, 1]]) {
      let next = 0;
      for (let w = 0; w < W; w++) {
        const { start, end } = streamRange(B, W, w);
        assert.equal(start, next);
        assert.ok(end > start, `worker ${w} of ${W} gets no stream of ${B}`);
        next = end;
      }
      assert.equal(next, B);
    }
  });

  it('a pool of one thread reproduces the local Trainer bit for bit (losses and weights)', async () => {
    const s = settings('lstm');
    const local = Trainer.create(TEXT, s);
    const losses = [1, 2, 3, 4].map(() => local.trainStep().loss);
    const pooled = Trainer.create(TEXT, s, undefined, { pool: workerPool(1) });
    try {
      assert.deepEqual([1, 2, 3, 4].map(() => pooled.trainStep().loss), losses);
      assert.deepEqual(pooled.model.params, local.model.params);
    } finally {
      await pooled.close();
    }
  });

  it('refuses a too-short text with a one-line InputError before starting any thread', () => {
    assert.throws(() => Trainer.create('abcabc', settings('rnn'), undefined, { pool: workerPool(2) }), (e: Error) => /too short/.test(e.message) && !e.message.includes('\n'));
  });

  it('the bundled training worker trains on 2 threads when the start message asks, finding parallelWorker.js beside it', async () => {
    // Both bundles in one folder, as in the packaged extension's dist/.
    const dir = mkdtempSync(path.join(tmpdir(), 'rnn-lens-bundle-'));
    const root = path.join(__dirname, '..', '..');
    const build = (entry: string, out: string): void => {
      esbuild.buildSync({ entryPoints: [path.join(root, entry)], outfile: path.join(dir, out), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
    };
    build('src/worker/trainingWorker.ts', 'worker.js');
    build('src/worker/parallel/parallelWorker.ts', 'parallelWorker.js');
    const worker = new Worker(path.join(dir, 'worker.js'));
    const inbox: WorkerToHost[] = [];
    const waiting: (() => void)[] = [];
    worker.on('message', (raw) => {
      const m = validateWorkerToHost(raw);
      assert.ok(m, `invalid message ${JSON.stringify(raw).slice(0, 200)}`);
      inbox.push(m);
      waiting.splice(0).forEach((wake) => wake());
    });
    const next = async <T extends WorkerToHost['type']>(type: T, test: (m: Extract<WorkerToHost, { type: T }>) => boolean = () => true): Promise<Extract<WorkerToHost, { type: T }>> => {
      for (;;) {
        const found = inbox.find((m) => m.type === type && test(m as Extract<WorkerToHost, { type: T }>));
        if (found) return found as Extract<WorkerToHost, { type: T }>;
        const error = inbox.find((m) => m.type === 'error');
        if (error) throw new Error(`worker error: ${JSON.stringify(error)}`);
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    };
    try {
      await next('ready');
      const s = settings('lstm', { batch: 4 });
      worker.postMessage({ type: 'start', text: TEXT, settings: s, fileName: 'fox.txt', maxSteps: 40, traceEvery: 0, workers: 2 } satisfies HostToWorker);
      const started = await next('started');
      assert.equal(started.notice, undefined);
      await next('state', (m) => m.state === 'paused' && m.reason === 'maxSteps');
      worker.postMessage({ type: 'save', requestId: 1 } satisfies HostToWorker);
      const saved = await next('checkpoint', (m) => m.replyTo === 1);
      assert.equal(saved.step, 40);
      // The 2-thread run's checkpoint continues in a single-thread Trainer, close to a run that never left one.
      const resumed = Trainer.resume(TEXT, decodeCheckpoint(saved.bytes));
      const reference = Trainer.create(TEXT, s);
      for (let i = 0; i < 40; i++) reference.trainStep();
      assert.ok(maxRelDiff(flat(resumed.toCheckpoint()), flat(reference.toCheckpoint())) < 1e-3);
      const traces = inbox.filter((m) => m.type === 'trace');
      assert.ok(traces.length >= 2, 'a trace at the start and at the pause');
      worker.postMessage({ type: 'stop' } satisfies HostToWorker);
      await next('stopped');

      // A batch smaller than the workers asked for: one thread, and the user is told why.
      const second = new Worker(path.join(dir, 'worker.js'));
      try {
        const notice = await new Promise<string | undefined>((resolve, reject) => {
          second.on('message', (raw) => {
            const m = validateWorkerToHost(raw);
            if (m?.type === 'ready') second.postMessage({ type: 'start', text: TEXT, settings: settings('rnn', { batch: 2 }), fileName: 'fox.txt', maxSteps: 1, traceEvery: 0, workers: 4 } satisfies HostToWorker);
            if (m?.type === 'started') resolve(m.notice);
            if (m?.type === 'error') reject(new Error(m.message));
          });
        });
        assert.match(notice ?? '', /training on one thread/);
      } finally {
        await second.terminate();
      }
    } finally {
      await worker.terminate();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
