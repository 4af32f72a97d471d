/**
 * Why This Prediction?: which earlier characters the prediction of the next character leans on
 * (saliency, engine/analysis/saliency.ts, in the analysis worker). Asked at the editor's cursor, or
 * at the timestep cursor, which it then follows: every move asks again and supersedes the
 * question before. The Insight panel draws the scores as bars over the text; the editor tints the
 * preceding characters by the same scores (gradient × input, or the gradient's norm: switchable
 * in the panel), with the numbers in a hover.
 */

import * as vscode from 'vscode';
import { describeChar } from '../engine/text';
import { type SaliencyAnswer } from '../protocol/analysis';
import { formatCount, formatProbability, formatValue } from '../protocol/format';
import { type SaliencyMode, type WhyView } from '../protocol/insight';
import { type InsightContext, runWithProgress } from './insightContext';
import { LevelPainter } from './levelPainter';
import { type SessionHost } from './sessionHost';
import { type TimestepCursor } from './timestepCursor';
import { UserError } from './userError';

/** Characters before the prediction shown in the panel (the editor is painted over all of them up to PAINT_CHARS). */
export const WHY_PANEL_CHARS = 400;
export const WHY_PAINT_CHARS = 4000;

export class WhyPrediction implements vscode.Disposable {
  /** Blue lowered the prediction, orange raised it (the panel's colours). */
  readonly painter = new LevelPainter({ light: ['40, 110, 220', '225, 100, 20'], dark: ['80, 150, 255', '255, 140, 50'] });
  private mode: SaliencyMode = 'grad';
  /** Following the timestep cursor (after Why This Prediction? was asked at it). */
  private following = false;
  private last: { answer: SaliencyAnswer; step: number; fileName: string } | null = null;
  private readonly subscription: { dispose(): void };

  constructor(private readonly ctx: InsightContext, private readonly host: SessionHost, private readonly cursor: TimestepCursor) {
    this.subscription = cursor.onDidChange(() => {
      if (this.following) void this.ask(this.cursorPosition(), false).catch((error) => ctx.log.warn(`Why This Prediction? did not follow the cursor: ${error instanceof Error ? error.message : String(error)}`));
    });
  }

  /** `arg`: a position (tests); otherwise the editor's cursor when the training file is active, else the timestep cursor. */
  async run(arg?: unknown): Promise<void> {
    const current = this.ctx.source.current();
    if (!current) throw new UserError(vscode.l10n.t('Train a model first (or load one): Why This Prediction? reads the training file with the model\'s weights.'));
    const { document } = current;
    let t: number | undefined = typeof arg === 'number' ? arg : undefined;
    const editor = vscode.window.activeTextEditor;
    if (t === undefined && editor && editor.document.uri.toString() === document.source.uri.toString()) {
      if (!document.matchingEditors().includes(editor)) throw new UserError(vscode.l10n.t('{0} has changed since training started; undo the edits so that its characters line up with the model\'s.', document.source.fileName));
      // The character before the cursor is the last one read; the one after it is predicted.
      t = document.index.codePointAt(editor.document.offsetAt(editor.selection.active)) - 1;
      this.following = false;
    } else if (t === undefined) {
      t = this.cursorPosition();
      if (t === undefined) throw new UserError(vscode.l10n.t('Put the cursor in {0} (the prediction of the character after it is explained), or step the panel\'s timestep cursor first.', document.source.fileName));
      this.following = true;
    }
    await this.ask(t, true);
  }

  /** The panel switched between gradient × input and the gradient's norm. */
  setMode(mode: SaliencyMode): void {
    this.mode = mode;
    if (this.last) this.show(this.last.answer, this.last.step, this.last.fileName);
  }

  clear(): void {
    this.following = false;
    this.last = null;
    this.ctx.client.cancel('why');
    this.painter.clear();
  }

  dispose(): void {
    this.subscription.dispose();
    this.painter.dispose();
  }

  /** The text position of the timestep cursor's x_t (the trace window's start + t). */
  private cursorPosition(): number | undefined {
    const trace = this.host.session?.latestTrace;
    if (!trace || this.cursor.length === 0) return undefined;
    return trace.header.position + this.cursor.t;
  }

  private async ask(t: number | undefined, notify: boolean): Promise<void> {
    const document = this.ctx.source.current()?.document;
    if (t === undefined || !document) return;
    const chars = document.index.codePointLength;
    if (!Number.isInteger(t) || t < 0 || t >= chars - 1) throw new UserError(vscode.l10n.t('There is no next character to explain there: choose a position between 1 and {0} characters into the file.', formatCount(chars - 1)));
    const prepared = await this.ctx.source.prepare();
    const answer = await runWithProgress(this.ctx, 'why', `Why this prediction (character ${formatCount(t + 1)})`, { kind: 'saliency', t }, notify);
    if (!answer || answer.kind !== 'saliency') return;
    this.show(answer, prepared.step, prepared.document.source.fileName);
    this.ctx.log.info(`Why This Prediction? at ${t}: log p = ${formatValue(answer.logProb)}.`);
  }

  private show(answer: SaliencyAnswer, step: number, fileName: string): void {
    this.last = { answer, step, fileName };
    const document = this.ctx.source.current()?.document;
    const config = this.ctx.source.current()?.config;
    if (!document || !config) return;
    const scores = this.mode === 'grad' ? answer.grad : answer.norm;
    const first = Math.max(0, answer.t + 1 - WHY_PANEL_CHARS);
    const text = document.source.text;
    const chars = [...text.slice(document.index.utf16Offset(first), document.index.utf16Offset(answer.t + 1))];
    const target = config.vocab[answer.target];
    const view: WhyView = {
      type: 'why', fileName, t: answer.t, target, logProb: answer.logProb, step, first, chars,
      grad: Array.from(answer.grad.subarray(first)), norm: Array.from(answer.norm.subarray(first)), mode: this.mode,
    };
    this.ctx.panel.show(view);
    const paintFrom = Math.max(0, answer.t + 1 - WHY_PAINT_CHARS);
    const painted = scores.subarray(paintFrom);
    let scale = 0;
    for (let i = 0; i < painted.length; i++) if (Number.isFinite(painted[i])) scale = Math.max(scale, Math.abs(painted[i]));
    const hover = (i: number): string => {
      const k = paintFrom + i;
      return [
        `**RNN Lens: Why This Prediction?** ${describeChar(target)} after character ${formatCount(answer.t)} (p = ${formatProbability(Math.exp(answer.logProb))})`,
        `this character (${formatCount(answer.t - k)} before the prediction): gradient × input ${formatValue(answer.grad[k])}, gradient norm ${formatValue(answer.norm[k])}`,
        `strongest in the painted text: ${this.mode} ${formatValue(scale)}`,
      ].join('  \n');
    };
    this.painter.paint(document, paintFrom, painted, scale, hover, [[answer.t + 1, answer.t + 2]]);
  }
}
