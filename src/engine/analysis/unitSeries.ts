/**
 * A few units' values over a text, for the views rather than the statistics: the sparklines of
 * Find Units (a unit's mean value in each of `bins` equal stretches of the text) and the values of
 * one unit over a stretch of text the editor shows (neuron colours of the visible ranges).
 *
 * A stretch far into a long text needs the state after everything before it. `UnitStateCache`
 * keeps the exact state every CACHE_STRIDE characters (and at the end) of the passes made so far, so the next pass
 * starts from the nearest one; when none is near enough, the pass starts from a zero state
 * WARMUP characters earlier and says so (`exact` false): an approximation whose error the What If
 * probe measures (how long a change to the state echoes).
 */

import { forwardWindow } from '../model/bptt';
import { softmaxCrossEntropy } from '../model/loss';
import { type Network } from '../model/network';
import { passWorkspace } from '../training/trainingMemory';
import { type Workspace } from '../model/workspace';
import { topK as topOf } from '../kernels/activations';
import { type Chunked } from './chunked';
import { type UnitRef } from './neurons';
import { carryAfter, TEXT_WINDOW, windowsOf } from './textPass';

/** Characters between two cached exact states. */
export const CACHE_STRIDE = 4096;
/** Characters read from a zero state before a stretch whose exact state is out of reach. */
export const WARMUP = 1024;

/** The value of `ref` after step t of the window (row t + 1). */
function unitValue(ws: Workspace, ref: UnitRef, t: number): number {
  const H = ws.net.H;
  const lb = ws.layers[ref.layer];
  return (ref.state === 'c' ? lb.cs : lb.hs)[(t + 1) * H + ref.unit];
}

/** Each unit's mean value over each of `bins` equal stretches of ids (bins clamped to the length). Yields after each window. */
export function* unitSparklinesJob(network: Network, ids: Int32Array, units: readonly UnitRef[], bins: number): Chunked<Float64Array[]> {
  const n = ids.length;
  const B = Math.max(1, Math.min(bins, n));
  const sums = units.map(() => new Float64Array(B));
  const counts = new Float64Array(B);
  const { net, ws } = passWorkspace(network, 1, Math.min(TEXT_WINDOW, n));
  ws.resetState();
  for (const [start, count] of windowsOf(n, ws.steps)) {
    ws.ids.set(ids.subarray(start, start + count));
    forwardWindow(net, ws);
    for (let t = 0; t < count; t++) {
      const bin = Math.min(B - 1, Math.floor(((start + t) * B) / n));
      counts[bin]++;
      units.forEach((u, i) => { sums[i][bin] += unitValue(ws, u, t); });
    }
    carryAfter(ws, count);
    yield { done: start + count, total: n };
  }
  for (const s of sums) for (let b = 0; b < B; b++) s[b] = counts[b] > 0 ? s[b] / counts[b] : 0;
  return sums;
}

/** The same binning for any per-position series (a feature's values). */
export function binMeans(values: ArrayLike<number>, bins: number): Float64Array {
  const n = values.length;
  const B = Math.max(1, Math.min(bins, n));
  const sums = new Float64Array(B);
  const counts = new Float64Array(B);
  for (let i = 0; i < n; i++) {
    const bin = Math.min(B - 1, Math.floor((i * B) / n));
    sums[bin] += values[i];
    counts[bin]++;
  }
  for (let b = 0; b < B; b++) sums[b] = counts[b] > 0 ? sums[b] / counts[b] : 0;
  return sums;
}

/** The state of every layer (h, then c for an LSTM) as one array, layer by layer. */
type State = Float32Array;

/** Exact states of one model over one text, every CACHE_STRIDE characters, as passes reach them. */
export class UnitStateCache {
  /** states.get(p): the state after reading ids[0..p) (p a multiple of CACHE_STRIDE or where a pass ended; p = 0 is the zero state). */
  private readonly states = new Map<number, State>();

  /** The largest cached position at or before `position`. */
  nearest(position: number): number {
    let best = 0;
    for (const p of this.states.keys()) if (p <= position && p > best) best = p;
    return best;
  }

  get(position: number): State | undefined {
    return this.states.get(position);
  }

  put(position: number, state: State): void {
    this.states.set(position, state);
  }

  get size(): number {
    return this.states.size;
  }
}

export interface UnitRange {
  readonly from: number;
  readonly values: Float32Array;
  /** Loss of the prediction of ids[from + i + 1]; NaN for the text's last character. */
  readonly loss: Float32Array;
  readonly startedAt: number;
  readonly exact: boolean;
  /** Predictions kept per character (0 unless asked for). */
  readonly topK: number;
  /** [count, topK] the likeliest next characters after each character (ids, then probabilities; 0 where nothing is predicted). */
  readonly topIds: Int32Array;
  readonly topProbs: Float32Array;
}

/**
 * One unit's value at ids[from..to) (and the loss of each prediction there). The pass starts from
 * the cached exact state nearest before `from` when reading from it costs at most `exactBudget`
 * characters, else from a zero state WARMUP characters before `from`. Exact passes leave their
 * states in the cache. `topK` > 0 also keeps the likeliest next characters after each one.
 * Yields after each window.
 */
export function* unitRangeJob(
  network: Network, ids: Int32Array, ref: UnitRef, from: number, to: number, cache: UnitStateCache, exactBudget: number, topK = 0,
): Chunked<UnitRange> {
  const n = ids.length;
  const end = Math.min(to, n);
  const { H } = network;
  const L = network.config.layers;
  const lstm = network.config.cell === 'lstm';
  const nearest = cache.nearest(from);
  const exact = from - nearest <= exactBudget;
  const startedAt = exact ? nearest : Math.max(0, from - WARMUP);
  const { net, ws } = passWorkspace(network, 1, Math.min(TEXT_WINDOW, Math.max(1, end - startedAt)));
  ws.resetState();
  const start = exact ? cache.get(nearest) : undefined;
  if (start) {
    ws.layers.forEach((lb, l) => {
      lb.hs.set(start.subarray(l * H, (l + 1) * H), 0);
      if (lstm) lb.cs.set(start.subarray((L + l) * H, (L + l + 1) * H), 0);
    });
  }
  const count = Math.max(0, end - from);
  const values = new Float32Array(count);
  const loss = new Float32Array(count).fill(Number.NaN);
  const K = Math.max(0, Math.min(topK, network.V));
  const topIds = new Int32Array(count * K);
  const topProbs = new Float32Array(count * K);
  const total = end - startedAt;
  for (const [offset, steps] of windowsOf(total, ws.steps)) {
    const s = startedAt + offset;
    ws.ids.set(ids.subarray(s, s + steps));
    // Targets past the text's end are never counted (the last character predicts nothing).
    const predicted = Math.min(steps, n - 1 - s);
    if (predicted > 0) ws.targets.set(ids.subarray(s + 1, s + 1 + predicted));
    forwardWindow(net, ws);
    if (predicted > 0) softmaxCrossEntropy(ws.probs, null, ws.rowLoss, ws.targets, predicted, net.V, 0);
    for (let t = 0; t < steps; t++) {
      const p = s + t;
      if (p >= from) {
        values[p - from] = unitValue(ws, ref, t);
        if (t < predicted) {
          loss[p - from] = ws.rowLoss[t];
          // softmaxCrossEntropy left the row's probabilities in ws.probs.
          if (K > 0) topOf(ws.probs, t * net.V, net.V, K, topIds, topProbs, (p - from) * K);
        }
      }
      // The state after reading ids[0..p] is the one position p + 1 starts from.
      if (exact && (p + 1) % CACHE_STRIDE === 0 && !cache.get(p + 1)) cache.put(p + 1, snapshot(ws, t + 1, L, H, lstm));
    }
    carryAfter(ws, steps);
    yield { done: offset + steps, total };
  }
  // The state at the end too: the next stretch (the user scrolling on) starts exactly where this one ended.
  if (exact && end > startedAt && !cache.get(end)) cache.put(end, snapshot(ws, 0, L, H, lstm));
  return { from, values, loss, startedAt, exact: exact || startedAt === 0, topK: K, topIds, topProbs };
}

/** Row `row` of every layer's hs (and cs) as one state. */
function snapshot(ws: Workspace, row: number, L: number, H: number, lstm: boolean): State {
  const state = new Float32Array((lstm ? 2 : 1) * L * H);
  ws.layers.forEach((lb, l) => {
    state.set(lb.hs.subarray(row * H, (row + 1) * H), l * H);
    if (lstm) state.set(lb.cs.subarray(row * H, (row + 1) * H), (L + l) * H);
  });
  return state;
}

/** Characters a pass can afford to read for an exact state in about two seconds (a forward step costs about L*G*H*2H + H*V multiply-adds). */
export function exactBudget(network: Network): number {
  const { H, V, G } = network;
  const perChar = network.config.layers * G * H * 2 * H + H * V;
  return Math.max(2 * CACHE_STRIDE, Math.round(2e10 / perChar));
}
