import * as assert from 'node:assert/strict';
import { runChunked } from '../../../src/engine/analysis/chunked';
import { probeHorizon, probeJob, replaceAt } from '../../../src/engine/analysis/probe';
import { encodeText } from '../../../src/engine/text';
import { analysisCases, caseModel, relToMax } from './vectors';

describe('probe against PyTorch (float32 engine, float64 reference)', () => {
  const cases = analysisCases();
  it('finds the reference cases: rnn, lstm, gru in both forms, 2 layers', () => {
    assert.deepEqual(cases.map((c) => c.name), ['gru-cho-l2', 'gru-l2', 'lstm-l2', 'rnn-l2']);
  });
  for (const c of cases) {
    it(`${c.name}: dh, dc, KL, top-1 changes and horizon`, () => {
      const model = caseModel(c);
      const ids = encodeText(c.text, c.config.vocab);
      for (const p of c.probe) {
        const original = ids.subarray(0, p.length);
        const r = runChunked(probeJob(model.net, original, replaceAt(original, p.at, p.replace), p.at));
        const n = p.steps.length;
        assert.equal(r.kl.length, n);
        for (let l = 0; l < c.config.layers; l++) {
          const err = relToMax(r.dh.subarray(l * n, (l + 1) * n), p.steps.map((s) => s.dh[l]));
          assert.ok(err < 1e-5, `dh layer ${l}: ${err}`);
          if (c.config.cell === 'lstm') {
            const errC = relToMax(r.dc.subarray(l * n, (l + 1) * n), p.steps.map((s) => s.dc![l]));
            assert.ok(errC < 1e-5, `dc layer ${l}: ${errC}`);
          }
        }
        assert.equal(r.dc.length, c.config.cell === 'lstm' ? c.config.layers * n : 0);
        const errKl = relToMax(r.kl, p.steps.map((s) => s.kl));
        assert.ok(errKl < 1e-4, `kl: ${errKl}`);
        assert.deepEqual(Array.from(r.top1Changed, Boolean), p.steps.map((s) => s.top1Changed));
        assert.equal(r.horizon, p.horizon);
      }
    });
  }

  it('replacing a character by itself changes nothing: dh, KL exactly 0, horizon 0', () => {
    const c = cases.find((x) => x.name === 'lstm-l2')!;
    const ids = encodeText(c.text, c.config.vocab);
    const r = runChunked(probeJob(caseModel(c).net, ids, ids.slice(), 10));
    assert.ok(r.dh.every((d) => d === 0) && r.dc.every((d) => d === 0) && r.kl.every((d) => d === 0));
    assert.equal(r.horizon, 0);
  });

  it('reads a text longer than a window, reports progress, and stops when asked', () => {
    const c = cases.find((x) => x.name === 'gru-l2')!;
    const ids = encodeText(c.text.repeat(12), c.config.vocab); // 700+ characters: 3 windows after K
    const model = caseModel(c);
    const seen: number[] = [];
    const r = runChunked(probeJob(model.net, ids, replaceAt(ids, 300, ids[301]), 300), { onProgress: (p) => seen.push(p.done) });
    assert.equal(r.kl.length, ids.length - 300);
    assert.deepEqual(seen, [256, 300, 556, ids.length]);
    // The same numbers as one short probe over the part both cover.
    const short = runChunked(probeJob(model.net, ids.subarray(0, 400), replaceAt(ids.subarray(0, 400), 300, ids[301]), 300));
    assert.ok(relToMax(short.dh.subarray(0, 100), r.dh.subarray(0, 100)) < 1e-6);
    const signal = { aborted: false };
    assert.throws(() => runChunked(probeJob(model.net, ids, replaceAt(ids, 5, ids[6]), 5), {
      signal, onProgress: () => { signal.aborted = true; },
    }), /cancelled/);
  });

  it('refuses a position outside the text and texts that differ before it', () => {
    const ids = Int32Array.from([0, 1, 2, 3]);
    const net = caseModel(cases[0]).net;
    assert.throws(() => runChunked(probeJob(net, ids, ids, 4)), /between 0 and 3/);
    assert.throws(() => runChunked(probeJob(net, ids, Int32Array.from([1, 1, 2, 3]), 2)), /differ at 0/);
  });

  it('horizon: the last step at or above 1% of the largest top-layer dh, counted from K', () => {
    assert.equal(probeHorizon([0.5, 1, 0.2, 0.011, 0.009, 0.01, 0]), 5);
    assert.equal(probeHorizon([1, 0, 0]), 0);
    assert.equal(probeHorizon([0, 0]), 0);
  });
});
