/**
 * Plain sentences about the gradients, each with the numbers behind it: is the gradient vanishing
 * (a short horizon), exploding (clipped, or non-finite), and why (the Jacobians and W_hh's
 * largest singular value). Pure, so it is tested on its own.
 */

import { type TraceData, layerHorizon, meanJacobian } from '../shared/traceData';
import { type StatsHistory } from './statsHistory';
import { formatValue } from '../../src/protocol/format';

export interface Diagnosis { readonly level: 'ok' | 'warn' | 'bad'; readonly text: string }

/** A horizon shorter than this many steps (or a quarter of the window, if less) counts as vanishing. */
export const SHORT_HORIZON = 10;

export function diagnose(d: TraceData | null, h: StatsHistory): Diagnosis[] {
  const out: Diagnosis[] = [];
  if (d) {
    const short = Math.min(SHORT_HORIZON, Math.floor(d.T / 4));
    for (let l = 0; l < d.L; l++) {
      const hz = layerHorizon(d, l);
      const j = meanJacobian(d, l);
      const why = `typical ||dh_t/dh_{t-1}|| ${formatValue(j)} per step`;
      if (hz < short) out.push({ level: 'warn', text: `vanishing: horizon ${hz} steps (layer ${l}) of a ${d.T}-step window; ${why}.` });
      else out.push({ level: 'ok', text: `gradient reaches back: horizon ${hz} steps (layer ${l}) of a ${d.T}-step window; ${why}.` });
    }
    for (let l = 0; l < d.L; l++) {
      let firstBad = -1;
      for (let t = 0; t < d.T; t++) if (!Number.isFinite(d.dhNorms[l * d.T + t])) { firstBad = t; break; }
      if (firstBad >= 0) out.push({ level: 'bad', text: `non-finite: dL/dh at t = ${firstBad} (layer ${l}) is NaN or infinite in this trace.` });
    }
  }
  const n = h.steps.length;
  if (n > 0) {
    const spectral = h.spectral.map((s, l) => `layer ${l} ${formatValue(s[s.length - 1])}`).join(', ');
    if (spectral) out.push({ level: 'ok', text: `largest singular value of W_hh at step ${h.steps[n - 1]}: ${spectral} (below 1 with tanh, gradients must shrink each step back).` });
    const lastClip = h.clips[h.clips.length - 1];
    const recent = h.clips.filter((c) => c.step > h.steps[n - 1] - 100).length;
    if (lastClip) out.push({ level: recent > 10 ? 'bad' : 'warn', text: `exploding: gradient norm ${formatValue(lastClip.gradNorm)} at step ${lastClip.step}, clipped to ${formatValue(lastClip.clippedTo)}; ${recent} clipped step${recent === 1 ? '' : 's'} in the last 100.` });
    const lastBad = h.nonFinite[h.nonFinite.length - 1];
    if (lastBad !== undefined) out.push({ level: 'bad', text: `non-finite gradient at step ${lastBad} (${h.nonFinite.length} such step${h.nonFinite.length === 1 ? '' : 's'}); that update was skipped.` });
  }
  return out;
}
