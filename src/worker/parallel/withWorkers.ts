/**
 * How the extension's training thread honours rnnLens.workers: a run on W > 1 threads when every
 * thread can have at least one stream (W <= batch), otherwise the one-thread Trainer, with a
 * notice saying why.
 */

import { type Trainer } from '../../engine/training/trainer';
import { type TrainerLike } from '../trainingLoop';
import { SyncParallelTrainer } from './syncParallelTrainer';

/** Continues `trainer`'s run on `workers` threads when that is possible; otherwise returns it with a notice. */
export function withWorkers(trainer: Trainer, text: string, workers: number): TrainerLike {
  if (workers <= 1) return trainer;
  const batch = trainer.settings.batch;
  if (batch < workers) {
    const notice = `rnnLens.workers is ${workers} but the batch is ${batch}; training on one thread (each worker thread needs at least one of the batch's streams).`;
    return Object.assign(trainer, { notice });
  }
  return SyncParallelTrainer.fromTrainer(trainer, text, workers);
}
