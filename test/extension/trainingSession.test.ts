import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { TrainingSession, type StartOptions } from '../../src/extension/trainingSession';
import { fake, Uri } from './fakeVscode';
import { FakeWorker, settle } from './fakeWorker';

const options: StartOptions = { settings: { ...DEFAULT_SETTINGS, hidden: 8, seqLen: 8, batch: 2 }, maxSteps: 0, traceEvery: 10 };

function makeSession(workerOptions = {}, timeouts = {}): { session: TrainingSession; worker: () => FakeWorker; problems: string[]; log: string[] } {
  const log: string[] = [];
  const problems: string[] = [];
  const session = new TrainingSession(
    { uri: Uri.file('/tmp/x.txt'), fileName: 'x.txt', text: 'abc abc abc' },
    () => new FakeWorker(workerOptions),
    { info: (m) => log.push(m), warn: (m) => log.push(m), error: (m) => log.push(m) },
    timeouts,
  );
  session.onProblem((p) => problems.push(p));
  return { session, worker: () => FakeWorker.last, problems, log };
}

describe('extension: training session with a fake worker', () => {
  beforeEach(() => fake.reset());

  it('starts, sends the snapshot and settings, and follows start/pause/step/resume/stop', async () => {
    const { session, worker } = makeSession();
    const states: string[] = [];
    session.onDidChangeState((s) => states.push(s));
    await session.start(options);
    assert.equal(session.state, 'training');
    const start = worker().received[0];
    assert.equal(start.type, 'start');
    assert.equal(start.type === 'start' && start.text, 'abc abc abc');
    assert.ok(session.info && session.info.paramCount === 100);
    await settle();
    assert.ok(session.latestTrace, 'the first trace arrives');

    assert.ok(session.pause());
    await settle();
    assert.equal(session.state, 'paused');
    const stepped = await session.stepOnce();
    assert.equal(stepped.step, worker().step);
    assert.ok(session.resume());
    await settle();
    assert.equal(session.state, 'training');
    await assert.rejects(session.stepOnce(), /Pause training/);

    await session.stop();
    assert.equal(session.state, 'stopped');
    assert.deepEqual([...session.latestCheckpoint!.bytes], [9, 9, 9], 'the final checkpoint is kept');
    assert.ok(worker().terminated, 'the worker is ended');
    assert.deepEqual(states, ['starting', 'training', 'paused', 'training', 'stopping', 'stopped']);
  });

  it('can be cancelled while starting (Cancel on the notification)', async () => {
    const { session, worker } = makeSession({ auto: false });
    const started = session.start(options);
    const stopped = session.stop();
    assert.equal(session.state, 'stopping');
    worker().emit({ type: 'stopped', reason: 'requested', step: 0 });
    await stopped;
    await assert.rejects(started, /ended/);
    assert.equal(session.state, 'stopped');
  });

  it('a stop the worker never answers still ends the session', async () => {
    const { session, worker, log } = makeSession({ auto: false }, { stopMs: 1 });
    void session.start(options).catch(() => undefined);
    worker().emit({ type: 'started', config: { cell: 'lstm', hidden: 3, layers: 1, vocab: ['a', 'b'], gruResetAfter: true }, settings: options.settings, paramCount: 1, trainLength: 1, valLength: 0, unigramEntropy: 0.5, step: 0, state: 'training' });
    await session.stop();
    assert.equal(session.state, 'stopped');
    assert.ok(worker().terminated);
    assert.ok(log.some((l) => /did not stop/.test(l)));
  });

  it('a start the worker never answers fails with a clear message', async () => {
    const { session } = makeSession({ auto: false }, { startMs: 1 });
    await assert.rejects(session.start(options), /did not build the model/);
    assert.equal(session.state, 'failed');
  });

  it('a start refused by the worker rejects with its message and fails the session', async () => {
    const { session } = makeSession({ startError: 'The text is too short: 11 characters.' });
    await assert.rejects(session.start(options), /too short/);
    assert.equal(session.state, 'failed');
  });

  it('a worker crash becomes a failure with a clear message, and pending requests are rejected', async () => {
    const { session, worker, problems } = makeSession();
    await session.start(options);
    session.pause();
    await settle();
    const sample = session.sample({ length: 10, temperature: 1, seed: 1 });
    worker().crash(Object.assign(new Error('boom\n    at somewhere'), {}));
    await assert.rejects(sample, /crashed: boom$/);
    assert.equal(session.state, 'failed');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /The training worker crashed: boom$/);
    assert.ok(!problems[0].includes('at somewhere'), 'no stack trace for users');
  });

  it('a worker that dies while starting rejects start() and is not announced twice', async () => {
    const { session, worker, problems } = makeSession({ auto: false });
    const started = session.start(options);
    worker().crash(new Error('Cannot find module dist/worker.js'));
    await assert.rejects(started, /crashed: Cannot find module/);
    assert.deepEqual(problems, []);
    assert.equal(session.state, 'failed');
  });

  it('out of memory is named as such, with what to change', async () => {
    const { session, worker, problems } = makeSession();
    await session.start(options);
    worker().crash(Object.assign(new Error('heap'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }));
    assert.equal(session.state, 'failed');
    assert.match(problems[0], /ran out of memory.*hiddenSize/);
  });

  it('an unexpected exit fails the session', async () => {
    const { session, worker } = makeSession();
    await session.start(options);
    worker().exit(3);
    assert.equal(session.state, 'failed');
    assert.match(session.failureReason!, /exited unexpectedly \(code 3\)/);
  });

  it('a non-finite loss stops training, names the step and the tensor, and keeps the last good checkpoint', async () => {
    const { session, worker, problems } = makeSession();
    await session.start(options);
    worker().emit({ type: 'nonFinite', step: 42, tensor: 'rnn.weight_hh_l0' });
    worker().emit({ type: 'checkpoint', reason: 'final', step: 41, bytes: new Uint8Array([7]) });
    worker().emit({ type: 'stopped', reason: 'nonFinite', step: 41 });
    assert.equal(session.state, 'failed');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /step 42.*rnn\.weight_hh_l0.*non-finite/);
    assert.equal(session.latestCheckpoint?.step, 41);
  });

  it('ignores malformed and unknown messages', async () => {
    const { session, worker } = makeSession();
    await session.start(options);
    const before = session.latestProgress;
    worker().emit({ type: 'progress', step: -1, loss: NaN, valLoss: null, charsPerSec: 1, state: 'training' });
    worker().emit({ type: 'launchMissiles' });
    worker().emit({ type: 'trace', header: { version: 1 }, ids: new Int32Array(1), data: new Float32Array(1) } as Record<string, unknown>);
    assert.equal(session.latestProgress, before);
    assert.equal(session.state, 'training');
  });

  it('requests after the session ended are refused with a clear message', async () => {
    const { session } = makeSession();
    await session.start(options);
    await session.stop();
    await assert.rejects(session.sample({ length: 5, temperature: 1, seed: 1 }), /no running training session/);
    await assert.rejects(session.save(), /no running training session/);
  });

  it('dispose ends the worker', async () => {
    const { session, worker } = makeSession();
    await session.start(options);
    session.dispose();
    assert.ok(worker().terminated);
  });
});
