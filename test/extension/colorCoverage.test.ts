import { strict as assert } from 'node:assert';
import { ColorCoverage, mergeSpans, missingSpans, nextRequest, widen, type ColoredStretch } from '../../src/extension/colorCoverage';

/** A stretch whose value at character p is p (so a test can tell which pass a value came from: + offset). */
function stretch(from: number, to: number, offset = 0): ColoredStretch {
  const n = to - from;
  return {
    from, startedAt: from, exact: true, topK: 1,
    values: Float32Array.from({ length: n }, (_, i) => from + i + offset),
    loss: new Float32Array(n), topIds: Int32Array.from({ length: n }, (_, i) => from + i), topProbs: new Float32Array(n).fill(0.5),
  };
}

const LIMITS = { margin: 100, maxChars: 1000, fillGap: 50 };

describe('neuron colour coverage: which ranges still need states', () => {
  it('merges overlapping and touching spans, drops empty ones, sorts', () => {
    assert.deepEqual(mergeSpans([[50, 60], [0, 10], [10, 20], [5, 8], [30, 30], [55, 70]]), [[0, 20], [50, 70]]);
    assert.deepEqual(mergeSpans([]), []);
  });

  it('finds the parts of what is wanted that nothing covers', () => {
    assert.deepEqual(missingSpans([[0, 100]], [[10, 20], [50, 60]]), [[0, 10], [20, 50], [60, 100]]);
    assert.deepEqual(missingSpans([[0, 100]], [[0, 100]]), []);
    assert.deepEqual(missingSpans([[10, 20], [40, 50]], [[0, 15], [45, 200]]), [[15, 20], [40, 45]]);
    assert.deepEqual(missingSpans([[10, 20]], []), [[10, 20]]);
  });

  it('widens spans by a margin within the text', () => {
    assert.deepEqual(widen([[10, 20], [150, 180]], 100, 200), [[0, 200]]);
    assert.deepEqual(widen([[500, 600]], 100, 1000), [[400, 700]]);
  });

  it('asks for the visible text first, then the margin around it, then nothing', () => {
    const visible: [number, number][] = [[5000, 5400]];
    assert.deepEqual(nextRequest(visible, [], 10_000, LIMITS), [5000, 5400]);
    assert.deepEqual(nextRequest(visible, [[5000, 5400]], 10_000, LIMITS), [4900, 5000], 'the margin above');
    assert.deepEqual(nextRequest(visible, [[4900, 5400]], 10_000, LIMITS), [5400, 5500], 'and below');
    assert.equal(nextRequest(visible, [[4900, 5500]], 10_000, LIMITS), undefined);
  });

  it('clips to the text, splits long requests and fills short gaps after colours (the pass reads them anyway)', () => {
    assert.deepEqual(nextRequest([[9950, 10_500]], [], 10_000, LIMITS), [9950, 10_000]);
    assert.deepEqual(nextRequest([[0, 5000]], [], 10_000, LIMITS), [0, 1000], 'at most maxChars');
    assert.deepEqual(nextRequest([[2030, 2200]], [[1000, 2000]], 10_000, LIMITS), [2000, 2200], 'a 30-character gap after colours is filled');
    assert.deepEqual(nextRequest([[2100, 2200]], [[1000, 2000]], 10_000, LIMITS), [2100, 2200], 'a longer one is not');
    assert.deepEqual(nextRequest([[40, 300]], [], 10_000, LIMITS), [0, 300], 'the start of the text counts as an end of colours');
    assert.deepEqual(nextRequest([[0, 100], [5000, 5100]], [[0, 100]], 10_000, LIMITS), [5000, 5100], 'every visible range before any margin');
  });

  it('keeps stretches sorted and disjoint: what is already coloured keeps its values', () => {
    const c = new ColorCoverage('0:1', 7);
    assert.ok(c.isEmpty);
    c.add(stretch(100, 200));
    c.add(stretch(0, 50));
    c.add(stretch(150, 300, 0.25)); // overlaps 150..200: only 200..300 is new
    assert.deepEqual(c.spans(), [[0, 50], [100, 300]]);
    assert.deepEqual(c.all.map((s) => [s.from, s.from + s.values.length]), [[0, 50], [100, 200], [200, 300]]);
    assert.equal(c.count, 250);
    assert.equal(c.at(170)!.stretch.values[c.at(170)!.i], 170, 'the first pass\'s value');
    const late = c.at(250)!;
    assert.equal(late.stretch.values[late.i], 250.25, 'the new part of the second pass');
    assert.equal(late.stretch.topIds[late.i], 250, 'its predictions trimmed along');
    assert.equal(c.at(75), undefined);
    assert.equal(c.at(300), undefined);
    assert.deepEqual(c.edges(1000), { starts: [100], ends: [50, 300] });
    assert.deepEqual(c.edges(300), { starts: [100], ends: [50] }, 'no marker at the end of the text');
  });
});
