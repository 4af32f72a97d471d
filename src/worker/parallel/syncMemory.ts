/**
 * The shared memory of a SYNCHRONOUS data-parallel run (syncParallelTrainer.ts): the caller's
 * thread coordinates W sub-workers through these words and blocks (Atomics.wait) until they
 * finish a step, so a step looks like an ordinary function call to the training loop.
 *
 *   control  Int32   [CONTROL_WORDS]  GO generation, command, DONE count, FAILED (error length + 1)
 *   error    Uint8   [ERROR_BYTES]    a failing worker's message (UTF-8)
 *   losses   Float64 [W]              each worker's summed cross-entropy of its streams this step
 *   positions Int32  [B]              where each of the B streams reads next
 *   params   Float32 [P]              THE weights, read in place by every worker's model
 *   grads    Float32 [W, P]           worker w writes the gradient of its streams into row w
 *   carriedH Float32 [L, B, H]        the carried state, laid out as a Trainer's checkpoint has it
 *   carriedC Float32 [L, B, H]        (LSTM only; empty otherwise)
 *
 * Positions and carried state live here rather than only inside each worker, so the coordinator
 * can write them (resume, reset after a divergent step) and read them (checkpoints, traces)
 * without asking anyone: a worker loads its streams' slice before a step and writes it back after.
 */

import { type ModelConfig, type TrainSettings } from '../../engine/model/config';

export const GO = 0;
export const COMMAND = 1;
export const DONE = 2;
export const FAILED = 3;
const CONTROL_WORDS = 4;
export const ERROR_BYTES = 1024;

/** Values of the COMMAND word. */
export const STEP = 1;
export const EXIT = 2;

export interface SyncLayout {
  readonly workers: number;
  readonly batch: number;
  readonly layers: number;
  readonly hidden: number;
  readonly lstm: boolean;
  readonly paramCount: number;
  readonly errorOffset: number;
  readonly lossesOffset: number;
  readonly positionsOffset: number;
  readonly paramsOffset: number;
  readonly gradsOffset: number;
  readonly carriedHOffset: number;
  readonly carriedCOffset: number;
  readonly byteLength: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function syncLayout(workers: number, batch: number, layers: number, hidden: number, lstm: boolean, paramCount: number): SyncLayout {
  const errorOffset = CONTROL_WORDS * 4;
  const lossesOffset = align8(errorOffset + ERROR_BYTES);
  const positionsOffset = align8(lossesOffset + workers * 8);
  const paramsOffset = align8(positionsOffset + batch * 4);
  const gradsOffset = align8(paramsOffset + paramCount * 4);
  const carriedHOffset = align8(gradsOffset + workers * paramCount * 4);
  const stateLength = layers * batch * hidden;
  const carriedCOffset = align8(carriedHOffset + stateLength * 4);
  const byteLength = align8(carriedCOffset + (lstm ? stateLength : 0) * 4);
  return { workers, batch, layers, hidden, lstm, paramCount, errorOffset, lossesOffset, positionsOffset, paramsOffset, gradsOffset, carriedHOffset, carriedCOffset, byteLength };
}

export interface SyncViews {
  readonly control: Int32Array;
  readonly error: Uint8Array;
  readonly losses: Float64Array;
  readonly positions: Int32Array;
  readonly params: Float32Array;
  readonly carriedH: Float32Array;
  readonly carriedC: Float32Array;
  gradsOf(worker: number): Float32Array;
}

export function syncViews(buffer: SharedArrayBuffer, l: SyncLayout): SyncViews {
  const stateLength = l.layers * l.batch * l.hidden;
  return {
    control: new Int32Array(buffer, 0, CONTROL_WORDS),
    error: new Uint8Array(buffer, l.errorOffset, ERROR_BYTES),
    losses: new Float64Array(buffer, l.lossesOffset, l.workers),
    positions: new Int32Array(buffer, l.positionsOffset, l.batch),
    params: new Float32Array(buffer, l.paramsOffset, l.paramCount),
    carriedH: new Float32Array(buffer, l.carriedHOffset, stateLength),
    carriedC: new Float32Array(buffer, l.carriedCOffset, l.lstm ? stateLength : 0),
    gradsOf: (w: number) => new Float32Array(buffer, l.gradsOffset + w * l.paramCount * 4, l.paramCount),
  };
}

/** Given to each sub-worker at start (workerData); `mode` tells parallelWorker.ts which protocol to speak. */
export interface SyncWorkerInit {
  readonly mode: 'sync';
  readonly text: string;
  readonly settings: TrainSettings;
  readonly config: ModelConfig;
  readonly index: number;
  readonly buffer: SharedArrayBuffer;
  readonly layout: SyncLayout;
}
