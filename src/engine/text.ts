/**
 * From bytes to the ids the network reads. A "character" is a Unicode code point: an emoji or a
 * Hangul syllable is one character even though JavaScript strings store some of them as two
 * UTF-16 units. The vocabulary is the sorted set of distinct code points, as in the golden files.
 */

import { MAX_VOCAB, type TrainSettings } from './model/config';
import { InputError } from './errors';

/**
 * Strict UTF-8 decoding written out by hand (the engine may not use Node's Buffer, and the error
 * must name the byte offset). Refuses empty input, NUL bytes (a text file never has them; a
 * binary one almost always does) and malformed sequences. A leading byte-order mark is dropped.
 */
export function decodeTextBytes(bytes: Uint8Array): string {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes.length - i === 0) throw new InputError('The file is empty: there is no text to train on.', 'fileEmpty');
  const utf16 = utf16ByteOrder(bytes);
  if (utf16) throw new InputError(`The file is UTF-16 (${utf16} byte-order mark), not UTF-8; save it as UTF-8 and try again.`, 'fileUtf16', { order: utf16 });
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`The file looks binary (NUL byte at offset ${nul}); choose a plain text file.`, 'fileBinary', { offset: nul });
  const units = new Uint16Array(bytes.length); // UTF-16 never needs more units than UTF-8 has bytes
  let n = 0;
  const bad = (at: number): never => {
    const byte = `0x${bytes[at].toString(16).padStart(2, '0')}`;
    throw new InputError(`The file is not valid UTF-8 (bad byte ${byte} at offset ${at}); save it as UTF-8 and try again.`, 'fileBadUtf8', { byte, offset: at });
  };
  while (i < bytes.length) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      units[n++] = b0;
      i += 1;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) { need = 1; cp = b0 & 0x1f; min = 0x80; }
    else if (b0 >= 0xe0 && b0 <= 0xef) { need = 2; cp = b0 & 0x0f; min = 0x800; }
    else if (b0 >= 0xf0 && b0 <= 0xf4) { need = 3; cp = b0 & 0x07; min = 0x10000; }
    else return bad(i);
    if (i + need >= bytes.length) return bad(i); // truncated at the end of the file
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if ((b & 0xc0) !== 0x80) return bad(i + k);
      cp = (cp << 6) | (b & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return bad(i);
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      units[n++] = 0xd800 + (v >> 10);
      units[n++] = 0xdc00 + (v & 0x3ff);
    } else {
      units[n++] = cp;
    }
    i += need + 1;
  }
  let out = '';
  const CHUNK = 8192;
  for (let s = 0; s < n; s += CHUNK) out += String.fromCharCode.apply(null, Array.from(units.subarray(s, Math.min(n, s + CHUNK))));
  return out;
}

/** 'little-endian' or 'big-endian' when the bytes start with a UTF-16 byte-order mark (which UTF-8 text never does). */
function utf16ByteOrder(bytes: Uint8Array): string | null {
  if (bytes.length < 2) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'little-endian';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'big-endian';
  return null;
}

/** Calls fn with each code point of the text, in order. */
function forEachCodePoint(text: string, fn: (cp: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    fn(cp);
  }
}

/** Number of code points (characters) in the text. */
export function codePointLength(text: string): number {
  let n = 0;
  forEachCodePoint(text, () => { n++; });
  return n;
}

/** Characters [start, end) of the text, counted in code points (an emoji is one), like Array.from(text).slice(start, end).join(''). */
export function sliceCodePoints(text: string, start: number, end: number): string {
  let unit = 0;
  let from = -1;
  for (let cp = 0; unit < text.length && cp < end; cp++) {
    if (cp === start) from = unit;
    unit += text.codePointAt(unit)! > 0xffff ? 2 : 1;
  }
  return from < 0 ? '' : text.slice(from, unit);
}

/** The distinct code points of the text, each as a string, sorted by code point value. */
export function buildVocab(text: string): string[] {
  const seen = new Set<number>();
  forEachCodePoint(text, (cp) => { seen.add(cp); });
  return [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
}

/** Shows a character readably in a message (newlines and other invisibles as escapes). */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (ch === ' ') return "' '";
  return JSON.stringify(ch);
}

/** Map from code point to id, for encoding. */
export function vocabIndex(vocab: readonly string[]): Map<number, number> {
  const index = new Map<number, number>();
  vocab.forEach((ch, id) => index.set(ch.codePointAt(0)!, id));
  return index;
}

/** The ids of the text's characters. Characters outside the vocabulary are named in the error (up to five). */
export function encodeText(text: string, vocab: readonly string[]): Int32Array {
  const index = vocabIndex(vocab);
  const ids = new Int32Array(codePointLength(text));
  const unknown = new Set<number>();
  let n = 0;
  forEachCodePoint(text, (cp) => {
    const id = index.get(cp);
    if (id === undefined) unknown.add(cp);
    ids[n++] = id ?? 0;
  });
  if (unknown.size > 0) {
    const shown = [...unknown].slice(0, 5).map((cp) => describeChar(String.fromCodePoint(cp))).join(', ');
    const more = unknown.size > 5 ? ` and ${unknown.size - 5} more` : '';
    throw new InputError(`The text has ${unknown.size} character${unknown.size === 1 ? '' : 's'} the model does not know: ${shown}${more}.`, 'textUnknownChars', { count: unknown.size, shown, more: Math.max(0, unknown.size - 5) });
  }
  return ids;
}

/**
 * The entropy of the character frequencies of the text's first `length` code points, in nats:
 * the cross-entropy of the best model that knows only how often each character occurs (and
 * nothing of the order), the level a character model first has to get below. Between 0 (one
 * character) and ln V (every character equally often).
 */
export function unigramEntropy(text: string, length = Infinity): number {
  const counts = new Map<number, number>();
  let n = 0;
  for (let i = 0; i < text.length && n < length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    counts.set(cp, (counts.get(cp) ?? 0) + 1);
    n++;
  }
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log(c / n);
  return n > 0 ? h : 0;
}

/** How the text splits: the first trainLength characters train, the last valLength validate. */
export function splitLengths(length: number, valFraction: number): { trainLength: number; valLength: number } {
  const valLength = Math.floor(length * valFraction);
  return { trainLength: length - valLength, valLength };
}

/** Training needs every one of the B streams to hold at least one window of T inputs plus its last target. */
export function minTrainLength(settings: Pick<TrainSettings, 'batch' | 'seqLen'>): number {
  return settings.batch * (settings.seqLen + 1);
}

/** Refuses texts that cannot be trained on with these settings, saying what would work. */
export function checkTrainable(text: string, settings: TrainSettings): void {
  const length = codePointLength(text);
  if (length === 0) throw new InputError('The text is empty: there is nothing to train on.', 'textEmpty');
  const vocab = buildVocab(text).length;
  if (vocab < 2) throw new InputError('The text has fewer than 2 distinct characters, so there is nothing to predict; use a longer or more varied text.', 'textFewChars');
  if (vocab > MAX_VOCAB) throw new InputError(`The text has ${vocab} distinct characters, more than the ${MAX_VOCAB} a model can have; is it a text file?`, 'textManyChars', { vocab, max: MAX_VOCAB });
  const need = minTrainLength(settings);
  const { trainLength } = splitLengths(length, settings.valFraction);
  if (trainLength < need) {
    let total = need;
    while (splitLengths(total, settings.valFraction).trainLength < need) total++;
    throw new InputError(
      `The text is too short: ${length} characters, but batch ${settings.batch} × (seqLen ${settings.seqLen} + 1) with valFraction ${settings.valFraction} needs at least ${total}; lower batch or seqLen, or use a longer text.`,
      'textTooShort', { length, batch: settings.batch, seqLen: settings.seqLen, valFraction: settings.valFraction, total },
    );
  }
}

/** A short fingerprint of the ids (two 32-bit FNV-1a hashes), so a resumed run can tell it has the same text. */
export function hashIds(ids: Int32Array): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ ids.length;
  for (let i = 0; i < ids.length; i++) {
    a = Math.imul(a ^ ids[i], 0x01000193) >>> 0;
    b = Math.imul(b ^ (ids[i] + i), 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
