/**
 * Saliency: which earlier characters does the prediction of text[T+1] lean on? For the
 * prediction p = p_T(text[T+1]) after reading text[0..T] from the zero state, and each k <= T,
 * the gradient of log p with respect to the one-hot input x_k:
 *
 *   d log p / d x_k = W_ih0^T dGX_k        (dGX_k: d log p / d(pre-activations of layer 0 at k))
 *   grad_k = its entry at the character actually read (gradient x input, since x_k is one-hot)
 *   norm_k = its L2 norm over the whole vocabulary
 *
 * One backward pass from the single loss term log p (d log p / d logits_T = onehot - p_T)
 * through every step, by the engine's own window backward (model/bptt.ts). A long text is done
 * in windows to bound memory: a first forward pass keeps only the state at each window start;
 * then, from the last window to the first, the window's forward pass is recomputed from that
 * state and its backward pass continues from the gradient the later window left in dhNext and
 * dcNext (Workspace.continueGradient). The result is the same gradient as one window of T + 1
 * steps, for about twice the forward work.
 */

import { backwardWindow, forwardWindow } from '../model/bptt';
import { InputError } from '../errors';
import { matmulAB } from '../kernels/kernels';
import { type Network } from '../model/network';
import { passWorkspace } from '../training/trainingMemory';
import { type Chunked } from './chunked';
import { carryAfter, logSoftmax, TEXT_WINDOW, windowsOf } from './textPass';

export interface SaliencyResult {
  /** T: the prediction explained is that of text[T + 1] after text[0..T]. */
  readonly t: number;
  /** The id of text[T + 1]. */
  readonly target: number;
  /** log p_T(text[T + 1]), nats. */
  readonly logProb: number;
  /** grad[k] and norm[k] for k = 0..T (see the top of the file). */
  readonly grad: Float64Array;
  readonly norm: Float64Array;
}

/** Explains the prediction of ids[t + 1] after ids[0..t]. Yields after each window of the forward and of the backward pass. */
export function* saliencyJob(network: Network, ids: Int32Array, t: number): Chunked<SaliencyResult> {
  if (!Number.isInteger(t) || t < 0 || t + 1 >= ids.length) throw new InputError(`The position must be between 0 and ${ids.length - 2}, so that a next character exists (got ${t}).`);
  const steps = t + 1;
  const windows = [...windowsOf(steps, TEXT_WINDOW)];
  const W = windows[0][1];
  const { H, V, GH } = network;
  const L = network.config.layers;
  const lstm = network.config.cell === 'lstm';
  const { net, ws, extra: [inputGrad] } = passWorkspace(network, 1, W, [W * V]);
  const total = 2 * windows.length - 1;
  let done = 0;

  // Forward: keep the state each window starts from.
  const starts: Float32Array[] = [];
  ws.resetState();
  for (const [start, count] of windows) {
    const state = new Float32Array((lstm ? 2 : 1) * L * H);
    ws.layers.forEach((lb, l) => {
      state.set(lb.hs.subarray(0, H), l * H);
      if (lstm) state.set(lb.cs.subarray(0, H), (L + l) * H);
    });
    starts.push(state);
    if (start + count === steps) break; // the backward pass below runs the last window's forward itself
    ws.ids.set(ids.subarray(start, start + count));
    forwardWindow(net, ws);
    carryAfter(ws, count);
    yield { done: ++done, total };
  }

  const grad = new Float64Array(steps);
  const norm = new Float64Array(steps);
  const logp = new Float64Array(V);
  const target = ids[t + 1];
  let logProb = 0;
  ws.continueGradient = true;
  for (const lb of ws.layers) {
    lb.dhNext.fill(0);
    lb.dcNext.fill(0);
  }
  const wIh0 = net.layout.layers[0].wIh;
  for (let w = windows.length - 1; w >= 0; w--) {
    const [start, count] = windows[w];
    ws.layers.forEach((lb, l) => {
      lb.hs.set(starts[w].subarray(l * H, (l + 1) * H), 0);
      if (lstm) lb.cs.set(starts[w].subarray((L + l) * H, (L + l + 1) * H), 0);
    });
    ws.ids.set(ids.subarray(start, start + count));
    forwardWindow(net, ws);
    ws.dLogits.fill(0);
    if (w === windows.length - 1) {
      // d log p / d logits = onehot(target) - softmax(logits), on the last step only.
      const row = (count - 1) * V;
      logSoftmax(ws.probs, row, V, logp);
      logProb = logp[target];
      for (let v = 0; v < V; v++) ws.dLogits[row + v] = (v === target ? 1 : 0) - Math.exp(logp[v]);
    }
    backwardWindow(net, ws, null);
    // d log p / d x_k for every k of the window: [count, V] = dGX [count, GH] . W_ih0 [GH, V].
    matmulAB(inputGrad, 0, ws.layers[0].dGX, 0, net.params, wIh0, count, V, GH, false);
    for (let k = 0; k < count; k++) {
      let s = 0;
      for (let v = 0; v < V; v++) s += inputGrad[k * V + v] * inputGrad[k * V + v];
      grad[start + k] = inputGrad[k * V + ids[start + k]];
      norm[start + k] = Math.sqrt(s);
    }
    yield { done: ++done, total };
  }
  return { t, target, logProb, grad, norm };
}
