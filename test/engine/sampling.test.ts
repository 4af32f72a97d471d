import * as assert from 'node:assert/strict';
import { type ModelConfig } from '../../src/engine/model/config';
import { InputError } from '../../src/engine/errors';
import { evaluateText } from '../../src/engine/evaluate';
import { Model } from '../../src/engine/model/model';
import { sampleText } from '../../src/engine/sampling';
import { forwardWindow } from '../../src/engine/model/bptt';
import { Workspace } from '../../src/engine/model/workspace';
import { encodeText } from '../../src/engine/text';
import { softmaxCrossEntropy } from '../../src/engine/model/loss';

const config: ModelConfig = { cell: 'gru', hidden: 16, layers: 2, vocab: [' ', 'a', 'b', 'c', 'd', '한', '😀'], gruResetAfter: true };

describe('sampling and evaluation', () => {
  const model = Model.init(config, 3, 1);

  it('temperature 0 is greedy argmax, and deterministic', () => {
    const a = sampleText(model, { length: 40, temperature: 0, prime: 'ab', seed: 1 });
    const b = sampleText(model, { length: 40, temperature: 0, prime: 'ab', seed: 99 });
    assert.equal(a, b, 'the seed does not matter at temperature 0');
    assert.ok(a.startsWith('ab'));
    assert.equal([...a].length, 42);
    // Replay: each generated character is the argmax after reading everything before it.
    const chars = [...a];
    const ws = new Workspace(model.net, 1, 1);
    ws.resetState();
    const ids = encodeText(a, config.vocab);
    for (let i = 0; i + 1 < ids.length; i++) {
      if (i > 0) ws.carryState();
      ws.ids[0] = ids[i];
      forwardWindow(model.net, ws);
      if (i >= 1) {
        let best = 0;
        for (let v = 1; v < config.vocab.length; v++) if (ws.probs[v] > ws.probs[best]) best = v;
        assert.equal(config.vocab[best], chars[i + 1], `character ${i + 1}`);
      }
    }
  });

  it('a greedy sample without a prime starts from the first vocabulary character, whatever the seed', () => {
    const samples = [1, 2, 3].map((seed) => sampleText(model, { length: 25, temperature: 0, seed }));
    assert.equal(new Set(samples).size, 1);
    assert.ok(samples[0].startsWith(config.vocab[0]));
    assert.equal(samples[0], sampleText(model, { length: 25, temperature: 0, prime: config.vocab[0], seed: 4 }).slice(0, samples[0].length));
  });

  it('the same seed gives the same text, another seed another text; top-k 1 is greedy', () => {
    const opts = { length: 200, temperature: 1.2, seed: 7 };
    assert.equal(sampleText(model, opts), sampleText(model, opts));
    assert.notEqual(sampleText(model, opts), sampleText(model, { ...opts, seed: 8 }));
    assert.equal([...sampleText(model, opts)].length, 200);
    assert.equal(sampleText(model, { length: 30, temperature: 1, topK: 1, prime: 'a', seed: 2 }), sampleText(model, { length: 30, temperature: 0, prime: 'a', seed: 5 }));
  });

  it('refuses prime characters outside the vocabulary', () => {
    assert.throws(() => sampleText(model, { length: 5, temperature: 1, prime: 'xa', seed: 1 }), (e: Error) => e instanceof InputError && /"x"/.test(e.message));
  });

  it('evaluates loss, bits per character and perplexity; names or skips unknown characters', () => {
    const r = evaluateText(model, 'abc 한😀 dab');
    assert.equal(r.chars, 9);
    assert.equal(r.skipped, 0);
    assert.ok(Math.abs(r.bitsPerChar - r.loss / Math.LN2) < 1e-12);
    assert.ok(Math.abs(r.perplexity - Math.exp(r.loss)) < 1e-9);
    assert.ok(r.loss > 1 && r.loss < 3, `an untrained model is near log(7) = 1.95: ${r.loss}`);
    assert.throws(() => evaluateText(model, 'abxc'), /does not know.*"x"/);
    const skipped = evaluateText(model, 'abxc 한😀 dab', { skipUnknown: true });
    assert.equal(skipped.skipped, 1);
    // Long texts are read in windows with the state carried: same result as one long read.
    const long = 'abcd 한😀 '.repeat(80);
    const whole = evaluateText(model, long);
    assert.equal(whole.chars, [...long].length - 1);
    const ids = encodeText(long, config.vocab);
    const ws = new Workspace(model.net, 1, ids.length - 1);
    ws.ids.set(ids.subarray(0, ids.length - 1));
    ws.targets.set(ids.subarray(1));
    forwardWindow(model.net, ws);
    const oneRead = softmaxCrossEntropy(ws.probs, null, ws.rowLoss, ws.targets, ws.rows, config.vocab.length, 0) / ws.rows;
    assert.ok(Math.abs(whole.loss - oneRead) < 1e-6, `${whole.loss} vs ${oneRead}`);
  });

  it('Model exposes weights by PyTorch name and the parameter count', () => {
    const w = model.weights();
    assert.equal(w.get('rnn.weight_hh_l1')!.length, 3 * 16 * 16);
    let total = 0;
    for (const t of w.values()) total += t.length;
    assert.equal(total, model.paramCount);
    const copy = Model.fromCheckpoint({ config, weights: w });
    assert.deepEqual(Array.from(copy.params), Array.from(model.params));
    const bound = 1 / 4;
    assert.ok(Array.from(model.params).every((x) => Math.abs(x) <= bound));
  });
});
