import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, OPTIMIZER_SLOTS } from '../../../src/engine/io/checkpoint';
import { type CheckpointData, type ResumeState } from '../../../src/engine/io/checkpointData';
import { DEFAULT_SETTINGS, parameterSpecs, type CellType, type ModelConfig, type OptimizerKind } from '../../../src/engine/model/config';
import { InputError } from '../../../src/engine/errors';
import { evaluateText } from '../../../src/engine/evaluate';
import { Model } from '../../../src/engine/model/model';
import { readSafetensors, writeSafetensors, type NamedTensor } from '../../../src/engine/io/safetensors';

import { GOLDEN_DIR as GOLDEN } from '../golden';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.ok(e.message.length > 0 && !e.message.includes('\n'));
    return e.message;
  }
  assert.fail('expected the checkpoint to be refused');
}

let seed = 7;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32 - 0.5;
}
const filled = (n: number) => Float32Array.from({ length: n }, random);

function makeCheckpoint(cell: CellType, optimizer: OptimizerKind | null, layers = 2, hidden = 5): CheckpointData {
  const config: ModelConfig = { cell, hidden, layers, vocab: ['\n', ' ', 'a', 'b', 'é', '😀'], gruResetAfter: cell === 'gru' ? false : true };
  const specs = parameterSpecs(config);
  const weights = new Map(specs.map((s) => [s.name, filled(s.size)]));
  if (!optimizer) return { config, weights };
  const batch = 3;
  const carried = new Map<string, Float32Array>();
  for (let k = 0; k < layers; k++) {
    carried.set(`h_l${k}`, filled(batch * hidden));
    if (cell === 'lstm') carried.set(`c_l${k}`, filled(batch * hidden));
  }
  const resume: ResumeState = {
    settings: { ...DEFAULT_SETTINGS, cell, hidden, layers, batch, optimizer, gruResetAfter: config.gruResetAfter },
    step: 42,
    optimizer: { kind: optimizer, t: 42, slots: new Map(OPTIMIZER_SLOTS[optimizer].map((slot) => [slot, new Map(specs.map((s) => [s.name, filled(s.size)]))])) },
    streamPositions: [0, 17, 90],
    carried,
    rng: [1, 0xffffffff, 3, 4],
    textLength: 100,
    textHash: 'fnv1a:0123abcd',
  };
  return { config, weights, resume };
}

/** Edits a valid checkpoint at the tensor/metadata level and re-serialises it. */
function edit(data: CheckpointData, change: (tensors: NamedTensor[], meta: Map<string, string>) => void): Uint8Array {
  const { tensors, metadata } = readSafetensors(encodeCheckpoint(data));
  const list = [...tensors.values()].map((t) => ({ ...t, data: Float32Array.from(t.data) }));
  const meta = new Map(metadata);
  change(list, meta);
  return writeSafetensors(list, meta);
}

function editJson(key: string, change: (o: Record<string, unknown>) => void) {
  return (_: NamedTensor[], meta: Map<string, string>) => {
    const o = JSON.parse(meta.get(key)!);
    change(o);
    meta.set(key, JSON.stringify(o));
  };
}

describe('checkpoint', () => {
  it('loads every golden checkpoint with its config and the JSON weights', () => {
    for (const f of readdirSync(GOLDEN).filter((n) => n.endsWith('.safetensors'))) {
      const json = JSON.parse(readFileSync(join(GOLDEN, f.replace('.safetensors', '.json')), 'utf8'));
      const ckpt = decodeCheckpoint(readFileSync(join(GOLDEN, f)));
      assert.equal(ckpt.config.cell, json.config.cell, f);
      assert.equal(ckpt.config.hidden, json.config.hidden, f);
      assert.equal(ckpt.config.layers, json.config.layers, f);
      assert.deepEqual(ckpt.config.vocab, json.config.vocab, f);
      if (json.config.cell === 'gru') assert.equal(ckpt.config.gruResetAfter, json.config.gruResetAfter, f);
      assert.equal(ckpt.resume, undefined);
      for (const [name, t] of Object.entries(json.weights) as [string, { data: number[] }][]) {
        assert.deepEqual(ckpt.weights.get(name), Float32Array.from(t.data), `${f} ${name}`);
      }
    }
  });

  it('gives the golden loss when the loaded checkpoint runs over the golden text', () => {
    for (const f of readdirSync(GOLDEN).filter((n) => n.endsWith('.safetensors'))) {
      const json = JSON.parse(readFileSync(join(GOLDEN, f.replace('.safetensors', '.json')), 'utf8'));
      if (json.kind !== 'forward') continue;
      const model = Model.fromCheckpoint(decodeCheckpoint(readFileSync(join(GOLDEN, f))));
      const { loss } = evaluateText(model, json.text);
      assert.ok(Math.abs(loss - json.expected.loss) <= 1e-5 * json.expected.loss, `${f}: ${loss} vs ${json.expected.loss}`);
    }
  });

  it('round-trips model-only and resumable checkpoints exactly, for every cell and optimizer', () => {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      for (const optimizer of [null, 'sgd', 'adagrad', 'adam'] as const) {
        const data = makeCheckpoint(cell, optimizer);
        const bytes = encodeCheckpoint(data);
        const back = decodeCheckpoint(bytes);
        assert.deepEqual(back, data, `${cell} ${optimizer}`);
        assert.deepEqual(encodeCheckpoint(back), bytes);
      }
    }
  });

  it('writes model tensors first in parameterSpecs order, then resume tensors, with plain rnn_lens metadata', () => {
    const data = makeCheckpoint('lstm', 'adam', 1);
    const { tensors, metadata } = readSafetensors(encodeCheckpoint(data));
    const names = [...tensors.keys()];
    const specs = parameterSpecs(data.config).map((s) => s.name);
    assert.deepEqual(names.slice(0, specs.length), specs);
    assert.ok(names.includes('optim.adam.m.rnn.weight_ih_l0'));
    assert.ok(names.includes('state.c_l0'));
    const meta = JSON.parse(metadata.get('rnn_lens')!);
    assert.deepEqual(Object.keys(meta), ['format', 'cell', 'hidden', 'layers', 'vocab']);
    assert.equal(meta.format, 'rnn-lens/1');
    assert.ok(metadata.has('rnn_lens_resume'));
  });

  it('refuses hostile or inconsistent checkpoints with a message naming the problem', () => {
    const lstm = makeCheckpoint('lstm', null);
    const adam = makeCheckpoint('gru', 'adam');
    const model = (c: (o: Record<string, unknown>) => void) => editJson('rnn_lens', c);
    const resume = (c: (o: Record<string, unknown>) => void) => editJson('rnn_lens_resume', c);
    const cases: [CheckpointData, (t: NamedTensor[], m: Map<string, string>) => void, RegExp][] = [
      [lstm, (_, m) => m.delete('rnn_lens'), /no "rnn_lens"/],
      [lstm, (_, m) => m.set('rnn_lens', '{oops'), /not valid JSON/],
      [lstm, (_, m) => m.set('rnn_lens', '[1]'), /not a JSON object/],
      [lstm, model((o) => (o.format = 'rnn-lens/2')), /unsupported checkpoint format "rnn-lens\/2"/],
      [lstm, model((o) => delete o.format), /unsupported checkpoint format/],
      [lstm, model((o) => (o.cell = 'transformer')), /cell must be one of/],
      [lstm, model((o) => (o.hidden = 0)), /hidden must be a whole number/],
      [lstm, model((o) => (o.hidden = 1e12)), /hidden must be a whole number/],
      [lstm, model((o) => (o.hidden = 4.5)), /hidden must be a whole number/],
      [lstm, model((o) => (o.hidden = '5')), /hidden must be a whole number/],
      [lstm, model((o) => (o.layers = 9)), /layers must be a whole number/],
      [lstm, model((o) => (o.vocab = 'ab')), /vocab must be a list/],
      [lstm, model((o) => (o.vocab = ['a'])), /vocab must have 2/],
      [lstm, model((o) => ((o.vocab as string[])[2] = 'zz')), /not a single character/],
      [lstm, model((o) => ((o.vocab as unknown[])[2] = 7)), /not a single character/],
      [lstm, model((o) => ((o.vocab as string[])[2] = '\ud800')), /not a single character/],
      [lstm, model((o) => ((o.vocab as string[])[2] = ' ')), /not sorted/],
      [lstm, model((o) => (o.vocab as string[]).reverse()), /not sorted/],
      [lstm, model((o) => (o.hidden = 6)), /shape .* expected/],
      [lstm, model((o) => (o.cell = 'gru')), /shape .* expected/],
      [lstm, model((o) => (o.layers = 1)), /unexpected tensor rnn.weight_ih_l1/],
      [lstm, (t) => t.splice(3, 1), /missing tensor rnn.bias_hh_l0/],
      [lstm, (t) => t.push({ name: 'rnn.weight_ih_l7', shape: [1], data: new Float32Array(1) }), /unexpected tensor rnn.weight_ih_l7/],
      [lstm, (t) => t.push({ name: 'optim.adam.m.decoder.bias', shape: [6], data: new Float32Array(6) }), /unexpected tensor .* without resume state/],
      [lstm, (t) => (t[8].data[3] = Number.NaN), /decoder.weight holds a non-finite value \(NaN\) at index 3/],
      [lstm, (t) => (t[0].data[0] = Number.POSITIVE_INFINITY), /rnn.weight_ih_l0 holds a non-finite value/],
      [adam, (_, m) => m.set('rnn_lens_resume', 'nope'), /not valid JSON/],
      [adam, resume((o) => (o.format = 'x')), /unsupported resume state format/],
      [adam, resume((o) => delete o.settings), /no settings/],
      [adam, resume((o) => ((o.settings as Record<string, unknown>).lr = -1)), /resume settings are invalid: lr must be between/],
      [adam, resume((o) => ((o.settings as Record<string, unknown>).hidden = 7)), /do not match the model/],
      [adam, resume((o) => ((o.settings as Record<string, unknown>).gruResetAfter = true)), /do not match the model/],
      [adam, resume((o) => (o.step = -1)), /step must be a non-negative whole number/],
      [adam, resume((o) => (o.optimizer = { kind: 'adam', t: 1.5 })), /optimizer.t must be/],
      [adam, resume((o) => (o.optimizer = { kind: 'lbfgs', t: 1 })), /optimizer must be one of/],
      [adam, resume((o) => (o.optimizer = { kind: 'sgd', t: 1 })), /optimizer state is sgd but the settings say adam/],
      [adam, resume((o) => (o.streamPositions = [1, 2])), /must list 3 positions/],
      [adam, resume((o) => (o.streamPositions = [1, 2, 101])), /past the end/],
      [adam, resume((o) => (o.rng = [])), /rng must be/],
      [adam, resume((o) => (o.rng = [2 ** 32, 1, 1, 1])), /rng must be/],
      [adam, resume((o) => (o.rng = [0, 0, 0, 0])), /rng must be/],
      [adam, resume((o) => (o.rng = [1, 2, 3])), /rng must be/],
      [adam, resume((o) => (o.textHash = 5)), /textHash/],
      [adam, resume((o) => delete o.textLength), /textLength must be/],
      [adam, (t) => t.splice(t.findIndex((x) => x.name === 'optim.adam.v.decoder.bias'), 1), /missing optimizer state optim.adam.v.decoder.bias/],
      [adam, (t) => t.splice(t.findIndex((x) => x.name === 'state.h_l1'), 1), /missing carried state state.h_l1/],
      [adam, (t) => { const i = t.findIndex((x) => x.name === 'state.h_l0'); t[i] = { ...t[i], shape: [5, 3] }; }, /carried state state.h_l0 has shape \[5, 3\], expected \[3, 5\]/],
      [adam, (t) => (t.find((x) => x.name === 'optim.adam.m.rnn.bias_ih_l0')!.data[1] = Number.NaN), /optim.adam.m.rnn.bias_ih_l0 holds a non-finite/],
    ];
    for (const [data, change, pattern] of cases) {
      assert.match(refusal(() => decodeCheckpoint(edit(data, change))), pattern, String(change));
    }
  });

  it('refuses every truncation of a real checkpoint and never throws anything but InputError on corruption', () => {
    const bytes = encodeCheckpoint(makeCheckpoint('gru', 'adagrad', 1, 3));
    for (let cut = 0; cut < bytes.length; cut += 3) refusal(() => decodeCheckpoint(bytes.subarray(0, cut)));
    let s = 99;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    for (let trial = 0; trial < 2000; trial++) {
      const b = Uint8Array.from(bytes);
      b[next() % b.length] ^= 1 << (next() % 8);
      try {
        decodeCheckpoint(b);
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
      }
    }
  });

  it('refuses to encode a checkpoint whose weights do not match its config', () => {
    const data = makeCheckpoint('rnn', null);
    const weights = new Map(data.weights);
    weights.delete('decoder.bias');
    assert.match(refusal(() => encodeCheckpoint({ ...data, weights })), /decoder.bias is missing/);
  });
});
