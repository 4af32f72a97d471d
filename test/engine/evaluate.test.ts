import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { evaluateText, heldOutLoss, MAX_VALIDATION_CHARS, streamLoss } from '../../src/engine/evaluate';
import { Model } from '../../src/engine/model/model';
import { encodeText } from '../../src/engine/text';
import { Trainer } from '../../src/engine/training/trainer';

const vocab = ['\n', ' ', 'a', 'b', 'c', 'd'];
const model = Model.init({ cell: 'gru', hidden: 4, layers: 1, vocab, gruResetAfter: true }, 3, 1);
function textOf(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += vocab[(i * 5 + (i >> 2)) % vocab.length];
  return s;
}

describe('evaluate: held-out loss and progress', () => {
  it('the validation loss reads at most MAX_VALIDATION_CHARS + 1 held-out characters', () => {
    const ids = encodeText(textOf(MAX_VALIDATION_CHARS + 5000), vocab);
    const capped = streamLoss(model.net, ids.subarray(0, MAX_VALIDATION_CHARS + 1));
    assert.equal(capped.count, MAX_VALIDATION_CHARS);
    assert.equal(heldOutLoss(model.net, ids), capped.lossSum / capped.count);
    const whole = streamLoss(model.net, ids);
    assert.notEqual(heldOutLoss(model.net, ids), whole.lossSum / whole.count, 'the tail past the cap is left out');
    assert.equal(heldOutLoss(model.net, ids.subarray(0, 1)), null);
  });

  it('on a held-out part under the cap it equals the trainer\'s own validation loss', () => {
    const settings = { ...DEFAULT_SETTINGS, cell: 'rnn' as const, hidden: 6, batch: 2, seqLen: 8 };
    const text = textOf(3000);
    const trainer = Trainer.create(text, settings);
    trainer.trainStep();
    const valIds = encodeText(text, trainer.config.vocab).slice(trainer.trainLength);
    assert.equal(heldOutLoss(trainer.model.net, valIds), trainer.validationLoss());
  });

  it('reports progress once per window, ending at the number of predictions', () => {
    const seen: [number, number][] = [];
    const r = evaluateText(model, textOf(1000), { onProgress: (done, total) => seen.push([done, total]) });
    assert.equal(r.chars, 999);
    assert.deepEqual(seen.map(([d]) => d), [256, 512, 768, 999]);
    assert.ok(seen.every(([, total]) => total === 999));
  });
});
