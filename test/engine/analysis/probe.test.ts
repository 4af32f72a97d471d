import * as assert from 'node:assert/strict';
import { runChunked } from '../../../src/engine/analysis/chunked';
import { editProbeJob, probeHorizon, probeJob, replaceAt } from '../../../src/engine/analysis/probe';
import { logSoftmax } from '../../../src/engine/analysis/textPass';
import { forwardWindow } from '../../../src/engine/model/bptt';
import { type Network } from '../../../src/engine/model/network';
import { passWorkspace } from '../../../src/engine/training/trainingMemory';
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

describe('probe of an edit of any length (live What If while the file is edited)', () => {
  const cases = analysisCases();

  /** Every state and log-distribution of one text read alone from zeros, as plain arrays: the reference. */
  function readAlone(net: Network, ids: Int32Array): { h: Float64Array[][]; c: Float64Array[][]; lp: Float64Array[] } {
    const { net: n, ws } = passWorkspace(net, 1, ids.length);
    ws.resetState();
    ws.ids.set(ids);
    forwardWindow(n, ws);
    const H = net.H;
    const V = net.V;
    const h: Float64Array[][] = [];
    const c: Float64Array[][] = [];
    const lp: Float64Array[] = [];
    for (let t = 0; t < ids.length; t++) {
      h.push(ws.layers.map((lb) => Float64Array.from(lb.hs.subarray((t + 1) * H, (t + 2) * H))));
      c.push(ws.layers.map((lb) => Float64Array.from(lb.cs.length > 0 ? lb.cs.subarray((t + 1) * H, (t + 2) * H) : [])));
      const out = new Float64Array(V);
      logSoftmax(ws.probs, t * V, V, out);
      lp.push(out);
    }
    return { h, c, lp };
  }
  const dist = (a: Float64Array, b: Float64Array): number => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));

  for (const c of cases) {
    it(`${c.name}: an insertion and a deletion compare each text's states after the edit, position by position`, () => {
      const net = caseModel(c).net;
      const ids = encodeText(c.text, c.config.vocab).subarray(0, 60);
      const p = 20;
      const inserted = Int32Array.from([...ids.subarray(0, p), ids[3], ids[7], ...ids.subarray(p)]);
      const deleted = Int32Array.from([...ids.subarray(0, p), ...ids.subarray(p + 3)]);
      for (const [edited, label] of [[inserted, 'insertion'], [deleted, 'deletion']] as const) {
        const r = runChunked(editProbeJob(net, ids, edited, p));
        // The common tail: the edited text's positions after the edit, and the original's at the same distance from the end.
        let suffix = 0;
        while (suffix < Math.min(ids.length, edited.length) - p && ids[ids.length - 1 - suffix] === edited[edited.length - 1 - suffix]) suffix++;
        assert.equal(r.at, edited.length - suffix, `${label}: at`);
        assert.equal(r.length, edited.length);
        const n = suffix;
        assert.equal(r.kl.length, n);
        const A = readAlone(net, ids);
        const B = readAlone(net, edited);
        const shift = edited.length - ids.length;
        for (let i = 0; i < n; i++) {
          const tb = r.at + i;
          const ta = tb - shift;
          for (let l = 0; l < c.config.layers; l++) {
            assert.ok(Math.abs(r.dh[l * n + i] - dist(A.h[ta][l], B.h[tb][l])) < 1e-5, `${label}: dh layer ${l} at ${i}`);
            if (c.config.cell === 'lstm') assert.ok(Math.abs(r.dc[l * n + i] - dist(A.c[ta][l], B.c[tb][l])) < 1e-5, `${label}: dc layer ${l} at ${i}`);
          }
          const kl = A.lp[ta].reduce((s, x, v) => s + Math.exp(x) * (x - B.lp[tb][v]), 0);
          assert.ok(Math.abs(r.kl[i] - kl) < 1e-5, `${label}: kl at ${i}: ${r.kl[i]} vs ${kl}`);
        }
        assert.ok(r.dh[(c.config.layers - 1) * n] > 0, `${label}: the edit is noticed right after it`);
      }
    });
  }

  it('a same-length edit is the probe itself; an edit with nothing after it is refused', () => {
    const c = cases.find((x) => x.name === 'lstm-l2')!;
    const net = caseModel(c).net;
    const ids = encodeText(c.text, c.config.vocab).subarray(0, 80);
    const replaced = replaceAt(ids, 30, ids[31]);
    const a = runChunked(editProbeJob(net, ids, replaced, 30));
    const b = runChunked(probeJob(net, ids, replaced, 30));
    assert.deepEqual(a, b);
    assert.throws(() => runChunked(editProbeJob(net, ids, Int32Array.from([...ids, ids[0]]), ids.length)), /nothing after it/);
    assert.throws(() => runChunked(editProbeJob(net, ids, ids.subarray(0, ids.length - 5), ids.length - 5)), /nothing after it/);
  });

  it('reports progress up to its total across the shared start, both middles and the tail', () => {
    const c = cases.find((x) => x.name === 'gru-l2')!;
    const ids = encodeText(c.text.repeat(8), c.config.vocab);
    const edited = Int32Array.from([...ids.subarray(0, 300), ids[1], ...ids.subarray(300)]);
    const seen: { done: number; total: number }[] = [];
    runChunked(editProbeJob(caseModel(c).net, ids, edited, 300), { onProgress: (p) => seen.push(p) });
    const last = seen.at(-1)!;
    assert.equal(last.done, last.total);
    assert.ok(seen.every((p, i) => i === 0 || p.done > seen[i - 1].done));
  });
});
