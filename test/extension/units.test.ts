import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { parseSelection } from '../../src/extension/neuronColoring';
import { cutAtCharBoundary } from '../../src/extension/inputText';
import { activationLevel, hoverMarkdown, levelRuns, HALF_LEVELS, LEVELS } from '../../src/extension/neuronColors';
import { type ColoredStretch } from '../../src/extension/colorCoverage';
import { readSettings } from '../../src/extension/settings';
import { StatusBar } from '../../src/extension/statusBar';
import { CodePointIndex } from '../../src/extension/textPositions';
import { TimestepCursor } from '../../src/extension/timestepCursor';

describe('extension: code points vs editor offsets', () => {
  const text = 'a😀b\n한글😀😀c';
  const index = new CodePointIndex(text);

  it('maps code point positions to UTF-16 offsets and back, emoji counting as one character', () => {
    const chars = [...text];
    assert.equal(index.codePointLength, chars.length);
    let offset = 0;
    chars.forEach((ch, cp) => {
      assert.equal(index.utf16Offset(cp), offset, `offset of ${cp}`);
      assert.equal(index.charLength(cp), ch.length);
      assert.equal(index.codePointAt(offset), cp);
      if (ch.length === 2) assert.equal(index.codePointAt(offset + 1), cp, 'the second half of a surrogate pair belongs to the same character');
      offset += ch.length;
    });
    assert.equal(index.utf16Offset(chars.length), text.length);
  });

  it('stays exact on long texts across its sampling stride', () => {
    const long = 'x😀'.repeat(5000);
    const idx = new CodePointIndex(long);
    for (const cp of [0, 1, 1023, 1024, 1025, 4097, 9999]) assert.equal(idx.utf16Offset(cp), Math.floor(cp / 2) * 3 + (cp % 2));
    assert.equal(idx.codePointAt(3 * 2000 + 1), 4001);
  });
});

describe('extension: timestep cursor', () => {
  it('clamps to the window and notifies on moves', () => {
    const c = new TimestepCursor();
    const seen: string[] = [];
    c.onDidChange((p) => seen.push(`${p.t}${p.direction[0]}`));
    c.setWindowLength(4);
    c.last();
    c.next();
    assert.equal(c.t, 3, 'clamped at T-1');
    c.goTo(-5);
    assert.equal(c.t, 0);
    c.goTo(2.6);
    assert.equal(c.t, 3);
    c.setWindowLength(2);
    assert.equal(c.t, 1, 'a shorter window clamps the cursor');
    assert.deepEqual(seen.slice(0, 2), ['3f', '3f']);
  });

  it('backward walks the BPTT order: first is T-1, next goes towards 0', () => {
    const c = new TimestepCursor();
    c.setWindowLength(5);
    c.toggleDirection();
    assert.equal(c.direction, 'backward');
    c.first();
    assert.equal(c.t, 4);
    c.next();
    assert.equal(c.t, 3);
    c.previous();
    assert.equal(c.t, 4);
    c.last();
    assert.equal(c.t, 0);
  });
});

describe('extension: settings', () => {
  const source = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T | undefined });

  it('defaults to the engine defaults', () => {
    const { settings, adjusted } = readSettings(source({}));
    assert.deepEqual(settings.train, DEFAULT_SETTINGS);
    assert.deepEqual(adjusted, []);
  });

  it('maps names and clamps every out-of-range or malformed value, saying what it did', () => {
    const { settings, adjusted } = readSettings(source({
      hiddenSize: 64, seqLength: 5000, batchSize: 2.4, learningRate: -1, valFraction: 'lots', cell: 'transformer', maxFileSizeMB: 0, temperature: 3,
    }));
    assert.equal(settings.train.hidden, 64);
    assert.equal(settings.train.seqLen, 1024);
    assert.equal(settings.train.batch, 2);
    assert.equal(settings.train.lr, 1e-7);
    assert.equal(settings.train.valFraction, DEFAULT_SETTINGS.valFraction);
    assert.equal(settings.train.cell, DEFAULT_SETTINGS.cell);
    assert.equal(settings.maxFileSizeMB, 1);
    assert.equal(settings.temperature, 3);
    assert.equal(adjusted.length, 6);
    assert.ok(adjusted.some((a) => /rnnLens\.seqLength: 5000 is outside 1\.\.1024/.test(a)));
    assert.ok(adjusted.some((a) => /rnnLens\.cell: "transformer" is not one of rnn, lstm, gru/.test(a)));
  });
});

describe('extension: small pieces', () => {
  it('cuts UTF-8 at a character boundary', () => {
    const bytes = new TextEncoder().encode('ab한'); // 61 62 ED 95 9C
    assert.deepEqual([...cutAtCharBoundary(bytes, 4)], [0x61, 0x62]);
    assert.deepEqual([...cutAtCharBoundary(bytes, 5)], [...bytes]);
    assert.deepEqual([...cutAtCharBoundary(bytes, 2)], [0x61, 0x62]);
  });

  it('maps activations to 21 levels, blue below zero and red above, clamped, with runs of equal level merged', () => {
    assert.equal(LEVELS, 21);
    assert.deepEqual([-2, -1, -0.26, -0.04, 0, 0.05, 0.5, 1, 3, NaN].map(activationLevel), [-10, -10, -3, 0, 0, 1, 5, 10, 10, 0]);
    // 'a😀bcd': the emoji is one character (code point) and two UTF-16 units.
    const runs = levelRuns('a\u{1F600}bcd', [0.5, 0.5, 0, -1, -1], 5);
    assert.deepEqual(runs[HALF_LEVELS + 5], [0, 3], 'a and the emoji share one range of UTF-16 offsets');
    assert.deepEqual(runs[HALF_LEVELS - 10], [4, 6]);
    assert.equal(runs.flat().length, 4, 'level 0 is left uncoloured');
    assert.deepEqual(levelRuns('abc', [1, 1, 1], 2)[HALF_LEVELS + 10], [0, 2], 'only the first count characters');
    assert.deepEqual(levelRuns('a\u{1F600}bcd', [1, 1], 2, 3)[HALF_LEVELS + 10], [3, 5], 'a stretch from UTF-16 offset 3');
  });

  it('writes the hover from the stored arrays: activation, top predictions, loss, and how the stretch was read', () => {
    const stretch: ColoredStretch = {
      from: 1000, startedAt: 0, exact: true, topK: 2,
      values: Float32Array.from([0.25, -0.5, 0.75]),
      topIds: Int32Array.from([1, 0, 2, 1, 0, 2]), topProbs: Float32Array.from([0.5, 0.25, 0.75, 0.125, 0.5, 0.5]),
      loss: Float32Array.from([0.693, 2.079, NaN]),
    };
    const ctx = { layer: 1, unit: 3, step: 42, vocab: [' ', 'a', 'b'] };
    const first = hoverMarkdown(stretch, 1, ctx);
    assert.match(first, /layer 1 unit 3, character 1,001 \(weights of step 42\)/);
    assert.match(first, /h = -0\.500/);
    assert.match(first, /predictions: "b" p 0\.75, "a" p 0\.13/);
    assert.match(first, /loss on the actual next character: 2\.079 nats/);
    assert.match(first, /from the exact state it had at character 0/);
    assert.match(hoverMarkdown(stretch, 2, ctx), /no next character to predict/);
    const approx = hoverMarkdown({ ...stretch, startedAt: 0, exact: false, from: 5000 }, 0, ctx);
    assert.match(approx, /zero state 5,000 characters before this stretch: the first values of the stretch are approximate/);
    assert.doesNotMatch(hoverMarkdown({ ...stretch, topK: 0, topIds: new Int32Array(0), topProbs: new Float32Array(0) }, 0, ctx), /predictions/, 'no predictions asked for');
  });

  it('parses a neuron as "unit" or "layer:unit" within the model', () => {
    assert.deepEqual(parseSelection('5', 2, 8), { layer: 0, unit: 5 });
    assert.deepEqual(parseSelection(' 1 : 7 ', 2, 8), { layer: 1, unit: 7 });
    assert.equal(parseSelection('2:0', 2, 8), null);
    assert.equal(parseSelection('8', 2, 8), null);
    assert.equal(parseSelection('x', 2, 8), null);
    assert.deepEqual(parseSelection({ layer: 1, unit: 2 }, 2, 8), { layer: 1, unit: 2 });
  });

  it('formats the status bar: cell, step, loss, spinning while training', () => {
    assert.equal(StatusBar.format({ cell: 'lstm', state: 'training', step: 1120, loss: 2.3104, fileName: 'a' }), '$(sync~spin) LSTM step 1,120 loss 2.310');
    assert.equal(StatusBar.format({ cell: 'lstm', state: 'paused', step: 9, loss: 2.786e-4, fileName: 'a' }), '$(debug-pause) LSTM step 9 loss 2.786e-4 · paused', 'a small loss is not "0.000"');
    assert.equal(StatusBar.format({ cell: 'gru', state: 'paused', fileName: 'a' }), '$(debug-pause) GRU · paused');
    // One formatter for speed: the status bar and the panel say the same, threads included.
    assert.equal(StatusBar.format({ cell: 'lstm', state: 'training', step: 5, loss: 2, charsPerSec: 2878.4, threads: 2, fileName: 'a' }), '$(sync~spin) LSTM step 5 loss 2.000 · 2,878 chars/s on 2 threads');
    assert.equal(StatusBar.tooltip({ cell: 'lstm', state: 'paused', step: 5, loss: 2, valLoss: 4.708, valStep: 0, charsPerSec: 0, lastRate: 2878, threads: 2, fileName: 'a.txt' }),
      'RNN Lens: paused on a.txt; val 4.708 at step 0; paused (2,878 chars/s on 2 threads while training). Click to show the panel.');
  });
});
