/**
 * One Run Experiment: the three cells trained at once, each in its own worker thread with the
 * same seed and settings (src/worker/experimentWorker.ts), their measurements gathered into the
 * view's state (data only: the view words it, src/protocol/webviewText/experiment.ts).
 */

import * as vscode from 'vscode';
import { type CellType } from '../engine/model/config';
import {
  EXPERIMENT_CELLS, validateExperimentWorkerToHost, type CellStatus, type ExperimentCellResult, type ExperimentJob,
  type ExperimentPoint, type ExperimentViewState, type HostToExperimentWorker,
} from '../protocol/experiment';
import { formatLoss } from '../protocol/format';
import { type ExperimentSpec, EVAL_POINTS } from './experimentCommand';
import { errorText } from './engineErrors';
import { type WorkerFactory, type WorkerHandle } from './workerClient';

interface CellRun {
  readonly cell: CellType;
  readonly worker: WorkerHandle;
  status: CellStatus;
  points: ExperimentPoint[];
  result: ExperimentCellResult | null;
  checkpoint: Uint8Array | null;
  error: string | null;
}

export class ExperimentRun implements vscode.Disposable {
  private readonly cells: CellRun[];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires on every measurement and when a cell finishes or fails. */
  readonly onDidChange = this.changeEmitter.event;
  private disposed = false;

  constructor(readonly spec: ExperimentSpec, factory: WorkerFactory, private readonly log: vscode.LogOutputChannel) {
    this.cells = EXPERIMENT_CELLS.map((cell) => {
      const run: CellRun = { cell, worker: factory(), status: 'training', points: [], result: null, checkpoint: null, error: null };
      run.worker.on('message', (raw) => this.receive(run, raw));
      run.worker.on('error', (error) => this.fail(run, vscode.l10n.t('The training worker crashed: {0}', error.message.split('\n')[0])));
      run.worker.on('exit', (code) => this.fail(run, vscode.l10n.t('The training worker exited unexpectedly (code {0}).', code)));
      const job: ExperimentJob = {
        type: 'start', text: spec.text, settings: { ...spec.base, cell }, steps: spec.steps,
        evalEvery: Math.max(1, Math.floor(spec.steps / EVAL_POINTS)), heldOut: spec.heldOut, memoryPositions: spec.memoryPositions,
      };
      run.worker.postMessage(job satisfies HostToExperimentWorker);
      return run;
    });
    log.info(`Run Experiment: ${spec.title}, ${spec.steps} steps per cell, seed ${spec.base.seed}.`);
  }

  get finished(): boolean {
    return this.cells.every((c) => c.status !== 'training');
  }

  /** The checkpoint of a finished cell, or null. */
  checkpoint(cell: CellType): Uint8Array | null {
    return this.cells.find((c) => c.cell === cell)?.checkpoint ?? null;
  }

  state(): ExperimentViewState {
    const { spec } = this;
    const s = spec.base;
    return {
      type: 'experiment',
      task: spec.task,
      settings: { seed: s.seed, hidden: s.hidden, seqLen: s.seqLen, batch: s.batch, optimizer: s.optimizer, lr: s.lr, clipNorm: s.clipNorm },
      chance: spec.chance,
      totalSteps: spec.steps,
      cells: this.cells.map((c) => ({ cell: c.cell, status: c.status, points: c.points, result: c.result, error: c.error })),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.cells) {
      c.worker.postMessage({ type: 'stop' } satisfies HostToExperimentWorker);
      void c.worker.terminate().catch(() => undefined);
    }
    this.changeEmitter.dispose();
  }

  private receive(run: CellRun, raw: unknown): void {
    if (this.disposed || run.status !== 'training') return;
    const m = validateExperimentWorkerToHost(raw);
    if (!m) return;
    if (m.type === 'point') {
      run.points.push({ step: m.step, loss: m.loss, heldOutLoss: m.heldOutLoss, memoryLoss: m.memoryLoss });
    } else if (m.type === 'done') {
      const { checkpoint, type: _type, ...result } = m;
      run.result = result;
      run.checkpoint = checkpoint;
      run.status = 'done';
      const last = run.points[run.points.length - 1];
      this.log.info(`Run Experiment: ${run.cell.toUpperCase()} done in ${result.seconds.toFixed(1)} s: held-out loss ${last ? formatLoss(last.heldOutLoss) : '-'}` +
        `${last?.memoryLoss != null ? `, memory positions ${formatLoss(last.memoryLoss)}` : ''}, gradient horizon ${result.horizon}, memory span ${result.memorySpan.toFixed(1)}.`);
      void run.worker.terminate().catch(() => undefined);
    } else {
      this.fail(run, errorText(m));
      return;
    }
    this.changeEmitter.fire();
  }

  private fail(run: CellRun, reason: string): void {
    if (this.disposed || run.status !== 'training') return;
    run.status = 'failed';
    run.error = reason;
    this.log.error(`Run Experiment: ${run.cell.toUpperCase()}: ${reason}`);
    void run.worker.terminate().catch(() => undefined);
    this.changeEmitter.fire();
  }
}
