import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../src/engine/config';
import { InputError } from '../../src/engine/errors';
import { buildVocab, checkTrainable, decodeTextBytes, encodeText } from '../../src/engine/text';

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
  it('treats an emoji and a Hangul syllable as one character each, sorted by code point', () => {
    const vocab = buildVocab('b😀a한a');
    assert.deepEqual(vocab, ['a', 'b', '한', '😀']);
    assert.deepEqual(Array.from(encodeText('😀한ab', vocab)), [3, 2, 0, 1]);
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
});
