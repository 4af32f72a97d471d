import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/engine/io/checkpoint';
import { readSafetensors } from '../../../src/engine/io/safetensors';
import { readSessionRecord, withSessionRecord, SESSION_METADATA_KEY } from '../../../src/engine/io/sessionRecord';
import { Model } from '../../../src/engine/model/model';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'golden', 'lstm-h8-l1.safetensors');
const record = {
  source: { path: 'file:///work/prose.txt', hash: '0123456789abcdef0123456789abcdef', length: 5115 },
  history: { steps: [1, 2, 5], loss: [4, 3.5, 3], valSteps: [5], valLoss: [3.25] },
};

describe('engine: the session record in a checkpoint (source text and loss history)', () => {
  it('adds one metadata key and changes nothing else: the golden checkpoint decodes to the same model', () => {
    const bytes = new Uint8Array(readFileSync(GOLDEN));
    const withRecord = withSessionRecord(bytes, record);
    const before = decodeCheckpoint(bytes);
    const after = decodeCheckpoint(withRecord);
    assert.deepEqual(after.config, before.config);
    for (const [name, w] of before.weights) assert.deepEqual(after.weights.get(name), w, name);
    const meta = readSafetensors(withRecord).metadata;
    assert.deepEqual([...meta.keys()].sort(), [...readSafetensors(bytes).metadata.keys(), SESSION_METADATA_KEY].sort());
    assert.deepEqual(readSessionRecord(withRecord), record);
    assert.equal(readSessionRecord(bytes), null, 'an older checkpoint has no record');
  });

  it('replaces an earlier record, and keeps the resume state of a training checkpoint', () => {
    const model = Model.init({ cell: 'rnn', hidden: 3, layers: 1, vocab: ['a', 'b'], gruResetAfter: true }, 1, 1);
    const bytes = encodeCheckpoint({ config: model.config, weights: model.weights() });
    const twice = withSessionRecord(withSessionRecord(bytes, record), { history: { steps: [9], loss: [1], valSteps: [], valLoss: [] } });
    assert.deepEqual(readSessionRecord(twice), { history: { steps: [9], loss: [1], valSteps: [], valLoss: [] } });
  });

  it('reads a malformed record as none rather than refusing the model', () => {
    const bytes = new Uint8Array(readFileSync(GOLDEN));
    for (const bad of [
      { history: { ...record.history, steps: [5, 2, 1] } },
      { history: { ...record.history, loss: [4, 3.5] } },
      { source: { ...record.source, hash: 'not hex!' } },
    ]) {
      const r = readSessionRecord(withSessionRecord(bytes, bad as unknown as typeof record));
      assert.ok(r !== null && (bad.history ? r.history === undefined : r.source === undefined), JSON.stringify(bad));
    }
    assert.equal(readSessionRecord(new Uint8Array([1, 2, 3])), null);
  });
});
