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
export function passWorkspace(net: Network, batch: number, steps: number, extra: readonly number[] = [], spare = 0): Pass {
  return arenaPass(net, batch, steps, extra, spare)?.pass ?? ordinaryPass(net, batch, steps, extra);
}

export interface Pass {
  net: Network;
  ws: Workspace;
  extra: FloatArray[];
  alloc: (length: number) => FloatArray;
}

function arenaPass(net: Network, batch: number, steps: number, extra: readonly number[], spare: number): { pass: Pass; arena: SimdArena } | null {
  if (!(net.params instanceof Float32Array)) return null;
  const lengths = [net.params.length, ...workspaceLengths(workspaceSizes(net.config, batch, steps)), ...extra];
  const arena = SimdArena.create(lengths.reduce((sum, n) => sum + arenaFloats(n), 0) + spare);
  if (arena === null) return null;
  const params = arena.alloc(net.params.length);
  params.set(net.params);
  const copy = net.withParams(params);
  return { pass: { net: copy, ws: new Workspace(copy, batch, steps, arena.alloc), extra: extra.map(arena.alloc), alloc: arena.alloc }, arena };
}

function ordinaryPass(net: Network, batch: number, steps: number, extra: readonly number[]): Pass {
  const alloc = (n: number): FloatArray => allocLike(net.params, n);
  return { net, ws: new Workspace(net, batch, steps), extra: extra.map(alloc), alloc };
}

/**
 * passWorkspace for a pass repeated on one network, such as the trace recorded every few steps:
 * the arena of the last call is kept and handed out again, zeroed and holding the current
 * weights, as long as the model and the shapes are the same. A fresh arena of a 3x256 LSTM's
 * trace is about 40 MB whose pages fault in one by one as the pass first touches them, which
 * cost about a third of the trace's CPU time. Each call invalidates what the previous one returned.
 */
export class ReusablePass {
  private last: { key: string; config: Network['config']; arena: SimdArena; pass: Pass; spareFrom: number } | null = null;

  take(net: Network, batch: number, steps: number, extra: readonly number[] = [], spare = 0): Pass {
    const key = `${net.params.length} ${batch} ${steps} ${extra.join(',')} ${spare}`;
    const last = this.last;
    if (last !== null && last.config === net.config && last.key === key && net.params instanceof Float32Array) {
      // Everything after the weights is zeroed, as in a fresh arena; the weights are copied anew.
      last.arena.rewind(last.spareFrom, arenaFloats(net.params.length));
      last.pass.net.params.set(net.params);
      last.pass.ws.interrupt = null;
      return last.pass;
    }
    this.last = null;
    const made = arenaPass(net, batch, steps, extra, spare);
    if (made === null) return ordinaryPass(net, batch, steps, extra);
    this.last = { key, config: net.config, arena: made.arena, pass: made.pass, spareFrom: made.arena.used };
    return made.pass;
  }
}
