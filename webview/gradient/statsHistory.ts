/**
 * The training-time record the Gradient Flow view draws from `stats` messages: global gradient
 * norm and clipping, each tensor's gradient norm and update-to-weight ratio, each layer's largest
 * singular value of W_hh, and the steps that went non-finite. Capped, so it can live in setState.
 */

import { type StatsInfo } from '../../src/protocol/webview';

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
