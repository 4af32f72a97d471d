/**
 * A sub-worker of a synchronous data-parallel run (see syncParallelTrainer.ts for the other side).
 * It owns streams [start, end) of the B streams and does one thing, as often as it is told:
 *
 *   wait for GO  ->  load its streams' positions and carried h/c from shared memory
 *                ->  grads_w = d(sum of its streams' losses / (B*T)) / dW   (its row)
 *                ->  write positions and carried state back, add 1 to DONE
 *
 * Summing, clipping and the optimizer happen on the coordinator's thread, which holds the
 * optimizer state (and so can checkpoint it). No messages inside a step: only shared memory.
 */

import { type Shard, createShard } from './shard';
import { streamRange } from './sharedMemory';
import { COMMAND, DONE, ERROR_BYTES, EXIT, FAILED, GO, STEP, syncViews, type SyncViews, type SyncWorkerInit } from './syncMemory';

class SyncShardWorker {
  private readonly views: SyncViews;
  private readonly shard: Shard;
  private readonly grads: Float32Array;
  private readonly start: number;
  private readonly count: number;
  private readonly scale: number;

  constructor(private readonly init: SyncWorkerInit) {
    this.views = syncViews(init.buffer, init.layout);
    const { start, end } = streamRange(init.settings.batch, init.layout.workers, init.index);
    this.start = start;
    this.count = end - start;
    this.shard = createShard(init.text, init.settings, this.views.params, start, this.count, false, init.config);
    this.grads = this.views.gradsOf(init.index);
    this.scale = 1 / (init.settings.batch * init.settings.seqLen);
  }

  step(): void {
    this.load();
    this.views.losses[this.init.index] = this.shard.accumulate(this.grads, this.scale);
    this.store();
  }

  /** This worker's slice of layer l's [B, H] state, and the group's own [count, H] buffer. */
  private slices(): [Float32Array, Float32Array][] {
    const { batch: B, hidden: H, layers } = this.init.layout;
    const group = this.shard.group;
    const out: [Float32Array, Float32Array][] = [];
    for (let l = 0; l < layers; l++) {
      const from = (l * B + this.start) * H;
      const to = from + this.count * H;
      out.push([this.views.carriedH.subarray(from, to), group.carriedH(l) as Float32Array]);
      if (this.init.layout.lstm) out.push([this.views.carriedC.subarray(from, to), group.carriedC(l) as Float32Array]);
    }
    return out;
  }

  private load(): void {
    this.shard.group.positions.set(this.views.positions.subarray(this.start, this.start + this.count));
    for (const [shared, own] of this.slices()) own.set(shared);
  }

  private store(): void {
    this.views.positions.set(this.shard.group.positions, this.start);
    for (const [shared, own] of this.slices()) shared.set(own);
  }
}

function arrive(control: Int32Array): void {
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}

/** Runs until told to exit; a failure is written to shared memory, where the blocked coordinator looks for it. */
export function runSyncShardWorker(init: SyncWorkerInit): void {
  const views = syncViews(init.buffer, init.layout);
  const control = views.control;
  try {
    const worker = new SyncShardWorker(init);
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
