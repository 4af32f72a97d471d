/**
 * The memory every thread of a data-parallel run shares, carved out of one SharedArrayBuffer:
 *
 *   control  Int32  [BARRIER_WORDS]   the step barrier (see barrier.ts)
 *   skipped  Int32  [1]               1 when worker 0 did not apply the last update (non-finite gradient)
 *   losses   Float64[W]               each worker's summed cross-entropy of its streams this step
 *   params   Float32[P]               THE weights: every worker's model reads them in place
 *   grads    Float32[W, P]            worker w writes the gradient of its streams into row w
 *
 * Nobody copies weights between threads: after the update, the next step's forward pass simply
 * reads the new values. The barrier is what makes that safe (no one reads while they change).
 */
import { BARRIER_WORDS } from './barrier';

export interface SharedLayout {
  readonly workers: number;
  readonly paramCount: number;
  readonly controlOffset: number;
  readonly skippedOffset: number;
  readonly lossesOffset: number;
  readonly paramsOffset: number;
  readonly gradsOffset: number;
  readonly byteLength: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function sharedLayout(workers: number, paramCount: number): SharedLayout {
  const controlOffset = 0;
  const skippedOffset = controlOffset + BARRIER_WORDS * 4;
  const lossesOffset = align8(skippedOffset + 4);
  const paramsOffset = align8(lossesOffset + workers * 8);
  const gradsOffset = align8(paramsOffset + paramCount * 4);
  const byteLength = align8(gradsOffset + workers * paramCount * 4);
  return { workers, paramCount, controlOffset, skippedOffset, lossesOffset, paramsOffset, gradsOffset, byteLength };
}

export interface SharedViews {
  /** [0] is 1 when the last step's update was skipped because something was not finite. */
  readonly skipped: Int32Array;
  readonly losses: Float64Array;
  readonly params: Float32Array;
  /** Row w of the gradient matrix. */
  gradsOf(worker: number): Float32Array;
}

export function sharedViews(buffer: SharedArrayBuffer, l: SharedLayout): SharedViews {
  return {
    skipped: new Int32Array(buffer, l.skippedOffset, 1),
    losses: new Float64Array(buffer, l.lossesOffset, l.workers),
    params: new Float32Array(buffer, l.paramsOffset, l.paramCount),
    gradsOf: (w: number) => new Float32Array(buffer, l.gradsOffset + w * l.paramCount * 4, l.paramCount),
  };
}

/** Streams [start, end) of the B streams that worker w trains: contiguous, sizes differing by at most one. */
export function streamRange(batch: number, workers: number, w: number): { start: number; end: number } {
  return { start: Math.floor((w * batch) / workers), end: Math.floor(((w + 1) * batch) / workers) };
}
