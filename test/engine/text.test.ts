import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { InputError } from '../../src/engine/errors';
import { buildVocab, checkTrainable, decodeTextBytes, encodeText, sliceCodePoints, unigramEntropy } from '../../src/engine/text';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('text: bytes, vocabulary, ids', () => {
  it('decodes UTF-8 like TextDecoder and drops a leading BOM', () => {
    const text = 'héllo 😀 한국어\n';
    assert.equal(decodeTextBytes(utf8(text)), text);
    assert.equal(decodeTextBytes(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8('abc'))), 'abc');
  });
  it('refuses empty, binary and malformed input with a one-line message', () => {
    assert.throws(() => decodeTextBytes(new Uint8Array(0)), (e: Error) => e instanceof InputError && /empty/.test(e.message));
    assert.throws(() => decodeTextBytes(Uint8Array.of(0xef, 0xbb, 0xbf)), /empty/);
    assert.throws(() => decodeTextBytes(Uint8Array.of(0x61, 0, 0x62)), /looks binary \(NUL byte at offset 1\)/);
    assert.throws(() => decodeTextBytes(Uint8Array.of(0x61, 0x62, 0xff)), /not valid UTF-8.*offset 2/);
    assert.throws(() => decodeTextBytes(Uint8Array.of(0x61, 0xc0, 0x80)), /offset 1/); // overlong
    assert.throws(() => decodeTextBytes(Uint8Array.of(0xed, 0xa0, 0x80)), /offset 0/); // surrogate
    assert.throws(() => decodeTextBytes(Uint8Array.of(0x61, 0xe2, 0x82)), /offset 1/); // truncated
    assert.throws(() => decodeTextBytes(Uint8Array.of(0xe2, 0x28, 0xa1)), /offset 1/); // bad continuation
  });
  it('recognises UTF-16 text by its byte-order mark and asks for UTF-8 instead of calling it binary', () => {
    assert.throws(() => decodeTextBytes(Uint8Array.of(0xff, 0xfe, 0x68, 0, 0x69, 0)), /UTF-16 \(little-endian byte-order mark\), not UTF-8; save it as UTF-8/);
    assert.throws(() => decodeTextBytes(Uint8Array.of(0xfe, 0xff, 0, 0x68, 0, 0x69)), /UTF-16 \(big-endian/);
  });
  it('treats an emoji and a Hangul syllable as one character each, sorted by code point', () => {
    const vocab = buildVocab('b😀a한a');
    assert.deepEqual(vocab, ['a', 'b', '한', '😀']);
    assert.deepEqual(Array.from(encodeText('😀한ab', vocab)), [3, 2, 0, 1]);
  });
  it('slices by code points, an emoji counting as one', () => {
    const text = 'a😀b한c😀';
    for (const [start, end] of [[0, 6], [1, 3], [2, 5], [5, 6], [5, 99], [6, 9], [0, 0], [3, 3]]) {
      assert.equal(sliceCodePoints(text, start, end), Array.from(text).slice(start, end).join(''), `[${start}, ${end})`);
    }
  });
  it('names unknown characters', () => {
    assert.throws(() => encodeText('abz\n', ['a', 'b']), (e: Error) => e instanceof InputError && /2 characters.*"z", U\+000A/.test(e.message));
  });
  it('says how long a text must be to train', () => {
    const settings = { ...DEFAULT_SETTINGS, batch: 2, seqLen: 4, valFraction: 0 };
    assert.throws(() => checkTrainable('', settings), /empty/);
    assert.throws(() => checkTrainable('aaaa', settings), /fewer than 2 distinct/);
    assert.throws(() => checkTrainable('abababab', settings), /needs at least 10/);
    checkTrainable('ababababab', settings);
    assert.throws(() => checkTrainable('ababababab', { ...settings, valFraction: 0.5 }), /needs at least 19/);
  });

  it('computes the unigram entropy of the characters (code points), over the first part if asked', () => {
    assert.equal(unigramEntropy('aaaa'), 0);
    assert.ok(Math.abs(unigramEntropy('abab') - Math.log(2)) < 1e-12);
    assert.ok(Math.abs(unigramEntropy('abcd') - Math.log(4)) < 1e-12, 'all equally often: ln V');
    // p = 3/4, 1/4: -(0.75 ln 0.75 + 0.25 ln 0.25)
    assert.ok(Math.abs(unigramEntropy('aaab') - 0.5623351446188083) < 1e-12);
    assert.ok(Math.abs(unigramEntropy('😀😀한a') - unigramEntropy('xxyz')) < 1e-12, 'an emoji counts as one character');
    assert.equal(unigramEntropy('aaaabcd', 4), 0, 'only the first 4 characters');
    assert.equal(unigramEntropy(''), 0);
  });
});
