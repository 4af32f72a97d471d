/**
 * The progress notification of a running session, with a Cancel button that stops training. It
 * closes by itself when the session stops or fails.
 */

import * as vscode from 'vscode';
import { type TrainingSession } from './trainingSession';
import { formatCount, formatLoss, formatRate } from '../protocol/format';

/** Notification updates are for people: twice a second is plenty. */
const UPDATE_INTERVAL_MS = 500;

export function showTrainingProgress(session: TrainingSession, onCancel: () => void): Thenable<void> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `RNN Lens: training on ${session.source.fileName}`, cancellable: true },
    (progress, token) => new Promise<void>((resolve) => {
      let lastUpdate = 0;
      const subscriptions: vscode.Disposable[] = [];
      const finish = (): void => {
        for (const s of subscriptions) s.dispose();
        resolve();
      };
      subscriptions.push(
        token.onCancellationRequested(() => onCancel()),
        session.onProgress((p) => {
          const now = Date.now();
          if (now - lastUpdate < UPDATE_INTERVAL_MS) return;
          lastUpdate = now;
          const val = p.valLoss !== null ? `, validation ${formatLoss(p.valLoss)}` : '';
          progress.report({ message: `${p.state === 'paused' ? 'paused at ' : ''}step ${formatCount(p.step)}, loss ${formatLoss(p.loss)}${val}, ${formatRate(p.charsPerSec)}` });
        }),
        session.onDidChangeState((state) => {
          if (state === 'stopped' || state === 'failed') finish();
        }),
      );
      if (session.machine.isFinished) finish();
    }),
  );
}
