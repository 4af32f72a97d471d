/**
 * One window of truncated backpropagation through time, for B streams at once.
 *
 * Forward, layer by layer (layer l reads layer l-1's h sequence):
 *   1. the input projection of all T*B rows at once: W_ih x_t + b_ih (a column gather for the
 *      one-hot characters of layer 0, one matrix product above)
 *   2. the recurrence, step by step, one product W_hh h_{t-1} per step for all B streams
 *   3. the decoder on the top layer, all T*B rows at once: y_t = W_dec h_t + b_dec
 * Backward runs the same road in reverse; the weight gradients of W_ih, W_hh and the decoder
 * are each one product over all T*B rows, after the recurrence.
 *
 * The window starts from the state in each layer's hs[0..B*H) (and cs); the gradient stops
 * there (the state is carried over, the gradient is not: "truncated" BPTT).
 *
 * Between layers both passes ask the workspace's interrupt check (a pause waiting in the training
 * worker): a window abandoned there has changed nothing but scratch buffers.
 */

import { gatherColumnsAdd, matmulAB, matmulABt, matmulAtB, scatterColumnsAdd, type FloatArray } from '../kernels/kernels';
import { CELLS } from '../cells/cells';
import { softmaxCrossEntropy } from './loss';
import { type Network } from './network';
import { addColumnSums, fillRows } from '../kernels/tensorOps';
import { type Workspace } from './workspace';
import { checkInterrupt } from '../errors';

/** Runs ws.ids through the network from the state in hs[0] / cs[0]; leaves the logits in ws.probs. */
export function forwardWindow(net: Network, ws: Workspace): void {
  const { H, V, GH } = net;
  const p = net.params;
  const B = ws.batch;
  const rows = ws.rows;
  const cellForward = CELLS[net.config.cell].forward;
  for (let l = 0; l < net.config.layers; l++) {
    const lb = ws.layers[l];
    const off = net.layout.layers[l];
    checkInterrupt(ws.interrupt);
    fillRows(lb.xg, 0, p, off.bIh, rows, GH);
    if (l === 0) gatherColumnsAdd(lb.xg, 0, net.inputWeights, ws.ids, 0, GH, V, rows);
    else matmulABt(lb.xg, 0, ws.layers[l - 1].hs, B * H, p, off.wIh, rows, GH, H, true);
    cellForward(net, ws, lb, l);
  }
  const top = ws.layers[net.config.layers - 1];
  fillRows(ws.probs, 0, p, net.layout.decoderBias, rows, V);
  matmulABt(ws.probs, 0, top.hs, B * H, p, net.layout.decoderWeight, rows, V, H, true);
}

/**
 * Softmax and cross-entropy of the logits against ws.targets. dLogits gets scale * (p - onehot),
 * so with scale = 1/(B*T) the gradient is that of the mean loss. Returns the SUM of the losses.
 */
export function windowLoss(net: Network, ws: Workspace, scale: number): number {
  return softmaxCrossEntropy(ws.probs, ws.dLogits, ws.rowLoss, ws.targets, ws.rows, net.V, scale);
}

/**
 * Backpropagates ws.dLogits through the window. Adds the parameter gradients into `grads` (same
 * layout as the parameters; pass null when only dL/dh is wanted, as the trace does). Leaves
 * dL/dh_t (and dL/dc_t) of every layer and step in the layer buffers.
 */
export function backwardWindow(net: Network, ws: Workspace, grads: FloatArray | null): void {
  const { H, V, GH } = net;
  const p = net.params;
  const B = ws.batch;
  const rows = ws.rows;
  const L = net.config.layers;
  const top = ws.layers[L - 1];
  const { decoderWeight, decoderBias } = net.layout;
  if (grads) {
    matmulAtB(grads, decoderWeight, ws.dLogits, 0, top.hs, B * H, V, H, rows, true);
    addColumnSums(grads, decoderBias, ws.dLogits, 0, rows, V);
  }
  matmulAB(top.dH, 0, ws.dLogits, 0, p, decoderWeight, rows, H, V, false);
  const cellBackward = CELLS[net.config.cell].backward;
  for (let l = L - 1; l >= 0; l--) {
    const lb = ws.layers[l];
    const off = net.layout.layers[l];
    checkInterrupt(ws.interrupt);
    cellBackward(net, ws, lb, l, grads);
    if (grads) {
      if (l === 0) scatterColumnsAdd(grads.subarray(off.wIh, off.wIh + GH * V), lb.dGX, 0, ws.ids, 0, GH, V, rows);
      else matmulAtB(grads, off.wIh, lb.dGX, 0, ws.layers[l - 1].hs, B * H, GH, H, rows, true);
      addColumnSums(grads, off.bIh, lb.dGX, 0, rows, GH);
    }
    if (l > 0) matmulAB(ws.layers[l - 1].dH, 0, lb.dGX, 0, p, off.wIh, rows, H, GH, false);
  }
}

/** Forward, loss and backward of one window: the gradient of (sum of row losses) * scale is added to grads. Returns the loss sum. */
export function windowGradients(net: Network, ws: Workspace, grads: FloatArray, scale: number): number {
  forwardWindow(net, ws);
  const loss = windowLoss(net, ws, scale);
  backwardWindow(net, ws, grads);
  return loss;
}
