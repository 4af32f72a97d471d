import * as assert from 'node:assert/strict';
import { runChunked } from '../../../src/engine/analysis/chunked';
import { featureList, featureValues, parseFeature } from '../../../src/engine/analysis/features';
import { neuronsJob, topUnits, unitRefs } from '../../../src/engine/analysis/neurons';
import { forwardWindow } from '../../../src/engine/model/bptt';
import { Workspace } from '../../../src/engine/model/workspace';
import { encodeText } from '../../../src/engine/text';
import { analysisCases, caseModel } from './vectors';

const values = (name: string, text: string) => Array.from(featureValues(featureList([]).find((f) => f.name === name)!, text));

describe('features (hand-computed)', () => {
  it('in-quotes: the opening quote is inside, the closing one outside', () => {
    assert.deepEqual(values('in-quotes', 'a"bc"d"'), [0, 1, 1, 1, 0, 0, 1]);
  });
  it('in-brackets: depth after the character above 0; closers never take it below 0', () => {
    assert.deepEqual(values('in-brackets', 'a(b[c])d)e{'), [0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1]);
    assert.deepEqual(values('in-brackets', '))(x'), [0, 0, 1, 1]);
  });
  it('line-position: t minus the last newline at or before t (-1 when none)', () => {
    assert.deepEqual(values('line-position', 'ab\ncd\n\ne'), [1, 2, 0, 1, 2, 0, 0, 1]);
  });
  it('whitespace: \\s, Unicode spaces included', () => {
    assert.deepEqual(values('whitespace', 'a b\tc\n\u00a0\u3000x'), [0, 1, 0, 1, 0, 1, 1, 1, 0]);
  });
  it('NAME=REGEX: 1 inside any match (flags gu, code point positions), 0 elsewhere', () => {
    assert.deepEqual(Array.from(featureValues(parseFeature('digits=[0-9]+'), 'a12b3')), [0, 1, 1, 0, 1]);
    // An emoji is one character, and \u{...} needs the u flag.
    assert.deepEqual(Array.from(featureValues(parseFeature('smile=\\u{1F600}.'), 'a😀bc😀d😀')), [0, 1, 1, 0, 1, 1, 0]);
    // Empty matches cover nothing; an equals sign may be part of the pattern.
    assert.deepEqual(Array.from(featureValues(parseFeature('opt=x*'), 'axxb')), [0, 1, 1, 0]);
    assert.deepEqual(Array.from(featureValues(parseFeature('assign= = '), 'a = b')), [0, 1, 1, 1, 0]);
  });
  it('refuses a bad regex with its own error, and names that are empty, missing or taken', () => {
    assert.throws(() => parseFeature('bad=[a-'), /^InputError: feature bad: Invalid regular expression: \/\[a-\/gu: Unterminated character class$/);
    assert.throws(() => parseFeature('bad=(?<x'), /feature bad: Invalid regular expression/);
    assert.throws(() => parseFeature('noequals'), /write NAME=REGEX/);
    assert.throws(() => parseFeature('=abc'), /needs a name/);
    assert.throws(() => parseFeature('x='), /needs a regular expression/);
    assert.throws(() => parseFeature('whitespace=\\s'), /built-in feature/);
    assert.throws(() => featureList([parseFeature('a=x'), parseFeature('a=y')]), /two features are called a/);
  });
});

describe('neurons: Pearson r of every unit with every feature', () => {
  for (const c of analysisCases()) {
    it(`${c.name}: r of every unit (h and c of both layers) equals PyTorch's, and the ranking follows it`, () => {
      const features = featureList([parseFeature('word=[a-z]+')]);
      const report = runChunked(neuronsJob(caseModel(c).net, c.text, features));
      assert.deepEqual(report.features.map((f) => f.name), c.neurons.map((f) => f.name));
      assert.equal(report.positions, Array.from(c.text).length);
      for (const [k, expected] of c.neurons.entries()) {
        const got = report.features[k];
        assert.deepEqual(report.units, expected.units.map(({ layer, state, unit }) => ({ layer, state, unit })));
        const worst = Math.max(...expected.units.map((u, i) => Math.abs(got.r[i] - u.r)));
        assert.ok(worst < 1e-5, `${expected.name}: |r - r_torch| up to ${worst}`);
        // The top 5 by |r| are PyTorch's top 5 (the reference has no near ties among them).
        const mine = topUnits(report.units, got.r, 5);
        const theirs = [...expected.units].sort((a, b) => Math.abs(b.r) - Math.abs(a.r)).slice(0, 5);
        assert.deepEqual(mine.map(({ layer, state, unit }) => ({ layer, state, unit })), theirs.map(({ layer, state, unit }) => ({ layer, state, unit })));
      }
    });
  }

  it('a constant feature, and a constant unit, get r = 0 rather than NaN', () => {
    const c = analysisCases().find((x) => x.name === 'lstm-l2')!;
    const text = c.text.replace(/"/g, 'q').replace(/[()[\]{}]/g, 'z');
    const report = runChunked(neuronsJob(caseModel(c).net, text, featureList([parseFeature('never=#')])));
    for (const name of ['in-quotes', 'in-brackets', 'never']) assert.ok(report.features.find((f) => f.name === name)!.r.every((r) => r === 0), name);
    // A unit held constant by its weights: zero its rows, so h = o * tanh(0) = 0 at every step.
    const model = caseModel(c);
    const { wIh, wHh, bIh, bHh } = model.layout.layers[0];
    const H = c.config.hidden;
    const V = c.config.vocab.length;
    for (const g of [0, 1, 2, 3]) {
      model.params.fill(0, wIh + (g * H + 2) * V, wIh + (g * H + 3) * V);
      model.params.fill(0, wHh + (g * H + 2) * H, wHh + (g * H + 3) * H);
      model.params[bIh + g * H + 2] = 0;
      model.params[bHh + g * H + 2] = 0;
    }
    const r = runChunked(neuronsJob(model.net, c.text, featureList([]))).features[3].r; // whitespace
    assert.equal(r[2], 0, 'h unit 2 of layer 0 (constant 0)');
    assert.equal(r[H + 2], 0, 'c unit 2 of layer 0 (constant 0)');
    assert.notEqual(r[3], 0);
  });

  it('a unit constant at a non-zero value gets r = 0 (float32 values centre exactly in double)', () => {
    const c = analysisCases().find((x) => x.name === 'rnn-l2')!;
    const model = caseModel(c);
    const { wIh, wHh, bIh, bHh } = model.layout.layers[1];
    const H = c.config.hidden;
    model.params.fill(0, wIh + 4 * H, wIh + 5 * H);
    model.params.fill(0, wHh + 4 * H, wHh + 5 * H);
    model.params[bIh + 4] = 0.37;
    model.params[bHh + 4] = 0.0123;
    const text = c.text.repeat(5);
    const report = runChunked(neuronsJob(model.net, text, featureList([])));
    for (const f of report.features) assert.equal(f.r[H + 4], 0, `${f.name}: h unit 4 of layer 1 is tanh(0.3823) throughout`);
    assert.ok(report.features.every((f) => f.r.some((r) => r !== 0)));
  });

  it('a long text (several windows, merged sums) gives the r of all its states taken at once', () => {
    const c = analysisCases().find((x) => x.name === 'lstm-l2')!;
    const net = caseModel(c).net;
    const text = c.text.repeat(9); // 600 characters: three windows
    const report = runChunked(neuronsJob(net, text, featureList([])));
    // The oracle: one window over the whole text, every state kept, r by the textbook formula.
    const ids = encodeText(text, c.config.vocab);
    const ws = new Workspace(net, 1, ids.length);
    ws.resetState();
    ws.ids.set(ids);
    forwardWindow(net, ws);
    const H = c.config.hidden;
    const lineLength = Array.from(featureValues({ name: 'line-position' }, text));
    const pearson = (x: number[], f: number[]): number => {
      const mx = x.reduce((a, b) => a + b) / x.length;
      const mf = f.reduce((a, b) => a + b) / f.length;
      let sxf = 0, sxx = 0, sff = 0;
      x.forEach((v, i) => { sxf += (v - mx) * (f[i] - mf); sxx += (v - mx) ** 2; sff += (f[i] - mf) ** 2; });
      return sxf / Math.sqrt(sxx * sff);
    };
    report.units.forEach((u, i) => {
      const buf = u.state === 'h' ? ws.layers[u.layer].hs : ws.layers[u.layer].cs;
      const x = Array.from({ length: ids.length }, (_, t) => buf[(t + 1) * H + u.unit]);
      const expected = pearson(x, lineLength);
      assert.ok(Math.abs(report.features[2].r[i] - expected) < 1e-6, `${u.state}${u.layer}:${u.unit}: ${report.features[2].r[i]} vs ${expected}`);
    });
  });

  it('topUnits: largest |r| first, ties in report order', () => {
    const units = unitRefs(1, 4, false);
    assert.deepEqual(topUnits(units, Float64Array.from([0.1, -0.5, 0.5, 0.2]), 3).map((u) => [u.unit, u.r]), [[1, -0.5], [2, 0.5], [3, 0.2]]);
    assert.deepEqual(unitRefs(2, 2, true).map((u) => `${u.layer}${u.state}${u.unit}`), ['0h0', '0h1', '0c0', '0c1', '1h0', '1h1', '1c0', '1c1']);
  });
});
