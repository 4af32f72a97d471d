/** The webviews' arithmetic on traces, checked in plain Node against the recorded fixtures. */

import { strict as assert } from 'node:assert';
import { formatValue } from '../../src/protocol/format';
import { TraceData, gradientHorizon, layerHorizon, saturationFraction, traceSaturation } from '../../webview/shared/traceData';
import { addStats, emptyStats } from '../../src/protocol/statsHistory';
import { diagnose, meanGate } from '../../webview/gradient/diagnosis';
import { loadTrace } from '../fixtures/traces/traceFile';
import { traceSection } from '../../src/protocol/traceLayout';

describe('trace arithmetic of the webviews', () => {
  it('gradientHorizon counts consecutive steps back at or above 1% of the k = t value', () => {
    assert.equal(gradientHorizon([0.005, 0.02, 0.011, 1], 3), 2);
    assert.equal(gradientHorizon([0.5, 0.009, 0.5, 1], 3), 1);
    assert.equal(gradientHorizon([1, 1, 1, 0], 3), 0, 'a zero diagonal has no horizon');
    assert.equal(gradientHorizon([1, 1, 1, 1], 3), 3);
  });

  it('reads sections at the layout offsets', () => {
    const trace = loadTrace('lstm-english');
    const d = new TraceData(trace);
    const h = traceSection(trace, 'h');
    assert.equal(d.h(0, 3)[5], h[3 * d.H + 5]);
    assert.equal(d.hPrev(0, 0)[2], traceSection(trace, 'h0')[2]);
    assert.equal(d.loss(7), traceSection(trace, 'loss')[7]);
    const top = d.topK(4, 5);
    assert.equal(top.length, 5);
    for (let i = 1; i < 5; i++) assert.ok(top[i - 1].prob >= top[i].prob);
    assert.equal(top[0].prob, Math.max(...d.probs(4)));
    // The loss is -log p(target): the engine's numbers agree with each other.
    const target = d.header.vocab.indexOf(d.targetChar(4));
    assert.ok(Math.abs(d.loss(4) + Math.log(d.probs(4)[target])) < 1e-4);
    let norm = 0;
    for (const v of d.dh(0, 9)) norm += v * v;
    assert.ok(Math.abs(d.dhNorms[9] - Math.sqrt(norm)) < 1e-6);
  });

  it('gate saturation is a fraction in [0, 1] per layer and gate', () => {
    assert.equal(saturationFraction(Float32Array.of(0.05, 0.5, 0.95, 0.5), false), 0.5);
    assert.equal(saturationFraction(Float32Array.of(-0.95, 0.5, 0.95, 0), true), 0.5);
    const sat = traceSaturation(new TraceData(loadTrace('gru-english')));
    assert.equal(sat.length, 1);
    assert.equal(sat[0].length, 3);
    for (const f of sat[0]) assert.ok(f >= 0 && f <= 1);
  });

  it('diagnoses clipping and non-finite steps with their numbers', () => {
    const h = emptyStats();
    addStats(h, { step: 1, gradNorm: 2, clipScale: 1, spectralNorms: [0.8], tensors: [] });
    addStats(h, { step: 2, gradNorm: 1200, clipScale: 5 / 1200, spectralNorms: [1.3], tensors: [] });
    addStats(h, { step: 3, gradNorm: NaN, clipScale: 1, spectralNorms: [1.3], tensors: [], nonFinite: true });
    const lines = diagnose(null, h).map((x) => x.text);
    assert.ok(lines.some((l) => l.startsWith(`exploding: gradient norm ${formatValue(1200)} at step 2, clipped to ${formatValue(5)};`)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('non-finite gradient at step 3')), lines.join('\n'));
  });

  it('explains each cell in its own terms: W_hh for the vanilla RNN, the forget gate for an LSTM, the update gate for a GRU', () => {
    const h = emptyStats();
    addStats(h, { step: 3, gradNorm: 2, clipScale: 1, spectralNorms: [1.3, 0.7, 0.9], tensors: [] });
    const text = (name: string): string => diagnose(new TraceData(loadTrace(name)), h).map((x) => x.text).join('\n');
    const rnn = text('rnn-english');
    assert.match(rnn, new RegExp(`largest singular value of W_hh at step 3: layer 0 ${formatValue(1.3)}`));
    assert.match(rnn, /diag\(1 − h_t²\) W_hh/);
    const lstm = new TraceData(loadTrace('lstm-english'));
    const lstmText = text('lstm-english');
    assert.match(lstmText, /cell state, dL\/dc_\{t−1\} = dL\/dc_t ⊙ f_t/);
    assert.ok(lstmText.includes(`Mean forget gate f here ${formatValue(meanGate(lstm, 0, 1))}`), lstmText);
    assert.ok(!/singular value|W_hh/.test(lstmText), `no W_hh argument for an LSTM: ${lstmText}`);
    const gru = new TraceData(loadTrace('gru-english'));
    const gruText = text('gru-english');
    assert.ok(gruText.includes(`Mean update gate z here ${formatValue(meanGate(gru, 0, 1))}`), gruText);
    assert.ok(!/singular value|W_hh/.test(gruText), `no W_hh argument for a GRU: ${gruText}`);
  });

  // The top layer: the one the loss reaches through the recurrence alone (a lower layer's
  // contributions also travel up and along the layers above, which lengthens its horizon).
  it('the recorded vanilla RNN\'s top layer keeps a shorter gradient horizon than the LSTM on the same text', () => {
    const d = new TraceData(loadTrace('rnn-english'));
    const top = d.L - 1;
    const rnn = layerHorizon(d, top);
    const lstm = layerHorizon(new TraceData(loadTrace('lstm-english')), 0);
    assert.ok(rnn < lstm, `rnn ${rnn} < lstm ${lstm}`);
    const text = diagnose(d, emptyStats()).map((x) => x.text).join('\n');
    assert.match(text, new RegExp(`horizon ${rnn} steps \\(layer ${top}\\)`));
  });
});
