/**
 * The channel between the extension host and the training worker: one discriminated union per
 * direction (the `type` tag), a runtime validator per direction, and a tiny request/reply helper.
 *
 * Bulk data never travels as JSON: trace arrays and checkpoint bytes are exact-size typed arrays
 * moved with postMessage's transfer list, so the sender's copy is detached rather than duplicated.
 *
 * Requests that expect one answer carry a `requestId`; the answer carries the same number as
 * `replyTo` (an `error` with that `replyTo` rejects the request instead).
 */

import { CELL_TYPES, MAX_VOCAB, validateSettings, type ModelConfig, type TrainSettings, type CellType } from '../engine/model/config';
import { type ErrorArgs } from '../engine/errors';
import { type TensorStats } from '../engine/training/update';
import { type OverfitReport } from '../engine/training/overfitting';
import { checkTrace, type TraceHeader, type Trace } from './traceLayout';
import {
  MAX_BATCH, MAX_FILE_NAME, MAX_HIDDEN, MAX_LAYERS, isCappedString, isFiniteArray, isFiniteNumber, isFiniteOrNull, isIntegerIn, isNumberIn, isOneOf, isOptional, isRecord, isErrorArgs,
} from './guards';

/** Longest training text the worker accepts, in UTF-16 units (the host caps files far below this). */
export const MAX_TEXT_LENGTH = 512 * 1024 * 1024 / 2;
/** Longest generated sample. */
export const MAX_SAMPLE_LENGTH = 100_000;
export const MAX_STEPS_LIMIT = 1e9;
/** Most training threads a session may ask for: rnnLens.workers' maximum (and rnn-lens bench --workers'). */
export const MAX_WORKERS = 16;
/** Above any unigram entropy: ln of the largest vocabulary (all of Unicode's code points, about e^14). */
export const MAX_ENTROPY = Math.log(0x110000);

// ---------------------------------------------------------------------------------------------
// Host -> worker

export interface StartMessage {
  readonly type: 'start';
  /** The snapshot of the file taken when training started; later edits to the file do not reach it. */
  readonly text: string;
  readonly settings: TrainSettings;
  readonly fileName: string;
  /** Stop advancing (pause) once this many optimizer steps have been taken; 0 = no limit. */
  readonly maxSteps: number;
  /** Post a trace window every this many steps (0 = only on request). */
  readonly traceEvery: number;
  /** Start from these weights with a fresh optimizer (safetensors bytes). */
  readonly init?: Uint8Array;
  /** Continue exactly from this checkpoint (safetensors bytes with resume state). */
  readonly resume?: Uint8Array;
  /** Build the model but wait for `resume`/`step` (e.g. a loaded model to inspect first). */
  readonly startPaused?: boolean;
  /** rnnLens.workers: train on this many threads (data-parallel) when the batch allows; absent = 1. */
  readonly workers?: number;
  /**
   * One Int32 the host sets to 1 as it sends `pause` or `stop` (the worker clears it when it
   * handles them): a step, trace or validation in flight is abandoned, so they take effect at once.
   */
  readonly interrupt?: SharedArrayBuffer;
  /** Samples taken while training (rnnLens.sampleEvery); absent = none. */
  readonly samples?: TrainingSampleSettings;
}

export interface TrainingSampleSettings {
  /** A sample every this many optimizer steps (and one of the untrained model at step 0). */
  readonly every: number;
  readonly length: number;
  readonly temperature: number;
}

/** Longest sample taken while training (rnnLens.sampleLength allows up to 2,000). */
export const MAX_TRAINING_SAMPLE = 4000;

export interface SampleRequest {
  readonly type: 'sample';
  readonly requestId: number;
  readonly length: number;
  readonly temperature: number;
  readonly topK?: number;
  readonly prime?: string;
  readonly seed: number;
}

export interface GradcheckRequest {
  readonly type: 'gradcheck';
  readonly requestId: number;
  readonly cell: CellType;
  readonly layers: number;
  readonly hidden: number;
  readonly gruResetAfter?: boolean;
}

/**
 * Color Text by Neuron: one unit's activation at every character of the first `maxChars` code
 * points of the training text, from a forward pass of the current weights (see engine/activations.ts).
 */
export interface UnitActivationsRequest {
  readonly type: 'unitActivations';
  readonly requestId: number;
  readonly layer: number;
  readonly unit: number;
  readonly maxChars: number;
  readonly topK: number;
}

export type HostToWorker =
  | StartMessage
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  /** Exactly one optimizer step while paused, followed by a fresh trace. */
  | { readonly type: 'step'; readonly requestId: number }
  | { readonly type: 'requestTrace'; readonly stream?: number }
  | SampleRequest
  /** `best`: the checkpoint of the lowest validation loss measured (the latest when there is none older). */
  | { readonly type: 'save'; readonly requestId: number; readonly best?: boolean }
  /** Ends training: the worker answers with a final `checkpoint` (when it has a model) and `stopped`. */
  | { readonly type: 'stop' }
  | GradcheckRequest
  | UnitActivationsRequest;

export type HostToWorkerType = HostToWorker['type'];

// ---------------------------------------------------------------------------------------------
// Worker -> host

export type TrainingState = 'training' | 'paused';

export interface StartedMessage {
  readonly type: 'started';
  readonly config: ModelConfig;
  readonly settings: TrainSettings;
  readonly paramCount: number;
  readonly trainLength: number;
  readonly valLength: number;
  /** The entropy of the training part's character frequencies, in nats (the loss chart's "letter frequencies only" line). */
  readonly unigramEntropy: number;
  /** Steps already taken (non-zero when resumed). */
  readonly step: number;
  readonly state: TrainingState;
  /** Something the user should know about how the session started (e.g. a resume that fell back to fresh optimizer state). */
  readonly notice?: string;
  /** Threads that train (rnnLens.workers when the batch allows it); absent = 1. */
  readonly threads?: number;
}

export interface ProgressMessage {
  readonly type: 'progress';
  readonly step: number;
  readonly loss: number;
  readonly valLoss: number | null;
  /** The step `valLoss` was measured at (validation runs less often than progress is reported); null with valLoss. */
  readonly valStep?: number | null;
  readonly charsPerSec: number;
  readonly state: TrainingState;
}

export interface StatsMessage {
  readonly type: 'stats';
  readonly step: number;
  readonly gradNorm: number;
  readonly clipScale: number;
  readonly valueClipped: number;
  readonly tensors: readonly TensorStats[];
  readonly spectralNorms: readonly number[];
}

export interface TraceMessage {
  readonly type: 'trace';
  readonly header: TraceHeader;
  readonly ids: Int32Array;
  readonly data: Float32Array;
}

/** The answer to UnitActivationsRequest: n = h.length characters from the start of the text, arrays transferred. */
export interface UnitActivationsMessage {
  readonly type: 'unitActivations';
  readonly replyTo: number;
  /** Optimizer steps taken before the pass (the weights it shows). */
  readonly step: number;
  readonly layer: number;
  readonly unit: number;
  readonly topK: number;
  /** Code points in the whole training text (n may be fewer: the request's or the worker's limit). */
  readonly totalChars: number;
  /** [n] h_t[unit]; [n] c_t[unit] for LSTM (empty otherwise); [n, topK] next-character ids and probabilities; [n] loss (NaN at the last character). */
  readonly h: Float32Array;
  readonly c: Float32Array;
  readonly topIds: Int32Array;
  readonly topProbs: Float32Array;
  readonly loss: Float32Array;
}

/** A sample the worker took while training, stamped with the step and the training loss of the weights that wrote it. */
export interface TrainingSampleMessage {
  readonly type: 'trainingSample';
  readonly step: number;
  readonly loss: number | null;
  readonly temperature: number;
  readonly text: string;
}

/** `best`: the kept checkpoint of the lowest validation loss, sent before `final` when it is older than it. */
/** Validation rising while training falls (engine/training/overfitting.ts), said once per session. */
export interface OverfittingMessage extends OverfitReport {
  readonly type: 'overfitting';
}

export type CheckpointReason = 'request' | 'autosave' | 'final' | 'best';

export type ErrorKind = 'input' | 'internal';

export type StopReason = 'requested' | 'nonFinite' | 'error';

export type WorkerToHost =
  | { readonly type: 'ready' }
  /** The worker has the start message's text and builds the model (what the panel says while a big model starts). */
  | { readonly type: 'building' }
  | StartedMessage
  /** The training loop switched between running and paused (`maxSteps`: the step limit was reached). */
  | { readonly type: 'state'; readonly state: TrainingState; readonly step: number; readonly reason: 'request' | 'maxSteps' }
  | ProgressMessage
  | StatsMessage
  | TraceMessage
  | { readonly type: 'stepped'; readonly replyTo: number; readonly step: number; readonly loss: number }
  | { readonly type: 'sample'; readonly replyTo: number; readonly text: string }
  | { readonly type: 'checkpoint'; readonly replyTo?: number; readonly reason: CheckpointReason; readonly step: number; readonly bytes: Uint8Array }
  | { readonly type: 'gradcheck'; readonly replyTo: number; readonly results: readonly { tensor: string; maxRelError: number }[] }
  | UnitActivationsMessage
  | TrainingSampleMessage
  /** A new lowest validation loss, whose checkpoint the worker now keeps. */
  | { readonly type: 'bestValidation'; readonly step: number; readonly valLoss: number }
  | OverfittingMessage
  | { readonly type: 'error'; readonly message: string; readonly kind: ErrorKind; readonly replyTo?: number; readonly code?: string; readonly args?: ErrorArgs }
  /** Training produced a non-finite number: `tensor` is the first one (parameterSpecs order) or 'loss'. */
  | { readonly type: 'nonFinite'; readonly step: number; readonly tensor: string }
  | { readonly type: 'stopped'; readonly reason: StopReason; readonly step: number };

export type WorkerToHostType = WorkerToHost['type'];

// ---------------------------------------------------------------------------------------------
// Validation. Each returns the typed message, or null for anything malformed or unknown.

const isRequestId = (v: unknown): v is number => isIntegerIn(v, 0, Number.MAX_SAFE_INTEGER);
const isStep = (v: unknown): v is number => isIntegerIn(v, 0, Number.MAX_SAFE_INTEGER);
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

function isSettings(v: unknown): v is TrainSettings {
  return isRecord(v) && validateSettings(v as unknown as TrainSettings).length === 0;
}

export function validateHostToWorker(message: unknown): HostToWorker | null {
  if (!isRecord(message)) return null;
  const m = message;
  switch (m.type) {
    case 'start':
      return typeof m.text === 'string' && m.text.length <= MAX_TEXT_LENGTH && isSettings(m.settings)
        && isCappedString(m.fileName, MAX_FILE_NAME) && isIntegerIn(m.maxSteps, 0, MAX_STEPS_LIMIT)
        && isIntegerIn(m.traceEvery, 0, MAX_STEPS_LIMIT) && isOptional(m.init, isBytes)
        && isOptional(m.resume, isBytes) && isOptional(m.startPaused, isBool)
        && isOptional(m.workers, (w): w is number => isIntegerIn(w, 1, MAX_WORKERS))
        && isOptional(m.interrupt, (b): b is SharedArrayBuffer => b instanceof SharedArrayBuffer && b.byteLength >= 4)
        && isOptional(m.samples, isTrainingSampleSettings)
        ? (m as unknown as StartMessage) : null;
    case 'pause':
    case 'resume':
    case 'stop':
      return { type: m.type };
    case 'step':
      return isRequestId(m.requestId) ? { type: m.type, requestId: m.requestId } : null;
    case 'save':
      return isRequestId(m.requestId) && isOptional(m.best, isBool) ? { type: 'save', requestId: m.requestId, ...(m.best ? { best: true } : {}) } : null;
    case 'requestTrace':
      return isOptional(m.stream, (v): v is number => isIntegerIn(v, 0, MAX_BATCH - 1)) ? { type: 'requestTrace', stream: m.stream } : null;
    case 'sample':
      return isRequestId(m.requestId) && isIntegerIn(m.length, 1, MAX_SAMPLE_LENGTH) && isNumberIn(m.temperature, 0, 100)
        && isOptional(m.topK, (v): v is number => isIntegerIn(v, 1, 1e6)) && isOptional(m.prime, (v): v is string => isCappedString(v))
        && isIntegerIn(m.seed, 0, 2 ** 32 - 1)
        ? (m as unknown as SampleRequest) : null;
    case 'gradcheck':
      return isRequestId(m.requestId) && isOneOf(m.cell, CELL_TYPES) && isIntegerIn(m.layers, 1, MAX_LAYERS) && isIntegerIn(m.hidden, 1, 64)
        && isOptional(m.gruResetAfter, isBool)
        ? (m as unknown as GradcheckRequest) : null;
    case 'unitActivations':
      return isRequestId(m.requestId) && isIntegerIn(m.layer, 0, MAX_LAYERS - 1) && isIntegerIn(m.unit, 0, MAX_HIDDEN - 1)
        && isIntegerIn(m.maxChars, 0, MAX_TEXT_LENGTH) && isIntegerIn(m.topK, 1, 64)
        ? (m as unknown as UnitActivationsRequest) : null;
    default:
      return null;
  }
}

function isTrainingSampleSettings(v: unknown): v is TrainingSampleSettings {
  return isRecord(v) && isIntegerIn(v.every, 1, MAX_STEPS_LIMIT) && isIntegerIn(v.length, 1, MAX_TRAINING_SAMPLE) && isNumberIn(v.temperature, 0, 100);
}

function isModelConfig(v: unknown): v is ModelConfig {
  return isRecord(v) && isOneOf(v.cell, CELL_TYPES) && isIntegerIn(v.hidden, 1, MAX_HIDDEN) && isIntegerIn(v.layers, 1, MAX_LAYERS)
    && Array.isArray(v.vocab) && v.vocab.length >= 2 && v.vocab.length <= MAX_VOCAB
    && v.vocab.every((c) => typeof c === 'string' && c.length >= 1 && c.length <= 2) && isBool(v.gruResetAfter);
}

function isTensorStats(v: unknown): v is TensorStats {
  return isRecord(v) && isCappedString(v.name, 200) && isFiniteNumber(v.gradNorm) && isFiniteNumber(v.weightNorm) && isFiniteNumber(v.updateNorm);
}

/** Consistent lengths: n activations, n (or 0) cell states, n*topK predictions, n losses. */
function isUnitActivations(m: Record<string, unknown>): boolean {
  if (!(isRequestId(m.replyTo) && isStep(m.step) && isIntegerIn(m.layer, 0, MAX_LAYERS - 1) && isIntegerIn(m.unit, 0, MAX_HIDDEN - 1)
    && isIntegerIn(m.topK, 1, 64) && isStep(m.totalChars))) return false;
  const { h, c, topIds, topProbs, loss } = m;
  if (!(h instanceof Float32Array && c instanceof Float32Array && topIds instanceof Int32Array && topProbs instanceof Float32Array && loss instanceof Float32Array)) return false;
  const n = h.length;
  const K = m.topK as number;
  return (c.length === 0 || c.length === n) && topIds.length === n * K && topProbs.length === n * K && loss.length === n && n <= (m.totalChars as number);
}

const isTrainingState = (v: unknown): v is TrainingState => isOneOf(v, ['training', 'paused'] as const);

export function validateWorkerToHost(message: unknown): WorkerToHost | null {
  if (!isRecord(message)) return null;
  const m = message;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'building':
      return { type: 'building' };
    case 'started':
      return isModelConfig(m.config) && isSettings(m.settings) && isStep(m.paramCount) && isStep(m.trainLength)
        && isStep(m.valLength) && isNumberIn(m.unigramEntropy, 0, MAX_ENTROPY) && isStep(m.step) && isTrainingState(m.state)
        && isOptional(m.notice, (v): v is string => isCappedString(v)) && isOptional(m.threads, (v): v is number => isIntegerIn(v, 1, MAX_WORKERS))
        ? (m as unknown as WorkerToHost) : null;
    case 'state':
      return isTrainingState(m.state) && isStep(m.step) && isOneOf(m.reason, ['request', 'maxSteps'] as const)
        ? (m as unknown as WorkerToHost) : null;
    case 'progress':
      return isStep(m.step) && isFiniteNumber(m.loss) && isFiniteOrNull(m.valLoss) && isNumberIn(m.charsPerSec, 0, 1e12)
        && isTrainingState(m.state) && isOptional(m.valStep, (v): v is number | null => v === null || isStep(v))
        ? (m as unknown as WorkerToHost) : null;
    case 'stats':
      return isStep(m.step) && isFiniteNumber(m.gradNorm) && isFiniteNumber(m.clipScale) && isFiniteNumber(m.valueClipped)
        && Array.isArray(m.tensors) && m.tensors.length <= 100 && m.tensors.every(isTensorStats)
        && isFiniteArray(m.spectralNorms, MAX_LAYERS)
        ? (m as unknown as WorkerToHost) : null;
    case 'trace': {
      const trace = { header: m.header, ids: m.ids, data: m.data } as Trace;
      try {
        return checkTrace(trace) === null ? { type: 'trace', ...trace } : null;
      } catch {
        return null;
      }
    }
    case 'stepped':
      return isRequestId(m.replyTo) && isStep(m.step) && isFiniteNumber(m.loss) ? (m as unknown as WorkerToHost) : null;
    case 'sample':
      return isRequestId(m.replyTo) && isCappedString(m.text, MAX_SAMPLE_LENGTH * 2 + 20_000) ? (m as unknown as WorkerToHost) : null;
    case 'checkpoint':
      return isOptional(m.replyTo, isRequestId) && isOneOf(m.reason, ['request', 'autosave', 'final', 'best'] as const) && isStep(m.step) && isBytes(m.bytes)
        ? (m as unknown as WorkerToHost) : null;
    case 'gradcheck':
      return isRequestId(m.replyTo) && Array.isArray(m.results) && m.results.length <= 100
        && m.results.every((r) => isRecord(r) && isCappedString(r.tensor, 200) && typeof r.maxRelError === 'number')
        ? (m as unknown as WorkerToHost) : null;
    case 'unitActivations':
      return isUnitActivations(m) ? (m as unknown as WorkerToHost) : null;
    case 'trainingSample':
      return isStep(m.step) && isFiniteOrNull(m.loss) && isNumberIn(m.temperature, 0, 100) && isCappedString(m.text, MAX_TRAINING_SAMPLE * 2)
        ? (m as unknown as WorkerToHost) : null;
    case 'bestValidation':
      return isStep(m.step) && isFiniteNumber(m.valLoss) ? (m as unknown as WorkerToHost) : null;
    case 'overfitting':
      return isStep(m.step) && isStep(m.bestStep) && [m.valLoss, m.trainLoss, m.bestValLoss, m.bestTrainLoss].every(isFiniteNumber)
        ? (m as unknown as WorkerToHost) : null;
    case 'error':
      return isCappedString(m.message) && isOneOf(m.kind, ['input', 'internal'] as const) && isOptional(m.replyTo, isRequestId) &&
        isOptional(m.code, (c): c is string => isCappedString(c, 100)) && isOptional(m.args, isErrorArgs)
        ? (m as unknown as WorkerToHost) : null;
    case 'nonFinite':
      return isStep(m.step) && isCappedString(m.tensor, 200) ? (m as unknown as WorkerToHost) : null;
    case 'stopped':
      return isOneOf(m.reason, ['requested', 'nonFinite', 'error'] as const) && isStep(m.step) ? (m as unknown as WorkerToHost) : null;
    default:
      return null;
  }
}

// Request/reply: see pendingRequests.ts (re-exported: every side imports the channel from here).
export { PendingRequests, RequestFailedError, type WithoutRequestId } from './pendingRequests';

/**
 * The bytes in a buffer of their own, so transferring it moves exactly them (a Node Buffer or a
 * subarray may share a larger buffer, e.g. Node's allocation pool, which must not be detached).
 */
export function exactBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer)
    ? bytes : new Uint8Array(bytes);
}

/** The typed arrays of a message that should be moved rather than copied (each must own its buffer: see exactBytes). */
export function transferablesOf(message: WorkerToHost | HostToWorker): ArrayBuffer[] {
  switch (message.type) {
    case 'trace':
      return [message.ids.buffer as ArrayBuffer, message.data.buffer as ArrayBuffer];
    case 'checkpoint':
      return [message.bytes.buffer as ArrayBuffer];
    case 'unitActivations':
      return 'h' in message
        ? [message.h, message.c, message.topIds, message.topProbs, message.loss].map((a) => a.buffer as ArrayBuffer).filter((b, i, all) => all.indexOf(b) === i)
        : [];
    case 'start': {
      const list: ArrayBuffer[] = [];
      if (message.init) list.push(message.init.buffer as ArrayBuffer);
      if (message.resume) list.push(message.resume.buffer as ArrayBuffer);
      return list;
    }
    default:
      return [];
  }
}
