/**
 * The status bar item, where a running session lives: cell, step, loss, speed (with its threads)
 * at a glance, spinning while training; a click reveals the panel. Nothing else is shown while a
 * session runs: notifications are for what needs attention (a failure, overfitting, a finished run).
 */

import * as vscode from 'vscode';
import { type SessionState } from './sessionState';
import { type TrainingSession } from './trainingSession';
import { formatCount, formatLoss, formatSpeed, formatValidation } from '../protocol/format';
import { type SessionActivity } from '../protocol/webview';

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
  valStep?: number | null;
  charsPerSec?: number;
  /** The last rate measured while training (shown, marked as such, while not training). */
  lastRate?: number;
  threads?: number;
  fileName: string;
  /** What is under way that the state does not say (a start's step, a pause not yet confirmed). */
  activity?: SessionActivity | null;
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('rnnLens.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'RNN Lens';
    this.item.command = 'rnnLens.showPanel';
  }

  /**
   * The text shown, e.g. "$(sync~spin) LSTM step 1,120 loss 2.310 · 20,975 chars/s on 2 threads":
   * numbers and speed as the panel prints them (protocol/format.ts), so the two never disagree.
   */
  static format(view: StatusView): string {
    const parts = [view.activity ? '$(loading~spin)' : ICONS[view.state], view.cell.toUpperCase()];
    if (view.step !== undefined) parts.push(vscode.l10n.t('step {0}', formatCount(view.step)));
    if (view.loss !== undefined) parts.push(vscode.l10n.t('loss {0}', formatLoss(view.loss)));
    if (view.activity) parts.push(`· ${activityName(view.activity)}`);
    else if (view.state === 'training' && view.charsPerSec !== undefined) parts.push(`· ${speedOf(view)}`);
    else if (view.state === 'paused' || view.state === 'starting' || view.state === 'stopping') parts.push(`· ${stateName(view.state)}`);
    return parts.filter((p) => p !== '').join(' ');
  }

  /** The tooltip: state, file, validation with the step it was measured at, and the speed. */
  static tooltip(view: StatusView): string {
    const val = view.valLoss !== undefined && view.valLoss !== null ? `; ${formatValidation(view.valLoss, view.valStep)}` : '';
    const speed = view.charsPerSec !== undefined ? `; ${speedOf(view)}` : '';
    const state = view.activity ? activityName(view.activity) : stateName(view.state);
    return vscode.l10n.t('RNN Lens: {0} on {1}{2}. Click to show the panel.', state, view.fileName, `${val}${speed}`);
  }

  show(view: StatusView): void {
    this.item.text = StatusBar.format(view);
    this.item.tooltip = StatusBar.tooltip(view);
    this.item.show();
  }

  /** Shows the session's cell, state, step, loss and speed; hides the item when there is no session. */
  showSession(session: TrainingSession | null): void {
    if (!session) {
      this.hide();
      return;
    }
    const p = session.latestProgress;
    this.show({
      cell: session.info?.config.cell ?? '', state: session.state, fileName: session.source.fileName,
      threads: session.info?.threads ?? 1, lastRate: session.trainingRate, activity: session.activity.activity,
      ...(p ? { step: p.step, loss: p.loss, valLoss: p.valLoss, valStep: p.valStep ?? null, charsPerSec: p.charsPerSec } : {}),
    });
  }

  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}

function speedOf(view: StatusView): string {
  return formatSpeed({ state: view.state, charsPerSec: view.charsPerSec ?? 0, lastRate: view.lastRate ?? 0, threads: view.threads ?? 1 });
}

/** A session state as a word in the display language ("paused", "일시 중지됨"). */
function stateName(state: SessionState): string {
  switch (state) {
    case 'idle': return vscode.l10n.t('idle');
    case 'starting': return vscode.l10n.t('starting');
    case 'training': return vscode.l10n.t('training');
    case 'paused': return vscode.l10n.t('paused');
    case 'stopping': return vscode.l10n.t('stopping');
    case 'stopped': return vscode.l10n.t('stopped');
    case 'failed': return vscode.l10n.t('failed');
  }
}

/** What a session is doing, as the panel's header also says it ("pausing…"). */
function activityName(activity: SessionActivity): string {
  switch (activity) {
    case 'reading': return vscode.l10n.t('reading text…');
    case 'building': return vscode.l10n.t('building the model…');
    case 'firstStep': return vscode.l10n.t('first step…');
    case 'pausing': return vscode.l10n.t('pausing…');
  }
}
