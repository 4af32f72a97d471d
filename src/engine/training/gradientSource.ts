/**
 * Where a Trainer's gradient comes from. A Trainer owns the weights, the optimizer, the step count
 * and everything it reports (checkpoints, traces, samples, spectral norms); a gradient source owns
 * the B training streams (their read positions and carried state) and turns the current weights
 * into the gradient of one window of all of them.
 *
 * Two sources exist: the local StreamGroup of all B streams (streamGroup.ts), and a pool of
 * worker threads that each run a group of B/W streams and sum their gradients in a fixed order
 * (src/worker/parallel/workerPool.ts; the engine itself starts no threads). Both keep positions
 * and carried state laid out as [B] and [B, H] per layer, so the Trainer reads and restores them
 * the same way whichever source it has, and checkpoints move freely between them.
 */

import { type FloatArray } from '../kernels/kernels';
import { type ModelConfig } from '../model/config';
import { type InterruptCheck } from '../errors';

export interface GradientSource {
  /** Where each of the B streams reads next, as an offset from its stream's start. */
  readonly positions: Int32Array;
  /** The carried state of layer l for all B streams: h [B, H], and c [B, H] for LSTM (empty otherwise). Views: writes are kept. */
  carriedH(layer: number): FloatArray;
  carriedC(layer: number): FloatArray;
  /**
   * One window of truncated BPTT of every stream with the current weights: grads += d(scale *
   * sum of losses)/dW. Advances the positions and carries the final state into the next window.
   * Returns the loss sum over B * T predictions. `interrupt` may abandon the window (Interrupted)
   * with positions and carried state untouched; a source may also finish it regardless.
   */
  accumulateGradients(grads: FloatArray, scale: number, interrupt?: InterruptCheck): number;
  /** Zeroes carried states that are no longer finite (after a divergent step), so the next window can recover. */
  resetNonFiniteState(): void;
  /** Ends threads the source started; resolves when they have ended. */
  close?(): Promise<void>;
}

/** What a gradient source needs to know of the run it serves. */
export interface GradientRun {
  readonly config: ModelConfig;
  /** THE weights, updated in place by the Trainer after every step: read them at each accumulateGradients. */
  readonly params: Float32Array;
  readonly trainIds: Int32Array;
  readonly streamLen: number;
  readonly batch: number;
  readonly seqLen: number;
}

/** Starts a gradient source other than the local one (a worker pool). */
export interface GradientPool {
  start(run: GradientRun): GradientSource;
}
