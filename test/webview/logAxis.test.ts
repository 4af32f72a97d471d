/**
 * The log axis of the charts (issue 12): ticks at powers of ten or 1-2-5 steps, at least two of
 * them, widening a narrow range to the 1-2-5 values around it.
 */

import { strict as assert } from 'node:assert';
import { logAxis } from '../../webview/shared/logAxis';

describe('log axis ticks (webview/shared/lineChart.ts)', () => {
  it('keeps a range that already holds two ticks', () => {
    const a = logAxis(Math.log10(0.004), Math.log10(0.03));
    assert.deepEqual(a.ticks, [0.005, 0.01, 0.02]);
    assert.equal(a.lo, Math.log10(0.004));
  });

  it('widens a narrow range (Jacobian norms 1.1..1.9) to the 1-2-5 values around it', () => {
    const a = logAxis(Math.log10(1.1), Math.log10(1.9));
    assert.deepEqual(a.ticks, [1, 2]);
    assert.ok(a.lo <= 0 && a.hi >= Math.log10(2) - 1e-12);
  });

  it('widens a range holding one tick (0.95..1.9 holds only 1)', () => {
    assert.deepEqual(logAxis(Math.log10(0.95), Math.log10(1.9)).ticks, [0.5, 1, 2]);
  });

  it('ticks many decades at powers of ten', () => {
    const a = logAxis(-5.2, 1.3);
    assert.ok(a.ticks.length >= 2);
    for (const v of a.ticks) assert.ok(Number.isInteger(Math.log10(v)), `${v} is a power of ten`);
  });
});
