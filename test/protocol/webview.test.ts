import { strict as assert } from 'node:assert';
import { parseHostToWebview, parseWebviewToHost, parseTrace, LatestMessages, MAX_STRING, type HostToWebview } from '../../src/protocol/webview';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { loadTrace } from '../fixtures/traces/traceFile';

const session = { fileName: 'a.txt', vocabSize: 5, paramCount: 100, settings: { ...DEFAULT_SETTINGS }, unigramEntropy: 1.2 };

describe('webview protocol validators', () => {
  it('accepts every well-formed webview-to-host message and nothing else', () => {
    assert.deepEqual(parseWebviewToHost({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewToHost({ type: 'action', action: 'step' }), { type: 'action', action: 'step' });
    assert.deepEqual(parseWebviewToHost({ type: 'cursor', t: 3, direction: 'backward' }), { type: 'cursor', t: 3, direction: 'backward' });
    assert.deepEqual(parseWebviewToHost({ type: 'selectUnit', layer: 1, unit: 7, extra: 'dropped' }), { type: 'selectUnit', layer: 1, unit: 7 });
    assert.deepEqual(parseWebviewToHost({ type: 'unitAction', action: 'hold', state: 'c', layer: 1, unit: 7 }), { type: 'unitAction', action: 'hold', state: 'c', layer: 1, unit: 7 });
    for (const bad of [
      null, 'ready', [], {}, { type: 'eval' }, { type: 'action', action: 'rm -rf' }, { type: 'cursor', t: -1, direction: 'forward' },
      { type: 'cursor', t: 1.5, direction: 'forward' }, { type: 'cursor', t: NaN, direction: 'forward' }, { type: 'cursor', t: 2, direction: 'up' },
      { type: 'selectUnit', layer: 4, unit: 0 }, { type: 'selectUnit', layer: 0, unit: '3' }, { type: '__proto__' },
      { type: 'unitAction', action: 'paint', state: 'h', layer: 0, unit: 0 }, { type: 'unitAction', action: 'ablate', state: 'x', layer: 0, unit: 0 },
      { type: 'unitAction', action: 'ablate', state: 'h', layer: 0, unit: -1 }, { type: 'unitAction', action: 'sample', layer: 0, unit: 0 },
    ]) assert.equal(parseWebviewToHost(bad), null, JSON.stringify(bad));
  });

  it('checks host-to-webview messages field by field', () => {
    assert.equal(parseHostToWebview({ type: 'session', session })?.type, 'session');
    assert.equal(parseHostToWebview({ type: 'session', session: { ...session, settings: { ...DEFAULT_SETTINGS, hidden: 0 } } }), null);
    assert.equal(parseHostToWebview({ type: 'session', session: { ...session, fileName: 'x'.repeat(5000) } }), null);
    // The entropy of 5 characters' frequencies is at most ln 5.
    assert.equal(parseHostToWebview({ type: 'session', session: { ...session, unigramEntropy: Math.log(5) + 0.01 } }), null);
    assert.equal(parseHostToWebview({ type: 'session', session: { ...session, unigramEntropy: -0.1 } }), null);
    assert.equal(parseHostToWebview({ type: 'session', session: { ...session, unigramEntropy: undefined } }), null);
    const progress = { step: 10, loss: 2.5, valLoss: null, charsPerSec: 1000, state: 'training' };
    assert.deepEqual(parseHostToWebview({ type: 'progress', progress }), { type: 'progress', progress });
    assert.equal(parseHostToWebview({ type: 'progress', progress: { ...progress, state: 'exploded' } }), null);
    assert.equal(parseHostToWebview({ type: 'progress', progress: { ...progress, charsPerSec: Infinity } }), null);
    assert.equal(parseHostToWebview({ type: 'progress', progress: { ...progress, step: -1 } }), null);
    // A failed run's loss may be NaN, which JSON carries as null.
    const failed = parseHostToWebview({ type: 'progress', progress: { ...progress, loss: null, state: 'failed' } });
    assert.ok(failed?.type === 'progress' && Number.isNaN(failed.progress.loss));
    // The step a validation value was measured at: not after the report's own step.
    assert.equal(parseHostToWebview({ type: 'progress', progress: { ...progress, valLoss: 3, valStep: 8 } })?.type, 'progress');
    assert.equal(parseHostToWebview({ type: 'progress', progress: { ...progress, valLoss: 3, valStep: 11 } }), null);
    const sample = { step: 250, loss: 2.1, temperature: 0.8, text: '<script>', origin: 'training' };
    assert.deepEqual(parseHostToWebview({ type: 'samples', session: 3, samples: [sample] }), { type: 'samples', session: 3, samples: [sample] });
    assert.equal(parseHostToWebview({ type: 'samples', session: 3, samples: [{ ...sample, text: 'x'.repeat(MAX_STRING + 1) }] }), null);
    assert.equal(parseHostToWebview({ type: 'samples', session: 3, samples: [{ ...sample, origin: 'elsewhere' }] }), null);
    const history = { type: 'history', session: 3, steps: [0, 10, 20], loss: [4, 3, null], valSteps: [0], valLoss: [4.1] };
    const h = parseHostToWebview(history);
    assert.ok(h?.type === 'history' && h.steps.length === 3 && Number.isNaN(h.loss[2]) && h.valSteps[0] === 0);
    assert.equal(parseHostToWebview({ ...history, steps: [0, 20, 10] }), null, 'steps must ascend');
    assert.equal(parseHostToWebview({ ...history, valLoss: [] }), null, 'as many values as steps');
    assert.equal(parseHostToWebview({ type: 'announce', text: 'x'.repeat(501) }), null);
    assert.equal(parseHostToWebview({ type: 'selection', layer: 0, unit: 3 })?.type, 'selection');
    assert.equal(parseHostToWebview({ type: 'unknown' }), null);
  });

  it('reads non-finite gradient norms in stats as NaN and rejects malformed tensors', () => {
    const stats = { step: 5, gradNorm: null, clipScale: 1, spectralNorms: [1.1], tensors: [{ name: 'decoder.bias', gradNorm: 0.1, weightNorm: 1, updateNorm: 0.01 }], nonFinite: true, gateSaturation: [[0.1, 0.2, 0.3, 0.4]] };
    const m = parseHostToWebview({ type: 'stats', stats });
    assert.ok(m?.type === 'stats');
    assert.ok(Number.isNaN(m.stats.gradNorm));
    assert.equal(m.stats.nonFinite, true);
    assert.deepEqual(m.stats.gateSaturation, [[0.1, 0.2, 0.3, 0.4]]);
    assert.equal(parseHostToWebview({ type: 'stats', stats: { ...stats, tensors: [{ name: 3 }] } }), null);
    assert.equal(parseHostToWebview({ type: 'stats', stats: { ...stats, gateSaturation: [[1.5]] } }), null);
    assert.equal(parseHostToWebview({ type: 'stats', stats: { ...stats, spectralNorms: new Array(9).fill(1) } }), null);
  });

  it('accepts a recorded trace and refuses one whose sizes disagree with its header', () => {
    const trace = loadTrace('gru-english');
    const m = parseHostToWebview({ type: 'trace', header: trace.header, ids: trace.ids, data: trace.data });
    assert.ok(m?.type === 'trace');
    assert.equal(m.data, trace.data, 'no copy');
    // Typed arrays may arrive as bare ArrayBuffers.
    assert.ok(parseTrace(trace.header, trace.ids.slice().buffer, trace.data.slice().buffer));
    assert.equal(parseTrace(trace.header, trace.ids, trace.data.subarray(1)), null);
    assert.equal(parseTrace({ ...trace.header, steps: trace.header.steps + 1 }, trace.ids, trace.data), null);
    assert.equal(parseTrace({ ...trace.header, vocab: ['ab', 'c'] }, trace.ids, trace.data), null);
    const badIds = trace.ids.slice();
    badIds[0] = 999;
    assert.equal(parseTrace(trace.header, badIds, trace.data), null);
    assert.equal(parseTrace(trace.header, Array.from(trace.ids), trace.data), null);
  });
});

describe('LatestMessages', () => {
  it('keeps only the latest message of each type and replays context before data and cursor', () => {
    const b = new LatestMessages();
    const progress = (step: number): HostToWebview => ({ type: 'progress', progress: { step, loss: 1, valLoss: null, charsPerSec: 1, state: 'training' } });
    b.put({ type: 'cursor', t: 1, direction: 'forward' });
    for (let i = 0; i < 100; i++) b.put(progress(i));
    b.put({ type: 'session', session: session as never });
    b.put({ type: 'cursor', t: 4, direction: 'backward' });
    const all = b.all();
    assert.deepEqual(all.map((m) => m.type), ['session', 'progress', 'cursor']);
    assert.equal((all[1] as { progress: { step: number } }).progress.step, 99);
    assert.deepEqual(all[2], { type: 'cursor', t: 4, direction: 'backward' });
    b.clear();
    assert.deepEqual(b.all(), []);
  });
});
