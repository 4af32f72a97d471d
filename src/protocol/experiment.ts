/**
 * Run Experiment (issue 17): the messages between the host and an experiment worker (one training
 * thread per cell, src/worker/experimentWorker.ts) and between the host and the experiment view
 * (webview/experiment/). The host validates what the workers say; the view validates what the
 * host says, like every other channel.
 */

import { CELL_TYPES, OPTIMIZER_KINDS, validateSettings, type CellType, type TrainSettings } from '../engine/model/config';
import { type ErrorArgs } from '../engine/errors';
import { isCappedString, isErrorArgs, isFiniteNumber, isFiniteOrNull, isIntegerIn, isOneOf, isOptional, isRecord } from './guards';

export const EXPERIMENT_CELLS: readonly CellType[] = CELL_TYPES;

/** Host -> worker: train `cell` on `text` for `steps` steps, measuring `heldOut` every `evalEvery` steps. */
export interface ExperimentJob {
  readonly type: 'start';
  readonly text: string;
  readonly settings: TrainSettings;
  readonly steps: number;
  readonly evalEvery: number;
  /** A text the model does not train on, read as one stream for the held-out and memory losses. */
  readonly heldOut: string;
  /** Code point indices into heldOut of the characters that need memory; empty: no task, only the held-out loss. */
  readonly memoryPositions: readonly number[];
}

export type HostToExperimentWorker = ExperimentJob | { readonly type: 'stop' };

export interface ExperimentPoint {
  readonly step: number;
  /** Mean training loss over the steps since the previous point. */
  readonly loss: number;
  readonly heldOutLoss: number;
  /** Mean loss at the memory positions of the held-out text; null without memory positions. */
  readonly memoryLoss: number | null;
}

export interface ExperimentCellResult {
  readonly steps: number;
  readonly seconds: number;
  readonly params: number;
  /** Steps back the loss's gradient reaches in the final trace (top layer; src/protocol/horizon.ts). */
  readonly horizon: number;
  /** Mean probe horizon on the held-out text (src/engine/analysis/memorySpan.ts). */
  readonly memorySpan: number;
}

export type ExperimentWorkerToHost =
  | ({ readonly type: 'point' } & ExperimentPoint)
  | ({ readonly type: 'done'; readonly checkpoint: Uint8Array } & ExperimentCellResult)
  | { readonly type: 'error'; readonly message: string; readonly code?: string; readonly args?: ErrorArgs };

export function validateExperimentJob(m: unknown): ExperimentJob | null {
  if (!isRecord(m) || m.type !== 'start' || typeof m.text !== 'string' || typeof m.heldOut !== 'string') return null;
  if (!isIntegerIn(m.steps, 1, 1e9) || !isIntegerIn(m.evalEvery, 1, 1e9) || !Array.isArray(m.memoryPositions)) return null;
  if (!m.memoryPositions.every((p) => Number.isInteger(p) && (p as number) >= 0)) return null;
  if (!isRecord(m.settings) || validateSettings(m.settings as unknown as TrainSettings).length > 0) return null;
  return m as unknown as ExperimentJob;
}

export function validateExperimentWorkerToHost(m: unknown): ExperimentWorkerToHost | null {
  if (!isRecord(m)) return null;
  switch (m.type) {
    case 'point':
      return isIntegerIn(m.step, 1, 1e9) && isFiniteNumber(m.loss) && isFiniteNumber(m.heldOutLoss) && isFiniteOrNull(m.memoryLoss) ? (m as unknown as ExperimentWorkerToHost) : null;
    case 'done':
      return m.checkpoint instanceof Uint8Array && isIntegerIn(m.steps, 1, 1e9) && isFiniteNumber(m.seconds) && isIntegerIn(m.params, 1, 1e12) &&
        isIntegerIn(m.horizon, 0, 1e9) && isFiniteNumber(m.memorySpan) ? (m as unknown as ExperimentWorkerToHost) : null;
    case 'error':
      return typeof m.message === 'string' && isOptional(m.code, (c): c is string => isCappedString(c, 100)) && isOptional(m.args, isErrorArgs) ? (m as unknown as ExperimentWorkerToHost) : null;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Host <-> view

export type CellStatus = 'training' | 'done' | 'failed';

export interface ExperimentCellView {
  readonly cell: CellType;
  readonly status: CellStatus;
  readonly points: readonly ExperimentPoint[];
  readonly result: ExperimentCellResult | null;
  /** Why the cell failed (a sentence), when it did. */
  readonly error: string | null;
}

export type ExperimentTask = { readonly kind: 'lag'; readonly lag: number } | { readonly kind: 'dyck1' } | { readonly kind: 'file'; readonly fileName: string };

/** The settings the three cells share, as the view states them. */
export type ExperimentSettingsView = Pick<TrainSettings, 'seed' | 'hidden' | 'seqLen' | 'batch' | 'optimizer' | 'lr' | 'clipNorm'>;

/**
 * What the view shows: data only. Its words are the page's own, from the one strings table
 * (src/protocol/webviewText/experiment.ts), the sentence included (experimentSummary.ts).
 */
export interface ExperimentViewState {
  readonly type: 'experiment';
  readonly task: ExperimentTask;
  readonly settings: ExperimentSettingsView;
  /** The memoryless loss at the memory positions (chance); null without a task. */
  readonly chance: number | null;
  readonly totalSteps: number;
  readonly cells: readonly ExperimentCellView[];
}

export type HostToExperimentView = ExperimentViewState;
export type ExperimentViewToHost = { readonly type: 'ready' } | { readonly type: 'openCell'; readonly cell: CellType };

function isTask(t: unknown): boolean {
  if (!isRecord(t)) return false;
  return (t.kind === 'lag' && isIntegerIn(t.lag, 1, 1e6)) || t.kind === 'dyck1' || (t.kind === 'file' && typeof t.fileName === 'string' && t.fileName.length <= 1000);
}

function isPoint(p: unknown): boolean {
  return isRecord(p) && isIntegerIn(p.step, 1, 1e9) && isFiniteNumber(p.loss) && isFiniteNumber(p.heldOutLoss) && isFiniteOrNull(p.memoryLoss);
}

export function parseHostToExperimentView(m: unknown): HostToExperimentView | null {
  if (!isRecord(m) || m.type !== 'experiment' || !isTask(m.task) || !isRecord(m.settings)) return null;
  const s = m.settings;
  if (!isIntegerIn(s.seed, 0, 2 ** 32) || !isIntegerIn(s.hidden, 1, 1e6) || !isIntegerIn(s.seqLen, 1, 1e6) || !isIntegerIn(s.batch, 1, 1e6)) return null;
  if (!isOneOf(s.optimizer, OPTIMIZER_KINDS) || !isFiniteNumber(s.lr) || !isFiniteNumber(s.clipNorm)) return null;
  if (!isFiniteOrNull(m.chance) || !isIntegerIn(m.totalSteps, 1, 1e9)) return null;
  if (!Array.isArray(m.cells)) return null;
  for (const c of m.cells as unknown[]) {
    if (!isRecord(c) || !isOneOf(c.cell, CELL_TYPES) || !isOneOf(c.status, ['training', 'done', 'failed'] as const)) return null;
    if (!Array.isArray(c.points) || !c.points.every(isPoint) || !(c.error === null || typeof c.error === 'string')) return null;
    const r = c.result;
    if (r !== null && !(isRecord(r) && isFiniteNumber(r.horizon) && isFiniteNumber(r.memorySpan) && isFiniteNumber(r.params) && isFiniteNumber(r.seconds) && isFiniteNumber(r.steps))) return null;
  }
  return m as unknown as HostToExperimentView;
}

export function parseExperimentViewToHost(m: unknown): ExperimentViewToHost | null {
  if (!isRecord(m)) return null;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'openCell' && isOneOf(m.cell, CELL_TYPES)) return { type: 'openCell', cell: m.cell };
  return null;
}
