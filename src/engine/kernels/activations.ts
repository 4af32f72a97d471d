/**
 * One hidden unit over a whole text: Karpathy's "visualizing and understanding recurrent
 * networks" cells, read straight off the forward pass.
 *
 * The text is read as ONE stream from a zero state (as held-out evaluation reads it), B = 1:
 *
 *   h_t = cell(x_t, h_{t-1}),   p_t = softmax(W_dec h_t + b_dec)
 *
 * and for every character t we keep h_t[unit] of the chosen layer (and c_t[unit] for an LSTM),
 * the K likeliest next characters under p_t, and the loss -log p_t[x_{t+1}] (NaN for the last
 * character, which has nothing after it to predict).
 *
 * The forward pass runs in windows of WINDOW steps over one reused Workspace with the state
 * carried between windows, so the loop allocates nothing per step and the window length changes
 * nothing but memory (exactly like streamLoss in evaluate.ts, whose mean loss this reproduces).
 */

import { forwardWindow } from '../model/bptt';
import { gateCount, type ModelConfig } from '../model/config';
import { InputError } from '../errors';
import { softmaxCrossEntropy } from '../model/loss';
import { type Network } from '../model/network';
import { simdAvailable } from './simd/simdArena';
import { passWorkspace } from '../training/trainingMemory';

const WINDOW = 256;
export const DEFAULT_TOP_K = 5;

export interface UnitActivations {
  readonly layer: number;
  readonly unit: number;
  /** Characters covered (n): one entry per input character. */
  readonly length: number;
  /** Predictions kept per character (min(topK, V)). */
  readonly topK: number;
  /** [n] h_t[unit] after reading character t. */
  readonly h: Float32Array;
  /** [n] c_t[unit], LSTM only (length 0 for other cells). */
  readonly c: Float32Array;
  /** [n, topK] ids of the likeliest next characters, most likely first. */
  readonly topIds: Int32Array;
  /** [n, topK] their probabilities. */
  readonly topProbs: Float32Array;
  /** [n] -log p_t[x_{t+1}] in nats; NaN for the last character. */
  readonly loss: Float32Array;
}

export interface UnitActivationOptions {
  readonly topK?: number;
  /** Hears after each window how many characters are done. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs `ids` through `net` from a zero state and records unit `unit` of layer `layer` at every character. */
export function unitActivations(net: Network, ids: Int32Array, layer: number, unit: number, opts: UnitActivationOptions = {}): UnitActivations {
  const { H, V } = net;
  const L = net.config.layers;
  if (!Number.isInteger(layer) || layer < 0 || layer >= L) throw new InputError(`layer must be between 0 and ${L - 1} (got ${layer}).`);
  if (!Number.isInteger(unit) || unit < 0 || unit >= H) throw new InputError(`unit must be between 0 and ${H - 1} (got ${unit}).`);
  const K = Math.min(V, Math.max(1, Math.floor(opts.topK ?? DEFAULT_TOP_K)));
  const n = ids.length;
  const lstm = net.config.cell === 'lstm';
  const out: UnitActivations = {
    layer, unit, length: n, topK: K,
    h: new Float32Array(n),
    c: new Float32Array(lstm ? n : 0),
    topIds: new Int32Array(n * K),
    topProbs: new Float32Array(n * K),
    loss: new Float32Array(n),
  };
  if (n === 0) return out;

  const T = Math.min(WINDOW, n);
  // A copy of the weights next to the workspace, in a SIMD arena where available (trainingMemory.ts).
  const pass = passWorkspace(net, 1, T);
  const ws = pass.ws;
  ws.resetState();
  const lb = ws.layers[layer];
  for (let start = 0; start < n; start += T) {
    if (start > 0) ws.carryState();
    // The last window may be shorter: its rows past `steps` run on stale ids and are ignored
    // (nothing is carried out of the last window), so one workspace serves every window.
    const steps = Math.min(T, n - start);
    ws.ids.set(ids.subarray(start, start + steps));
    for (let t = 0; t < steps; t++) {
      const next = start + t + 1;
      ws.targets[t] = next < n ? ids[next] : 0;
    }
    forwardWindow(pass.net, ws);
    softmaxCrossEntropy(ws.probs, null, ws.rowLoss, ws.targets, steps, V, 0);
    for (let t = 0; t < steps; t++) {
      const i = start + t;
      // hs row 0 is the state the window started from, so h_t is row t + 1.
      out.h[i] = lb.hs[(t + 1) * H + unit];
      if (lstm) out.c[i] = lb.cs[(t + 1) * H + unit];
      out.loss[i] = i + 1 < n ? ws.rowLoss[t] : NaN;
      topK(ws.probs, t * V, V, K, out.topIds, out.topProbs, i * K);
    }
    opts.onProgress?.(start + steps, n);
  }
  return out;
}

/**
 * A forward pass with B = 1 is a matrix-vector product per layer and step, so its cost grows
 * with H^2: a big model cannot read 200,000 characters in the moment a hover is worth. Callers
 * read at most affordableChars() characters: one to two seconds of work here on the kernels that
 * will run (measured on the reference machine: 3-8 G multiply-adds/s with SIMD, small to large
 * models, and about 1.5 G with the scalar kernels).
 */
export const ACTIVATION_BUDGET_MACS = { simd: 8e9, scalar: 2e9 } as const;

/** Multiply-adds per character: each layer's recurrent (and, above layer 0, input) product, then the decoder. */
export function macsPerChar(config: ModelConfig): number {
  const H = config.hidden;
  const GH = gateCount(config.cell) * H;
  let macs = config.vocab.length * H;
  for (let l = 0; l < config.layers; l++) macs += GH * H * (l === 0 ? 1 : 2);
  return macs;
}

/** How many characters fit in the budget of the kernels that will run, for this architecture (at least 1000). */
export function affordableChars(config: ModelConfig, budget = simdAvailable() ? ACTIVATION_BUDGET_MACS.simd : ACTIVATION_BUDGET_MACS.scalar): number {
  return Math.max(1000, Math.floor(budget / macsPerChar(config)));
}

/** The first `count` code points of `text` (a character is a code point, see text.ts). */
export function codePointPrefix(text: string, count: number): string {
  let i = 0;
  for (let cp = 0; cp < count && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    i += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, i);
}

/**
 * The K largest of row[offset .. offset+V) into ids/probs[at .. at+K), largest first (ties: the
 * lower id first). An insertion into a sorted list of K: O(V K), no allocation.
 */
export function topK(row: ArrayLike<number>, offset: number, V: number, K: number, ids: Int32Array, probs: Float32Array, at: number): void {
  let filled = 0;
  for (let v = 0; v < V; v++) {
    const p = row[offset + v];
    if (filled === K && !(p > probs[at + K - 1])) continue;
    let j = filled < K ? filled++ : K - 1;
    while (j > 0 && p > probs[at + j - 1]) {
      probs[at + j] = probs[at + j - 1];
      ids[at + j] = ids[at + j - 1];
      j--;
    }
    probs[at + j] = p;
    ids[at + j] = v;
  }
}
