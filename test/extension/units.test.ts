import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS } from '../../src/engine/config';
import { parseSelection } from '../../src/extension/controller';
import { cutAtCharBoundary } from '../../src/extension/inputText';
import { colorWindow } from '../../src/extension/neuronColors';
import { readSettings } from '../../src/extension/settings';
import { StatusBar } from '../../src/extension/statusBar';
import { CodePointIndex } from '../../src/extension/textPositions';
import { TimestepCursor } from '../../src/extension/timestepCursor';
import { fakeTrace } from './fakeWorker';

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

  it('colours each step of the window by the unit\'s activation, with predictions and loss in the hover', () => {
    const trace = fakeTrace(4, 10, 100);
    const chars = colorWindow(trace, { layer: 0, unit: 1 });
    assert.deepEqual(chars.map((c) => c.position), [100, 101, 102, 103]);
    assert.deepEqual(chars.map((c) => c.level), [-1, -2, -4, -5], 'unit 1 goes from -0.25 to -1 (5 levels a side)');
    assert.match(chars[0].hover, /layer 0 unit 1: h = -0\.2500/);
    assert.match(chars[0].hover, /predictions: ' ' 25\.0%/);
    assert.match(chars[0].hover, /loss 1\.386 nats/);
    assert.deepEqual(colorWindow(trace, { layer: 1, unit: 0 }), [], 'a layer outside the model colours nothing');
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
    assert.equal(StatusBar.format({ cell: 'lstm', state: 'training', step: 120, loss: 2.3104, fileName: 'a' }), '$(sync~spin) LSTM step 120 loss 2.310');
    assert.equal(StatusBar.format({ cell: 'gru', state: 'paused', fileName: 'a' }), '$(debug-pause) GRU');
  });
});
