import * as assert from 'node:assert/strict';
import { runChunked } from '../../../src/engine/analysis/chunked';
import { CACHE_STRIDE, unitRangeJob, UnitStateCache, WARMUP } from '../../../src/engine/analysis/unitSeries';
import { unitActivations } from '../../../src/engine/kernels/activations';
import { Model } from '../../../src/engine/model/model';
import { buildVocab, encodeText } from '../../../src/engine/text';

const TEXT = 'She said "hello (world)" and left. {a: [1, 2]} "quoted (text)" here.\n'.repeat(200); // 14,000 characters
const ref = { layer: 1, state: 'h' as const, unit: 3 };

describe('unitRangeJob: a unit over a stretch, from the nearest cached state', () => {
  const model = Model.init({ cell: 'lstm', hidden: 8, layers: 2, vocab: buildVocab(TEXT), gruResetAfter: true }, 5, 1);
  const ids = encodeText(TEXT, model.config.vocab);
  const whole = unitActivations(model.net, ids, ref.layer, ref.unit, { topK: 3 });
  const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${what} at ${i}: ${a[i]} vs ${b[i]}`);
  };

  it('an exact pass equals the whole-text pass over the stretch, with its predictions, and caches states along it and at its end', () => {
    const cache = new UnitStateCache();
    const r = runChunked(unitRangeJob(model.net, ids, ref, 9000, 9500, cache, 1e9, 3));
    assert.equal(r.exact, true);
    assert.equal(r.startedAt, 0);
    close(r.values, whole.h.subarray(9000, 9500), 'h');
    close(r.loss, whole.loss.subarray(9000, 9500), 'loss');
    assert.deepEqual(Array.from(r.topIds), Array.from(whole.topIds.subarray(9000 * 3, 9500 * 3)));
    assert.ok(cache.get(CACHE_STRIDE) && cache.get(2 * CACHE_STRIDE) && cache.get(9500), 'every stride and the end');
  });

  it('the next stretch starts from the state cached where the last one ended (scrolling on reads only the new text)', () => {
    const cache = new UnitStateCache();
    runChunked(unitRangeJob(model.net, ids, ref, 9000, 9500, cache, 1e9));
    const next = runChunked(unitRangeJob(model.net, ids, ref, 9500, 10_000, cache, 1000));
    assert.equal(next.startedAt, 9500);
    assert.equal(next.exact, true);
    close(next.values, whole.h.subarray(9500, 10_000), 'h after the cached state');
  });

  it('out of the budget\'s reach, it warms up from a zero state and says the values are approximate', () => {
    const cache = new UnitStateCache();
    const r = runChunked(unitRangeJob(model.net, ids, ref, 12_000, 12_200, cache, 2 * CACHE_STRIDE));
    assert.equal(r.exact, false);
    assert.equal(r.startedAt, 12_000 - WARMUP);
    assert.equal(cache.size, 0, 'an approximate pass caches nothing');
  });
});
