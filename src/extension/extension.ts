/**
 * Activation: builds the controller, registers the commands, and offers to resume an autosaved
 * session. Everything created here is owned by a disposable in `context.subscriptions`, and
 * `deactivate` stops training (saving its final checkpoint) and ends the worker.
 */

import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { RnnLensController } from './controller';
import { setFormatWords, setNumberLocale } from '../protocol/format';
import { formatWordsFrom } from '../protocol/strings';
import { webviewStrings } from './webviewStrings';
import { nodeWorkerFactory, type WorkerFactory } from './workerClient';

let controller: RnnLensController | undefined;

export interface ActivationOverrides {
  /** Tests substitute a fake worker. */
  readonly workerFactory?: WorkerFactory;
  readonly analysisWorkerFactory?: WorkerFactory;
  readonly autosaveIntervalMs?: number;
  /** Skip the "resume the autosaved session?" question (tests). */
  readonly skipResumeOffer?: boolean;
  /** The session lock's heartbeat (tests shorten it). */
  readonly heartbeatMs?: number;
}

export function activate(context: vscode.ExtensionContext, overrides: ActivationOverrides = {}): RnnLensController {
  // Numbers are written as the display language writes them (the webviews get it with their strings).
  setNumberLocale(vscode.env.language);
  setFormatWords(formatWordsFrom(webviewStrings()));
  const workerFactory = overrides.workerFactory ?? nodeWorkerFactory(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath);
  const created = new RnnLensController(context, {
    workerFactory, analysisWorkerFactory: overrides.analysisWorkerFactory, autosaveIntervalMs: overrides.autosaveIntervalMs, heartbeatMs: overrides.heartbeatMs,
  });
  controller = created;
  context.subscriptions.push(created, ...registerCommands(created));
  if (!overrides.skipResumeOffer) void created.offerResume().catch((error) => created.report(error));
  return created;
}

export async function deactivate(): Promise<void> {
  const c = controller;
  controller = undefined;
  await c?.shutdown();
}
