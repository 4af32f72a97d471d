/**
 * The lecture's notation in the webviews' text (webview/shared/maths.ts): derivatives with ∂,
 * subscripts and powers as such, and nothing else touched.
 */

import { strict as assert } from 'node:assert';
import { mathParts, mathText } from '../../webview/shared/maths';

describe('maths notation (webview/shared/maths.ts)', () => {
  it('renders the diagnosis\'s cell-state argument with ∂, subscripts and a power', () => {
    assert.deepEqual(mathParts('dL/dc_{t−1} = dL/dc_t ⊙ f_t; f^10 ≈ 0.19'), [
      { kind: 'text', text: '∂L/∂c' }, { kind: 'sub', text: 't−1' }, { kind: 'text', text: ' = ∂L/∂c' }, { kind: 'sub', text: 't' },
      { kind: 'text', text: ' ⊙ f' }, { kind: 'sub', text: 't' }, { kind: 'text', text: '; f' }, { kind: 'sup', text: '10' }, { kind: 'text', text: ' ≈ 0.19' },
    ]);
  });

  it('writes plain Unicode for a canvas', () => {
    assert.equal(mathText('‖dh_t/dh_{t−1}‖ layer 0'), '‖∂hₜ/∂hₜ₋₁‖ layer 0');
    assert.equal(mathText('measured: ‖d(L_63/T)/dh_k‖'), 'measured: ‖∂(L₆₃/T)/∂hₖ‖');
    assert.equal(mathText('W_hh'), 'Wₕₕ');
    // At t = 0 the Jacobian's caption names the state before the window, h_-1.
    assert.equal(mathText('‖dh_0/dh_-1‖ = 0.5'), '‖∂h₀/∂h₋₁‖ = 0.5');
    assert.deepEqual(mathParts('h_−1'), [{ kind: 'text', text: 'h' }, { kind: 'sub', text: '−1' }]);
    // No Unicode subscript for every letter: kept as typed rather than half converted.
    assert.equal(mathText('c_{bq}'), 'c_{bq}');
  });

  it('leaves words, file names and parameter names alone', () => {
    for (const s of ['do dL and dog/dad', 'min_char_rnn.py', 'weight_ih_l0', 'rnnLens.hiddenSize', 'by hand']) assert.equal(mathText(s), s);
  });
});
