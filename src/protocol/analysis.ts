/**
 * The channel between the extension host and the analysis worker (dist/analysisWorker.js): the
 * causal questions of issues 15 and 16 (What If…, Why This Prediction?, Find Units, Ablate Unit)
 * and the neuron colours of the visible text. They run on a thread of their own so that training
 * never waits for them and they never wait for training.
 *
 * The worker holds one text (the session's snapshot) and one model (a checkpoint of the weights
 * the host took from the training worker); each job names the keys of both, so a job meant for
 * older weights is refused rather than answered with newer ones. Jobs run in chunks: the worker
 * reports progress between chunks and stops at the next chunk after `cancel`.
 *
 * Pure: no `vscode`, no DOM, no Node built-ins.
 */

import { type ProbeResult } from '../engine/analysis/probe';
import { type SaliencyResult } from '../engine/analysis/saliency';
import { type UnitRange } from '../engine/analysis/unitSeries';
import { type ErrorArgs } from '../engine/errors';
import { isCappedString, isErrorArgs, isFiniteNumber, isIntegerIn, isNumberIn, isOneOf, isOptional, isRecord } from './guards';

/** The most characters any one analysis reads (a probe reads from 0 to its position plus its window). */
export const MAX_ANALYSIS_CHARS = 2_000_000;
export const MAX_TOP_UNITS = 32;
export const MAX_FEATURES = 16;
export const MAX_SPARK_BINS = 400;
export const MAX_HOLDS = 16;
export const MAX_SAMPLE_CHARS = 10_000;
/** The most characters an edit of the file may type for the live What If (a paste larger than this is not probed). */
export const MAX_EDIT_CHARS = 10_000;

export type UnitState = 'h' | 'c';

export interface HoldSpec {
  readonly state: UnitState;
  readonly layer: number;
  readonly unit: number;
  readonly value: number;
}

export interface FeatureRequest {
  readonly name: string;
  /** A regular expression (flags gu); absent for a built-in feature. */
  readonly pattern?: string;
}

export type AnalysisJob =
  /** The probe of FILE[0..length) with FILE[at] replaced by vocabulary id `replacement`. */
  | { readonly kind: 'probe'; readonly at: number; readonly replacement: number; readonly length: number }
  /** The probe of an edit: FILE[0..length) against it with FILE[at..at+removed) replaced by the vocabulary ids `inserted` (editProbeJob). */
  | { readonly kind: 'probeEdit'; readonly at: number; readonly removed: number; readonly inserted: readonly number[]; readonly length: number }
  /** Saliency of the prediction of FILE[t+1] after FILE[0..t]. */
  | { readonly kind: 'saliency'; readonly t: number }
  /** Units most correlated with each feature over FILE[0..maxChars), with `bins`-point sparklines. */
  | { readonly kind: 'neurons'; readonly features: readonly FeatureRequest[]; readonly top: number; readonly maxChars: number; readonly bins: number }
  /** Per-character loss over FILE[0..maxChars) with and without the holds. */
  | { readonly kind: 'ablate'; readonly holds: readonly HoldSpec[]; readonly maxChars: number }
  /** Two samples with the same seed: the normal one and one with the holds. */
  | { readonly kind: 'sampleHeld'; readonly holds: readonly HoldSpec[]; readonly length: number; readonly temperature: number; readonly seed: number; readonly prime: string }
  /** One unit's value at FILE[from..to), read from the nearest known state before `from` (see unitStates.ts). */
  | {
    readonly kind: 'unitRange'; readonly layer: number; readonly state: UnitState; readonly unit: number; readonly from: number; readonly to: number;
    /** How many of the likeliest next characters to keep after each character (0 or absent: none). */
    readonly topK?: number;
  };

export type AnalysisKind = AnalysisJob['kind'];

/** The engine's result as it crosses the thread boundary (typed arrays are structured-cloned). */
export type ProbeAnswer = ProbeResult & { readonly kind: 'probe' };

export type SaliencyAnswer = SaliencyResult & { readonly kind: 'saliency' };

export interface FoundUnit {
  readonly layer: number;
  readonly state: UnitState;
  readonly unit: number;
  readonly r: number;
  /** The unit's mean value in each of `bins` equal stretches of the text read. */
  readonly spark: Float64Array;
}

export interface NeuronsAnswer {
  readonly kind: 'neurons';
  /** Characters read. */
  readonly positions: number;
  readonly features: readonly { readonly name: string; readonly spark: Float64Array; readonly units: readonly FoundUnit[] }[];
}

export interface AblateAnswer {
  readonly kind: 'ablate';
  /** loss[i]: of the prediction of FILE[i+1]; length = characters read - 1. */
  readonly base: Float64Array;
  readonly held: Float64Array;
}

export interface SampleHeldAnswer {
  readonly kind: 'sampleHeld';
  readonly normal: string;
  readonly held: string;
}

/** The unit over one stretch (engine/analysis/unitSeries.ts), as the worker answers unitRange. */
export interface UnitRangeAnswer extends UnitRange {
  readonly kind: 'unitRange';
}

/** The most next-character predictions a unitRange job keeps per character. */
export const MAX_RANGE_TOP_K = 8;

export type AnalysisAnswer = ProbeAnswer | SaliencyAnswer | NeuronsAnswer | AblateAnswer | SampleHeldAnswer | UnitRangeAnswer;

// ---------------------------------------------------------------------------------------------
// Messages

export type HostToAnalysis =
  /** The text analyses read (the session's snapshot). */
  | { readonly type: 'text'; readonly textKey: string; readonly text: string }
  /** The weights analyses use, as checkpoint bytes (transferred). */
  | { readonly type: 'model'; readonly modelKey: string; readonly checkpoint: Uint8Array }
  | { readonly type: 'run'; readonly requestId: number; readonly textKey: string; readonly modelKey: string; readonly job: AnalysisJob }
  | { readonly type: 'cancel'; readonly requestId: number };

export type AnalysisToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly replyTo: number; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly replyTo: number; readonly answer: AnalysisAnswer }
  | { readonly type: 'error'; readonly replyTo: number; readonly message: string; readonly kind: 'input' | 'internal' | 'cancelled'; readonly code?: string; readonly args?: ErrorArgs };

// ---------------------------------------------------------------------------------------------
// Validation

const isId = (v: unknown): v is number => isIntegerIn(v, 0, Number.MAX_SAFE_INTEGER);
const isPos = (v: unknown): v is number => isIntegerIn(v, 0, MAX_ANALYSIS_CHARS);
const isKey = (v: unknown): v is string => isCappedString(v, 200);
const isState = (v: unknown): v is UnitState => isOneOf(v, ['h', 'c'] as const);

function isHold(v: unknown): v is HoldSpec {
  return isRecord(v) && isState(v.state) && isIntegerIn(v.layer, 0, 3) && isIntegerIn(v.unit, 0, 4095) && isNumberIn(v.value, -1e6, 1e6);
}

const isHolds = (v: unknown): v is HoldSpec[] => Array.isArray(v) && v.length >= 1 && v.length <= MAX_HOLDS && v.every(isHold);

function isJob(v: unknown): v is AnalysisJob {
  if (!isRecord(v)) return false;
  switch (v.kind) {
    case 'probe':
      return isPos(v.at) && isIntegerIn(v.replacement, 0, 1_200_000) && isPos(v.length) && (v.at as number) < (v.length as number);
    case 'probeEdit':
      return isPos(v.at) && isPos(v.removed) && isPos(v.length) && (v.at as number) + (v.removed as number) <= (v.length as number)
        && Array.isArray(v.inserted) && v.inserted.length <= MAX_EDIT_CHARS && v.inserted.every((id) => isIntegerIn(id, 0, 1_200_000));
    case 'saliency':
      return isPos(v.t);
    case 'neurons':
      return Array.isArray(v.features) && v.features.length >= 1 && v.features.length <= MAX_FEATURES
        && v.features.every((f) => isRecord(f) && isCappedString(f.name, 100) && isOptional(f.pattern, (p): p is string => isCappedString(p, 1000)))
        && isIntegerIn(v.top, 1, MAX_TOP_UNITS) && isIntegerIn(v.maxChars, 2, MAX_ANALYSIS_CHARS) && isIntegerIn(v.bins, 1, MAX_SPARK_BINS);
    case 'ablate':
      return isHolds(v.holds) && isIntegerIn(v.maxChars, 2, MAX_ANALYSIS_CHARS);
    case 'sampleHeld':
      return isHolds(v.holds) && isIntegerIn(v.length, 1, MAX_SAMPLE_CHARS) && isNumberIn(v.temperature, 0, 100)
        && isIntegerIn(v.seed, 0, 2 ** 32 - 1) && isCappedString(v.prime, 1000);
    case 'unitRange':
      return isIntegerIn(v.layer, 0, 3) && isState(v.state) && isIntegerIn(v.unit, 0, 4095) && isPos(v.from) && isPos(v.to)
        && (v.from as number) < (v.to as number) && (v.to as number) - (v.from as number) <= 200_000 && isOptional(v.topK, (k): k is number => isIntegerIn(k, 0, MAX_RANGE_TOP_K));
    default:
      return false;
  }
}

export function validateHostToAnalysis(message: unknown): HostToAnalysis | null {
  if (!isRecord(message)) return null;
  const m = message;
  switch (m.type) {
    case 'text':
      return isKey(m.textKey) && typeof m.text === 'string' && m.text.length <= 2 * MAX_ANALYSIS_CHARS * 32 ? (m as unknown as HostToAnalysis) : null;
    case 'model':
      return isKey(m.modelKey) && m.checkpoint instanceof Uint8Array ? (m as unknown as HostToAnalysis) : null;
    case 'run':
      return isId(m.requestId) && isKey(m.textKey) && isKey(m.modelKey) && isJob(m.job) ? (m as unknown as HostToAnalysis) : null;
    case 'cancel':
      return isId(m.requestId) ? { type: 'cancel', requestId: m.requestId } : null;
    default:
      return null;
  }
}

const f64 = (v: unknown): v is Float64Array => v instanceof Float64Array;

function isFoundUnit(v: unknown): v is FoundUnit {
  return isRecord(v) && isIntegerIn(v.layer, 0, 3) && isState(v.state) && isIntegerIn(v.unit, 0, 4095) && isNumberIn(v.r, -1.000001, 1.000001)
    && f64(v.spark) && v.spark.length <= MAX_SPARK_BINS;
}

function isAnswer(v: unknown): v is AnalysisAnswer {
  if (!isRecord(v)) return false;
  switch (v.kind) {
    case 'probe': {
      if (!(isPos(v.at) && isPos(v.length) && isIntegerIn(v.layers, 1, 4) && isIntegerIn(v.horizon, 0, MAX_ANALYSIS_CHARS))) return false;
      const n = (v.length as number) - (v.at as number);
      return n >= 1 && f64(v.dh) && v.dh.length === (v.layers as number) * n && f64(v.dc) && (v.dc.length === 0 || v.dc.length === v.dh.length)
        && f64(v.kl) && v.kl.length === n && v.top1Changed instanceof Uint8Array && v.top1Changed.length === n;
    }
    case 'saliency':
      return isPos(v.t) && isIntegerIn(v.target, 0, 1_200_000) && isFiniteNumber(v.logProb) && f64(v.grad) && f64(v.norm)
        && v.grad.length === (v.t as number) + 1 && v.norm.length === v.grad.length;
    case 'neurons':
      return isPos(v.positions) && Array.isArray(v.features) && v.features.length <= MAX_FEATURES
        && v.features.every((f) => isRecord(f) && isCappedString(f.name, 100) && f64(f.spark) && f.spark.length <= MAX_SPARK_BINS
          && Array.isArray(f.units) && f.units.length <= MAX_TOP_UNITS && f.units.every(isFoundUnit));
    case 'ablate':
      return f64(v.base) && f64(v.held) && v.base.length === v.held.length && v.base.length <= MAX_ANALYSIS_CHARS;
    case 'sampleHeld':
      return isCappedString(v.normal, 4 * MAX_SAMPLE_CHARS) && isCappedString(v.held, 4 * MAX_SAMPLE_CHARS);
    case 'unitRange':
      return isPos(v.from) && v.values instanceof Float32Array && v.loss instanceof Float32Array && v.loss.length === v.values.length
        && isPos(v.startedAt) && (v.startedAt as number) <= (v.from as number) && typeof v.exact === 'boolean'
        && isIntegerIn(v.topK, 0, MAX_RANGE_TOP_K) && v.topIds instanceof Int32Array && v.topProbs instanceof Float32Array
        && v.topIds.length === v.values.length * (v.topK as number) && v.topProbs.length === v.topIds.length;
    default:
      return false;
  }
}

export function validateAnalysisToHost(message: unknown): AnalysisToHost | null {
  if (!isRecord(message)) return null;
  const m = message;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'progress':
      return isId(m.replyTo) && isFiniteNumber(m.done) && isFiniteNumber(m.total) && m.done >= 0 && m.total >= 0 ? (m as unknown as AnalysisToHost) : null;
    case 'result':
      return isId(m.replyTo) && isAnswer(m.answer) ? (m as unknown as AnalysisToHost) : null;
    case 'error':
      return isId(m.replyTo) && isCappedString(m.message) && isOneOf(m.kind, ['input', 'internal', 'cancelled'] as const) && isOptional(m.code, (c): c is string => isCappedString(c, 100)) &&
        isOptional(m.args, isErrorArgs) ? (m as unknown as AnalysisToHost) : null;
    default:
      return null;
  }
}

/** The buffers to move rather than copy (each typed array here owns its buffer). */
export function analysisTransferables(message: HostToAnalysis | AnalysisToHost): ArrayBuffer[] {
  if (message.type === 'model') return [message.checkpoint.buffer as ArrayBuffer];
  if (message.type !== 'result') return [];
  const a = message.answer;
  const arrays: ArrayBufferView[] = [];
  switch (a.kind) {
    case 'probe': arrays.push(a.dh, a.dc, a.kl, a.top1Changed); break;
    case 'saliency': arrays.push(a.grad, a.norm); break;
    case 'neurons': for (const f of a.features) arrays.push(f.spark, ...f.units.map((u) => u.spark)); break;
    case 'ablate': arrays.push(a.base, a.held); break;
    case 'unitRange': arrays.push(a.values, a.loss, a.topIds, a.topProbs); break;
    case 'sampleHeld': break;
  }
  const buffers = arrays.map((x) => x.buffer as ArrayBuffer);
  return buffers.filter((b, i) => b.byteLength > 0 && buffers.indexOf(b) === i);
}
