/**
 * What the training loop watches in its validation measurements: the best validation loss so far,
 * whose complete checkpoint (weights, optimizer, streams) is kept so the user can stop at the best
 * step rather than the last, and overfitting (see engine/training/overfitting.ts), said once.
 */

import { type CheckpointData } from '../engine/io/checkpointData';
import { OverfitDetector, type OverfitOptions } from '../engine/training/overfitting';
import { type WorkerToHost } from '../protocol/worker';

/** The checkpoint of the lowest validation loss measured, taken when it was measured. */
export class BestCheckpoint {
  private kept: { step: number; valLoss: number; data: CheckpointData } | null = null;

  /** Keeps `snapshot()` when `valLoss` beats the best so far; returns whether it did. */
  offer(step: number, valLoss: number, snapshot: () => CheckpointData): boolean {
    if (!Number.isFinite(valLoss)) return false;
    if (this.kept && (valLoss >= this.kept.valLoss || step === this.kept.step)) return false;
    this.kept = { step, valLoss, data: snapshot() };
    return true;
  }

  get best(): { readonly step: number; readonly valLoss: number; readonly data: CheckpointData } | null {
    return this.kept;
  }
}

export class ValidationWatch {
  readonly best = new BestCheckpoint();
  private readonly detector: OverfitDetector;

  constructor(private readonly post: (message: WorkerToHost) => void, options: Partial<OverfitOptions> = {}) {
    this.detector = new OverfitDetector(options);
  }

  trainLoss(loss: number): void {
    this.detector.addTrain(loss);
  }

  /** A validation measurement of the weights `snapshot()` would save. */
  validation(step: number, valLoss: number, snapshot: () => CheckpointData): void {
    if (this.best.offer(step, valLoss, snapshot)) this.post({ type: 'bestValidation', step, valLoss });
    const report = this.detector.addValidation(step, valLoss);
    if (report) this.post({ type: 'overfitting', ...report });
  }

  /** The kept best, when it is older than `step` (at `step` itself the latest is the best). */
  bestBefore(step: number): { step: number; valLoss: number; data: CheckpointData } | null {
    const b = this.best.best;
    return b && b.step < step ? b : null;
  }
}
