/**
 * The shared memory of a worker pool (workerPool.ts): the training thread coordinates W
 * sub-workers through these words and blocks (Atomics.wait) until they finish a step, so a step
 * looks like an ordinary function call to the Trainer.
 *
 *   control  Int32   [CONTROL_WORDS]  GO generation, command, DONE count, FAILED (error length + 1), ABORT
 *   error    Uint8   [ERROR_BYTES]    a failing worker's message (UTF-8)
 *   losses   Float64 [W]              each worker's summed cross-entropy of its streams this step
 *   scale    Float64 [1]              what each worker's loss sum is scaled by in its gradient
 *   positions Int32  [B]              where each of the B streams reads next
 *   params   Float32 [P]              the weights of this step, copied from the Trainer's
 *   grads    Float32 [W, P]           worker w writes the gradient of its streams into row w
 *   carriedH Float32 [L, B, H]        the carried state, laid out as a Trainer's checkpoint has it
 *   carriedC Float32 [L, B, H]        (LSTM only; empty otherwise)
 *   trainIds Int32   [N]              the training text's ids, read by every worker (one copy, not W)
 *
 * Positions and carried state live here rather than only inside each worker, so the coordinator
 * can write them (resume, reset after a divergent step) and read them (checkpoints, traces)
 * without asking anyone: a worker loads its streams' slice before a step and writes it back after.
 */

import { type ModelConfig } from '../../engine/model/config';

export const GO = 0;
export const COMMAND = 1;
export const DONE = 2;
export const FAILED = 3;
/** Set by the coordinator when a pause or stop is waiting: the sub-workers abandon the step (see WorkerPool). */
export const ABORT = 4;
const CONTROL_WORDS = 5;
export const ERROR_BYTES = 1024;

/** Values of the COMMAND word. */
export const STEP = 1;
export const EXIT = 2;

export interface PoolLayout {
  readonly workers: number;
  readonly batch: number;
  readonly layers: number;
  readonly hidden: number;
  readonly lstm: boolean;
  readonly paramCount: number;
  readonly trainLength: number;
  readonly errorOffset: number;
  readonly lossesOffset: number;
  readonly positionsOffset: number;
  readonly paramsOffset: number;
  readonly gradsOffset: number;
  readonly carriedHOffset: number;
  readonly carriedCOffset: number;
  readonly idsOffset: number;
  readonly byteLength: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function poolLayout(
  workers: number, batch: number, layers: number, hidden: number, lstm: boolean, paramCount: number, trainLength: number,
): PoolLayout {
  const errorOffset = CONTROL_WORDS * 4;
  const lossesOffset = align8(errorOffset + ERROR_BYTES);
  const positionsOffset = align8(lossesOffset + (workers + 1) * 8);
  const paramsOffset = align8(positionsOffset + batch * 4);
  const gradsOffset = align8(paramsOffset + paramCount * 4);
  const carriedHOffset = align8(gradsOffset + workers * paramCount * 4);
  const stateLength = layers * batch * hidden;
  const carriedCOffset = align8(carriedHOffset + stateLength * 4);
  const idsOffset = align8(carriedCOffset + (lstm ? stateLength : 0) * 4);
  const byteLength = align8(idsOffset + trainLength * 4);
  return {
    workers, batch, layers, hidden, lstm, paramCount, trainLength,
    errorOffset, lossesOffset, positionsOffset, paramsOffset, gradsOffset, carriedHOffset, carriedCOffset, idsOffset, byteLength,
  };
}

export interface PoolViews {
  readonly control: Int32Array;
  readonly error: Uint8Array;
  readonly losses: Float64Array;
  /** [0]: the scale of this step's gradients. */
  readonly scale: Float64Array;
  readonly positions: Int32Array;
  readonly params: Float32Array;
  readonly carriedH: Float32Array;
  readonly carriedC: Float32Array;
  readonly trainIds: Int32Array;
  gradsOf(worker: number): Float32Array;
}

export function poolViews(buffer: SharedArrayBuffer, l: PoolLayout): PoolViews {
  const stateLength = l.layers * l.batch * l.hidden;
  return {
    control: new Int32Array(buffer, 0, CONTROL_WORDS),
    error: new Uint8Array(buffer, l.errorOffset, ERROR_BYTES),
    losses: new Float64Array(buffer, l.lossesOffset, l.workers),
    scale: new Float64Array(buffer, l.lossesOffset + l.workers * 8, 1),
    positions: new Int32Array(buffer, l.positionsOffset, l.batch),
    params: new Float32Array(buffer, l.paramsOffset, l.paramCount),
    carriedH: new Float32Array(buffer, l.carriedHOffset, stateLength),
    carriedC: new Float32Array(buffer, l.carriedCOffset, l.lstm ? stateLength : 0),
    trainIds: new Int32Array(buffer, l.idsOffset, l.trainLength),
    gradsOf: (w: number) => new Float32Array(buffer, l.gradsOffset + w * l.paramCount * 4, l.paramCount),
  };
}

/** Streams [start, end) of the B streams that worker w trains: contiguous, sizes differing by at most one. */
export function streamRange(batch: number, workers: number, w: number): { start: number; end: number } {
  return { start: Math.floor((w * batch) / workers), end: Math.floor(((w + 1) * batch) / workers) };
}

/** Given to each sub-worker at start (workerData). */
export interface PoolWorkerInit {
  readonly config: ModelConfig;
  readonly seqLen: number;
  readonly streamLen: number;
  readonly index: number;
  readonly buffer: SharedArrayBuffer;
  readonly layout: PoolLayout;
  /** False: train on the scalar JavaScript kernels, as the coordinating thread does. */
  readonly simd: boolean;
}
