/**
 * A data-parallel training worker (worker_threads entry, bundled as dist/parallelWorker.js).
 *
 * (With `mode: 'sync'` in workerData it is instead a sub-worker of syncParallelTrainer.ts.)
 *
 * One step, for every worker w (B streams, T steps per window):
 *   1. grads_w = d(sum of its streams' losses / (B*T)) / dW      (its own row of shared memory)
 *   2. barrier                                                     all gradients written
 *   3. worker 0: g = grads_0 + grads_1 + ... + grads_{W-1} (in that order), clip, optimizer
 *   4. barrier                                                     new weights visible to all
 */

import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../../engine/errors';
import { setSimdEnabled } from '../../engine/kernels/simd/simdArena';
import { Barrier } from './barrier';
import { type CoordinatorMessage, type ParallelWorkerInit, type ParallelWorkerMessage } from './messages';
import { createShard, type Shard } from './shard';
import { sharedViews, streamRange, type SharedViews } from './sharedMemory';
import { type SyncWorkerInit } from './syncMemory';
import { SummedUpdate } from './summedUpdate';
import { runSyncShardWorker } from './syncShardWorker';

const port = parentPort!;
const send = (m: ParallelWorkerMessage): void => port.postMessage(m);

class ParallelWorker {
  private readonly views: SharedViews;
  private readonly barrier: Barrier;
  private readonly shard: Shard;
  private readonly grads: Float32Array;
  private readonly allGrads: Float32Array[];
  /** Worker 0 sums the rows and applies the optimizer; the others have none. */
  private readonly update: SummedUpdate | null;
  /** 1 / (B*T): each worker's gradient is its share of the gradient of the MEAN loss. */
  private readonly scale: number;

  get simd(): boolean {
    return this.shard.simd;
  }

  constructor(private readonly w: ParallelWorkerInit) {
    this.views = sharedViews(w.buffer, w.layout);
    this.barrier = new Barrier(w.buffer, w.layout.controlOffset, w.workers);
    const { start, end } = streamRange(w.settings.batch, w.workers, w.index);
    this.shard = createShard(w.text, w.settings, this.views.params, start, end - start, w.index === 0);
    this.allGrads = Array.from({ length: w.workers }, (_, k) => this.views.gradsOf(k));
    this.grads = this.allGrads[w.index];
    this.update = w.index === 0 ? new SummedUpdate(w.settings.optimizer, this.shard.net.layout) : null;
    this.scale = 1 / (w.settings.batch * w.settings.seqLen);
  }

  /** Runs `steps` steps; returns the mean loss of each (worker 0 only; others return []). */
  run(steps: number): number[] {
    const losses: number[] = [];
    // Also orders worker 0's initial weights before anyone's first forward pass.
    this.barrier.arriveAndWait();
    for (let s = 0; s < steps; s++) {
      this.views.losses[this.w.index] = this.shard.accumulate(this.grads, this.scale);
      this.barrier.arriveAndWait();
      if (this.w.index === 0) losses.push(this.reduceAndUpdate());
      this.barrier.arriveAndWait();
      // As Trainer.trainStep does: after a skipped (divergent) update, clear non-finite carried state.
      if (this.views.skipped[0] !== 0) this.shard.group.resetNonFiniteState();
    }
    return losses;
  }

  /** Worker 0: sum the gradients in worker order, then clip and update the shared weights. Returns the step's mean loss. */
  private reduceAndUpdate(): number {
    let lossSum = 0;
    for (let k = 0; k < this.w.workers; k++) lossSum += this.views.losses[k];
    const meanLoss = lossSum / (this.w.settings.batch * this.w.settings.seqLen);
    const s = this.w.settings;
    // No per-tensor statistics: nobody reads them here, and they cost extra passes over the weights.
    const update = this.update!.apply(this.views.params, this.allGrads, s, s.lr, Number.isFinite(meanLoss), false);
    this.views.skipped[0] = update.nonFinite === null ? 0 : 1;
    return meanLoss;
  }
}

function runAsyncWorker(): void {
  let worker: ParallelWorker;
  try {
    const init = workerData as ParallelWorkerInit;
    if (init.scalarKernels) setSimdEnabled(false);
    worker = new ParallelWorker(init);
    send({ type: 'ready', simd: worker.simd });
  } catch (e) {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e), input: e instanceof InputError });
    process.exit(1);
  }

  port.on('message', (m: CoordinatorMessage) => {
    if (m.type === 'close') {
      port.close();
      return;
    }
    try {
      const t0 = performance.now();
      const losses = worker.run(m.steps);
      const ms = performance.now() - t0;
      send({ type: 'ran', ms, lastLoss: losses.length ? losses[losses.length - 1] : NaN, losses });
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e), input: e instanceof InputError });
    }
  });
}

// The same script serves both protocols: `rnn-lens bench` (messages per run, the coordinator
// stays free) and the extension's training worker (synchronous steps, see syncShardWorker.ts).
if ((workerData as { mode?: string }).mode === 'sync') runSyncShardWorker(workerData as SyncWorkerInit);
else runAsyncWorker();
