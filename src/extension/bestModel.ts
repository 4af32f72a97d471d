/**
 * The model of the lowest validation loss: what is said when a session overfits (a notification
 * once, a notice in the panel), and where that model is offered instead of the latest one (Stop,
 * Save Model As). The worker keeps its checkpoint (worker/validationWatch.ts).
 */

import * as vscode from 'vscode';
import { type OverfittingMessage } from '../protocol/worker';
import { formatCount, formatLoss } from '../protocol/format';
import { type TrainingSession } from './trainingSession';

/** The numbers of an overfitting report, formatted for the sentences below. */
function numbers(session: TrainingSession, r: OverfittingMessage): Record<string, string> {
  return {
    cell: session.info?.config.cell.toUpperCase() ?? 'model', file: session.source.fileName,
    step: formatCount(r.step), val: formatLoss(r.valLoss), train: formatLoss(r.trainLoss),
    bestStep: formatCount(r.bestStep), bestVal: formatLoss(r.bestValLoss), bestTrain: formatLoss(r.bestTrainLoss),
  };
}

/** The notification, said once per session. */
export function overfittingMessage(session: TrainingSession, r: OverfittingMessage): string {
  return vscode.l10n.t('RNN Lens: the {cell} is memorising {file} rather than learning it (overfitting). Validation loss {bestVal} at step {bestStep} has risen to {val} at step {step}, while the training loss fell from {bestTrain} to {train}. Train a smaller model (rnnLens.hiddenSize), give it more text, or keep the model of step {bestStep}: Stop and Save Model As offer it.', numbers(session, r));
}

/** The panel's notice, shown for the rest of the session. */
export function overfittingNotice(session: TrainingSession, r: OverfittingMessage): string {
  return vscode.l10n.t('Overfitting since step {bestStep}: validation loss {bestVal} → {val} while training loss {bestTrain} → {train}. The model is memorising the text: a smaller model or more text helps, and Stop or Save Model As keep the model of step {bestStep}.', numbers(session, r));
}

/**
 * The lowest validation loss, when its model is clearly better than the latest (older, and at
 * least 1% lower than the latest validation loss); null otherwise.
 */
export function betterBest(session: TrainingSession): { step: number; valLoss: number; latestStep: number; latestVal: number } | null {
  const best = session.bestValidation;
  const p = session.latestProgress;
  if (!best || !p || p.valLoss === null) return null;
  const latestStep = session.latestCheckpoint?.step ?? p.step;
  return best.step < latestStep && best.valLoss < p.valLoss * 0.99 ? { step: best.step, valLoss: best.valLoss, latestStep, latestVal: p.valLoss } : null;
}

/** Save Model As: which of the two models, when the best is better than the latest (undefined: cancelled). */
export async function pickModelToSave(session: TrainingSession): Promise<boolean | undefined> {
  const better = betterBest(session);
  if (!better) return false;
  const best = { label: vscode.l10n.t('The model of the lowest validation loss'), description: vscode.l10n.t('step {0}, validation loss {1}', formatCount(better.step), formatLoss(better.valLoss)), best: true };
  const latest = { label: vscode.l10n.t('The latest model'), description: vscode.l10n.t('step {0}, validation loss {1}', formatCount(better.latestStep), formatLoss(better.latestVal)), best: false };
  const picked = await vscode.window.showQuickPick([best, latest], { title: vscode.l10n.t('RNN Lens: which model to save? The validation loss has risen since step {0}.', formatCount(better.step)) });
  return picked?.best;
}

/** After a Stop: offers the model of the lowest validation loss when it is better than the final one. */
export async function offerBestAfterStop(session: TrainingSession, save: () => Promise<void>): Promise<void> {
  const better = betterBest(session);
  if (!better || !session.bestCheckpoint) return;
  const action = vscode.l10n.t('Save Best Model As...');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('RNN Lens: stopped at step {0} (validation loss {1}). The lowest validation loss, {2}, was at step {3}; its model is kept until the next session.',
    formatCount(better.latestStep), formatLoss(better.latestVal), formatLoss(better.valLoss), formatCount(better.step)), action);
  if (choice === action) await save();
}
