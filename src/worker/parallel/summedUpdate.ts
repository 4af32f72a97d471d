/**
 * The update of a data-parallel step, done by one thread once every worker has written its
 * gradient row: g = row_0 + row_1 + ... + row_{W-1} (in that order, so the same W gives the same
 * bits), then clipping and the optimizer exactly as Trainer.trainStep applies them, then the new
 * weights published to the shared buffer the workers read. The optimizer state lives here, next
 * to a replica of the weights and the summed gradient (engine/trainingMemory.ts: updateMemory).
 */

import { type OptimizerKind } from '../../engine/model/config';
import { createOptimizerState, type OptimizerState } from '../../engine/training/optimizers';
import { type ParamLayout } from '../../engine/model/params';
import { updateMemory } from '../../engine/training/trainingMemory';
import { applyUpdate, type ClipSettings, type UpdateResult } from '../../engine/training/update';

export class SummedUpdate {
  readonly optimizer: OptimizerState;
  private readonly memory: ReturnType<typeof updateMemory>;

  constructor(kind: OptimizerKind, private readonly layout: ParamLayout) {
    this.memory = updateMemory(layout.total, kind);
    this.optimizer = createOptimizerState(kind, layout.total, this.memory.slots);
  }

  apply(shared: Float32Array, rows: readonly Float32Array[], clip: ClipSettings, lr: number, lossFinite: boolean, stats: boolean): UpdateResult {
    const { params, grads } = this.memory;
    grads.set(rows[0]);
    for (let w = 1; w < rows.length; w++) {
      const row = rows[w];
      for (let i = 0; i < grads.length; i++) grads[i] += row[i];
    }
    params.set(shared);
    const update = applyUpdate(params, grads, this.optimizer, this.layout, clip, lr, lossFinite, stats);
    shared.set(params);
    return update;
  }
}
