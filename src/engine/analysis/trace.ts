/**
 * Recording a trace (layout in traceLayout.ts): one window of one stream, replayed with the
 * current weights on its own workspace (B = 1), so ordinary training steps never pay for it.
 *
 *  - forward: h_t, c_t, gates, probabilities and per-step losses;
 *  - backward of the window's mean loss: dL/dh_t, dL/dc_t and each tensor's gradient norm;
 *  - what each step's cell sends back to h_{t-1} (and the GRU's reset gate gradient), from the
 *    backward pass's own pre-activation gradients (recurrentGradients.ts): two more products per
 *    layer, so the cell diagram can show every gradient of the cell at the cursor;
 *  - itemized gradients (RNNbow): ||d(L_t/T)/dh_k|| for every k <= t, how much each later
 *    prediction's error reaches back to step k. Summed as vectors over t they are dL/dh_k. All T
 *    loss terms go back together as T gradient streams of one batched backward
 *    (itemizedBackward.ts), not as T separate passes;
 *  - ||dh_t/dh_{t-1}||: the step Jacobian's largest singular value by Lanczos (spectral.ts),
 *    each J_t formed as a matrix where that is cheap (jacobian.ts), else all steps together.
 */

import { backwardWindow, forwardWindow, windowLoss } from '../model/bptt';
import { gateCount } from '../model/config';
import { formsStepJacobians, layerStepJacobians, stepJacobianMatrix, stepJacobianScratch } from './jacobian';
import { itemizedFloats, itemizedGradientNorms } from './itemizedBackward';
import { recordRecurrentGradients } from './recurrentGradients';
import { type Network } from '../model/network';
import { arenaFloats } from '../kernels/simd/simdArena';
import { type FloatArray } from '../kernels/kernels';
import { denseOperator, largestSingularValues } from './spectral';
import { mustWrap } from '../training/streams';
import { sumSquares } from '../kernels/tensorOps';
import { TRACE_VERSION, traceLayout, type Trace } from '../../protocol/traceLayout';
import { ReusablePass } from '../training/trainingMemory';
import { checkInterrupt, type InterruptCheck } from '../errors';
import { type Workspace } from '../model/workspace';

export interface TraceWindow {
  /** x_0 .. x_{T-1} and y_0 .. y_{T-1}. */
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /** Starting state per layer, H values each (c0 only for LSTM). */
  readonly h0: readonly ArrayLike<number>[];
  readonly c0: readonly ArrayLike<number>[];
  readonly trainingStep: number;
  readonly stream: number;
  readonly position: number;
  readonly carriedState: boolean;
}

/** Where one of B streams stands: enough to trace the window it trains on next. */
export interface StreamPosition {
  readonly trainIds: Int32Array;
  readonly streamLen: number;
  readonly seqLen: number;
  readonly stream: number;
  /** Offset into the stream of its next window. */
  readonly position: number;
  readonly trainingStep: number;
  /** The carried state of layer l for all B streams, [B, H] (c for LSTM only). */
  readonly carriedH: (layer: number) => ArrayLike<number> & { slice(start: number, end: number): ArrayLike<number> };
  readonly carriedC: (layer: number) => ArrayLike<number> & { slice(start: number, end: number): ArrayLike<number> };
}

/**
 * The next window of one stream, as training will read it: a stream that runs out wraps to its
 * start with a zero state, otherwise the window starts from the state carried over the
 * truncation boundary.
 */
export function recordStreamTrace(net: Network, s: StreamPosition, interrupt?: InterruptCheck): Trace {
  const H = net.H;
  const T = s.seqLen;
  const wraps = mustWrap(s.position, T, s.streamLen);
  const position = wraps ? 0 : s.position;
  const start = s.stream * s.streamLen + position;
  const zeros = new Float32Array(H);
  const at = s.stream * H;
  const h0: ArrayLike<number>[] = [];
  const c0: ArrayLike<number>[] = [];
  for (let l = 0; l < net.config.layers; l++) {
    h0.push(wraps ? zeros : s.carriedH(l).slice(at, at + H));
    c0.push(wraps || net.config.cell !== 'lstm' ? zeros : s.carriedC(l).slice(at, at + H));
  }
  return recordTrace(net, {
    inputs: s.trainIds.slice(start, start + T),
    targets: s.trainIds.slice(start + 1, start + T + 1),
    h0,
    c0,
    trainingStep: s.trainingStep,
    stream: s.stream,
    position,
    carriedState: position > 0,
  }, interrupt);
}

/** The trace's memory, kept from one trace to the next (a session records one every few steps). */
const tracePass = new ReusablePass();

/** `interrupt` is asked between the passes (and between layers of forward and backward): true abandons the trace (Interrupted). */
export function recordTrace(network: Network, w: TraceWindow, interrupt?: InterruptCheck): Trace {
  // A copy of the weights, the workspace and the gradient in one SIMD arena where available
  // (trainingMemory.ts): the window's products then run on the SIMD kernels.
  const T = w.inputs.length;
  // The itemized pass's and the Jacobians' buffers there too: their step matrices are then formed
  // on the SIMD kernels as well.
  const spare = itemizedFloats(network, T) + jacobianFloats(network, T);
  const { net, ws, extra: [grads, scratch], alloc } = tracePass.take(network, 1, T, [network.layout.total, T * network.H], spare);
  const { config, H, V } = net;
  const L = config.layers;
  const G = gateCount(config.cell);
  const lstm = config.cell === 'lstm';
  const P = net.layout.specs.length;
  const layout = traceLayout({ cell: config.cell, layers: L, hidden: H, vocabSize: V, steps: T, paramCount: P });
  const data = new Float32Array(layout.total);
  const at = layout.offset;

  ws.interrupt = interrupt ?? null;
  ws.ids.set(w.inputs);
  ws.targets.set(w.targets);
  for (let l = 0; l < L; l++) {
    ws.layers[l].hs.set(w.h0[l]);
    data.set(w.h0[l], at.h0 + l * H);
    if (lstm) {
      ws.layers[l].cs.set(w.c0[l]);
      data.set(w.c0[l], at.c0 + l * H);
    }
  }
  forwardWindow(net, ws);
  const lossSum = windowLoss(net, ws, 1 / T);
  for (let l = 0; l < L; l++) {
    const lb = ws.layers[l];
    data.set(lb.hs.subarray(H, (T + 1) * H), at.h + l * T * H);
    if (lstm) data.set(lb.cs.subarray(H, (T + 1) * H), at.c + l * T * H);
    // acts rows are [G, H] per step: exactly the trace's gate layout.
    data.set(lb.acts, at.gates + l * T * G * H);
  }
  data.set(ws.probs, at.probs);
  data.set(ws.rowLoss, at.loss);

  backwardWindow(net, ws, grads);
  for (let l = 0; l < L; l++) {
    data.set(ws.layers[l].dH, at.dh + l * T * H);
    if (lstm) data.set(ws.layers[l].dC, at.dc + l * T * H);
  }
  recordRecurrentGradients(net, ws, scratch, data, at.dhPrev, at.dReset);
  for (let k = 0; k < P; k++) data[at.gradNorms + k] = Math.sqrt(sumSquares(grads, net.layout.offsets[k], net.layout.specs[k].size));

  checkInterrupt(interrupt);
  recordJacobianNorms(net, ws, data, at.jacobian, alloc);
  checkInterrupt(interrupt);
  itemizedGradientNorms(net, ws, data, at.itemized, undefined, alloc);

  const ids = new Int32Array(2 * T);
  ids.set(w.inputs);
  ids.set(w.targets, T);
  return {
    header: {
      version: TRACE_VERSION,
      cell: config.cell,
      layers: L,
      hidden: H,
      vocab: [...config.vocab],
      steps: T,
      trainingStep: w.trainingStep,
      stream: w.stream,
      position: w.position,
      carriedState: w.carriedState,
      gruResetAfter: config.gruResetAfter,
      paramNames: net.layout.specs.map((s) => s.name),
      meanLoss: lossSum / T,
    },
    ids,
    data,
  };
}

/** Floats recordJacobianNorms takes from its allocator: one J, its scalings, and the solver's 3 vectors per step. */
function jacobianFloats(net: Network, T: number): number {
  if (!formsStepJacobians(net)) return 0;
  return arenaFloats(net.H * net.H) + arenaFloats(net.H) + arenaFloats(net.GH) + 3 * net.config.layers * T * arenaFloats(net.H);
}

/**
 * ||dh_t/dh_{t-1}|| per layer and step (needs the forward activations in ws). `alloc` places J
 * and the solver's vectors: in the arena of the weights (float32), J is formed and multiplied on
 * the SIMD kernels.
 */
function recordJacobianNorms(net: Network, ws: Workspace, data: Float32Array, offset: number, alloc: (length: number) => FloatArray): void {
  const { H } = net;
  const T = ws.steps;
  // Residual r of the top Ritz pair relative to sigma^2. Its error in sigma^2 is about r^2 over
  // the gap to the next singular value squared, so 1e-3 leaves sigma within ~1e-6 (relative) unless
  // the top singular values are clustered, and then within the cluster's spread: far below what
  // a view can show, and it takes a third fewer products than 1e-4 (a trace of a 3x256 LSTM
  // spends a quarter of its time here).
  const tolerance = net.params instanceof Float64Array ? 1e-10 : 1e-3;
  const forms = formsStepJacobians(net);
  const J = forms ? alloc(H * H) : null;
  const scratch = forms ? stepJacobianScratch(net, alloc) : null;
  for (let l = 0; l < net.config.layers; l++) {
    if (J !== null && scratch !== null) {
      // One formed J_t at a time: it stays in cache for all of its 20-50 products.
      // Warm started from the previous step's singular vector, since neighbouring J_t differ only in their gates.
      const vectors: Float64Array[] = [];
      for (let t = 0; t < T; t++) {
        stepJacobianMatrix(net, ws, l, t, J, 0, scratch);
        data[offset + l * T + t] = largestSingularValues(denseOperator(J, 0, H, H, alloc), { tolerance, starts: vectors, vectors })[0];
      }
    } else {
      // Products through W_hh for many steps at once; in chunks, so the Lanczos bases stay small.
      const chunk = Math.max(1, Math.floor(LANCZOS_CHUNK_ELEMENTS / H));
      for (let first = 0; first < T; first += chunk) {
        const count = Math.min(chunk, T - first);
        data.set(largestSingularValues(layerStepJacobians(net, ws, l, first, count), { tolerance }), offset + l * T + first);
      }
    }
  }
}

/** Vectors of all operators in one Lanczos run: 64 steps of 256 units. */
const LANCZOS_CHUNK_ELEMENTS = 1 << 14;
