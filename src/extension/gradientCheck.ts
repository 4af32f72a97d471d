/**
 * Run Gradient Check: the engine compares BPTT's gradients with float64 finite differences on a
 * small random model. It runs in a worker of its own, so it never waits behind (or slows) a
 * training session, and the host stays responsive.
 */

import * as vscode from 'vscode';
import { type CellType } from '../engine/model/config';
import { PendingRequests, RequestFailedError, type WorkerToHost } from '../protocol/worker';
import { WorkerClient, type WorkerFactory } from './workerClient';

/** Float64 finite differences agree with exact gradients to about 1e-8; anything above this is a bug. */
export const GRADCHECK_TOLERANCE = 1e-5;
const GRADCHECK_TIMEOUT_MS = 60_000;

export interface GradientCheckResult {
  readonly tensor: string;
  readonly maxRelError: number;
}

export async function runGradientCheck(
  factory: WorkerFactory,
  options: { cell: CellType; layers: number; hidden: number; gruResetAfter?: boolean },
): Promise<GradientCheckResult[]> {
  const requests = new PendingRequests<WorkerToHost>();
  const client = new WorkerClient(factory, {
    message: (m) => {
      if (m.type === 'gradcheck') requests.settle(m.replyTo, m);
      else if (m.type === 'error' && m.replyTo !== undefined) requests.fail(m.replyTo, new RequestFailedError(m.message, m.code, m.args));
    },
    died: (reason, code, args) => requests.failAll(new RequestFailedError(reason, code, args)),
  });
  try {
    const { id, reply } = requests.open(GRADCHECK_TIMEOUT_MS);
    client.send({ type: 'gradcheck', requestId: id, ...options });
    const answer = await reply;
    if (answer.type !== 'gradcheck') throw new RequestFailedError('The worker answered the gradient check with something else.');
    return answer.results.map((r) => ({ tensor: r.tensor, maxRelError: r.maxRelError }));
  } finally {
    await client.terminate();
  }
}

/**
 * Run Gradient Check as a command: the current session's cell (or the rnnLens.cell setting) at
 * 2 layers of 4 units, with a progress notification; every tensor's error goes to the log and the
 * verdict to a message.
 */
export async function gradientCheckCommand(
  factory: WorkerFactory,
  log: { info(message: string): void },
  options: { cell: CellType; gruResetAfter: boolean },
): Promise<void> {
  const { cell } = options;
  const check = { cell, layers: 2, hidden: 4, gruResetAfter: options.gruResetAfter };
  log.info(`Gradient check: ${cell.toUpperCase()}, ${check.layers} layers of ${check.hidden} units, float64 finite differences against BPTT.`);
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('RNN Lens: checking {0} gradients...', cell.toUpperCase()) },
    () => runGradientCheck(factory, check),
  );
  let worst = 0;
  for (const r of results) {
    log.info(`  ${r.tensor}: max relative error ${r.maxRelError.toExponential(2)}`);
    worst = Math.max(worst, Number.isFinite(r.maxRelError) ? r.maxRelError : Infinity);
  }
  const args = { cell: cell.toUpperCase(), tensors: results.length, error: worst.toExponential(2), tolerance: GRADCHECK_TOLERANCE };
  if (worst < GRADCHECK_TOLERANCE) {
    void vscode.window.showInformationMessage(vscode.l10n.t('RNN Lens: {cell} gradient check over {tensors} tensors: max relative error {error}, passed (< {tolerance}).', args));
  } else {
    void vscode.window.showWarningMessage(vscode.l10n.t('RNN Lens: {cell} gradient check over {tensors} tensors: max relative error {error}, FAILED (tolerance {tolerance}); see the RNN Lens log.', args));
  }
}
