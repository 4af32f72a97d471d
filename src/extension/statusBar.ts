/**
 * The status bar item: cell, step and loss at a glance, spinning while training; a click reveals
 * the panel.
 */

import * as vscode from 'vscode';
import { type SessionState } from './sessionState';
import { type TrainingSession } from './trainingSession';
import { formatCount, formatLoss } from '../protocol/format';

const ICONS: Record<SessionState, string> = {
  idle: '$(pulse)',
  starting: '$(loading~spin)',
  training: '$(sync~spin)',
  paused: '$(debug-pause)',
  stopping: '$(loading~spin)',
  stopped: '$(check)',
  failed: '$(error)',
};

export interface StatusView {
  cell: string;
  state: SessionState;
  step?: number;
  loss?: number;
  valLoss?: number | null;
  fileName: string;
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('rnnLens.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'RNN Lens';
    this.item.command = 'rnnLens.showPanel';
  }

  /** The text shown, e.g. "$(sync~spin) LSTM step 1,120 loss 2.310": numbers as the panel prints them (protocol/format.ts). */
  static format(view: StatusView): string {
    const parts = [ICONS[view.state], view.cell.toUpperCase()];
    if (view.step !== undefined) parts.push(`step ${formatCount(view.step)}`);
    if (view.loss !== undefined) parts.push(`loss ${formatLoss(view.loss)}`);
    return parts.join(' ');
  }

  show(view: StatusView): void {
    this.item.text = StatusBar.format(view);
    const val = view.valLoss !== undefined && view.valLoss !== null ? `, validation loss ${formatLoss(view.valLoss)}` : '';
    this.item.tooltip = `RNN Lens: ${view.state} on ${view.fileName}${val}. Click to show the panel.`;
    this.item.show();
  }

  /** Shows the session's cell, state, step and loss; hides the item when there is no session. */
  showSession(session: TrainingSession | null): void {
    if (!session) {
      this.hide();
      return;
    }
    const p = session.latestProgress;
    this.show({
      cell: session.info?.config.cell ?? '', state: session.state, fileName: session.source.fileName,
      ...(p ? { step: p.step, loss: p.loss, valLoss: p.valLoss } : {}),
    });
  }

  get text(): string {
    return this.item.text;
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
