import * as assert from 'node:assert/strict';
import { ablationView } from '../../src/extension/unitAblation';

describe('Ablate Unit summary', () => {
  // Text 'a"bc"d' : the predicted characters 1..5 are '"', 'b', 'c', '"', 'd'; in-quotes is 1 at
  // positions 1, 2, 3 (the opening quote and what follows, not the closing one).
  const text = 'a"bc"d';
  const base = Float64Array.from([1, 1, 1, 1, 1]);
  const held = Float64Array.from([1.3, 1.3, 1.3, 1.1, 1.1]);

  it('averages the change over the predicted characters inside and outside each feature', () => {
    const view = ablationView({ kind: 'ablate', base, held }, text, 'a.txt', 'h 0:1 held at 0', 7);
    const quotes = view.regions.find((r) => r.feature === 'in-quotes')!;
    assert.equal(quotes.insideCount, 3);
    assert.ok(Math.abs(quotes.inside - 0.3) < 1e-12);
    assert.ok(Math.abs(quotes.outside - 0.1) < 1e-12);
    assert.ok(Math.abs(view.meanHeld - view.meanBase - 0.22) < 1e-12);
    assert.equal(view.chars, 6);
  });

  it('puts the feature with the largest inside/outside contrast first and leaves out line-position', () => {
    const view = ablationView({ kind: 'ablate', base, held }, text, 'a.txt', 'h 0:1 held at 0', 7);
    assert.equal(view.regions[0].feature, 'in-quotes');
    assert.ok(!view.regions.some((r) => r.feature === 'line-position'));
  });
});
