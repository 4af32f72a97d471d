/**
 * Every buffer one window of BPTT needs, allocated once per (batch B, steps T, precision) and
 * reused for every window, so the time loops never allocate.
 *
 * Rows are time-major: row r = t*B + b holds stream b at step t. That way the B streams of one
 * step are consecutive rows (one matrix product per step), and all T*B rows of a layer are one
 * matrix (one product for the input projection, the decoder and the weight gradients).
 */

import { CELLS } from '../cells/cells';
import { gateCount, type ModelConfig } from './config';
import { type FloatArray } from '../kernels/kernels';
import { type LayerHolds } from '../cells/unitHolds';
import { type Network } from './network';
import { allocLike } from './params';
import { type InterruptCheck } from '../errors';

export interface LayerBuffers {
  /** [T*B, G*H] input contributions W_ih x_t + b_ih. */
  readonly xg: FloatArray;
  /** [B, G*H] scratch for the recurrent product W_hh h_{t-1} (GRU Cho form: only its r and z blocks, [B, 2H]). */
  readonly hh: FloatArray;
  /** [B, H] scratch for the Cho-form GRU candidate's recurrent product W_hn (r*h) (reset-after keeps W_hn h in hh). */
  readonly hhN: FloatArray;
  /** [T*B, G*H] gate activations (lstm i,f,g,o; gru r,z,n; rnn the pre-activation a). */
  readonly acts: FloatArray;
  /** [(T+1)*B, H] h_{-1} (the state the window starts from), then h_0 .. h_{T-1}. */
  readonly hs: FloatArray;
  /** [(T+1)*B, H] LSTM cell states, laid out like hs (empty for other cells). */
  readonly cs: FloatArray;
  /** [T*B, H] tanh(c_t), LSTM. */
  readonly tanhC: FloatArray;
  /** [T*B, H] GRU: W_hn h_{t-1} + b_hn (reset-after form) or r*h_{t-1} (Cho form). */
  readonly aux: FloatArray;
  /** [T*B, H] dL/dh_t: filled with what comes from above, then the recurrence adds what comes from the future. */
  readonly dH: FloatArray;
  /** [T*B, H] dL/dc_t, LSTM. */
  readonly dC: FloatArray;
  /** [T*B, G*H] dL/d(pre-activation) on the input path: the gradient of W_ih, b_ih and the layer below. */
  readonly dGX: FloatArray;
  /** GRU recurrent path, [T*B, 2H] for r,z and [T*B, H] for n (rnn/lstm use dGX: both paths see the same pre-activation). */
  readonly dHRZ: FloatArray;
  readonly dHN: FloatArray;
  /**
   * One step's local derivatives (the cell's *_LOCAL blocks) for the backward pass: one stream's
   * (the GRU: every stream's). In double precision and outside any SIMD arena: only JavaScript reads them.
   */
  readonly local: Float64Array;
  /** [B, H] gradient flowing from step t+1 into step t; and scratch of the same size. */
  readonly dhNext: FloatArray;
  readonly dcNext: FloatArray;
  readonly scratch: FloatArray;
  readonly scratch2: FloatArray;
}

const LAYER_BUFFERS = ['xg', 'hh', 'hhN', 'acts', 'hs', 'cs', 'tanhC', 'aux', 'dH', 'dC', 'dGX', 'dHRZ', 'dHN', 'dhNext', 'dcNext', 'scratch', 'scratch2'] as const satisfies readonly (Exclude<keyof LayerBuffers, 'local'>)[];

export interface WorkspaceSizes {
  readonly layers: readonly Readonly<Record<(typeof LAYER_BUFFERS)[number], number>>[];
  readonly probs: number;
  readonly dLogits: number;
}

/** The length of every float buffer of a Workspace for B streams and T steps (so an arena can be sized before it is filled). */
export function workspaceSizes(config: ModelConfig, batch: number, steps: number): WorkspaceSizes {
  const H = config.hidden;
  const V = config.vocab.length;
  const GH = gateCount(config.cell) * H;
  const B = batch;
  const T = steps;
  const rows = T * B;
  const lstm = config.cell === 'lstm';
  const gru = config.cell === 'gru';
  const layer = {
    xg: rows * GH,
    hh: B * GH,
    hhN: gru ? B * H : 0,
    acts: rows * GH,
    hs: (T + 1) * B * H,
    cs: lstm ? (T + 1) * B * H : 0,
    tanhC: lstm ? rows * H : 0,
    aux: gru ? rows * H : 0,
    dH: rows * H,
    dC: lstm ? rows * H : 0,
    dGX: rows * GH,
    dHRZ: gru ? rows * 2 * H : 0,
    dHN: gru ? rows * H : 0,
    dhNext: B * H,
    dcNext: B * H,
    scratch: B * H,
    scratch2: B * H,
  };
  return { layers: Array.from({ length: config.layers }, () => layer), probs: rows * V, dLogits: rows * V };
}

/** Every length in `sizes`, for summing. */
export function workspaceLengths(sizes: WorkspaceSizes): number[] {
  return [...sizes.layers.flatMap((layer) => LAYER_BUFFERS.map((name) => layer[name])), sizes.probs, sizes.dLogits];
}

export class Workspace {
  readonly rows: number;
  /** [T*B] input ids and target ids, time-major. */
  readonly ids: Int32Array;
  readonly targets: Int32Array;
  readonly layers: LayerBuffers[];
  /** [T*B, V] logits, turned into probabilities in place by the loss. */
  readonly probs: FloatArray;
  /** [T*B, V] dL/dlogits. */
  readonly dLogits: FloatArray;
  /** [T*B] each row's cross-entropy (nats). */
  readonly rowLoss: Float64Array;
  /**
   * Analysis only: units held at fixed values in the forward pass, per layer (cells/unitHolds.ts).
   * Null, as in training, holds nothing.
   */
  holds: readonly (LayerHolds | null)[] | null = null;
  /**
   * Analysis only: the backward pass starts from the gradient already in each layer's dhNext (and
   * dcNext) rather than from zero, and leaves there the gradient into the window's initial state,
   * so a long text can be backpropagated window by window (analysis/saliency.ts). Training keeps
   * it off: its gradient stops at the window start.
   */
  continueGradient = false;
  /** Asked between layers of the forward and backward pass: true abandons the window (Interrupted). */
  interrupt: InterruptCheck | null = null;

  /** `alloc` places the buffers (a SimdArena's, for training); by default ordinary arrays of the network's precision. */
  constructor(readonly net: Network, readonly batch: number, readonly steps: number, alloc: (length: number) => FloatArray = (n) => allocLike(net.params, n)) {
    const rows = steps * batch;
    this.rows = rows;
    const sizes = workspaceSizes(net.config, batch, steps);
    this.ids = new Int32Array(rows);
    this.targets = new Int32Array(rows);
    const cell = net.config.cell;
    const localLength = (cell === 'gru' ? batch : 1) * CELLS[cell].blocks * net.H;
    this.layers = sizes.layers.map((layer) => {
      const buffers: Partial<Record<keyof LayerBuffers, FloatArray>> = {};
      for (const name of LAYER_BUFFERS) buffers[name] = alloc(layer[name]);
      return { ...buffers, local: new Float64Array(localLength) } as LayerBuffers;
    });
    this.probs = alloc(sizes.probs);
    this.dLogits = alloc(sizes.dLogits);
    this.rowLoss = new Float64Array(rows);
  }

  /** Starts the next window where this one ended: h_{T-1} (and c_{T-1}) become the initial state. */
  carryState(): void {
    const n = this.batch * this.net.H;
    const end = this.steps * n;
    for (const lb of this.layers) {
      lb.hs.copyWithin(0, end, end + n);
      if (lb.cs.length > 0) lb.cs.copyWithin(0, end, end + n);
    }
  }

  /** Zero initial state for every stream. */
  resetState(): void {
    const n = this.batch * this.net.H;
    for (const lb of this.layers) {
      lb.hs.fill(0, 0, n);
      if (lb.cs.length > 0) lb.cs.fill(0, 0, n);
    }
  }
}
