/**
 * The notifications a session raises, only for what needs the user's attention: a finished run
 * (the step limit reached), overfitting (also a notice in the panel), the better model kept at a
 * Stop; failures come from the session host. The running session itself
 * lives in the status bar and the panel's header, never in a notification over the panel.
 */

import * as vscode from 'vscode';
import { type SessionFollower } from './sessionHost';
import { type TrainingSession } from './trainingSession';
import { formatCount, formatLoss, formatValidation } from '../protocol/format';
import { type HostToWebview } from '../protocol/webview';
import { type OverfittingMessage } from '../protocol/worker';
import { offerBestAfterStop, overfittingMessage, overfittingNotice } from './bestModel';

export interface AttentionNoticesOptions {
  /** Save Model As (`best`: the model of the lowest validation loss, without asking which). */
  readonly saveModel: (which?: { session?: TrainingSession; best?: boolean }) => Promise<void>;
  readonly post: (message: HostToWebview) => void;
  readonly report: (error: unknown) => void;
}

export class AttentionNotices implements SessionFollower {
  /** The session whose best model is being saved from the overfitting notice: its Stop offers nothing more. */
  private savingBest: TrainingSession | null = null;

  constructor(private readonly options: AttentionNoticesOptions) {}

  follow(session: TrainingSession): vscode.Disposable[] {
    const { report, post, saveModel } = this.options;
    return [
      session.onDidReachStepLimit((step) => void this.finishedRun(session, step).catch(report)),
      session.onOverfitting((r) => {
        post({ type: 'notice', text: overfittingNotice(session, r) });
        void this.overfitting(session, r).catch(report);
      }),
      session.onDidChangeState((state) => {
        if (state === 'stopped' && this.savingBest !== session) void offerBestAfterStop(session, () => saveModel({ session, best: true })).catch(report);
      }),
    ];
  }

  forget(): void {
    // Notifications already shown stay: they describe what happened.
  }

  private async overfitting(session: TrainingSession, r: OverfittingMessage): Promise<void> {
    const stopSave = vscode.l10n.t('Stop and Save Best Model...');
    const keep = vscode.l10n.t('Keep Training');
    const choice = await vscode.window.showWarningMessage(overfittingMessage(session, r), stopSave, keep);
    if (choice !== stopSave) return;
    this.savingBest = session;
    await session.stop();
    await this.options.saveModel({ session, best: true });
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
