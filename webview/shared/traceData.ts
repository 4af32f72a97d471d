/**
 * One received trace, with named accessors over its sections (views into the one Float32Array,
 * no copies) and the few derived quantities both views draw: per-step gradient norms, top-k
 * predictions, gradient horizons. Pure: no DOM, so plain-Node tests can check the arithmetic.
 */

import { gradientHorizon } from '../../src/protocol/horizon';
import { type Trace, type TraceHeader, traceGateNames, traceLayout, traceShapeOf, type TraceSection } from '../../src/protocol/traceLayout';

export interface Prediction {
  readonly char: string;
  readonly prob: number;
}

function l2(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export class TraceData {
  readonly header: TraceHeader;
  readonly T: number;
  readonly L: number;
  readonly H: number;
  readonly V: number;
  readonly gateNames: readonly string[];
  readonly ids: Int32Array;
  private readonly sections: Record<TraceSection, Float32Array>;
  /** ||dL/dh_t|| per [layer * T + t]. */
  readonly dhNorms: Float32Array;
  /** ||dL/dc_t|| per [layer * T + t] (LSTM; empty otherwise). */
  readonly dcNorms: Float32Array;
  /** Largest |h| over the window, per layer: the heat strips' scale. */
  readonly hRange: Float32Array;

  constructor(trace: Trace) {
    const h = trace.header;
    this.header = h;
    this.T = h.steps;
    this.L = h.layers;
    this.H = h.hidden;
    this.V = h.vocab.length;
    this.gateNames = traceGateNames(h.cell);
    this.ids = trace.ids;
    const layout = traceLayout(traceShapeOf(h));
    const sections = {} as Record<TraceSection, Float32Array>;
    for (const s of Object.keys(layout.offset) as TraceSection[]) {
      sections[s] = trace.data.subarray(layout.offset[s], layout.offset[s] + layout.length[s]);
    }
    this.sections = sections;
    this.dhNorms = new Float32Array(this.L * this.T);
    this.dcNorms = new Float32Array(this.isLstm ? this.L * this.T : 0);
    this.hRange = new Float32Array(this.L);
    for (let l = 0; l < this.L; l++) {
      for (let t = 0; t < this.T; t++) {
        this.dhNorms[l * this.T + t] = l2(this.dh(l, t));
        if (this.isLstm) this.dcNorms[l * this.T + t] = l2(this.dc(l, t));
        const hv = this.h(l, t);
        for (let i = 0; i < hv.length; i++) this.hRange[l] = Math.max(this.hRange[l], Math.abs(hv[i]));
      }
    }
  }

  get isLstm(): boolean { return this.header.cell === 'lstm'; }
  get cell(): 'rnn' | 'lstm' | 'gru' { return this.header.cell; }

  section(name: TraceSection): Float32Array { return this.sections[name]; }

  private row(section: TraceSection, l: number, t: number): Float32Array {
    const o = (l * this.T + t) * this.H;
    return this.sections[section].subarray(o, o + this.H);
  }

  /** h^l_t, the hidden state after step t. */
  h(l: number, t: number): Float32Array { return this.row('h', l, t); }
  /** c^l_t (LSTM). */
  c(l: number, t: number): Float32Array { return this.row('c', l, t); }
  dh(l: number, t: number): Float32Array { return this.row('dh', l, t); }
  dc(l: number, t: number): Float32Array { return this.row('dc', l, t); }
  /** dL/dh_{t-1} through step t's cell alone: what step t sends back to the state it started from. */
  dhPrev(l: number, t: number): Float32Array { return this.row('dhPrev', l, t); }
  /** dL/dr_t, the GRU reset gate's gradient. */
  dReset(l: number, t: number): Float32Array { return this.row('dReset', l, t); }
  /** The state step t started from: h_{t-1}, or the window's h0 at t = 0. */
  hPrev(l: number, t: number): Float32Array {
    return t > 0 ? this.h(l, t - 1) : this.sections.h0.subarray(l * this.H, (l + 1) * this.H);
  }
  cPrev(l: number, t: number): Float32Array {
    return t > 0 ? this.c(l, t - 1) : this.sections.c0.subarray(l * this.H, (l + 1) * this.H);
  }
  /** The input to layer l at step t: the layer below's h_t (layer 0's input is the one-hot x_t). */
  gate(l: number, t: number, g: number): Float32Array {
    const G = this.gateNames.length;
    const o = ((l * this.T + t) * G + g) * this.H;
    return this.sections.gates.subarray(o, o + this.H);
  }
  probs(t: number): Float32Array { return this.sections.probs.subarray(t * this.V, (t + 1) * this.V); }
  loss(t: number): number { return this.sections.loss[t]; }
  inputChar(t: number): string { return this.header.vocab[this.ids[t]]; }
  targetChar(t: number): string { return this.header.vocab[this.ids[this.T + t]]; }
  /** || d(L_t/T) / dh_k || for layer l (0 for k > t). */
  itemized(l: number, t: number, k: number): number { return this.sections.itemized[(l * this.T + t) * this.T + k]; }
  /** || dh_t / dh_{t-1} ||. */
  jacobian(l: number, t: number): number { return this.sections.jacobian[l * this.T + t]; }

  topK(t: number, k: number): Prediction[] {
    const p = this.probs(t);
    const best: Prediction[] = [];
    for (let v = 0; v < p.length; v++) {
      if (best.length < k || p[v] > best[best.length - 1].prob) {
        best.push({ char: this.header.vocab[v], prob: p[v] });
        best.sort((a, b) => b.prob - a.prob);
        if (best.length > k) best.pop();
      }
    }
    return best;
  }

  /** The horizon of row t of layer l's itemized matrix (see gradientHorizon). */
  horizon(l: number, t: number): number {
    const row = this.sections.itemized.subarray((l * this.T + t) * this.T, (l * this.T + t + 1) * this.T);
    return gradientHorizon(row, t);
  }

  /** The running product of the Jacobian norms from step t back to step k: an upper bound on ||dh_t/dh_k||. */
  jacobianProducts(l: number): Float64Array {
    const out = new Float64Array(this.T);
    let p = 1;
    for (let t = 0; t < this.T; t++) {
      p *= this.jacobian(l, t);
      out[t] = p;
    }
    return out;
  }
}

export { gradientHorizon } from '../../src/protocol/horizon';

/** The fraction of values below 0.1 or above 0.9 (sigmoid gates), or with |v| above 0.9 (tanh-valued). */
export function saturationFraction(values: Float32Array, tanhValued: boolean): number {
  if (values.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (tanhValued ? Math.abs(v) > 0.9 : v < 0.1 || v > 0.9) n++;
  }
  return n / values.length;
}

/** Gate saturation of a whole trace: [layer][gate], in traceGateNames order (rnn: tanh of the pre-activation). */
export function traceSaturation(d: TraceData): number[][] {
  const out: number[][] = [];
  const G = d.gateNames.length;
  for (let l = 0; l < d.L; l++) {
    const row: number[] = [];
    for (let g = 0; g < G; g++) {
      const name = d.gateNames[g];
      const tanhValued = name === 'g' || name === 'n' || name === 'a';
      const all = new Float32Array(d.T * d.H);
      for (let t = 0; t < d.T; t++) {
        const v = d.gate(l, t, g);
        for (let i = 0; i < d.H; i++) all[t * d.H + i] = name === 'a' ? Math.tanh(v[i]) : v[i];
      }
      row.push(saturationFraction(all, tanhValued));
    }
    out.push(row);
  }
  return out;
}

/**
 * One layer's gradient horizon for the whole window: the median of the row horizons over the
 * rows that have room to show it (t >= T/2), so one noisy row does not decide it.
 */
export function layerHorizon(d: TraceData, l: number): number {
  const hs: number[] = [];
  for (let t = Math.floor(d.T / 2); t < d.T; t++) hs.push(d.horizon(l, t));
  hs.sort((a, b) => a - b);
  return hs.length ? hs[Math.floor(hs.length / 2)] : 0;
}

/** The geometric mean of the step Jacobian norms of layer l: the typical factor per step back. */
export function meanJacobian(d: TraceData, l: number): number {
  let s = 0, n = 0;
  for (let t = 0; t < d.T; t++) {
    const j = d.jacobian(l, t);
    if (j > 0 && Number.isFinite(j)) { s += Math.log(j); n++; }
  }
  return n ? Math.exp(s / n) : NaN;
}
