/**
 * The timestep cursor across the host: the commands that move it, the trace windows that give it
 * a length, the views told where it is (stamped with the panel's latest report, see the
 * protocol's cursor notes), and the editor highlight of x_t in the training file.
 */

import * as vscode from 'vscode';
import { type TraceMessage } from '../protocol/worker';
import { type HostToWebview } from '../protocol/webview';
import { CONTEXT_KEYS, type ContextKeys } from './contextKeys';
import { type CursorHighlight } from './cursorHighlight';
import { type SessionFollower, type SessionHost } from './sessionHost';
import { type TimestepCursor } from './timestepCursor';
import { type TrainingSession } from './trainingSession';
import { UserError } from './userError';
import { traceMessage } from './viewMessages';
import { revealSourceBeside } from './sourceReveal';

export interface TimestepFollowerOptions {
  readonly host: SessionHost;
  readonly cursor: TimestepCursor;
  readonly highlight: CursorHighlight;
  readonly contextKeys: ContextKeys;
  readonly log: vscode.LogOutputChannel;
  readonly post: (message: HostToWebview) => void;
}

export class TimestepFollower implements SessionFollower, vscode.Disposable {
  /** The number of the training panel's latest cursor report applied; none from a fresh page. */
  private panelCursorAck: number | undefined;
  private warnedAboutEdits = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: TimestepFollowerOptions) {
    this.disposables.push(
      options.cursor.onDidChange(() => {
        options.post(this.cursorMessage());
        this.refreshHighlight(true);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshHighlight(false)),
    );
  }

  follow(session: TrainingSession): vscode.Disposable[] {
    this.warnedAboutEdits = false;
    // Each session starts where a learner reads a window: forward, at t = 0.
    this.options.cursor.set(0, 'forward');
    this.options.cursor.setWindowLength(0);
    return [session.onTrace((t) => this.onTrace(t))];
  }

  forget(): void {
    this.options.contextKeys.set(CONTEXT_KEYS.hasTrace, false);
    this.options.highlight.clear();
  }

  move(move: 'next' | 'previous' | 'first' | 'last' | 'toggle'): void {
    const cursor = this.options.cursor;
    if (cursor.length === 0) throw new UserError(vscode.l10n.t('There is no trace window yet: start training and wait for the first trace.'));
    if (move === 'next' || move === 'previous') {
      const edge = passEdge(cursor.t, cursor.length, cursor.direction, move);
      if (edge) {
        // Nothing to move to: say so where the user looks (status bar) and listens (the panel's live region).
        vscode.window.setStatusBarMessage(`RNN Lens: ${edge}`, 4000);
        this.options.post({ type: 'announce', text: edge });
        return;
      }
    }
    switch (move) {
      case 'next': return cursor.next();
      case 'previous': return cursor.previous();
      case 'first': return cursor.first();
      case 'last': return cursor.last();
      case 'toggle': return cursor.toggleDirection();
    }
  }

  async goTo(arg?: unknown): Promise<void> {
    const cursor = this.options.cursor;
    const T = cursor.length;
    if (T === 0) throw new UserError(vscode.l10n.t('There is no trace window yet: start training and wait for the first trace.'));
    let t: number | undefined = typeof arg === 'number' ? arg : undefined;
    if (t === undefined) {
      const answer = await vscode.window.showInputBox({
        title: vscode.l10n.t('RNN Lens: Go to Timestep'), prompt: vscode.l10n.t('A timestep from 0 to {0}', T - 1), value: String(cursor.t),
        validateInput: (v) => (/^\s*\d+\s*$/.test(v) && Number(v) < T ? undefined : vscode.l10n.t('Enter a whole number from 0 to {0}.', T - 1)),
      });
      if (answer === undefined) return;
      t = Number(answer);
    }
    if (!Number.isInteger(t) || t < 0 || t >= T) throw new UserError(vscode.l10n.t('Timestep {0} is outside the window (0 to {1}).', t, T - 1));
    cursor.goTo(t);
  }

  /** A cursor report from a view; the panel numbers its reports so it can tell echoes of older ones. */
  fromView(message: { t: number; direction: 'forward' | 'backward'; seq?: number }, from: 'panel' | 'gradient'): void {
    if (from === 'panel' && message.seq !== undefined) this.panelCursorAck = message.seq;
    this.options.cursor.set(message.t, message.direction);
  }

  /** A freshly loaded panel page has reported no cursor moves yet. */
  panelReloaded(): void {
    this.panelCursorAck = undefined;
  }

  /** The cursor as the views are told it, with the panel's acknowledgement when it has reported moves. */
  cursorMessage(): HostToWebview {
    const { t, direction } = this.options.cursor;
    return this.panelCursorAck === undefined ? { type: 'cursor', t, direction } : { type: 'cursor', t, direction, ack: this.panelCursorAck };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private onTrace(message: TraceMessage): void {
    this.options.cursor.setWindowLength(message.header.steps);
    this.options.contextKeys.set(CONTEXT_KEYS.hasTrace, true);
    this.options.post(traceMessage(message));
    this.refreshHighlight(false);
  }

  /** Highlights x_t, the input at the cursor, in the training file (only while training is paused: a running cursor would flicker). */
  private refreshHighlight(reveal: boolean): void {
    const { host, highlight, cursor, log } = this.options;
    const trace = host.session?.latestTrace;
    const doc = host.sourceDocument;
    if (!trace || !doc || host.session?.state !== 'paused') {
      highlight.clear();
      return;
    }
    const shown = highlight.show(doc, trace.header.position + cursor.t, reveal, trace.header.position, trace.header.steps);
    // Stepping with the file not shown: open it beside the panel, then highlight it there.
    if (!shown && reveal) void revealSourceBeside(doc).then((opened) => { if (opened) this.refreshHighlight(true); }, (e) => log.warn(`Could not show ${doc.source.fileName}: ${e instanceof Error ? e.message : String(e)}`));
    if (!shown && !this.warnedAboutEdits && vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === doc.source.uri.toString())) {
      this.warnedAboutEdits = true;
      log.info(`${doc.source.fileName} no longer matches the text training started with; training continues on that snapshot, and the editor highlight is off.`);
    }
  }
}

/**
 * The sentence for a Next or Previous that cannot move, or null when it can. Backward, "next" is
 * the next step BPTT computes, towards t = 0.
 */
export function passEdge(t: number, length: number, direction: 'forward' | 'backward', move: 'next' | 'previous'): string | null {
  const last = length - 1;
  const towardsZero = (direction === 'backward') === (move === 'next');
  if (towardsZero && t <= 0) {
    return direction === 'backward'
      ? vscode.l10n.t('t = 0: the backward pass ends here (BPTT runs from t = {0} back to t = 0). Step Backward Through BPTT again to walk forward.', last)
      : vscode.l10n.t('t = 0: the forward pass starts here; there is no earlier timestep in this window.');
  }
  if (!towardsZero && t >= last) {
    return direction === 'forward'
      ? vscode.l10n.t('t = {0}: the forward pass ends here, at the last timestep of the window.', last)
      : vscode.l10n.t('t = {0}: the backward pass starts here, at the last timestep of the window.', last);
  }
  return null;
}
