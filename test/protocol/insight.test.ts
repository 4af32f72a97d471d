import { strict as assert } from 'node:assert';
import { parseHostToInsight } from '../../src/protocol/insight';
import { validateHostToAnalysis } from '../../src/protocol/analysis';

describe('insight protocol: the live What If', () => {
  const view = {
    type: 'whatIf', fileName: 'a.py', at: 12, original: '(', replacement: '[', cell: 'lstm', layers: 1, step: 400,
    dh: [[0.5, 0.2]], dc: [[0.1, 0]], kl: [0.3, 0.01], top1Changed: [1, 0], horizon: 1,
  };

  it('a view asked for carries one character each way; a live one any edit, empty sides included', () => {
    assert.ok(parseHostToInsight(view));
    assert.equal(parseHostToInsight({ ...view, original: '' }), null);
    assert.equal(parseHostToInsight({ ...view, replacement: 'abc' }), null);
    assert.ok(parseHostToInsight({ ...view, live: true, original: '', replacement: 'xyz' }));
    assert.ok(parseHostToInsight({ ...view, live: true, original: 'removed text', replacement: '' }));
    assert.equal(parseHostToInsight({ ...view, live: 'yes', original: '', replacement: 'x' }), null);
    assert.equal(parseHostToInsight({ ...view, live: true, original: 'x'.repeat(201), replacement: '' }), null);
  });

  it('a notice is one capped string', () => {
    assert.deepEqual(parseHostToInsight({ type: 'whatIfNotice', text: 'Your edit types "☃"…', extra: 1 }), { type: 'whatIfNotice', text: 'Your edit types "☃"…' });
    assert.equal(parseHostToInsight({ type: 'whatIfNotice', text: 'x'.repeat(501) }), null);
    assert.equal(parseHostToInsight({ type: 'whatIfNotice' }), null);
  });

  it('a probeEdit job stays inside the text it reads and sends ids, not text', () => {
    const run = (job: unknown): unknown => validateHostToAnalysis({ type: 'run', requestId: 1, textKey: 't', modelKey: 'm', job });
    assert.ok(run({ kind: 'probeEdit', at: 3, removed: 2, inserted: [1, 2], length: 10 }));
    assert.ok(run({ kind: 'probeEdit', at: 3, removed: 0, inserted: [], length: 10 }));
    assert.equal(run({ kind: 'probeEdit', at: 9, removed: 2, inserted: [], length: 10 }), null);
    assert.equal(run({ kind: 'probeEdit', at: 3, removed: 0, inserted: ['x'], length: 10 }), null);
    assert.equal(run({ kind: 'probeEdit', at: 3, removed: 0, inserted: new Array(10_001).fill(0), length: 10 }), null);
  });
});
