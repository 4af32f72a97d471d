import * as assert from 'node:assert/strict';
import { parseHostToUnits, parseUnitsToHost, unitName } from '../../src/protocol/units';

describe('Find Units messages', () => {
  const result = {
    type: 'units', fileName: 'a.py', step: 400, cell: 'lstm', positions: 3589,
    features: [{ name: 'in-quotes', spark: [0, 0.5, null], units: [{ layer: 0, state: 'c', unit: 46, r: -0.36, spark: [1, 2, 3] }] }],
  };

  it('accepts a result and reads NaN (null in JSON) back', () => {
    const parsed = parseHostToUnits(result);
    assert.ok(parsed && parsed.type === 'units');
    assert.ok(Number.isNaN(parsed.features[0].spark[2]));
    assert.equal(parsed.features[0].units[0].unit, 46);
  });

  it('refuses a unit outside the bounds of a model, an r above 1 or an unknown state', () => {
    const unit = (u: object) => ({ ...result, features: [{ ...result.features[0], units: [{ ...result.features[0].units[0], ...u }] }] });
    assert.equal(parseHostToUnits(unit({ layer: 4 })), null);
    assert.equal(parseHostToUnits(unit({ r: 1.5 })), null);
    assert.equal(parseHostToUnits(unit({ state: 'x' })), null);
  });

  it('takes only the actions the view offers, on a well-formed unit', () => {
    assert.deepEqual(parseUnitsToHost({ type: 'unit', action: 'ablate', layer: 1, state: 'h', unit: 3, extra: 'dropped' }), { type: 'unit', action: 'ablate', layer: 1, state: 'h', unit: 3 });
    assert.equal(parseUnitsToHost({ type: 'unit', action: 'delete', layer: 1, state: 'h', unit: 3 }), null);
    assert.deepEqual(parseUnitsToHost({ type: 'cancel', extra: 1 }), { type: 'cancel' });
    assert.equal(parseUnitsToHost({ type: 'unit', action: 'paint', layer: -1, state: 'h', unit: 3 }), null);
    assert.deepEqual(parseUnitsToHost({ type: 'removeFeature', name: 'digits' }), { type: 'removeFeature', name: 'digits' });
  });

  it('names a unit as the hold syntax does, without the value', () => {
    assert.equal(unitName({ state: 'c', layer: 1, unit: 5 }), 'c 1:5');
  });
});
