import * as assert from 'node:assert/strict';
import { parameterSpecs, validateSettings, DEFAULT_SETTINGS, type ModelConfig } from '../../../src/engine/model/config';

describe('config', () => {
  it('lists parameters in PyTorch state_dict order and shapes', () => {
    const config: ModelConfig = { cell: 'lstm', hidden: 8, layers: 2, vocab: ['a', 'b', 'c'], gruResetAfter: true };
    const specs = parameterSpecs(config);
    assert.deepEqual(specs.map((s) => s.name), [
      'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0',
      'rnn.weight_ih_l1', 'rnn.weight_hh_l1', 'rnn.bias_ih_l1', 'rnn.bias_hh_l1',
      'decoder.weight', 'decoder.bias',
    ]);
    assert.deepEqual(specs[0].shape, [32, 3]);
    assert.deepEqual(specs[4].shape, [32, 8]);
    assert.deepEqual(specs[8].shape, [3, 8]);
  });
  it('accepts the defaults and names every bad field', () => {
    assert.deepEqual(validateSettings({ ...DEFAULT_SETTINGS }), []);
    const problems = validateSettings({ ...DEFAULT_SETTINGS, hidden: 0, layers: 2.5, lr: Number.NaN });
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /hidden must be between 1 and 1024/);
  });
});
