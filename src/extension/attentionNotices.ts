/**
 * The notifications a session raises, only for what needs the user's attention: a finished run
 * (the step limit reached) here; failures come from the session host. The running session itself
 * lives in the status bar and the panel's header, never in a notification over the panel.
 */

import * as vscode from 'vscode';
import { type SessionFollower } from './sessionHost';
import { type TrainingSession } from './trainingSession';
import { formatCount, formatLoss, formatValidation } from '../protocol/format';

export interface AttentionNoticesOptions {
  readonly saveModel: () => Promise<void>;
  readonly report: (error: unknown) => void;
}

export class AttentionNotices implements SessionFollower {
  constructor(private readonly options: AttentionNoticesOptions) {}

  follow(session: TrainingSession): vscode.Disposable[] {
    return [session.onDidReachStepLimit((step) => void this.finishedRun(session, step).catch((e) => this.options.report(e)))];
  }

  forget(): void {
    // Notifications already shown stay: they describe what happened.
  }

  private async finishedRun(session: TrainingSession, step: number): Promise<void> {
    const p = session.latestProgress;
    const args = { file: session.source.fileName, steps: formatCount(step) };
    const keep = vscode.l10n.t('Keep Training');
    const save = vscode.l10n.t('Save Model As...');
    const choice = await vscode.window.showInformationMessage(p
      ? vscode.l10n.t('RNN Lens: training on {file} reached its step limit (rnnLens.maxSteps, {steps} steps) and paused: loss {loss}, {validation}.', { ...args, loss: formatLoss(p.loss), validation: formatValidation(p.valLoss, p.valStep) })
      : vscode.l10n.t('RNN Lens: training on {file} reached its step limit (rnnLens.maxSteps, {steps} steps) and paused.', args),
    keep, save);
    if (choice === keep) session.resume();
    if (choice === save) await this.options.saveModel();
  }
}
