/**
 * The messages between the host and the Insight panel (webview/insight): the answers of What If…,
 * Why This Prediction? and Ablate Unit, drawn as charts and bars, and the few things the page asks
 * back. Numbers travel as plain arrays (a few thousand at most); both ends validate.
 *
 * Pure: no `vscode`, no DOM, no Node built-ins, nothing from the engine.
 */

import { isCappedString, isFiniteNumber, isIntegerIn, isNumberIn, isOneOf, isRecord } from './guards';

export const MAX_SERIES = 20_000;
export const MAX_WHY_CHARS = 4_000;

export type SaliencyMode = 'grad' | 'norm';

export interface WhatIfView {
  readonly type: 'whatIf';
  readonly fileName: string;
  /** Code point position of the replaced character, and the two characters. */
  readonly at: number;
  readonly original: string;
  readonly replacement: string;
  readonly cell: string;
  readonly layers: number;
  readonly step: number;
  /** dh[l][i], dc[l][i] (LSTM, else empty), kl[i], top1Changed[i] at distance i from the edit. */
  readonly dh: readonly (readonly number[])[];
  readonly dc: readonly (readonly number[])[];
  readonly kl: readonly number[];
  readonly top1Changed: readonly number[];
  readonly horizon: number;
  /**
   * Set for the live What If of the file's unsaved edit: `original` is then the text the edit
   * removed and `replacement` what it typed (either may be empty, both shortened for the title),
   * and `at` the first character after the edit (for a same-length edit, its first character).
   */
  readonly live?: boolean;
}

export interface WhyView {
  readonly type: 'why';
  readonly fileName: string;
  /** The prediction explained: of `target` after reading up to position t. */
  readonly t: number;
  readonly target: string;
  readonly logProb: number;
  readonly step: number;
  /** The characters shown, FILE[first..t], with their scores. */
  readonly first: number;
  readonly chars: readonly string[];
  readonly grad: readonly number[];
  readonly norm: readonly number[];
  readonly mode: SaliencyMode;
}

export interface AblationView {
  readonly type: 'ablation';
  readonly fileName: string;
  readonly unit: string;
  readonly step: number;
  readonly chars: number;
  readonly meanBase: number;
  readonly meanHeld: number;
  /** Mean loss change inside and outside each feature. */
  readonly regions: readonly { readonly feature: string; readonly inside: number; readonly outside: number; readonly insideCount: number }[];
}

export type HostToInsight =
  | WhatIfView
  | WhyView
  | AblationView
  /** Why the live What If shows no answer for the file's latest edit (a character the model never saw, nothing after the edit…). */
  | { readonly type: 'whatIfNotice'; readonly text: string }
  /** A job is running (`done` of `total`), or finished (`total` 0). */
  | { readonly type: 'busy'; readonly task: string; readonly done: number; readonly total: number };

export type InsightToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'whyMode'; readonly mode: SaliencyMode };

const isNums = (v: unknown, max = MAX_SERIES): v is number[] => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'number' || x === null);
const isSeriesList = (v: unknown): v is number[][] => Array.isArray(v) && v.length <= 4 && v.every((s) => isNums(s));
const isChar = (v: unknown): v is string => isCappedString(v, 2) && (v as string).length > 0;
const isMode = (v: unknown): v is SaliencyMode => isOneOf(v, ['grad', 'norm'] as const);
const isCount = (v: unknown): v is number => isIntegerIn(v, 0, Number.MAX_SAFE_INTEGER);
/** JSON carries NaN as null: read it back. */
const nums = (v: readonly (number | null)[]): number[] => v.map((x) => (x === null ? Number.NaN : x));

export function parseHostToInsight(v: unknown): HostToInsight | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case 'whatIf':
      if (!(isCappedString(v.fileName, 1000) && isCount(v.at) && isCappedString(v.cell, 10)
        && (v.live === true ? isCappedString(v.original, 200) && isCappedString(v.replacement, 200) : v.live === undefined && isChar(v.original) && isChar(v.replacement))
        && isIntegerIn(v.layers, 1, 4) && isCount(v.step) && isSeriesList(v.dh) && isSeriesList(v.dc) && isNums(v.kl) && isNums(v.top1Changed)
        && isCount(v.horizon))) return null;
      return { ...(v as unknown as WhatIfView), dh: (v.dh as number[][]).map(nums), dc: (v.dc as number[][]).map(nums), kl: nums(v.kl as number[]) };
    case 'why':
      if (!(isCappedString(v.fileName, 1000) && isCount(v.t) && isChar(v.target) && isFiniteNumber(v.logProb) && isCount(v.step) && isCount(v.first)
        && Array.isArray(v.chars) && v.chars.length <= MAX_WHY_CHARS && v.chars.every(isChar)
        && isNums(v.grad, MAX_WHY_CHARS) && isNums(v.norm, MAX_WHY_CHARS) && v.grad.length === v.chars.length && v.norm.length === v.chars.length && isMode(v.mode))) return null;
      return { ...(v as unknown as WhyView), grad: nums(v.grad as number[]), norm: nums(v.norm as number[]) };
    case 'ablation':
      return isCappedString(v.fileName, 1000) && isCappedString(v.unit, 100) && isCount(v.step) && isCount(v.chars)
        && isFiniteNumber(v.meanBase) && isFiniteNumber(v.meanHeld) && Array.isArray(v.regions) && v.regions.length <= 20
        && v.regions.every((r) => isRecord(r) && isCappedString(r.feature, 100) && isFiniteNumber(r.inside) && isFiniteNumber(r.outside) && isCount(r.insideCount))
        ? (v as unknown as AblationView) : null;
    case 'whatIfNotice':
      return isCappedString(v.text, 500) ? { type: 'whatIfNotice', text: v.text } : null;
    case 'busy':
      return isCappedString(v.task, 200) && isNumberIn(v.done, 0, Number.MAX_SAFE_INTEGER) && isNumberIn(v.total, 0, Number.MAX_SAFE_INTEGER)
        ? { type: 'busy', task: v.task, done: v.done, total: v.total } : null;
    default:
      return null;
  }
}

export function parseInsightToHost(v: unknown): InsightToHost | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'whyMode':
      return isMode(v.mode) ? { type: 'whyMode', mode: v.mode } : null;
    default:
      return null;
  }
}
