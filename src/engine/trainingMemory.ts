/**
 * Where a training run keeps everything its matrix products touch: the parameters, their
 * gradients and the BPTT workspace, together in one SimdArena so that every product of the
 * forward and backward pass runs on the SIMD kernels (see kernels.ts). Where WebAssembly SIMD is
 * missing (or switched off), the same buffers are ordinary Float32Arrays and the scalar kernels
 * do the work: same math, sums rounded differently.
 */

import { type ModelConfig } from './config';
import { paramLayout } from './params';
import { arenaFloats, SimdArena } from './simd/simdArena';
import { workspaceLengths, workspaceSizes } from './workspace';

export interface TrainingMemory {
  /** Room for the parameters (zeroed: the caller copies the weights in). */
  readonly params: Float32Array;
  /** Room for the gradients, laid out like the parameters. */
  readonly grads: Float32Array;
  /** Allocates the workspace for `batch` streams of `seqLen` steps (sized for exactly one). */
  readonly alloc: (length: number) => Float32Array;
  /** True when the products run on the SIMD kernels. */
  readonly simd: boolean;
}

export function trainingMemory(config: ModelConfig, batch: number, seqLen: number): TrainingMemory {
  const total = paramLayout(config).total;
  const workspace = workspaceLengths(workspaceSizes(config, batch, seqLen));
  const floats = 2 * arenaFloats(total) + workspace.reduce((sum, n) => sum + arenaFloats(n), 0);
  const arena = SimdArena.create(floats);
  const alloc = arena !== null ? arena.alloc : (n: number): Float32Array => new Float32Array(n);
  return { params: alloc(total), grads: alloc(total), alloc, simd: arena !== null };
}
