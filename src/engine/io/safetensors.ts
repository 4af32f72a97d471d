/**
 * The safetensors container, byte by byte (https://github.com/huggingface/safetensors):
 *
 *   [8 bytes: header length N, unsigned little-endian]
 *   [N bytes: UTF-8 JSON object { name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string} }]
 *   [raw tensor bytes, little-endian, offsets relative to the end of the header]
 *
 * The reader trusts nothing: a checkpoint may come from anywhere, so every length and offset is
 * checked against the bytes actually present before anything is allocated, and every problem is
 * an InputError whose message a user can act on. Only float32 (`F32`) tensors are accepted: that
 * is what RNN Lens writes and what `model.float()` in PyTorch produces.
 *
 * Pure code: no Node built-ins (not even TextEncoder), so the engine, the worker and the webview can all use it.
 */

import { InputError } from '../errors';

/** A float32 tensor with its row-major shape. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsContents {
  /** Tensors in the order of their data in the file. */
  readonly tensors: ReadonlyMap<string, NamedTensor>;
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: ReadonlyMap<string, string>;
}

/** A header larger than this is refused before it is decoded: real headers are a few kilobytes. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/** More dimensions than this is not a tensor any RNN Lens model has. */
const MAX_RANK = 8;
const F32_BYTES = 4;
const METADATA_KEY = '__metadata__';

/** Serialises tensors (in the given order) and string metadata. The header is padded with spaces to a multiple of 8 bytes, as the reference writer does, so the data starts aligned. */
export function writeSafetensors(tensors: readonly NamedTensor[], metadata: ReadonlyMap<string, string> | Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  const metaEntries = metadata instanceof Map ? [...metadata.entries()] : Object.entries(metadata);
  if (metaEntries.length > 0) header[METADATA_KEY] = Object.fromEntries(metaEntries);
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY || Object.prototype.hasOwnProperty.call(header, t.name)) {
      throw new InputError(`cannot write tensor name "${t.name}" twice or as a reserved key`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new InputError(`tensor ${t.name} has ${t.data.length} values but shape [${t.shape.join(', ')}]`);
    const bytes = size * F32_BYTES;
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = encodeUtf8(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, pos += F32_BYTES) view.setFloat32(pos, t.data[i], true);
  }
  return out;
}

/** Parses and checks a safetensors file. Throws InputError (never anything else) when the bytes are not a well-formed float32 safetensors file. */
export function readSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) throw new InputError(`not a safetensors file: ${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  // Read as two 32-bit words so a hostile 2^64 length never becomes an imprecise float.
  if (high !== 0 || low > MAX_HEADER_BYTES) throw new InputError(`not a safetensors file: header length ${high * 2 ** 32 + low} is over the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLength = low;
  if (headerLength < 2) throw new InputError(`not a safetensors file: header length ${headerLength} is too small for a JSON object`);
  if (8 + headerLength > bytes.length) throw new InputError(`truncated safetensors file: header says ${headerLength} bytes but only ${bytes.length - 8} follow`);

  const headerText = decodeUtf8(bytes.subarray(8, 8 + headerLength));
  if (headerText === null) throw new InputError('not a safetensors file: the header is not valid UTF-8');
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch {
    throw new InputError('not a safetensors file: the header is not valid JSON');
  }
  if (!isPlainObject(header)) throw new InputError('not a safetensors file: the header is not a JSON object');

  const metadata = readMetadata(header[METADATA_KEY]);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  interface Entry { name: string; shape: number[]; begin: number; end: number }
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    if (!isPlainObject(raw)) throw new InputError(`safetensors header entry "${clip(name)}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = raw;
    if (typeof dtype !== 'string') throw new InputError(`tensor ${clip(name)} has no dtype`);
    if (dtype !== 'F32') throw new InputError(`tensor ${clip(name)} has dtype ${clip(dtype)}; only F32 (float32) is supported (in PyTorch: model.float() before saving)`, 'tensorNotF32', { name: clip(name), dtype: clip(dtype) });
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isCount)) {
      throw new InputError(`tensor ${clip(name)} has a malformed shape (expected a list of at most ${MAX_RANK} non-negative integers)`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw new InputError(`tensor ${clip(name)} has malformed data_offsets (expected [begin, end] with begin <= end)`);
    }
    const [begin, end] = offsets as number[];
    if (end > dataLength) throw new InputError(`truncated safetensors file: tensor ${clip(name)} ends at byte ${end} of the data but only ${dataLength} are present`);
    // Multiply dimension by dimension, stopping as soon as it exceeds what the file could hold.
    let elements = 1;
    for (const d of shape as number[]) {
      elements *= d;
      if (elements * F32_BYTES > dataLength) break;
    }
    if (elements * F32_BYTES !== end - begin) {
      throw new InputError(`tensor ${clip(name)}: shape [${(shape as number[]).join(', ')}] needs ${elements * F32_BYTES} bytes but its data_offsets span ${end - begin}`);
    }
    entries.push({ name, shape: shape as number[], begin, end });
  }

  // The data must be exactly the tensors laid end to end: no gaps, no overlap, nothing after.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin < expected) throw new InputError(`tensor ${clip(e.name)} overlaps the tensor before it in the data`);
    if (e.begin > expected) throw new InputError(`gap in the safetensors data before tensor ${clip(e.name)} (bytes ${expected} to ${e.begin} belong to no tensor)`);
    expected = e.end;
  }
  if (expected !== dataLength) throw new InputError(`safetensors data has ${dataLength - expected} bytes after the last tensor (file damaged or not written by a safetensors writer)`);

  const tensors = new Map<string, NamedTensor>();
  for (const e of entries) {
    const data = new Float32Array((e.end - e.begin) / F32_BYTES);
    // DataView copies with an explicit byte order and no alignment requirement.
    for (let i = 0, pos = dataStart + e.begin; i < data.length; i++, pos += F32_BYTES) data[i] = view.getFloat32(pos, true);
    tensors.set(e.name, { name: e.name, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function readMetadata(raw: unknown): Map<string, string> {
  const metadata = new Map<string, string>();
  if (raw === undefined || raw === null) return metadata;
  if (!isPlainObject(raw)) throw new InputError('safetensors __metadata__ is not an object of strings');
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw new InputError(`safetensors __metadata__ value for "${clip(k)}" is not a string`);
    metadata.set(k, v);
  }
  return metadata;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Hostile names can be megabytes long; messages show at most a short prefix. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** UTF-8 encoding of a JS string (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/** Strict UTF-8 decoding; null on any malformed, overlong or surrogate sequence. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const b0 = bytes[i];
    let cp: number;
    let extra: number;
    let min: number;
    if (b0 < 0x80) { cp = b0; extra = 0; min = 0; }
    else if (b0 >= 0xc2 && b0 < 0xe0) { cp = b0 & 0x1f; extra = 1; min = 0x80; }
    else if (b0 >= 0xe0 && b0 < 0xf0) { cp = b0 & 0x0f; extra = 2; min = 0x800; }
    else if (b0 >= 0xf0 && b0 < 0xf5) { cp = b0 & 0x07; extra = 3; min = 0x10000; }
    else return null;
    if (i + extra >= bytes.length) return null;
    for (let k = 1; k <= extra; k++) {
      const b = bytes[i + k];
      if ((b & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    i += extra + 1;
    chunk.push(cp);
    if (chunk.length >= 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}
