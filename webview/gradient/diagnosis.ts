/**
 * Plain sentences about the gradients, each with the numbers behind it: is the gradient vanishing
 * (a short horizon), exploding (clipped, or non-finite), and why, in the terms that hold for the
 * cell at hand: a vanilla RNN through W_hh and tanh (its largest singular value bounds each step),
 * an LSTM through the cell-state path and its forget gate (the uninterrupted gradient flow of the
 * lecture), a GRU through its update gate's copy path. Pure, so it is tested on its own.
 */

import { type TraceData, layerHorizon, meanJacobian } from '../shared/traceData';
import { type StatsHistory } from './statsHistory';
import { formatValue } from '../../src/protocol/format';

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
function mechanism(d: TraceData, l: number): string {
  const k = Math.min(SHORT_HORIZON, d.T - 1);
  if (d.cell === 'lstm') {
    const f = meanGate(d, l, d.gateNames.indexOf('f'));
    return `the LSTM's gradient runs back along the cell state, dL/dc_{t−1} = dL/dc_t ⊙ f_t (plus the gate paths): no weight matrix and no squashing on that path, only the forget gate. ` +
      `Mean forget gate f here ${formatValue(f)}, so along c alone ${k} steps keep about f^${k} ≈ ${formatValue(f ** k)} of a gradient`;
  }
  if (d.cell === 'gru') {
    const z = meanGate(d, l, d.gateNames.indexOf('z'));
    return `the GRU's gradient runs back through h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}: on the copy path each step multiplies it by the update gate z. ` +
      `Mean update gate z here ${formatValue(z)}, so along that path ${k} steps keep about z^${k} ≈ ${formatValue(z ** k)} of a gradient`;
  }
  return `each step back multiplies the gradient by dh_t/dh_{t−1} = diag(1 − h_t²) W_hh; typical ‖dh_t/dh_{t−1}‖ here ${formatValue(meanJacobian(d, l))} per step`;
}

export function diagnose(d: TraceData | null, h: StatsHistory): Diagnosis[] {
  const out: Diagnosis[] = [];
  if (d) {
    const short = Math.min(SHORT_HORIZON, Math.floor(d.T / 4));
    for (let l = 0; l < d.L; l++) {
      const hz = layerHorizon(d, l);
      const why = mechanism(d, l);
      const where = `${d.L > 1 ? ` (layer ${l})` : ''} of a ${d.T}-step window`;
      if (hz < short) out.push({ level: 'warn', text: `vanishing: horizon ${hz} steps${where}; ${why}.` });
      else out.push({ level: 'ok', text: `gradient reaches back: horizon ${hz} steps${where}; ${why}.` });
    }
    for (let l = 0; l < d.L; l++) {
      let firstBad = -1;
      for (let t = 0; t < d.T; t++) if (!Number.isFinite(d.dhNorms[l * d.T + t])) { firstBad = t; break; }
      if (firstBad >= 0) out.push({ level: 'bad', text: `non-finite: dL/dh at t = ${firstBad} (layer ${l}) is NaN or infinite in this trace.` });
    }
  }
  const n = h.steps.length;
  if (n > 0) {
    // The singular-value argument is the vanilla RNN's: its Jacobian is diag(tanh') W_hh, so
    // ‖dh_t/dh_{t−1}‖ ≤ σ_max(W_hh). A gated cell's gradient does not go through that product alone.
    const spectral = h.spectral.map((s, l) => `${h.spectral.length > 1 ? `layer ${l} ` : ''}${formatValue(s[s.length - 1])}`).join(', ');
    if (spectral && d?.cell === 'rnn') {
      out.push({ level: 'ok', text: `largest singular value of W_hh at step ${h.steps[n - 1]}: ${spectral}. Since |tanh′| ≤ 1, each step back scales the gradient by at most that: below 1 it must shrink, above 1 it may grow.` });
    }
    const lastClip = h.clips[h.clips.length - 1];
    const recent = h.clips.filter((c) => c.step > h.steps[n - 1] - 100).length;
    if (lastClip) out.push({ level: recent > 10 ? 'bad' : 'warn', text: `exploding: gradient norm ${formatValue(lastClip.gradNorm)} at step ${lastClip.step}, clipped to ${formatValue(lastClip.clippedTo)}; ${recent} clipped step${recent === 1 ? '' : 's'} in the last 100.` });
    const lastBad = h.nonFinite[h.nonFinite.length - 1];
    if (lastBad !== undefined) out.push({ level: 'bad', text: `non-finite gradient at step ${lastBad} (${h.nonFinite.length} such step${h.nonFinite.length === 1 ? '' : 's'}); that update was skipped.` });
  }
  return out;
}
