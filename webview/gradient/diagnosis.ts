/**
 * Plain sentences about the gradients, each with the numbers behind it: is the gradient vanishing
 * (a short horizon), exploding (clipped, or non-finite), and why, in the terms that hold for the
 * cell at hand: a vanilla RNN through W_hh and tanh (its largest singular value bounds each step),
 * an LSTM through the cell-state path and its forget gate (the uninterrupted gradient flow of the
 * lecture), a GRU through its update gate's copy path. Pure, so it is tested on its own; `t` words
 * it (the page's t(), English by default).
 */

import { type TraceData, layerHorizon, meanJacobian } from '../shared/traceData';
import { type StatsHistory } from '../../src/protocol/statsHistory';
import { formatCount, formatValue } from '../../src/protocol/format';
import { englishT, type Translate } from '../../src/protocol/strings';

export interface Diagnosis { readonly level: 'ok' | 'warn' | 'bad'; readonly text: string }

/** A horizon shorter than this many steps (or a quarter of the window, if less) counts as vanishing. */
export const SHORT_HORIZON = 10;

/** The mean of gate g of layer l over the window (all units, all steps). */
export function meanGate(d: TraceData, l: number, g: number): number {
  let s = 0, n = 0;
  for (let t = 0; t < d.T; t++) for (const v of d.gate(l, t, g)) if (Number.isFinite(v)) { s += v; n++; }
  return n ? s / n : NaN;
}

/** Why the gradient reaches as far as it does, for this cell and layer, with the window's numbers. */
function mechanism(d: TraceData, l: number, t: Translate): string {
  const k = Math.min(SHORT_HORIZON, d.T - 1);
  if (d.cell === 'lstm') {
    const f = meanGate(d, l, d.gateNames.indexOf('f'));
    return t('gradient.why.lstm', formatValue(f), k, formatValue(f ** k));
  }
  if (d.cell === 'gru') {
    const z = meanGate(d, l, d.gateNames.indexOf('z'));
    return t('gradient.why.gru', formatValue(z), k, formatValue(z ** k));
  }
  return t('gradient.why.rnn', formatValue(meanJacobian(d, l)));
}

export function diagnose(d: TraceData | null, h: StatsHistory, t: Translate = englishT): Diagnosis[] {
  const out: Diagnosis[] = [];
  if (d) {
    const short = Math.min(SHORT_HORIZON, Math.floor(d.T / 4));
    for (let l = 0; l < d.L; l++) {
      const hz = layerHorizon(d, l);
      const why = mechanism(d, l, t);
      const key = hz < short ? (d.L > 1 ? 'gradient.vanishing.layer' : 'gradient.vanishing') : (d.L > 1 ? 'gradient.reaches.layer' : 'gradient.reaches');
      out.push({ level: hz < short ? 'warn' : 'ok', text: t(key, hz, d.T, why, l) });
    }
    for (let l = 0; l < d.L; l++) {
      let firstBad = -1;
      for (let t = 0; t < d.T; t++) if (!Number.isFinite(d.dhNorms[l * d.T + t])) { firstBad = t; break; }
      if (firstBad >= 0) out.push({ level: 'bad', text: t('gradient.nonFiniteTrace', firstBad, l) });
    }
  }
  const n = h.steps.length;
  if (n > 0) {
    // The singular-value argument is the vanilla RNN's: its Jacobian is diag(tanh') W_hh, so
    // ‖dh_t/dh_{t−1}‖ ≤ σ_max(W_hh). A gated cell's gradient does not go through that product alone.
    const spectral = h.spectral.map((s, l) => (h.spectral.length > 1 ? t('gradient.singular.layer', l, formatValue(s[s.length - 1])) : formatValue(s[s.length - 1]))).join(', ');
    if (spectral && d?.cell === 'rnn') {
      out.push({ level: 'ok', text: t('gradient.singular', formatCount(h.steps[n - 1]), spectral) });
    }
    const lastClip = h.clips[h.clips.length - 1];
    const recent = h.clips.filter((c) => c.step > h.steps[n - 1] - 100).length;
    if (lastClip) out.push({ level: recent > 10 ? 'bad' : 'warn', text: t(recent === 1 ? 'gradient.exploding.one' : 'gradient.exploding.many', formatValue(lastClip.gradNorm), formatCount(lastClip.step), formatValue(lastClip.clippedTo), recent) });
    const lastBad = h.nonFinite[h.nonFinite.length - 1];
    if (lastBad !== undefined) out.push({ level: 'bad', text: t(h.nonFinite.length === 1 ? 'gradient.nonFiniteStep.one' : 'gradient.nonFiniteStep.many', formatCount(lastBad), h.nonFinite.length) });
  }
  return out;
}
