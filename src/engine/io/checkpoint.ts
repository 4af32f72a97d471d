/**
 * Checkpoints: CheckpointData <-> safetensors bytes.
 *
 * The model lives in tensors named exactly as PyTorch's state_dict names them (`rnn.*`,
 * `decoder.*`), described by one metadata key `rnn_lens` = JSON {format, cell, hidden, layers,
 * vocab, gruResetAfter (GRU only)}. A training run adds what it needs to continue bit for bit:
 *
 *   tensors   `optim.<kind>.<slot>.<param>`  optimizer state, e.g. optim.adam.m.rnn.weight_ih_l0
 *             `state.h_l<k>`, `state.c_l<k>` the carried hidden (and LSTM cell) state, [B, H]
 *   metadata  `rnn_lens_resume` = JSON {format, settings, step, optimizer: {kind, t},
 *             streamPositions, rng, textLength, textHash}
 *
 * PyTorch's `safetensors.torch.load_file` reads every file this writes; a resumable one has those
 * extra keys, so keep only `rnn.*`/`decoder.*` before `load_state_dict` (or pass strict=False).
 *
 * Decoding validates everything (shapes against the stated config, finiteness, the vocabulary,
 * the resume state against the settings) and throws InputError naming the first problem.
 */

import { type CheckpointData, type ResumeState } from './checkpointData';
import { CELL_TYPES, MAX_VOCAB, OPTIMIZER_KINDS, SETTING_BOUNDS, parameterSpecs, validateSettings, type CellType, type ModelConfig, type OptimizerKind, type TrainSettings } from '../model/config';
import { InputError } from '../errors';
import { readSafetensors, writeSafetensors, type NamedTensor } from './safetensors';

export const CHECKPOINT_FORMAT = 'rnn-lens/1';
export const RESUME_FORMAT = 'rnn-lens-resume/1';
export const MODEL_METADATA_KEY = 'rnn_lens';
export const RESUME_METADATA_KEY = 'rnn_lens_resume';

/** The optimizer state slots each optimizer keeps per parameter. */
export const OPTIMIZER_SLOTS: Readonly<Record<OptimizerKind, readonly string[]>> = { sgd: [], adagrad: ['sum'], adam: ['m', 'v'] };

/** No real vocabulary is bigger than this (Unicode has ~150k assigned characters). */
const SETTING_KEYS: readonly (keyof TrainSettings)[] = [
  'cell', 'hidden', 'layers', 'seqLen', 'batch', 'optimizer', 'lr', 'clipNorm', 'clipValue', 'valFraction', 'seed', 'forgetBias', 'gruResetAfter',
];
/** The engine's PRNG (xoshiro128**) keeps four 32-bit words, not all zero. */
const RNG_WORDS = 4;

/** Serialises a checkpoint; the model tensors come first, in parameterSpecs order. */
export function encodeCheckpoint(data: CheckpointData): Uint8Array {
  const config = checkModelConfig(data.config);
  const specs = parameterSpecs(config);
  const tensors: NamedTensor[] = specs.map((spec) => {
    const w = data.weights.get(spec.name);
    if (!w) throw new InputError(`cannot save checkpoint: weight ${spec.name} is missing`);
    if (w.length !== spec.size) throw new InputError(`cannot save checkpoint: weight ${spec.name} has ${w.length} values, expected ${spec.size}`);
    return { name: spec.name, shape: spec.shape, data: w };
  });
  const metadata = new Map<string, string>([[MODEL_METADATA_KEY, JSON.stringify(modelMetadata(config))]]);
  if (data.resume) {
    const r = data.resume;
    for (const slot of [...r.optimizer.slots.keys()].sort()) {
      const bySlot = r.optimizer.slots.get(slot)!;
      for (const spec of specs) {
        const v = bySlot.get(spec.name);
        if (!v) throw new InputError(`cannot save checkpoint: optimizer slot ${slot} has no ${spec.name}`);
        tensors.push({ name: `optim.${r.optimizer.kind}.${slot}.${spec.name}`, shape: spec.shape, data: v });
      }
    }
    for (const key of [...r.carried.keys()].sort(byLayerThenKind)) {
      const v = r.carried.get(key)!;
      tensors.push({ name: `state.${key}`, shape: [r.settings.batch, config.hidden], data: v });
    }
    metadata.set(RESUME_METADATA_KEY, JSON.stringify({
      format: RESUME_FORMAT,
      settings: r.settings,
      step: r.step,
      optimizer: { kind: r.optimizer.kind, t: r.optimizer.t },
      streamPositions: r.streamPositions,
      rng: r.rng,
      textLength: r.textLength,
      textHash: r.textHash,
    }));
  }
  return writeSafetensors(tensors, metadata);
}

/** Reads and fully validates a checkpoint. Throws InputError with a one-line reason. */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointData {
  try {
    return decode(bytes);
  } catch (error) {
    // Each of the many ways a file can be damaged keeps its own English detail; the extension
    // says "damaged or not an RNN Lens model" in the display language around it.
    if (error instanceof InputError && error.code === undefined) throw new InputError(error.message, 'checkpointInvalid', { detail: error.message });
    throw error;
  }
}

function decode(bytes: Uint8Array): CheckpointData {
  const { tensors, metadata } = readSafetensors(bytes);
  const rawModel = metadata.get(MODEL_METADATA_KEY);
  if (rawModel === undefined) throw new InputError(`not an RNN Lens checkpoint: the safetensors metadata has no "${MODEL_METADATA_KEY}" entry`, 'notCheckpoint', { key: MODEL_METADATA_KEY });
  const config = parseModelMetadata(rawModel);
  const specs = parameterSpecs(config);

  const used = new Set<string>();
  const take = (name: string, shape: readonly number[], what: string): Float32Array => {
    const t = tensors.get(name);
    if (!t) throw new InputError(`checkpoint is missing ${what} ${name}`);
    if (!sameShape(t.shape, shape)) throw new InputError(`checkpoint ${what} ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}] for ${describe(config)}`);
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new InputError(`checkpoint ${what} ${name} holds a non-finite value (${t.data[bad]}) at index ${bad}`);
    used.add(name);
    return t.data;
  };

  const weights = new Map<string, Float32Array>();
  for (const spec of specs) weights.set(spec.name, take(spec.name, spec.shape, 'tensor'));

  const rawResume = metadata.get(RESUME_METADATA_KEY);
  const resume = rawResume === undefined ? undefined : parseResume(rawResume, config, take);

  for (const name of tensors.keys()) {
    if (!used.has(name)) {
      throw new InputError(`checkpoint has an unexpected tensor ${name.length > 60 ? `${name.slice(0, 57)}...` : name} (not part of ${describe(config)}${resume ? '' : ' without resume state'})`);
    }
  }
  return resume ? { config, weights, resume } : { config, weights };
}

/** The `rnn_lens` metadata object for a config (gruResetAfter only for GRU, as the format says). */
export function modelMetadata(config: ModelConfig): Record<string, unknown> {
  const meta: Record<string, unknown> = { format: CHECKPOINT_FORMAT, cell: config.cell, hidden: config.hidden, layers: config.layers, vocab: [...config.vocab] };
  if (config.cell === 'gru') meta.gruResetAfter = config.gruResetAfter;
  return meta;
}

function parseModelMetadata(raw: string): ModelConfig {
  const meta = parseJsonObject(raw, MODEL_METADATA_KEY);
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new InputError(`unsupported checkpoint format ${JSON.stringify(meta.format)?.slice(0, 40) ?? 'undefined'} (this version reads ${CHECKPOINT_FORMAT})`);
  }
  const cell = meta.cell;
  if (typeof cell !== 'string' || !(CELL_TYPES as readonly string[]).includes(cell)) {
    throw new InputError(`checkpoint cell must be one of ${CELL_TYPES.join(', ')} (got ${short(cell)})`);
  }
  let gruResetAfter = true;
  if (meta.gruResetAfter !== undefined) {
    if (typeof meta.gruResetAfter !== 'boolean') throw new InputError(`checkpoint gruResetAfter must be true or false (got ${short(meta.gruResetAfter)})`);
    gruResetAfter = meta.gruResetAfter;
  }
  // A GRU checkpoint without the flag is taken as PyTorch's nn.GRU form (reset after).
  return checkModelConfig({ cell: cell as CellType, hidden: meta.hidden as number, layers: meta.layers as number, vocab: meta.vocab as string[], gruResetAfter });
}

/** Checks a config's numbers and vocabulary; returns it unchanged or throws InputError. */
export function checkModelConfig(config: ModelConfig): ModelConfig {
  for (const key of ['hidden', 'layers'] as const) {
    const v: unknown = config[key];
    const b = SETTING_BOUNDS[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < b.min || v > b.max) {
      throw new InputError(`checkpoint ${key} must be a whole number from ${b.min} to ${b.max} (got ${short(v)})`);
    }
  }
  const vocab: unknown = config.vocab;
  if (!Array.isArray(vocab)) throw new InputError('checkpoint vocab must be a list of characters');
  if (vocab.length < 2 || vocab.length > MAX_VOCAB) throw new InputError(`checkpoint vocab must have 2 to ${MAX_VOCAB} characters (has ${vocab.length})`);
  let previous = -1;
  for (let i = 0; i < vocab.length; i++) {
    const ch: unknown = vocab[i];
    const cp = typeof ch === 'string' ? ch.codePointAt(0) : undefined;
    if (typeof ch !== 'string' || cp === undefined || String.fromCodePoint(cp) !== ch || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new InputError(`checkpoint vocab entry ${i} (${short(ch)}) is not a single character`);
    }
    if (cp <= previous) throw new InputError(`checkpoint vocab is not sorted by code point without repeats (entry ${i}, ${JSON.stringify(ch)})`);
    previous = cp;
  }
  return config;
}

type Take = (name: string, shape: readonly number[], what: string) => Float32Array;

function parseResume(raw: string, config: ModelConfig, take: Take): ResumeState {
  const meta = parseJsonObject(raw, RESUME_METADATA_KEY);
  if (meta.format !== RESUME_FORMAT) throw new InputError(`unsupported resume state format ${short(meta.format)} (this version reads ${RESUME_FORMAT})`);
  if (!isObject(meta.settings)) throw new InputError('checkpoint resume state has no settings');
  // Copy only the known fields, so stray keys in a hand-edited file do not travel into the run.
  const given = meta.settings;
  const settings = Object.fromEntries(SETTING_KEYS.map((k) => [k, given[k]])) as unknown as TrainSettings;
  const problems = validateSettings(settings);
  if (problems.length > 0) throw new InputError(`checkpoint resume settings are invalid: ${problems[0]}`);
  if (settings.cell !== config.cell || settings.hidden !== config.hidden || settings.layers !== config.layers || (config.cell === 'gru' && settings.gruResetAfter !== config.gruResetAfter)) {
    throw new InputError(`checkpoint resume settings (${settings.cell}, hidden ${settings.hidden}, ${settings.layers} layers) do not match the model (${describe(config)})`);
  }
  const step = count(meta.step, 'step');
  const optimizer = meta.optimizer;
  if (!isObject(optimizer)) throw new InputError('checkpoint resume state has no optimizer');
  const kind = optimizer.kind;
  if (typeof kind !== 'string' || !(OPTIMIZER_KINDS as readonly string[]).includes(kind)) throw new InputError(`checkpoint optimizer must be one of ${OPTIMIZER_KINDS.join(', ')} (got ${short(kind)})`);
  if (kind !== settings.optimizer) throw new InputError(`checkpoint optimizer state is ${kind} but the settings say ${settings.optimizer}`);
  const t = count(optimizer.t, 'optimizer.t');

  const specs = parameterSpecs(config);
  const slots = new Map<string, Map<string, Float32Array>>();
  for (const slot of OPTIMIZER_SLOTS[kind as OptimizerKind]) {
    const bySlot = new Map<string, Float32Array>();
    for (const spec of specs) bySlot.set(spec.name, take(`optim.${kind}.${slot}.${spec.name}`, spec.shape, 'optimizer state'));
    slots.set(slot, bySlot);
  }

  const textLength = count(meta.textLength, 'textLength');
  if (typeof meta.textHash !== 'string' || meta.textHash.length === 0 || meta.textHash.length > 256) throw new InputError('checkpoint resume textHash must be a short non-empty string');
  const positions = meta.streamPositions;
  if (!Array.isArray(positions) || positions.length !== settings.batch) throw new InputError(`checkpoint resume streamPositions must list ${settings.batch} positions (one per stream)`);
  const streamPositions = positions.map((p, i) => {
    const n = count(p, `streamPositions[${i}]`);
    if (n > textLength) throw new InputError(`checkpoint resume streamPositions[${i}] = ${n} is past the end of the ${textLength}-character text`);
    return n;
  });
  const rng = meta.rng;
  if (!Array.isArray(rng) || rng.length !== RNG_WORDS || !rng.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) || rng.every((w) => w === 0)) {
    throw new InputError(`checkpoint resume rng must be ${RNG_WORDS} unsigned 32-bit integers, not all zero`);
  }

  const carried = new Map<string, Float32Array>();
  const stateShape = [settings.batch, config.hidden];
  for (let k = 0; k < config.layers; k++) {
    carried.set(`h_l${k}`, take(`state.h_l${k}`, stateShape, 'carried state'));
    if (config.cell === 'lstm') carried.set(`c_l${k}`, take(`state.c_l${k}`, stateShape, 'carried state'));
  }

  return {
    settings,
    step,
    optimizer: { kind: kind as OptimizerKind, t, slots },
    streamPositions,
    carried,
    rng: [...(rng as number[])],
    textLength,
    textHash: meta.textHash,
  };
}

function parseJsonObject(raw: string, key: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InputError(`checkpoint metadata "${key}" is not valid JSON`);
  }
  if (!isObject(value)) throw new InputError(`checkpoint metadata "${key}" is not a JSON object`);
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InputError(`checkpoint resume ${what} must be a non-negative whole number (got ${short(v)})`);
  return v;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function describe(config: ModelConfig): string {
  return `${config.cell.toUpperCase()}, hidden ${config.hidden}, ${config.layers} layer${config.layers === 1 ? '' : 's'}, vocab ${config.vocab.length}`;
}

function short(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** h_l0, c_l0, h_l1, c_l1, ...: layer order first, so the file reads like the network. */
function byLayerThenKind(a: string, b: string): number {
  const la = Number(a.slice(a.indexOf('_l') + 2));
  const lb = Number(b.slice(b.indexOf('_l') + 2));
  return la - lb || (a < b ? 1 : a > b ? -1 : 0);
}
