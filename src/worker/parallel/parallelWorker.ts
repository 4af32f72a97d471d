/**
 * A sub-worker of a worker pool (worker_threads entry, bundled as dist/parallelWorker.js; see
 * workerPool.ts for the other side). It owns streams [start, end) of the B streams and does one
 * thing, as often as it is told:
 *
 *   wait for GO  ->  load the step's weights, its streams' positions and carried h/c from shared memory
 *                ->  grads_w = d(scale * sum of its streams' losses) / dW   (its row)
 *                ->  write positions and carried state back, add 1 to DONE
 *
 * or, when the coordinator sets ABORT during the step (a pause is waiting), abandons it between
 * two layers and adds 1 to DONE without writing anything back.
 *
 * Summing, clipping and the optimizer happen in the Trainer on the coordinating thread, which
 * holds the optimizer state (and so can checkpoint it). No messages inside a step: only shared memory.
 *
 * Its weights, gradient and workspace live in its own training memory (a SimdArena where
 * available: WebAssembly reaches only its own memory, not the shared buffer).
 */

import { workerData } from 'node:worker_threads';
import { Interrupted } from '../../engine/errors';
import { Network } from '../../engine/model/network';
import { setSimdEnabled } from '../../engine/kernels/simd/simdArena';
import { StreamGroup } from '../../engine/training/streamGroup';
import { trainingMemory, type TrainingMemory } from '../../engine/training/trainingMemory';
import { ABORT, COMMAND, DONE, ERROR_BYTES, EXIT, FAILED, GO, STEP, poolViews, streamRange, type PoolViews, type PoolWorkerInit } from './poolMemory';

class PoolWorker {
  private readonly views: PoolViews;
  private readonly memory: TrainingMemory;
  private readonly group: StreamGroup;
  private readonly row: Float32Array;
  private readonly start: number;
  private readonly count: number;

  constructor(private readonly init: PoolWorkerInit) {
    this.views = poolViews(init.buffer, init.layout);
    const { start, end } = streamRange(init.layout.batch, init.layout.workers, init.index);
    this.start = start;
    this.count = end - start;
    this.memory = trainingMemory(init.config, this.count, init.seqLen, null);
    const net = new Network(init.config, this.memory.params);
    this.group = new StreamGroup(net, this.views.trainIds, init.streamLen, start, this.count, init.seqLen, this.memory.alloc);
    this.row = this.views.gradsOf(init.index);
  }

  step(): void {
    this.memory.params.set(this.views.params);
    this.group.positions.set(this.views.positions.subarray(this.start, this.start + this.count));
    for (const [shared, own] of this.slices()) own.set(shared);
    const grads = this.memory.grads;
    grads.fill(0);
    const control = this.views.control;
    try {
      this.views.losses[this.init.index] = this.group.accumulateGradients(grads, this.views.scale[0], () => Atomics.load(control, ABORT) !== 0);
    } catch (e) {
      if (e instanceof Interrupted) return; // abandoned: nothing written back (the coordinator restores what others wrote)
      throw e;
    }
    this.row.set(grads);
    this.views.positions.set(this.group.positions, this.start);
    for (const [shared, own] of this.slices()) shared.set(own);
  }

  /** This worker's slice of layer l's [B, H] state, and the group's own [count, H] buffer. */
  private slices(): [Float32Array, Float32Array][] {
    const { batch: B, hidden: H, layers, lstm } = this.init.layout;
    const out: [Float32Array, Float32Array][] = [];
    for (let l = 0; l < layers; l++) {
      const from = (l * B + this.start) * H;
      const to = from + this.count * H;
      out.push([this.views.carriedH.subarray(from, to), this.group.carriedH(l) as Float32Array]);
      if (lstm) out.push([this.views.carriedC.subarray(from, to), this.group.carriedC(l) as Float32Array]);
    }
    return out;
  }
}

function arrive(control: Int32Array): void {
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}

/** Runs until told to exit; a failure is written to shared memory, where the blocked coordinator looks for it. */
function run(init: PoolWorkerInit): void {
  const views = poolViews(init.buffer, init.layout);
  const control = views.control;
  try {
    if (!init.simd) setSimdEnabled(false);
    const worker = new PoolWorker(init);
    let generation = 0;
    arrive(control); // ready
    for (;;) {
      while (Atomics.load(control, GO) === generation) Atomics.wait(control, GO, generation);
      generation = Atomics.load(control, GO);
      const command = Atomics.load(control, COMMAND);
      if (command === EXIT) return;
      if (command === STEP) worker.step();
      arrive(control);
    }
  } catch (e) {
    const message = new TextEncoder().encode((e instanceof Error ? e.message : String(e)).slice(0, ERROR_BYTES / 4));
    views.error.set(message.subarray(0, ERROR_BYTES));
    Atomics.store(control, FAILED, message.length + 1);
    Atomics.notify(control, DONE);
  }
}

run(workerData as PoolWorkerInit);
