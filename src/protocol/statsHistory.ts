/**
 * The training-time record the Gradient Flow view draws from `stats` messages: global gradient
 * norm and clipping, each tensor's gradient norm and update-to-weight ratio, each layer's largest
 * singular value of W_hh, and the steps that went non-finite. Capped, so it can live in setState.
 * The extension host keeps one per session (sessionSeries.ts) and sends it whole to a view opened
 * late, so the view's charts never depend on when it was opened.
 */

import { type StatsInfo } from './webview';
import { isIntegerIn, isRecord, isCappedString, MAX_LAYERS, MAX_TENSORS } from './guards';

export interface ClipEvent { step: number; gradNorm: number; clippedTo: number }

export interface StatsHistory {
  steps: number[];
  gradNorm: number[];
  /** spectral[l][i] at steps[i]. */
  spectral: number[][];
  tensorGrad: Record<string, number[]>;
  tensorRatio: Record<string, number[]>;
  clips: ClipEvent[];
  nonFinite: number[];
}

export const MAX_HISTORY = 1000;
export const MAX_EVENTS = 200;

export function emptyStats(): StatsHistory {
  return { steps: [], gradNorm: [], spectral: [], tensorGrad: {}, tensorRatio: {}, clips: [], nonFinite: [] };
}

function dropOldest(h: StatsHistory, n: number): void {
  h.steps.splice(0, n);
  h.gradNorm.splice(0, n);
  for (const s of h.spectral) s.splice(0, n);
  for (const k of Object.keys(h.tensorGrad)) { h.tensorGrad[k].splice(0, n); h.tensorRatio[k].splice(0, n); }
}

export function addStats(h: StatsHistory, s: StatsInfo): void {
  const last = h.steps.length ? h.steps[h.steps.length - 1] : -1;
  if (s.step < last) Object.assign(h, emptyStats()); // a new run
  else if (s.step === last) return;
  const i = h.steps.length;
  h.steps.push(s.step);
  h.gradNorm.push(s.gradNorm);
  s.spectralNorms.forEach((v, l) => {
    h.spectral[l] ??= new Array<number>(i).fill(NaN);
    h.spectral[l].push(v);
  });
  for (const t of s.tensors) {
    h.tensorGrad[t.name] ??= new Array<number>(i).fill(NaN);
    h.tensorRatio[t.name] ??= new Array<number>(i).fill(NaN);
    h.tensorGrad[t.name].push(t.gradNorm);
    h.tensorRatio[t.name].push(t.weightNorm > 0 ? t.updateNorm / t.weightNorm : NaN);
  }
  // Keep every series as long as steps (a tensor or layer missing from this message gets a gap).
  for (const arr of [...h.spectral, ...Object.values(h.tensorGrad), ...Object.values(h.tensorRatio)]) while (arr.length < h.steps.length) arr.push(NaN);
  if (s.clipScale < 1 && Number.isFinite(s.gradNorm)) h.clips.push({ step: s.step, gradNorm: s.gradNorm, clippedTo: s.gradNorm * s.clipScale });
  if (s.nonFinite || !Number.isFinite(s.gradNorm)) h.nonFinite.push(s.step);
  if (h.clips.length > MAX_EVENTS) h.clips.splice(0, h.clips.length - MAX_EVENTS);
  if (h.nonFinite.length > MAX_EVENTS) h.nonFinite.splice(0, h.nonFinite.length - MAX_EVENTS);
  if (h.steps.length > MAX_HISTORY) dropOldest(h, h.steps.length - MAX_HISTORY);
}

/** A history as a message carried it (JSON turns NaN into null), or null when malformed. */
export function parseStatsHistory(v: unknown): StatsHistory | null {
  if (!isRecord(v)) return null;
  const steps = v.steps;
  if (!Array.isArray(steps) || steps.length > MAX_HISTORY || !steps.every((s) => isIntegerIn(s, 0, Number.MAX_SAFE_INTEGER))) return null;
  const n = steps.length;
  const series = (a: unknown): number[] | null => (Array.isArray(a) && a.length === n && a.every((x) => x === null || typeof x === 'number')
    ? a.map((x: number | null) => (x === null ? NaN : x)) : null);
  const table = (t: unknown): Record<string, number[]> | null => {
    if (!isRecord(t) || Object.keys(t).length > MAX_TENSORS) return null;
    const out: Record<string, number[]> = {};
    for (const [k, a] of Object.entries(t)) {
      const s = series(a);
      if (!isCappedString(k, 200) || !s) return null;
      out[k] = s;
    }
    return out;
  };
  const gradNorm = series(v.gradNorm);
  const spectral = Array.isArray(v.spectral) && v.spectral.length <= MAX_LAYERS ? v.spectral.map(series) : null;
  const tensorGrad = table(v.tensorGrad);
  const tensorRatio = table(v.tensorRatio);
  const clips = Array.isArray(v.clips) && v.clips.length <= MAX_EVENTS ? v.clips : null;
  const nonFinite = Array.isArray(v.nonFinite) && v.nonFinite.length <= MAX_EVENTS ? v.nonFinite : null;
  if (!gradNorm || !spectral || spectral.some((s) => !s) || !tensorGrad || !tensorRatio || !clips || !nonFinite) return null;
  if (!nonFinite.every((s) => isIntegerIn(s, 0, Number.MAX_SAFE_INTEGER))) return null;
  const number = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (!clips.every((c) => isRecord(c) && isIntegerIn(c.step, 0, Number.MAX_SAFE_INTEGER) && number(c.gradNorm) && number(c.clippedTo))) return null;
  return {
    steps: steps as number[], gradNorm, spectral: spectral as number[][], tensorGrad, tensorRatio,
    clips: (clips as ClipEvent[]).map((c) => ({ step: c.step, gradNorm: c.gradNorm, clippedTo: c.clippedTo })), nonFinite: nonFinite as number[],
  };
}

/** A copy, so that the one a message carries is not the one still growing. */
export function copyStats(h: StatsHistory): StatsHistory {
  const copyTable = (t: Record<string, number[]>): Record<string, number[]> => Object.fromEntries(Object.entries(t).map(([k, a]) => [k, [...a]]));
  return {
    steps: [...h.steps], gradNorm: [...h.gradNorm], spectral: h.spectral.map((s) => [...s]), tensorGrad: copyTable(h.tensorGrad),
    tensorRatio: copyTable(h.tensorRatio), clips: h.clips.map((c) => ({ ...c })), nonFinite: [...h.nonFinite],
  };
}
