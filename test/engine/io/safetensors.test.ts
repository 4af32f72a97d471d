import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src/engine/errors';
import { MAX_HEADER_BYTES, decodeUtf8, encodeUtf8, readSafetensors, writeSafetensors } from '../../../src/engine/io/safetensors';

import { GOLDEN_DIR as GOLDEN } from '../golden';

/** Runs fn and returns the InputError message; fails if it succeeds or throws anything else. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.ok(e.message.length > 0 && !e.message.includes('\n'), `message should be one line: ${e.message}`);
    return e.message;
  }
  assert.fail('expected the input to be refused');
}

/** A file from a header value (any JSON) and raw data bytes, padded like the reference writer. */
function fileFrom(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + data.length);
  new DataView(out.buffer).setUint32(0, n, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  out.set(data, 8 + n);
  return out;
}

const twoTensors = () => writeSafetensors(
  [
    { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    { name: 'b', shape: [2], data: Float32Array.from([-0.5, 1e-30]) },
  ],
  { note: 'hello' },
);

describe('safetensors', () => {
  it('round-trips tensors and metadata exactly, header padded with spaces to 8 bytes', () => {
    const bytes = twoTensors();
    const n = new DataView(bytes.buffer).getUint32(0, true);
    assert.equal(n % 8, 0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
    assert.deepEqual(header.a, { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header.b, { dtype: 'F32', shape: [2], data_offsets: [24, 32] });
    const back = readSafetensors(bytes);
    assert.deepEqual([...back.tensors.keys()], ['a', 'b']);
    assert.deepEqual(back.tensors.get('a')!.data, Float32Array.from([1, 2, 3, 4, 5, 6]));
    assert.deepEqual(back.tensors.get('b')!.data, Float32Array.from([-0.5, 1e-30]));
    assert.equal(back.metadata.get('note'), 'hello');
  });

  it('reads a tensor from an unaligned buffer view', () => {
    const bytes = twoTensors();
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    assert.deepEqual(readSafetensors(shifted.subarray(1)).tensors.get('b')!.data, Float32Array.from([-0.5, 1e-30]));
  });

  it('reads every golden file with the same numbers as the JSON', () => {
    const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.safetensors'));
    assert.ok(files.length >= 5);
    for (const f of files) {
      const json = JSON.parse(readFileSync(join(GOLDEN, f.replace('.safetensors', '.json')), 'utf8'));
      const { tensors, metadata } = readSafetensors(readFileSync(join(GOLDEN, f)));
      assert.ok(metadata.has('rnn_lens'), f);
      assert.deepEqual(new Set(tensors.keys()), new Set(Object.keys(json.weights)), f);
      for (const [name, t] of Object.entries(json.weights) as [string, { shape: number[]; data: number[] }][]) {
        assert.deepEqual(tensors.get(name)!.shape, t.shape, `${f} ${name}`);
        assert.deepEqual(tensors.get(name)!.data, Float32Array.from(t.data), `${f} ${name}`);
      }
    }
  });

  it('writes byte-identical data to the reference writer for a golden file', () => {
    const golden = new Uint8Array(readFileSync(join(GOLDEN, 'lstm-h8-l1.safetensors')));
    const { tensors, metadata } = readSafetensors(golden);
    const again = writeSafetensors([...tensors.values()], metadata);
    const tail = (b: Uint8Array) => b.subarray(8 + new DataView(b.buffer, b.byteOffset).getUint32(0, true));
    assert.deepEqual(tail(again), tail(golden));
  });

  it('refuses short, truncated and oversize-header files with a message', () => {
    const bytes = twoTensors();
    for (let cut = 0; cut < bytes.length; cut++) refusal(() => readSafetensors(bytes.subarray(0, cut)));
    assert.match(refusal(() => readSafetensors(new Uint8Array(7))), /shorter than the 8-byte/);
    const forHeader = (low: number, high: number) => {
      const b = Uint8Array.from(bytes);
      const v = new DataView(b.buffer);
      v.setUint32(0, low, true);
      v.setUint32(4, high, true);
      return b;
    };
    assert.match(refusal(() => readSafetensors(forHeader(0, 2 ** 21))), /over the/); // 2^53
    assert.match(refusal(() => readSafetensors(forHeader(0xffffffff, 0xffffffff))), /over the/);
    assert.match(refusal(() => readSafetensors(forHeader(MAX_HEADER_BYTES + 1, 0))), /over the/);
    assert.match(refusal(() => readSafetensors(forHeader(bytes.length, 0))), /truncated/);
    refusal(() => readSafetensors(forHeader(0, 0)));
    refusal(() => readSafetensors(forHeader(1, 0)));
  });

  it('refuses malformed headers, naming the problem', () => {
    const four = new Uint8Array(16);
    const cases: [unknown, RegExp][] = [
      ['[1, 2]', /not a JSON object/],
      ['"text"', /not a JSON object/],
      ['null', /not a JSON object/],
      ['{"a": ', /not valid JSON/],
      [{ a: 5 }, /not an object/],
      [{ a: { shape: [4], data_offsets: [0, 16] } }, /no dtype/],
      [{ a: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }, /dtype F16; only F32/],
      [{ a: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, /only F32/],
      [{ a: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }, /malformed shape/],
      [{ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 16] } }, /malformed shape/],
      [{ a: { dtype: 'F32', shape: '4', data_offsets: [0, 16] } }, /malformed shape/],
      [{ a: { dtype: 'F32', shape: [1, 1, 1, 1, 1, 1, 1, 1, 1, 4], data_offsets: [0, 16] } }, /malformed shape/],
      [{ a: { dtype: 'F32', shape: [4], data_offsets: [16, 0] } }, /malformed data_offsets/],
      [{ a: { dtype: 'F32', shape: [4], data_offsets: [0] } }, /malformed data_offsets/],
      [{ a: { dtype: 'F32', shape: [4], data_offsets: [0, 2 ** 60] } }, /malformed data_offsets|truncated/],
      [{ a: { dtype: 'F32', shape: [4], data_offsets: [0, 32] } }, /truncated/],
      [{ a: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, /needs 12 bytes/],
      [{ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 16] } }, /needs/],
      [{ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, /overlaps|bytes after/],
      [{ a: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, /gap/],
      [{ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, /8 bytes after the last tensor/],
      [{ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, __metadata__: [1] }, /__metadata__/],
      [{ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, __metadata__: { k: 1 } }, /not a string/],
    ];
    for (const [header, pattern] of cases) {
      assert.match(refusal(() => readSafetensors(fileFrom(header, four))), pattern, JSON.stringify(header));
    }
    const notUtf8 = fileFrom('{"a":1}', four);
    notUtf8[9] = 0xff;
    assert.match(refusal(() => readSafetensors(notUtf8)), /UTF-8/);
  });

  it('never throws anything but InputError on random byte corruption', () => {
    const original = twoTensors();
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let refused = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const b = Uint8Array.from(original);
      const flips = 1 + (next() % 3);
      for (let i = 0; i < flips; i++) b[next() % b.length] ^= 1 << (next() % 8);
      try {
        readSafetensors(b);
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
        refused++;
      }
    }
    assert.ok(refused > 1000, `most corruptions should be refused (${refused})`);
  });

  it('encodes and decodes UTF-8 like Node, and rejects malformed sequences', () => {
    const s = 'héllo 패턴 😀 \u0000 \uffff';
    assert.deepEqual(Buffer.from(encodeUtf8(s)), Buffer.from(s, 'utf8'));
    assert.equal(decodeUtf8(Buffer.from(s, 'utf8')), s);
    for (const bad of [[0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]]) {
      assert.equal(decodeUtf8(Uint8Array.from(bad)), null, JSON.stringify(bad));
    }
  });
});
