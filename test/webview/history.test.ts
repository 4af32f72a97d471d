/**
 * The Gradient Flow view takes the host's record of the session's statistics over training whole:
 * a view opened late shows every recorded step, not only those after it opened.
 */

import { strict as assert } from 'node:assert';
import { startHarness, sessionFor, type Harness } from './harness';
import { loadTrace } from '../fixtures/traces/traceFile';
import { addStats, emptyStats } from '../../src/protocol/statsHistory';

describe('gradient flow webview: the host\'s history (Chromium)', function () {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h?.close(); });

  it('a view opened late shows all the steps the host recorded, and a new session\'s history replaces the last', async () => {
    const trace = loadTrace('lstm-english');
    const history = emptyStats();
    for (let step = 1; step <= 86; step++) {
      addStats(history, {
        step, gradNorm: 2 / Math.sqrt(step), clipScale: 1, spectralNorms: [1.1],
        tensors: trace.header.paramNames.map((name, i) => ({ name, gradNorm: 1 / (i + 1), weightNorm: 3, updateNorm: 0.002 })),
      });
    }
    const p = await h.open('gradient', { width: 520, height: 900 });
    await p.send(sessionFor(trace));
    // What a late view receives: the replayed latest stats, then the host's whole record (through JSON, as postMessage sends it).
    await p.send({ type: 'stats', stats: { step: 86, gradNorm: 0.2, clipScale: 1, spectralNorms: [1.1], tensors: [] } });
    await p.send(JSON.parse(JSON.stringify({ type: 'statsHistory', session: 3, history })));
    await p.sendTrace(trace);
    await p.settle();
    assert.match((await p.page.textContent('#training-text')) ?? '', /^86 steps recorded up to step 86/);
    await p.send({ type: 'statsHistory', session: 4, history: emptyStats() });
    await p.settle();
    assert.doesNotMatch((await p.page.textContent('#training-text')) ?? '', /steps recorded/, 'a new session starts its own record');
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });
});
