import { strict as assert } from 'node:assert';
import { MessageChannel } from 'node:worker_threads';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../src/engine/model/config';
import { InputError, Interrupted } from '../../src/engine/errors';
import { type WorkerToHost } from '../../src/protocol/worker';
import { TrainingLoop, PROGRESS_INTERVAL_MS, TRACE_INTERVAL_MS, type TrainerLike, type WorkerEngine } from '../../src/worker/trainingLoop';
import { fakeTrace } from '../extension/fakeWorker';

/** A trainer whose loss halves each step, on a clock the test controls: each step takes `msPerStep`. */
class FakeTrainer implements TrainerLike {
  readonly config = { cell: 'rnn' as const, hidden: 3, layers: 1, vocab: [' ', 'a', 'b', 'c'], gruResetAfter: true };
  readonly model = { paramCount: 40 };
  readonly trainLength = 900;
  readonly valLength = 100;
  step = 0;
  nonFiniteAt = -1;
  throwAt = -1;
  constructor(readonly settings: TrainSettings, private readonly clock: { t: number }, private readonly msPerStep: number) {}
  /** How many steps asked for per-tensor statistics (the fake leaves `tensors` empty otherwise, as the engine does). */
  statsSteps = 0;
  /** Validation passes asked for. */
  validations = 0;
  /** The validation losses to answer, one per pass (then the last again); absent: 1.5. */
  valCurve: number[] | null = null;
  /** Snapshots taken (toCheckpoint), with the step of each. */
  snapshots: number[] = [];
  trainStep(options: { stats?: boolean; interrupt?: () => boolean } = {}) {
    // A step that is asked half way through: an interrupt abandons it with nothing changed.
    this.clock.t += this.msPerStep / 2;
    if (options.interrupt?.()) throw new Interrupted();
    this.clock.t += this.msPerStep / 2;
    const withStats = options.stats ?? true;
    if (withStats) this.statsSteps++;
    const next = this.step + 1;
    if (next === this.throwAt) throw new Error('index out of range\n    at kernel (kernels.ts:1)');
    if (next === this.nonFiniteAt) return { step: this.step, loss: NaN, gradNorm: NaN, clipScale: 1, valueClipped: 0, tensors: [], nonFinite: 'rnn.weight_hh_l0' };
    this.step = next;
    const tensors = withStats ? [{ name: 'decoder.bias', gradNorm: 1, weightNorm: 2, updateNorm: 0.01 }] : [];
    return { step: next, loss: 4 / 2 ** next, gradNorm: 1, clipScale: 1, valueClipped: 0, tensors, nonFinite: null };
  }
  validationLoss(interrupt?: () => boolean) {
    if (interrupt?.()) throw new Interrupted();
    this.validations++;
    return this.valCurve ? this.valCurve[Math.min(this.validations, this.valCurve.length) - 1] : 1.5;
  }
  trace() { return fakeTrace(4, this.step); }
  sample(opts: { length: number; prime?: string }) {
    if (opts.prime?.includes('z')) throw new InputError('The prime has a character the model does not know: "z".');
    return 'ab'.repeat(opts.length).slice(0, opts.length);
  }
  toCheckpoint() {
    this.snapshots.push(this.step);
    return { config: this.config, weights: new Map<string, Float32Array>() };
  }
  spectralNorms() { return [0.9]; }
}

function setUp(msPerStep = 1) {
  const clock = { t: 0 };
  /** What the host's interrupt word says (StartMessage.interrupt). */
  const flag = { on: false };
  const sent: { message: WorkerToHost; transfer: ArrayBuffer[] }[] = [];
  const queue: (() => void)[] = [];
  let trainer: FakeTrainer | undefined;
  const engine: WorkerEngine = {
    createTrainer: (_text, settings) => (trainer = new FakeTrainer(settings, clock, msPerStep)),
    resumeTrainer: () => { throw new InputError('checkpoint was made on another text'); },
    decodeCheckpoint: (bytes) => {
      if (bytes[0] !== 1) throw new InputError('not an RNN Lens checkpoint');
      return { config: { cell: 'gru', hidden: 5, layers: 2, vocab: ['a', 'b'], gruResetAfter: false }, weights: new Map() };
    },
    encodeCheckpoint: () => new Uint8Array([1, 2, 3]),
    gradientCheck: () => [{ tensor: 'decoder.bias', maxRelError: 1e-10 }],
    isInputError: (e) => e instanceof InputError,
    unitActivations: (_trainer, text, { layer, unit, maxChars, topK }) => {
      const n = Math.min(maxChars, text.length);
      return {
        layer, unit, length: n, topK, totalChars: text.length,
        h: Float32Array.from({ length: n }, (_, i) => i / n), c: new Float32Array(0),
        topIds: new Int32Array(n * topK), topProbs: new Float32Array(n * topK).fill(1 / topK), loss: new Float32Array(n).fill(0.5),
      };
    },
  };
  const loop = new TrainingLoop((message, transfer) => sent.push({ message, transfer }), engine, {
    now: () => clock.t,
    schedule: (run) => { queue.push(run); },
    interrupted: () => flag.on,
  });
  /** Runs scheduled slices (each slice is what happens between two message deliveries). */
  const slices = (n: number): void => {
    for (let i = 0; i < n && queue.length > 0; i++) queue.shift()!();
  };
  const of = <T extends WorkerToHost['type']>(type: T) => sent.filter((s) => s.message.type === type).map((s) => s.message as Extract<WorkerToHost, { type: T }>);
  return { loop, sent, of, slices, queue, clock, flag, trainer: () => trainer! };
}

const settings: TrainSettings = { ...DEFAULT_SETTINGS, batch: 2, seqLen: 4 };
const start = { type: 'start' as const, text: 'abc abc', settings, fileName: 'x.txt', maxSteps: 0, traceEvery: 0 };

describe('worker: training loop (in process, fake trainer and clock)', () => {
  it('trains in time slices, yielding between them, with progress throttled to about 10 per second', () => {
    const w = setUp(1);
    w.loop.handle(start);
    assert.equal(w.of('started').length, 1);
    assert.equal(w.of('started')[0].paramCount, 40);
    // 'abc abc': a, b, c twice each and one space, p = 2/7, 2/7, 2/7, 1/7.
    const entropy = -(3 * (2 / 7) * Math.log(2 / 7) + (1 / 7) * Math.log(1 / 7));
    assert.ok(Math.abs(w.of('started')[0].unigramEntropy - entropy) < 1e-12, 'the unigram entropy of the training text');
    assert.equal(w.of('trace').length, 1, 'a first trace right away');
    w.slices(50); // 50 slices x ~40 ms of 1 ms steps = ~2 s of training
    const steps = w.trainer().step;
    assert.ok(steps > 1000, `trained ${steps} steps`);
    const progress = w.of('progress');
    assert.ok(progress.length >= 10 && progress.length <= (w.clock.t / PROGRESS_INTERVAL_MS) + 1, `${progress.length} progress reports over ${w.clock.t} ms`);
    // The first numbers go out before the first validation pass; every later report carries it.
    assert.equal(progress[0].valLoss, null);
    assert.ok(progress.every((p) => p.state === 'training') && progress.slice(1).every((p) => p.valLoss === 1.5));
    assert.ok(progress.at(-1)!.charsPerSec > 0);
    assert.equal(w.of('stats').length, progress.length, 'stats travel with progress');
    assert.deepEqual(w.of('stats')[0].spectralNorms, [0.9]);
  });

  it('measures per-tensor norms only on some steps, and every stats report carries them', () => {
    const w = setUp(1);
    w.loop.handle(start);
    w.slices(20);
    const steps = w.trainer().step;
    assert.ok(w.trainer().statsSteps >= 1 && w.trainer().statsSteps * 10 < steps, `${w.trainer().statsSteps} of ${steps} steps measured`);
    const stats = w.of('stats');
    assert.ok(stats.length >= 5);
    assert.ok(stats.every((m) => m.tensors.length === 1 && m.step <= steps), 'no report without its tensors');
  });

  it('pause stops the loop between slices; step runs exactly one optimizer step; resume continues', () => {
    const w = setUp(1);
    w.loop.handle(start);
    w.slices(2);
    w.loop.handle({ type: 'pause' });
    const paused = w.trainer().step;
    w.slices(10);
    assert.equal(w.trainer().step, paused, 'no training while paused');
    assert.equal(w.of('state').at(-1)!.state, 'paused');
    w.loop.handle({ type: 'step', requestId: 7 });
    assert.equal(w.trainer().step, paused + 1);
    const stepped = w.of('stepped')[0];
    assert.deepEqual([stepped.replyTo, stepped.step], [7, paused + 1]);
    assert.equal(w.of('trace').at(-1)!.header.trainingStep, paused + 1, 'a fresh trace after the step');
    w.loop.handle({ type: 'resume' });
    w.slices(1);
    assert.ok(w.trainer().step > paused + 1);
  });

  it('refuses to step while training, as a reply to the request', () => {
    const w = setUp();
    w.loop.handle(start);
    w.loop.handle({ type: 'step', requestId: 3 });
    const error = w.of('error')[0];
    assert.deepEqual([error.replyTo, error.kind], [3, 'input']);
    assert.match(error.message, /Pause training/);
  });

  it('a pause on its way abandons the step in flight: "paused" goes out before the trace, with no validation pass waited for', () => {
    const w = setUp(500); // a big model: half a second a step
    w.loop.handle(start);
    w.slices(3);
    const before = w.trainer().step;
    const validations = w.trainer().validations;
    w.flag.on = true; // the host sent pause; the slice now running notices it
    w.slices(1);
    assert.equal(w.trainer().step, before, 'the step in flight was abandoned');
    assert.equal(w.of('error').length, 0);
    w.flag.on = false; // as the worker does when the pause is handled
    const sentBefore = w.sent.length;
    w.loop.handle({ type: 'pause' });
    const after = w.sent.slice(sentBefore).map((s) => s.message.type);
    assert.deepEqual(after.filter((t) => t !== 'stats'), ['progress', 'state', 'trace'], 'progress and "paused" before the trace');
    assert.equal(w.trainer().validations, validations, 'pausing runs no validation pass');
    w.slices(5);
    assert.equal(w.trainer().step, before, 'no training while paused');
    w.loop.handle({ type: 'resume' });
    w.slices(1);
    assert.equal(w.trainer().step, before + 1, 'the abandoned step runs on resume');
  });

  it('pauses at maxSteps, and resuming goes on past the limit', () => {
    const w = setUp();
    w.loop.handle({ ...start, maxSteps: 25 });
    w.slices(10);
    assert.equal(w.trainer().step, 25);
    assert.deepEqual(w.of('state').at(-1), { type: 'state', state: 'paused', step: 25, reason: 'maxSteps' });
    w.loop.handle({ type: 'resume' });
    w.slices(1);
    assert.ok(w.trainer().step > 25);
  });

  it('at maxSteps the final progress names a validation measured at the last step, before "paused" goes out', () => {
    const w = setUp();
    w.loop.handle({ ...start, maxSteps: 25 }); // 25 steps of 1 ms: well inside the one validation a second
    w.trainer().valCurve = [1.25];
    w.slices(10);
    const stateAt = w.sent.findIndex((s) => s.message.type === 'state' && s.message.state === 'paused');
    const before = w.sent.slice(0, stateAt).map((s) => s.message).filter((m): m is Extract<WorkerToHost, { type: 'progress' }> => m.type === 'progress');
    // The 25 steps fit in the first time slice, before any progress report could validate.
    assert.equal(w.trainer().validations, 1, 'the validation at the limit');
    assert.deepEqual([before.at(-1)!.step, before.at(-1)!.valLoss, before.at(-1)!.valStep], [25, 1.25, 25]);
  });

  it('posts a trace every traceEvery steps, with its buffers in the transfer list', () => {
    const w = setUp();
    w.loop.handle({ ...start, traceEvery: 100 });
    w.slices(10);
    const traces = w.sent.filter((s) => s.message.type === 'trace');
    assert.equal(traces.length, 1 + Math.floor(w.trainer().step / 100));
    for (const t of traces) {
      const m = t.message as Extract<WorkerToHost, { type: 'trace' }>;
      assert.deepEqual(t.transfer, [m.ids.buffer, m.data.buffer]);
    }
  });

  it('spaces periodic traces at least TRACE_INTERVAL_MS apart when steps are fast, but a pause still traces at once', () => {
    const w = setUp(0.1); // 10,000 steps a second: traceEvery 5 would be 2,000 traces a second
    w.loop.handle({ ...start, traceEvery: 5 });
    w.slices(25); // ~1 s
    const periodic = w.of('trace').length - 1;
    assert.ok(w.trainer().step > 5000, `trained ${w.trainer().step} steps`);
    assert.ok(periodic >= 5 && periodic <= w.clock.t / TRACE_INTERVAL_MS + 1, `${periodic} traces over ${w.clock.t} ms`);
    assert.ok(w.of('trace').every((t) => t.header.trainingStep % 5 === 0), 'traces still land on multiples of traceEvery');
    const before = w.of('trace').length;
    w.loop.handle({ type: 'pause' });
    assert.equal(w.of('trace').length, before + 1, 'pause posts the paused weights\' trace without waiting');
  });

  it('the transfer list really moves the trace: after posting, the sender\'s buffers are detached', () => {
    const w = setUp();
    const { port1, port2 } = new MessageChannel();
    w.loop.handle(start);
    const { message, transfer } = w.sent.find((s) => s.message.type === 'trace')!;
    const trace = message as Extract<WorkerToHost, { type: 'trace' }>;
    const length = trace.data.length;
    port1.postMessage(message, transfer);
    assert.equal(trace.data.byteLength, 0);
    assert.equal(trace.ids.byteLength, 0);
    assert.ok(length > 0);
    port1.close();
    port2.close();
  });

  it('a non-finite step stops training, names the step and the tensor, and sends the last good weights first', () => {
    const w = setUp();
    w.loop.handle(start);
    w.trainer().nonFiniteAt = 30;
    w.slices(10);
    assert.deepEqual(w.of('nonFinite'), [{ type: 'nonFinite', step: 29, tensor: 'rnn.weight_hh_l0' }]);
    const types = w.sent.map((s) => s.message.type);
    assert.deepEqual(types.slice(-3), ['nonFinite', 'checkpoint', 'stopped']);
    assert.equal(w.of('checkpoint')[0].reason, 'final');
    assert.equal(w.of('stopped')[0].reason, 'nonFinite');
    assert.equal(w.queue.length, 0, 'nothing more is scheduled');
  });

  it('an exception while training becomes one error line and a stop, not a dead thread', () => {
    const w = setUp();
    w.loop.handle(start);
    w.trainer().throwAt = 12;
    w.slices(5);
    const error = w.of('error')[0];
    assert.equal(error.kind, 'internal');
    assert.equal(error.message, 'Internal error in the training worker: index out of range');
    assert.equal(w.of('stopped')[0].reason, 'error');
  });

  it('stop sends the final checkpoint (transferred) and stopped; later requests get clear errors', () => {
    const w = setUp();
    w.loop.handle(start);
    w.slices(1);
    w.loop.handle({ type: 'stop' });
    const checkpoint = w.sent.find((s) => s.message.type === 'checkpoint')!;
    assert.equal(checkpoint.transfer.length, 1);
    assert.equal(w.of('stopped')[0].reason, 'requested');
    w.loop.handle({ type: 'sample', requestId: 9, length: 5, temperature: 1, seed: 1 });
    assert.match(w.of('error').at(-1)!.message, /no training session/);
    assert.equal(w.of('error').at(-1)!.replyTo, 9);
  });

  it('answers sample, save and gradcheck requests; input errors keep their message', () => {
    const w = setUp();
    w.loop.handle({ ...start, startPaused: true });
    assert.equal(w.of('started')[0].state, 'paused');
    assert.equal(w.of('progress').at(-1)!.state, 'paused');
    w.loop.handle({ type: 'sample', requestId: 1, length: 5, temperature: 1, seed: 1 });
    assert.deepEqual(w.of('sample')[0], { type: 'sample', replyTo: 1, text: 'ababa' });
    w.loop.handle({ type: 'sample', requestId: 2, length: 5, temperature: 1, seed: 1, prime: 'z' });
    assert.deepEqual(w.of('error')[0], { type: 'error', message: 'The prime has a character the model does not know: "z".', kind: 'input', replyTo: 2 });
    w.loop.handle({ type: 'save', requestId: 3 });
    assert.deepEqual([...w.of('checkpoint')[0].bytes], [1, 2, 3]);
    w.loop.handle({ type: 'gradcheck', requestId: 4, cell: 'lstm', layers: 1, hidden: 3 });
    assert.equal(w.of('gradcheck')[0].results[0].tensor, 'decoder.bias');
  });

  it('a resume on another text falls back to the model\'s weights with a fresh optimizer, and says so', () => {
    const w = setUp();
    w.loop.handle({ ...start, resume: new Uint8Array([1]) });
    const started = w.of('started')[0];
    assert.match(started.notice!, /fresh optimizer .*another text/);
    assert.deepEqual([started.settings.cell, started.settings.hidden, started.settings.layers], ['gru', 5, 2], 'the architecture comes from the checkpoint');
  });

  it('a corrupt checkpoint is an input error', () => {
    const w = setUp();
    w.loop.handle({ ...start, init: new Uint8Array([0]) });
    assert.deepEqual(w.of('error')[0], { type: 'error', message: 'not an RNN Lens checkpoint', kind: 'input' });
    assert.equal(w.of('started').length, 0);
  });

  it('answers a unitActivations request over the snapshot text, moving every array', () => {
    const w = setUp(1);
    w.loop.handle({ type: 'unitActivations', requestId: 3, layer: 0, unit: 1, maxChars: 5, topK: 2 });
    assert.match(w.of('error')[0].message, /no training session/, 'nothing to colour before start');
    w.loop.handle(start);
    w.loop.handle({ type: 'unitActivations', requestId: 4, layer: 0, unit: 1, maxChars: 5, topK: 2 });
    const sent = w.sent.find((s) => s.message.type === 'unitActivations')!;
    const m = sent.message as Extract<WorkerToHost, { type: 'unitActivations' }>;
    assert.equal(m.replyTo, 4);
    assert.equal(m.h.length, 5);
    assert.equal(m.totalChars, start.text.length);
    assert.equal(m.topIds.length, 10);
    assert.equal(sent.transfer.length, 5, 'h, c, topIds, topProbs and loss each move');
    assert.ok(sent.transfer.includes(m.h.buffer as ArrayBuffer) && sent.transfer.includes(m.loss.buffer as ArrayBuffer));
  });

  it('a trace of stream b says where it is in the training text: b * streamLength + the position in the stream', () => {
    const w = setUp(1);
    w.loop.handle(start);
    const trainer = w.trainer();
    trainer.trace = () => {
      const t = fakeTrace(4, trainer.step, 3);
      return { ...t, header: { ...t.header, stream: 1 } };
    };
    w.loop.handle({ type: 'requestTrace', stream: 1 });
    // trainLength 900 in batch 2: streams of 450 characters.
    assert.equal(w.of('trace').at(-1)!.header.position, 450 + 3);
  });

  it('samples on its own while training: the untrained model at step 0, then every `every` steps, stamped with step and loss', () => {
    const { loop, of, slices } = setUp(250); // 4 steps a second: every sample due is taken
    loop.handle({ ...start, samples: { every: 5, length: 6, temperature: 0.5 } });
    slices(12);
    const samples = of('trainingSample');
    assert.ok(samples.length >= 3, `${samples.length} samples`);
    assert.deepEqual(samples.slice(0, 3).map((x) => [x.step, x.text, x.temperature]), [[0, 'ababab', 0.5], [5, 'ababab', 0.5], [10, 'ababab', 0.5]]);
    assert.equal(samples[0].loss, of('trace')[0].header.meanLoss, 'before the first step: the loss of the first trace window');
    assert.equal(samples[1].loss, 4 / 2 ** 5, 'the loss of the step it was taken at');
    assert.ok(samples.every((x, i) => i === 0 || x.step % 5 === 0));
  });

  it('a loaded model that starts paused reports the loss of its trace window, not 0', () => {
    const { loop, of } = setUp(1);
    loop.handle({ ...start, startPaused: true });
    const progress = of('progress');
    assert.equal(progress.length, 1);
    assert.ok(progress[0].loss > 0, `loss ${progress[0].loss}`);
    const p = progress[0];
    assert.ok(p.valLoss === null ? p.valStep === null : p.valStep !== null && p.valStep !== undefined && p.valStep <= p.step, 'a validation value names the step it was measured at');
  });

  it('keeps the checkpoint of the lowest validation loss: Save (best) and Stop send it, with its step, before the final one', () => {
    const w = setUp(1);
    w.loop.handle(start);
    w.trainer().valCurve = [2, 1.8, 1.6, 1.7, 1.9];
    w.slices(200); // ~8 s of training: a validation each second
    const bests = w.of('bestValidation');
    assert.deepEqual(bests.map((b) => b.valLoss), [2, 1.8, 1.6], 'each new lowest, and only those');
    const best = bests.at(-1)!;
    assert.ok(w.trainer().snapshots.includes(best.step), 'the snapshot was taken at the best step');
    w.loop.handle({ type: 'save', requestId: 7, best: true });
    const saved = w.of('checkpoint').at(-1)!;
    assert.deepEqual([saved.replyTo, saved.reason, saved.step], [7, 'request', best.step]);
    w.loop.handle({ type: 'save', requestId: 8 });
    assert.equal(w.of('checkpoint').at(-1)!.step, w.trainer().step, 'without best: the weights now');
    w.loop.handle({ type: 'stop' });
    const [kept, final] = w.of('checkpoint').slice(-2);
    assert.deepEqual([kept.reason, kept.step, final.reason, final.step], ['best', best.step, 'final', w.trainer().step]);
  });
});
