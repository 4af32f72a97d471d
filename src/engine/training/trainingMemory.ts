/**
 * Where a training run keeps everything its kernels touch: the parameters, their gradients, the
 * optimizer's slots and the BPTT workspace, together in one SimdArena so that the forward and
 * backward pass and the update run on the SIMD kernels (see simd/README.md). Where WebAssembly SIMD is
 * missing (or switched off), the same buffers are ordinary Float32Arrays and the scalar kernels
 * do the work: same math, sums rounded differently.
 */

import { type ModelConfig, type OptimizerKind } from '../model/config';
import { type FloatArray } from '../kernels/kernels';
import { slotNames } from './optimizers';
import { allocLike, paramLayout } from '../model/params';
import { arenaFloats, floatAllocator, SimdArena } from '../kernels/simd/simdArena';
import { type Network } from '../model/network';
import { Workspace, workspaceLengths, workspaceSizes } from '../model/workspace';

export interface TrainingMemory {
  /** Room for the parameters (zeroed: the caller copies the weights in). */
  readonly params: Float32Array;
  /** Room for the gradients, laid out like the parameters. */
  readonly grads: Float32Array;
  /** Room for the optimizer's slots (as many as it has: Adam 2, Adagrad 1, SGD none; none without an optimizer). */
  readonly slots: (length: number) => Float32Array;
  /** Allocates the workspace for `batch` streams of `seqLen` steps (sized for exactly one). */
  readonly alloc: (length: number) => Float32Array;
  /** True when the products run on the SIMD kernels. */
  readonly simd: boolean;
}

/**
 * `optimizer`: room for its slots too; null for none (a data-parallel worker's share, whose update
 * happens elsewhere). `workspace` false: no room for a workspace (a Trainer whose gradients come
 * from a worker pool only updates the weights); `alloc` then has nothing left to give.
 */
export function trainingMemory(config: ModelConfig, batch: number, seqLen: number, optimizer: OptimizerKind | null, workspace = true): TrainingMemory {
  const total = paramLayout(config).total;
  const buffers = workspace ? workspaceLengths(workspaceSizes(config, batch, seqLen)) : [];
  const slots = optimizer === null ? 0 : slotNames(optimizer).length;
  const floats = (2 + slots) * arenaFloats(total) + buffers.reduce((sum, n) => sum + arenaFloats(n), 0);
  const { alloc, simd } = floatAllocator(floats);
  return { params: alloc(total), grads: alloc(total), slots: alloc, alloc, simd };
}

/**
 * For one-off passes over a float32 network (validation, neuron colours, traces): a copy of its
 * weights and a workspace for `batch` streams of `steps`, together in a fresh SIMD arena, so those
 * passes run on the SIMD kernels too. Float64 networks (gradient checks) and hosts without SIMD
 * get the network itself and an ordinary workspace. The copy is one pass over the weights, next
 * to the `steps` passes of the forward pass itself; the arena goes with the workspace. `extra`
 * asks for more buffers of those lengths in the same place (a trace's gradient, say); `spare`
 * floats more are left for `alloc` to hand out (buffers whose number the pass decides itself).
 */
export function passWorkspace(net: Network, batch: number, steps: number, extra: readonly number[] = [], spare = 0): { net: Network; ws: Workspace; extra: FloatArray[]; alloc: (length: number) => FloatArray } {
  if (net.params instanceof Float32Array) {
    const lengths = [net.params.length, ...workspaceLengths(workspaceSizes(net.config, batch, steps)), ...extra];
    const arena = SimdArena.create(lengths.reduce((sum, n) => sum + arenaFloats(n), 0) + spare);
    if (arena !== null) {
      const params = arena.alloc(net.params.length);
      params.set(net.params);
      const copy = net.withParams(params);
      return { net: copy, ws: new Workspace(copy, batch, steps, arena.alloc), extra: extra.map(arena.alloc), alloc: arena.alloc };
    }
  }
  const alloc = (n: number): FloatArray => allocLike(net.params, n);
  return { net, ws: new Workspace(net, batch, steps), extra: extra.map(alloc), alloc };
}
