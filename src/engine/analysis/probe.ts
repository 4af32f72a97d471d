/**
 * The counterfactual probe: "if this character were different, how long would the network
 * notice?" The text and the same text with one character replaced are read from the zero state
 * as two streams of one batch; after each character t >= K (K the replaced position) the probe
 * measures how far apart the two runs are:
 *
 *   dh_l(t) = ||h'_t - h_t||_2 of layer l      dc_l(t) the same for the LSTM's cell state
 *   kl(t)   = KL(p_t || p'_t) = sum_v p_t(v) (log p_t(v) - log p'_t(v))   (p_t predicts text[t+1])
 *   top1Changed(t) = argmax p_t != argmax p'_t
 *
 * and the horizon = (the last t >= K at which the top layer's dh is at least 1% of its largest
 * value over t >= K) - K: how many characters after the edit the network still carries a trace
 * of it. A replacement that changes nothing (dh = 0 throughout) has horizon 0.
 *
 * The characters before K are the same in both texts, so they are read once (batch 1) and the
 * state is copied into both streams. editProbeJob does the same for an edit that changes the
 * length (a character typed into or deleted from the file), comparing the texts after the edit.
 */

import { forwardWindow } from '../model/bptt';
import { InputError } from '../errors';
import { type Network } from '../model/network';
import { passWorkspace } from '../training/trainingMemory';
import { type Chunked } from './chunked';
import { argmax, carryAfter, logSoftmax, TEXT_WINDOW, windowsOf } from './textPass';

/** `rnn-lens probe` reads at most this many characters unless --length says otherwise (two streams of 20,000 take about a second). */
export const PROBE_DEFAULT_MAX_LENGTH = 20_000;

/** The horizon counts steps whose top-layer dh is at least this fraction of the largest. */
export const PROBE_HORIZON_FRACTION = 0.01;

export interface ProbeResult {
  /** K, the replaced position; the steps are t = at .. length - 1. */
  readonly at: number;
  /** N, the characters read. */
  readonly length: number;
  readonly layers: number;
  /** dh of layer l at t = at + i is dh[l * (length - at) + i]. */
  readonly dh: Float64Array;
  /** The same for the LSTM's c (empty for other cells). */
  readonly dc: Float64Array;
  /** kl[i] = KL(p_t || p'_t) at t = at + i (nats). */
  readonly kl: Float64Array;
  /** 1 where the likeliest next character differs. */
  readonly top1Changed: Uint8Array;
  readonly horizon: number;
}

/** The text's ids with the character at `at` replaced by id `replacement`. */
export function replaceAt(ids: Int32Array, at: number, replacement: number): Int32Array {
  const out = ids.slice();
  out[at] = replacement;
  return out;
}

/** (last i with dhTop[i] >= fraction * max) over a series starting at K: the horizon. 0 when the series is all zero. */
export function probeHorizon(dhTop: ArrayLike<number>, fraction = PROBE_HORIZON_FRACTION): number {
  let max = 0;
  for (let i = 0; i < dhTop.length; i++) max = Math.max(max, dhTop[i]);
  if (!(max > 0)) return 0;
  for (let i = dhTop.length - 1; i >= 0; i--) if (dhTop[i] >= fraction * max) return i;
  return 0;
}

/**
 * Reads `original` and `altered` (the same length, equal before `at`) and measures their
 * divergence at every t >= at. Yields after each window of characters.
 */
export function* probeJob(network: Network, original: Int32Array, altered: Int32Array, at: number): Chunked<ProbeResult> {
  const N = original.length;
  if (altered.length !== N) throw new InputError(`The two texts of a probe must have the same length (${N} and ${altered.length}).`);
  if (!Number.isInteger(at) || at < 0 || at >= N) throw new InputError(`The probed position must be between 0 and ${N - 1} (got ${at}).`);
  for (let t = 0; t < at; t++) if (original[t] !== altered[t]) throw new InputError(`The two texts differ at ${t}, before the probed position ${at}.`);
  const progress = { done: 0, total: N };
  // The shared prefix, once.
  const prefix = yield* readSpan(network, original, 0, at, null, progress);
  const r = yield* compareTails(network, original, at, prefix, altered, at, prefix, N - at, progress);
  return { at, length: N, ...r };
}

/**
 * The probe of an edit of any shape (a replacement, an insertion, a deletion, or several at once):
 * `original` and `edited` are equal before `prefix`, and after the edit they end alike. Each text
 * is read through its own middle from the shared prefix's state, then both are compared over the
 * common tail: `at` and `length` in the result are the edited text's positions, so the steps are
 * the characters after the edit (for a same-length edit, from the first changed character on, as
 * probeJob). An edit with nothing after it is refused: nothing could echo it.
 */
export function* editProbeJob(network: Network, original: Int32Array, edited: Int32Array, prefix: number): Chunked<ProbeResult> {
  const O = original.length;
  const E = edited.length;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > Math.min(O, E)) throw new InputError(`The edit must start between 0 and ${Math.min(O, E)} (got ${prefix}).`);
  if (O === E) return yield* probeJob(network, original, edited, prefix);
  let suffix = 0;
  while (suffix < Math.min(O, E) - prefix && original[O - 1 - suffix] === edited[E - 1 - suffix]) suffix++;
  if (suffix === 0) throw new InputError('The edit is at the end of the text: there is nothing after it to echo in.');
  const a = O - suffix;
  const b = E - suffix;
  const progress = { done: 0, total: a + b - prefix + suffix };
  const shared = yield* readSpan(network, original, 0, prefix, null, progress);
  const fromO = yield* readSpan(network, original, prefix, a, shared, progress);
  const fromE = yield* readSpan(network, edited, prefix, b, shared, progress);
  const r = yield* compareTails(network, original, a, fromO, edited, b, fromE, suffix, progress);
  return { at: b, length: E, ...r };
}

/** One stream's recurrent state between two reads: per layer h and (LSTM) c; null = zeros. */
type StreamState = { h: Float64Array; c: Float64Array }[] | null;

/** Reads ids[from..to) as one stream from `start`; returns the state after it (`start` when the span is empty). */
function* readSpan(network: Network, ids: Int32Array, from: number, to: number, start: StreamState, progress: { done: number; total: number }): Chunked<StreamState> {
  if (to <= from) return start;
  const H = network.H;
  const { net, ws } = passWorkspace(network, 1, Math.min(TEXT_WINDOW, to - from));
  ws.resetState();
  if (start) ws.layers.forEach((lb, l) => { lb.hs.set(start[l].h, 0); if (lb.cs.length > 0) lb.cs.set(start[l].c, 0); });
  for (const [s, count] of windowsOf(to - from, ws.steps)) {
    ws.ids.set(ids.subarray(from + s, from + s + count));
    forwardWindow(net, ws);
    carryAfter(ws, count);
    progress.done += count;
    yield { done: progress.done, total: progress.total };
  }
  return ws.layers.map((lb) => ({ h: Float64Array.from(lb.hs.subarray(0, H)), c: Float64Array.from(lb.cs.subarray(0, lb.cs.length > 0 ? H : 0)) }));
}

/**
 * x[xFrom..xFrom+n) and y[yFrom..yFrom+n) as streams 0 and 1 of one batch (rows 2t and 2t + 1),
 * each from its own state, compared after every character.
 */
function* compareTails(
  network: Network, x: Int32Array, xFrom: number, xState: StreamState, y: Int32Array, yFrom: number, yState: StreamState, n: number,
  progress: { done: number; total: number },
): Chunked<Omit<ProbeResult, 'at' | 'length'>> {
  const { H, V } = network;
  const L = network.config.layers;
  const lstm = network.config.cell === 'lstm';
  const dh = new Float64Array(L * n);
  const dc = new Float64Array(lstm ? L * n : 0);
  const kl = new Float64Array(n);
  const top1Changed = new Uint8Array(n);
  const { net, ws } = passWorkspace(network, 2, Math.min(TEXT_WINDOW, n));
  ws.resetState();
  ws.layers.forEach((lb, l) => {
    for (const [state, offset] of [[xState, 0], [yState, H]] as const) {
      if (!state) continue;
      lb.hs.set(state[l].h, offset);
      if (lb.cs.length > 0) lb.cs.set(state[l].c, offset);
    }
  });
  const lp = new Float64Array(V);
  const lq = new Float64Array(V);
  for (const [start, count] of windowsOf(n, ws.steps)) {
    for (let t = 0; t < count; t++) {
      ws.ids[2 * t] = x[xFrom + start + t];
      ws.ids[2 * t + 1] = y[yFrom + start + t];
    }
    forwardWindow(net, ws);
    for (let t = 0; t < count; t++) {
      const i = start + t;
      const row = (t + 1) * 2 * H;
      for (let l = 0; l < L; l++) {
        dh[l * n + i] = distance(ws.layers[l].hs, row, row + H, H);
        if (lstm) dc[l * n + i] = distance(ws.layers[l].cs, row, row + H, H);
      }
      logSoftmax(ws.probs, 2 * t * V, V, lp);
      logSoftmax(ws.probs, (2 * t + 1) * V, V, lq);
      let d = 0;
      for (let v = 0; v < V; v++) d += Math.exp(lp[v]) * (lp[v] - lq[v]);
      kl[i] = d;
      top1Changed[i] = argmax(ws.probs, 2 * t * V, V) !== argmax(ws.probs, (2 * t + 1) * V, V) ? 1 : 0;
    }
    carryAfter(ws, count);
    progress.done += count;
    yield { done: progress.done, total: progress.total };
  }
  return { layers: L, dh, dc, kl, top1Changed, horizon: probeHorizon(dh.subarray((L - 1) * n, L * n)) };
}

/** ||a[i..i+n) - a[j..j+n)||_2 in double precision. */
function distance(a: ArrayLike<number>, i: number, j: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) {
    const d = a[j + k] - a[i + k];
    s += d * d;
  }
  return Math.sqrt(s);
}
