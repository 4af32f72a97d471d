/**
 * The lower-level batch API, and the unit of data-parallel training.
 *
 * A StreamGroup owns streams [first, first + count) of the B training streams: their read
 * positions, their carried (detached) state and a workspace. `accumulateGradients` runs one
 * window of those streams and ADDS the gradient of (sum of their per-character losses) * scale
 * into a caller-owned buffer laid out like the parameters.
 *
 * With scale = 1 / (B * T) for every group, the groups' gradients summed are exactly the
 * gradient of the mean loss over all B streams (up to float rounding order). So W workers, each
 * holding a replica of the weights and a group of streams, can each accumulate, the sums are
 * added, and one `applyUpdate` (update.ts) with the summed gradient gives the same step as a
 * single trainer. A Trainer trains on one group of all B streams (its local gradient source),
 * or on a worker pool whose threads each hold a group (gradientSource.ts).
 */

import { windowGradients } from '../model/bptt';
import { type FloatArray } from '../kernels/kernels';
import { type GradientSource } from './gradientSource';
import { type InterruptCheck } from '../errors';
import { type Network } from '../model/network';
import { fillWindow, mustWrap } from './streams';
import { Workspace } from '../model/workspace';

export class StreamGroup implements GradientSource {
  readonly ws: Workspace;
  /** Where each stream of the group reads next, as an offset from its stream's start. */
  readonly positions: Int32Array;

  constructor(
    readonly net: Network,
    readonly trainIds: Int32Array,
    readonly streamLen: number,
    readonly first: number,
    readonly count: number,
    readonly seqLen: number,
    alloc?: (length: number) => FloatArray,
  ) {
    this.ws = new Workspace(net, count, seqLen, alloc);
    this.positions = new Int32Array(count);
  }

  /** Streams that have no room for another window go back to their start with a zero state. */
  wrapExhausted(): void {
    const H = this.net.H;
    for (let b = 0; b < this.count; b++) {
      if (!mustWrap(this.positions[b], this.seqLen, this.streamLen)) continue;
      this.positions[b] = 0;
      for (const lb of this.ws.layers) {
        lb.hs.fill(0, b * H, (b + 1) * H);
        if (lb.cs.length > 0) lb.cs.fill(0, b * H, (b + 1) * H);
      }
    }
  }

  /**
   * One window of truncated BPTT for this group's streams: grads += d(scale * sum of losses)/dW.
   * Advances the positions and carries the final state into the next window. Returns the loss
   * sum over count * T predictions.
   */
  accumulateGradients(grads: FloatArray, scale: number, interrupt?: InterruptCheck): number {
    // Wrapping is idempotent (a wrapped stream is at 0 with a zero state), so an interrupted
    // window leaves nothing that the next attempt would do differently.
    this.wrapExhausted();
    fillWindow(this.ws.ids, this.ws.targets, this.trainIds, this.streamLen, this.first, this.count, this.positions, this.seqLen);
    this.ws.interrupt = interrupt ?? null;
    let loss: number;
    try {
      loss = windowGradients(this.net, this.ws, grads, scale);
    } finally {
      this.ws.interrupt = null;
    }
    this.ws.carryState();
    for (let b = 0; b < this.count; b++) this.positions[b] += this.seqLen;
    return loss;
  }

  /** The carried state of layer l: h [count, H], and c [count, H] for LSTM (views). */
  carriedH(layer: number): FloatArray {
    return this.ws.layers[layer].hs.subarray(0, this.count * this.net.H);
  }

  carriedC(layer: number): FloatArray {
    return this.ws.layers[layer].cs.subarray(0, this.net.config.cell === 'lstm' ? this.count * this.net.H : 0);
  }

  /** Zeroes carried states that are no longer finite (after a divergent step), so the next window can recover. */
  resetNonFiniteState(): void {
    for (const lb of this.ws.layers) {
      const n = this.count * this.net.H;
      let ok = true;
      for (let i = 0; i < n && ok; i++) ok = Number.isFinite(lb.hs[i]) && (lb.cs.length === 0 || Number.isFinite(lb.cs[i]));
      if (!ok) this.ws.resetState();
    }
  }
}
