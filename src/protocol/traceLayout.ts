/**
 * The trace: everything the visualization needs about one window of one stream, recorded by the
 * engine on request (never during ordinary training steps).
 *
 * A trace is a small JSON-able header plus two typed arrays. The arrays own their buffers
 * outright (no views into shared memory), so `postMessage(trace, traceTransferables(trace))`
 * moves them between threads without copying.
 *
 * `ids` (Int32Array, length 2T): the input ids x_0..x_{T-1}, then the target ids y_0..y_{T-1}.
 *
 * `data` (Float32Array) holds these sections back to back, each row-major, in this order
 * (L layers, T steps, H hidden, V vocabulary, G trace gates, P parameter tensors):
 *
 *   h0        [L, H]       the state the window started from (carried from the previous window, or zeros)
 *   c0        [L, H]       LSTM cell state the window started from (length 0 for rnn and gru)
 *   h         [L, T, H]    h_t, the hidden state after step t
 *   c         [L, T, H]    c_t, LSTM only (length 0 otherwise)
 *   gates     [L, T, G, H] gate activations, G and their order from `traceGateNames(cell)`:
 *                          lstm i, f, g, o (after sigmoid / tanh); gru r, z, n (n is the candidate);
 *                          rnn a, the pre-activation W_ih x_t + b_ih + W_hh h_{t-1} + b_hh (h_t = tanh(a))
 *   probs     [T, V]       softmax(y_t), the predicted distribution of the next character
 *   loss      [T]          -log probs[t, target_t], each step's cross-entropy in nats
 *   dh        [L, T, H]    dL/dh_t from BPTT through the window, L = mean over the T steps' losses
 *                          (the gradient is cut at the window start: truncated BPTT)
 *   dc        [L, T, H]    dL/dc_t, LSTM only (length 0 otherwise)
 *   dhPrev    [L, T, H]    dL/dh_{t-1} through step t's cell alone: what step t sends back to the state
 *                          it started from (for rnn and lstm W_hh^T times the pre-activation gradient;
 *                          for gru also the copy path z ⊙ dL/dh_t). So dh[t-1] = dhPrev[t] + what
 *                          reaches h_{t-1} from above (the decoder, or the layer above); at t = 0 it is
 *                          dL/dh0, the gradient truncated BPTT drops at the window start
 *   dReset    [L, T, H]    dL/dr_t, the GRU reset gate's gradient (length 0 for rnn and lstm): the one
 *                          gate gradient that the other sections do not determine without the weights
 *   itemized  [L, T, T]    row t, column k: || d(L_t / T) / dh_k ||_2 for k <= t, 0 for k > t.
 *                          The vectors behind row sums equal dh: sum over t >= k of d(L_t/T)/dh_k = dL/dh_k.
 *   jacobian  [L, T]       || dh_t / dh_{t-1} ||_2 (largest singular value; for LSTM with c_{t-1} held
 *                          fixed); at t = 0 the Jacobian is taken with respect to h0
 *   gradNorms [P]          || dL/dW ||_2 for each parameter tensor of this window's loss, in
 *                          `parameterSpecs` order (names in header.paramNames)
 */

import { type CellType } from '../engine/model/config';
import { MAX_HIDDEN, MAX_LAYERS, MAX_WINDOW } from './guards';

/** 2: dhPrev and dReset added (the cell diagram's backward view needs them). */
export const TRACE_VERSION = 2;

export interface TraceHeader {
  readonly version: typeof TRACE_VERSION;
  readonly cell: CellType;
  readonly layers: number;
  readonly hidden: number;
  readonly vocab: readonly string[];
  /** Window length T. */
  readonly steps: number;
  /** Optimizer steps taken before this trace was recorded (the weights it shows). */
  readonly trainingStep: number;
  /** Which of the B streams the window comes from. */
  readonly stream: number;
  /** Index into the training text (in code points) of x_0. */
  readonly position: number;
  /** True when h0 (and c0) were carried over from the previous window: the state crosses the truncation boundary, the gradient does not. */
  readonly carriedState: boolean;
  readonly gruResetAfter: boolean;
  /** Parameter tensor names, in the order of the gradNorms section. */
  readonly paramNames: readonly string[];
  /** Mean of the loss section. */
  readonly meanLoss: number;
}

export interface Trace {
  readonly header: TraceHeader;
  readonly ids: Int32Array;
  readonly data: Float32Array;
}

export type TraceSection =
  | 'h0' | 'c0' | 'h' | 'c' | 'gates' | 'probs' | 'loss' | 'dh' | 'dc' | 'dhPrev' | 'dReset' | 'itemized' | 'jacobian' | 'gradNorms';

export const TRACE_SECTIONS: readonly TraceSection[] = [
  'h0', 'c0', 'h', 'c', 'gates', 'probs', 'loss', 'dh', 'dc', 'dhPrev', 'dReset', 'itemized', 'jacobian', 'gradNorms',
];

/** The gates a trace records per cell, in order (see the layout above). */
export function traceGateNames(cell: CellType): readonly string[] {
  return cell === 'lstm' ? ['i', 'f', 'g', 'o'] : cell === 'gru' ? ['r', 'z', 'n'] : ['a'];
}

export interface TraceLayout {
  /** Offset (in elements of `data`) and length of each section. */
  readonly offset: Readonly<Record<TraceSection, number>>;
  readonly length: Readonly<Record<TraceSection, number>>;
  /** Total length of `data`. */
  readonly total: number;
}

export interface TraceShape {
  readonly cell: CellType;
  readonly layers: number;
  readonly hidden: number;
  readonly vocabSize: number;
  readonly steps: number;
  readonly paramCount: number;
}

/** Where each section lives in `data`. Producer and readers both use this, so they cannot disagree. */
export function traceLayout(s: TraceShape): TraceLayout {
  const { layers: L, hidden: H, vocabSize: V, steps: T, paramCount: P } = s;
  const lstm = s.cell === 'lstm';
  const G = traceGateNames(s.cell).length;
  const length: Record<TraceSection, number> = {
    h0: L * H,
    c0: lstm ? L * H : 0,
    h: L * T * H,
    c: lstm ? L * T * H : 0,
    gates: L * T * G * H,
    probs: T * V,
    loss: T,
    dh: L * T * H,
    dc: lstm ? L * T * H : 0,
    dhPrev: L * T * H,
    dReset: s.cell === 'gru' ? L * T * H : 0,
    itemized: L * T * T,
    jacobian: L * T,
    gradNorms: P,
  };
  const offset = {} as Record<TraceSection, number>;
  let total = 0;
  for (const section of TRACE_SECTIONS) {
    offset[section] = total;
    total += length[section];
  }
  return { offset, length, total };
}

export function traceShapeOf(header: TraceHeader): TraceShape {
  return {
    cell: header.cell,
    layers: header.layers,
    hidden: header.hidden,
    vocabSize: header.vocab.length,
    steps: header.steps,
    paramCount: header.paramNames.length,
  };
}

/** A section of a trace as a view (no copy). */
export function traceSection(trace: Trace, section: TraceSection): Float32Array {
  const layout = traceLayout(traceShapeOf(trace.header));
  return trace.data.subarray(layout.offset[section], layout.offset[section] + layout.length[section]);
}

/** The buffers to list in postMessage's transfer list. */
export function traceTransferables(trace: Trace): ArrayBuffer[] {
  return [trace.ids.buffer as ArrayBuffer, trace.data.buffer as ArrayBuffer];
}

/**
 * Checks that a trace received from another thread is internally consistent (sizes match the
 * header, the numbers are in range). Returns a problem sentence, or null when it is sound.
 */
export function checkTrace(trace: Trace): string | null {
  const h = trace.header;
  if (!h || h.version !== TRACE_VERSION) return 'unknown trace version';
  for (const [name, v, max] of [['layers', h.layers, MAX_LAYERS], ['hidden', h.hidden, MAX_HIDDEN], ['steps', h.steps, MAX_WINDOW]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > max) return `trace ${name} out of range: ${String(v)}`;
  }
  if (!Array.isArray(h.vocab) || h.vocab.length < 2) return 'trace vocabulary too small';
  if (!(trace.ids instanceof Int32Array) || trace.ids.length !== 2 * h.steps) return 'trace ids have the wrong length';
  for (let i = 0; i < trace.ids.length; i++) {
    if (trace.ids[i] < 0 || trace.ids[i] >= h.vocab.length) return 'trace ids out of the vocabulary';
  }
  const layout = traceLayout(traceShapeOf(h));
  if (!(trace.data instanceof Float32Array) || trace.data.length !== layout.total) return 'trace data has the wrong length';
  return null;
}
