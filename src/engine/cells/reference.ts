/**
 * The cells as the lecture writes them: one timestep of one stream, plain loops over plain
 * arrays, forward and backward, in the manner of min-char-rnn. Nothing here is fast, and nothing
 * in training calls it: it is the oracle the fast path (rnnCell.ts, lstmCell.ts, gruCell.ts and
 * model/bptt.ts, batched and fused) is tested against, beside PyTorch's golden vectors
 * (test/engine/cells/reference.test.ts). Weights go by PyTorch name; gate blocks in PyTorch's
 * order; double precision throughout.
 */

import { type CellType, type ModelConfig } from '../model/config';

type Vec = Float64Array;
export type Weights = ReadonlyMap<string, ArrayLike<number>>;

/** W x + b for W [rows, cols] (row-major). */
function affine(W: ArrayLike<number>, x: Vec, b: ArrayLike<number>): Vec {
  const y = Float64Array.from(b);
  for (let i = 0; i < y.length; i++) for (let j = 0; j < x.length; j++) y[i] += W[i * x.length + j] * x[j];
  return y;
}

/** W^T dy: the gradient that goes back through y = W x to x. */
function backThrough(W: ArrayLike<number>, dy: Vec, cols: number): Vec {
  const dx = new Float64Array(cols);
  for (let i = 0; i < dy.length; i++) for (let j = 0; j < cols; j++) dx[j] += W[i * cols + j] * dy[i];
  return dx;
}

/** dW += dy x^T, db += dy (rows of dy from `from`, when only a block of W's rows is meant). */
function accumulate(dW: Vec, db: Vec | null, dy: Vec, x: Vec, from = 0): void {
  for (let i = 0; i < dy.length; i++) {
    for (let j = 0; j < x.length; j++) dW[(from + i) * x.length + j] += dy[i] * x[j];
    if (db) db[from + i] += dy[i];
  }
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const map = (v: Vec, f: (x: number, i: number) => number): Vec => v.map(f);
const block = (v: Vec, k: number, H: number): Vec => v.slice(k * H, (k + 1) * H);
const concat = (...parts: Vec[]): Vec => Float64Array.from(parts.flatMap((p) => Array.from(p)));

interface Layer { wIh: ArrayLike<number>; wHh: ArrayLike<number>; bIh: ArrayLike<number>; bHh: ArrayLike<number> }
interface LayerGrads { wIh: Vec; wHh: Vec; bIh: Vec; bHh: Vec }
interface State { h: Vec; c: Vec }
/** What one step keeps for its backward pass. */
type Saved = Record<string, Vec>;

/**
 * One step of a cell: the new state from x_t and the previous state, and the backward of that
 * step: from dL/dh_t and dL/dc_t (everything that reaches them) to dL/dx_t and the previous state's
 * gradients, adding the weights' gradients into g.
 */
interface ReferenceCell {
  forward(w: Layer, x: Vec, prev: State, H: number): { next: State; saved: Saved };
  /** `dc` in the result: all of dL/dc_t, the part through h_t included (LSTM; empty otherwise). */
  backward(w: Layer, saved: Saved, dh: Vec, dc: Vec, g: LayerGrads, H: number): { dx: Vec; dPrev: State; dc: Vec };
}

const rnn: ReferenceCell = {
  // h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
  forward(w, x, prev) {
    const recurrent = affine(w.wHh, prev.h, w.bHh);
    const h = map(affine(w.wIh, x, w.bIh), (v, i) => Math.tanh(v + recurrent[i]));
    return { next: { h, c: new Float64Array(0) }, saved: { x, hPrev: prev.h, h } };
  },
  // da = dh (1 - h^2)
  backward(w, { x, hPrev, h }, dh, _dc, g, H) {
    const da = map(dh, (d, i) => d * (1 - h[i] * h[i]));
    accumulate(g.wIh, g.bIh, da, x);
    accumulate(g.wHh, g.bHh, da, hPrev);
    return { dx: backThrough(w.wIh, da, x.length), dPrev: { h: backThrough(w.wHh, da, H), c: new Float64Array(0) }, dc: new Float64Array(0) };
  },
};

const lstm: ReferenceCell = {
  // [i f g o] = W_ih x + b_ih + W_hh h + b_hh;  c_t = f c_{t-1} + i g;  h_t = o tanh(c_t)
  forward(w, x, prev, H) {
    const recurrent = affine(w.wHh, prev.h, w.bHh);
    const a = map(affine(w.wIh, x, w.bIh), (v, k) => v + recurrent[k]);
    const i = map(block(a, 0, H), sigmoid), f = map(block(a, 1, H), sigmoid);
    const g = map(block(a, 2, H), Math.tanh), o = map(block(a, 3, H), sigmoid);
    const c = map(f, (fj, j) => fj * prev.c[j] + i[j] * g[j]);
    const tc = map(c, Math.tanh);
    const h = map(o, (oj, j) => oj * tc[j]);
    return { next: { h, c }, saved: { x, hPrev: prev.h, cPrev: prev.c, i, f, g, o, tc } };
  },
  // dc += dh o (1 - tanh^2 c); di = dc g; df = dc c_{t-1}; dg = dc i; do = dh tanh c; dc_{t-1} = dc f
  backward(w, { x, hPrev, cPrev, i, f, g, o, tc }, dh, dcIn, grads, H) {
    const dc = map(dcIn, (d, j) => d + dh[j] * o[j] * (1 - tc[j] * tc[j]));
    const da = concat(
      map(dc, (d, j) => d * g[j] * i[j] * (1 - i[j])),
      map(dc, (d, j) => d * cPrev[j] * f[j] * (1 - f[j])),
      map(dc, (d, j) => d * i[j] * (1 - g[j] * g[j])),
      map(dh, (d, j) => d * tc[j] * o[j] * (1 - o[j])),
    );
    accumulate(grads.wIh, grads.bIh, da, x);
    accumulate(grads.wHh, grads.bHh, da, hPrev);
    return { dx: backThrough(w.wIh, da, x.length), dPrev: { h: backThrough(w.wHh, da, H), c: map(dc, (d, j) => d * f[j]) }, dc };
  },
};

/** GRU: r, z = sigmoid(.); n = tanh(x_n + r (W_hn h + b_hn)) (reset-after) or tanh(x_n + W_hn (r h) + b_hn) (Cho); h_t = (1-z) n + z h_{t-1}. */
function gru(resetAfter: boolean): ReferenceCell {
  return {
    forward(w, x, prev, H) {
      const gi = affine(w.wIh, x, w.bIh);
      const gh = affine(w.wHh, prev.h, w.bHh); // Cho uses only its r and z blocks
      const r = map(block(gi, 0, H), (v, j) => sigmoid(v + gh[j]));
      const z = map(block(gi, 1, H), (v, j) => sigmoid(v + gh[H + j]));
      const rh = map(r, (rj, j) => rj * prev.h[j]);
      const hn = resetAfter ? block(gh, 2, H) : affine(Array.from(w.wHh).slice(2 * H * H), rh, Array.from(w.bHh).slice(2 * H));
      const n = map(block(gi, 2, H), (v, j) => Math.tanh(v + (resetAfter ? r[j] * hn[j] : hn[j])));
      const h = map(z, (zj, j) => (1 - zj) * n[j] + zj * prev.h[j]);
      return { next: { h, c: new Float64Array(0) }, saved: { x, hPrev: prev.h, r, z, n, hn, rh } };
    },
    backward(w, { x, hPrev, r, z, n, hn, rh }, dh, _dc, grads, H) {
      const wHn = Array.from(w.wHh).slice(2 * H * H);
      const dPrev = map(dh, (d, j) => d * z[j]);
      const dan = map(dh, (d, j) => d * (1 - z[j]) * (1 - n[j] * n[j]));
      const daz = map(dh, (d, j) => d * (hPrev[j] - n[j]) * z[j] * (1 - z[j]));
      // The gradient reaching r: through r (W_hn h + b_hn) (reset-after) or through r h, then W_hn (Cho).
      const dRh = resetAfter ? new Float64Array(H) : backThrough(wHn, dan, H);
      const dr = resetAfter ? map(dan, (d, j) => d * hn[j]) : map(dRh, (d, j) => d * hPrev[j]);
      const dar = map(dr, (d, j) => d * r[j] * (1 - r[j]));
      const dgi = concat(dar, daz, dan);
      accumulate(grads.wIh, grads.bIh, dgi, x);
      accumulate(grads.wHh, grads.bHh, concat(dar, daz), hPrev);
      const dhn = resetAfter ? map(dan, (d, j) => d * r[j]) : dan; // what W_hn's row block received
      accumulate(grads.wHh, grads.bHh, dhn, resetAfter ? hPrev : rh, 2 * H);
      const viaRz = backThrough(Array.from(w.wHh).slice(0, 2 * H * H), concat(dar, daz), H);
      const viaN = resetAfter ? backThrough(wHn, dhn, H) : map(dRh, (d, j) => d * r[j]);
      return { dx: backThrough(w.wIh, dgi, x.length), dPrev: { h: map(dPrev, (d, j) => d + viaRz[j] + viaN[j]), c: new Float64Array(0) }, dc: new Float64Array(0) };
    },
  };
}

function referenceCell(config: ModelConfig): ReferenceCell {
  const table: Record<CellType, ReferenceCell> = { rnn, lstm, gru: gru(config.gruResetAfter) };
  return table[config.cell];
}

export interface ReferenceWindow {
  /** Per step: the logits y_t and h_t / c_t of every layer. */
  readonly logits: Vec[];
  readonly h: Vec[][];
  readonly c: Vec[][];
  /** Mean cross-entropy over the T steps. */
  readonly loss: number;
  /** dL/dW of the mean loss, by PyTorch name. */
  readonly grads: Map<string, Vec>;
  /** dL/dh_t and dL/dc_t per layer and step (everything that reaches them). */
  readonly dh: Vec[][];
  readonly dc: Vec[][];
}

/**
 * One window of truncated BPTT for one stream, from state h0/c0 (per layer): forward through the
 * layers step by step, softmax cross-entropy of each step's prediction, then backward from the
 * last step to the first, each layer from the top down.
 */
export function referenceWindow(config: ModelConfig, weights: Weights, inputs: ArrayLike<number>, targets: ArrayLike<number>, h0: ArrayLike<number>[], c0: ArrayLike<number>[]): ReferenceWindow {
  const { hidden: H, layers: L } = config;
  const V = config.vocab.length;
  const T = inputs.length;
  const cell = referenceCell(config);
  const get = (name: string): ArrayLike<number> => weights.get(name)!;
  const layer = (l: number): Layer => ({ wIh: get(`rnn.weight_ih_l${l}`), wHh: get(`rnn.weight_hh_l${l}`), bIh: get(`rnn.bias_ih_l${l}`), bHh: get(`rnn.bias_hh_l${l}`) });
  const grads = new Map<string, Vec>([...weights].map(([name, w]) => [name, new Float64Array(w.length)]));
  const layerGrads = (l: number): LayerGrads => ({
    wIh: grads.get(`rnn.weight_ih_l${l}`)!, wHh: grads.get(`rnn.weight_hh_l${l}`)!, bIh: grads.get(`rnn.bias_ih_l${l}`)!, bHh: grads.get(`rnn.bias_hh_l${l}`)!,
  });

  const saved: Saved[][] = [];
  const states: State[][] = [];
  const probs: Vec[] = [];
  const logits: Vec[] = [];
  let loss = 0;
  let prev: State[] = Array.from({ length: L }, (_, l) => ({ h: Float64Array.from(h0[l]), c: Float64Array.from(config.cell === 'lstm' ? c0[l] : []) }));
  for (let t = 0; t < T; t++) {
    let x: Vec = map(new Float64Array(V), (_, v) => (v === inputs[t] ? 1 : 0));
    const step: Saved[] = [];
    const next: State[] = [];
    for (let l = 0; l < L; l++) {
      const out = cell.forward(layer(l), x, prev[l], H);
      step.push(out.saved);
      next.push(out.next);
      x = out.next.h;
    }
    const y = affine(get('decoder.weight'), x, get('decoder.bias'));
    const max = Math.max(...y);
    const e = map(y, (v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    probs.push(map(e, (v) => v / sum));
    logits.push(y);
    loss += Math.log(sum) + max - y[targets[t]];
    saved.push(step);
    states.push(next);
    prev = next;
  }

  const dh: Vec[][] = Array.from({ length: L }, () => Array.from({ length: T }, () => new Float64Array(H)));
  const dc: Vec[][] = Array.from({ length: L }, () => Array.from({ length: T }, () => new Float64Array(0)));
  const dNext: State[] = Array.from({ length: L }, () => ({ h: new Float64Array(H), c: new Float64Array(config.cell === 'lstm' ? H : 0) }));
  for (let t = T - 1; t >= 0; t--) {
    const dy = map(probs[t], (p, v) => (p - (v === targets[t] ? 1 : 0)) / T);
    accumulate(grads.get('decoder.weight')!, grads.get('decoder.bias')!, dy, states[t][L - 1].h);
    let fromAbove = backThrough(get('decoder.weight'), dy, H);
    for (let l = L - 1; l >= 0; l--) {
      dh[l][t] = map(fromAbove, (d, j) => d + dNext[l].h[j]);
      const back = cell.backward(layer(l), saved[t][l], dh[l][t], dNext[l].c, layerGrads(l), H);
      dc[l][t] = back.dc;
      dNext[l] = back.dPrev;
      fromAbove = back.dx;
    }
  }
  return { logits, h: states.map((s) => s.map((x) => x.h)), c: states.map((s) => s.map((x) => x.c)), loss: loss / T, grads, dh, dc };
}
