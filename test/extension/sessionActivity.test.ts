import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { TrainingSession, type StartOptions } from '../../src/extension/trainingSession';
import { StatusBar } from '../../src/extension/statusBar';
import { parseHostToWebview, type StatsInfo } from '../../src/protocol/webview';
import { addStats, emptyStats, MAX_HISTORY } from '../../src/protocol/statsHistory';
import { fake, Uri } from './fakeVscode';
import { FakeWorker } from './fakeWorker';

const options: StartOptions = { settings: { ...DEFAULT_SETTINGS, hidden: 8, seqLen: 8, batch: 2 }, maxSteps: 0, traceEvery: 10 };
const started = { type: 'started', config: { cell: 'lstm', hidden: 3, layers: 1, vocab: ['a', 'b'], gruResetAfter: true }, settings: options.settings, paramCount: 1, trainLength: 1, valLength: 0, unigramEntropy: 0.5, step: 0, state: 'training' } as const;

function makeSession(): TrainingSession {
  return new TrainingSession({ uri: Uri.file('/tmp/x.txt'), fileName: 'x.txt', text: 'abc abc abc' }, () => new FakeWorker({ auto: false }),
    { info: () => {}, warn: () => {}, error: () => {} });
}

function stats(step: number, gradNorm: number): StatsInfo {
  return { step, gradNorm, clipScale: gradNorm > 5 ? 5 / gradNorm : 1, spectralNorms: [1.2], tensors: [{ name: 'w', gradNorm, weightNorm: 2, updateNorm: 0.01 }] };
}

describe('extension: what a session is doing while it starts and pauses (one truthful state)', () => {
  beforeEach(() => fake.reset());

  it('says reading text, building the model, first step, then nothing once the first numbers arrive', async () => {
    const session = makeSession();
    const seen: (string | null)[] = [];
    session.activity.onDidChange((a) => seen.push(a));
    const start = session.start(options);
    assert.equal(session.activity.activity, 'reading');
    assert.equal(StatusBar.format({ cell: '', state: session.state, fileName: 'x.txt', activity: session.activity.activity }), '$(loading~spin) · reading text…');
    FakeWorker.last.emit({ type: 'building' });
    assert.equal(session.activity.activity, 'building');
    FakeWorker.last.emit(started);
    await start;
    assert.equal(session.state, 'training');
    assert.equal(session.activity.activity, 'firstStep', 'training, but no step reported yet');
    FakeWorker.last.emit({ type: 'progress', step: 1, loss: 3, valLoss: null, charsPerSec: 10, state: 'training' });
    assert.equal(session.activity.activity, null);
    assert.deepEqual(seen, ['reading', 'building', 'firstStep', null]);
    session.dispose();
  });

  it('says pausing from the moment Pause is asked until the worker confirms it', async () => {
    const session = makeSession();
    const start = session.start(options);
    FakeWorker.last.emit(started);
    await start;
    FakeWorker.last.emit({ type: 'progress', step: 4, loss: 3, valLoss: null, charsPerSec: 10, state: 'training' });
    assert.ok(session.pause());
    assert.equal(session.state, 'training');
    assert.equal(session.activity.activity, 'pausing');
    assert.match(StatusBar.format({ cell: 'lstm', state: session.state, step: 4, loss: 3, charsPerSec: 10, fileName: 'x.txt', activity: session.activity.activity }), /· pausing…$/);
    // The worker's last progress before it pauses does not end the pause under way.
    FakeWorker.last.emit({ type: 'progress', step: 5, loss: 3, valLoss: null, charsPerSec: 10, state: 'paused' });
    assert.equal(session.activity.activity, 'pausing');
    FakeWorker.last.emit({ type: 'state', state: 'paused', step: 5, reason: 'request' });
    assert.equal(session.state, 'paused');
    assert.equal(session.activity.activity, null);
    session.dispose();
  });

  it('a session stopped while it starts says nothing is under way', () => {
    const session = makeSession();
    void session.start(options).catch(() => undefined);
    void session.stop();
    assert.equal(session.activity.activity, null);
    session.dispose();
  });

  it('keeps the statistics over training of the whole session, and its message survives JSON (NaN gaps included)', async () => {
    const session = makeSession();
    const start = session.start(options);
    FakeWorker.last.emit(started);
    await start;
    for (let step = 1; step <= 40; step++) FakeWorker.last.emit({ type: 'stats', step, gradNorm: step / 4, clipScale: 1, valueClipped: 0, tensors: [{ name: 'w', gradNorm: 1, weightNorm: 2, updateNorm: 0.01 }], spectralNorms: [1.1] });
    assert.equal(session.series.stats.steps.length, 40, 'every step reported, not only those after a view opened');
    const message = parseHostToWebview(JSON.parse(JSON.stringify(session.series.statsMessage())));
    assert.ok(message && message.type === 'statsHistory');
    assert.equal(message.history.steps.length, 40);
    assert.equal(message.history.steps.at(-1), 40);
    assert.equal(message.history.tensorGrad.w.length, 40);
    session.dispose();
  });

  it('a history message with series of different lengths, or too long, is refused', () => {
    const h = emptyStats();
    addStats(h, stats(1, 1));
    addStats(h, stats(2, 9));
    addStats(h, stats(3, Infinity));
    const ok = parseHostToWebview(JSON.parse(JSON.stringify({ type: 'statsHistory', session: 1, history: h })));
    assert.ok(ok && ok.type === 'statsHistory' && Number.isNaN(ok.history.gradNorm[2]), 'a non-finite norm comes back as NaN');
    assert.equal(ok.history.clips.length, 1);
    assert.equal(parseHostToWebview({ type: 'statsHistory', session: 1, history: { ...h, gradNorm: [1] } }), null);
    const steps = Array.from({ length: MAX_HISTORY + 1 }, (_, i) => i);
    assert.equal(parseHostToWebview({ type: 'statsHistory', session: 1, history: { ...emptyStats(), steps, gradNorm: steps } }), null);
  });
});
