/**
 * What the analysis commands share: the worker client, the source of text and weights, the
 * Insight panel and the log; and the one way they run a job, with its progress shown and the
 * job cancelled from the notification's Cancel or when a newer one replaces it.
 */

import * as vscode from 'vscode';
import { type AnalysisAnswer, type AnalysisJob } from '../protocol/analysis';
import { type AnalysisClient, type AnalysisLane, Superseded } from './analysisClient';
import { type AnalysisSource } from './analysisSource';
import { type InsightPanel } from './insightPanel';

export interface InsightContext {
  readonly client: AnalysisClient;
  readonly source: AnalysisSource;
  readonly panel: InsightPanel;
  readonly log: vscode.LogOutputChannel;
}

/**
 * Runs `job` in `lane`. `notify`: a cancellable notification with progress (commands the user
 * waits for); otherwise only the Insight panel's busy line (answers that follow the cursor).
 * Resolves to undefined when the job was cancelled or superseded.
 */
export async function runWithProgress(
  ctx: InsightContext, lane: AnalysisLane, task: string, job: AnalysisJob, notify: boolean, onBusy?: (done: number, total: number) => void,
): Promise<AnalysisAnswer | undefined> {
  // `onBusy`: a view of its own that shows the progress instead of the Insight panel (Find Units).
  const busy = onBusy ?? ((done: number, total: number): void => ctx.panel.post({ type: 'busy', task, done, total }));
  try {
    if (!notify) return await ctx.client.run(lane, job, busy);
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RNN Lens: {0}', task), cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => ctx.client.cancel(lane));
      let reported = 0;
      return ctx.client.run(lane, job, (done, total) => {
        busy(done, total);
        const percent = total > 0 ? (100 * done) / total : 0;
        progress.report({ increment: percent - reported, message: `${Math.round(percent)}%` });
        reported = percent;
      });
    });
  } catch (error) {
    if (error instanceof Superseded) return undefined;
    throw error;
  } finally {
    busy(0, 0);
  }
}
