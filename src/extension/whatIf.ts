/**
 * What If This Character Were…: with the cursor on a character of the training file, replace it
 * (in the model's reading only, never in the file) and measure how long the network notices: the
 * probe (engine/analysis/probe.ts) in the analysis worker, the divergence charts in the Insight
 * panel, and the echo painted over the following text (stronger = larger KL between the two next-
 * character predictions), with the numbers in a hover.
 */

import * as vscode from 'vscode';
import { describeChar } from '../engine/text';
import { type ProbeAnswer } from '../protocol/analysis';
import { formatCount, formatValue } from '../protocol/format';
import { type WhatIfView } from '../protocol/insight';
import { type InsightContext, runWithProgress } from './insightContext';
import { LevelPainter, type PaintTarget } from './levelPainter';
import { UserError } from './userError';

/** Characters read after the edited one: far past the memory of any model trained here (the horizon says how far it really goes). */
export const WHAT_IF_WINDOW = 2000;

export class WhatIf implements vscode.Disposable {
  /** Orange-red for the echo (KL is never negative). */
  readonly painter = new LevelPainter({ light: ['30, 100, 230', '230, 110, 20'], dark: ['70, 140, 255', '255, 140, 40'] });
  /** The last answer What If… gave this session (the live What If starts once there is one, and comes back to it when the edits are undone). */
  private asked: { answer: ProbeAnswer; view: WhatIfView } | null = null;

  constructor(private readonly ctx: InsightContext) {}

  /** `arg`: {at, replacement} (tests, other commands); otherwise the active editor's cursor and an input box. */
  async run(arg?: unknown): Promise<void> {
    const current = this.ctx.source.current();
    if (!current) throw new UserError(vscode.l10n.t('Train a model first (or load one): What If reads the training file with the model\'s weights.'));
    const { document, config } = current;
    const chars = document.index.codePointLength;
    let at: number;
    let replacement: string | undefined;
    const given = parseArg(arg);
    if (given) {
      at = given.at;
      replacement = given.replacement;
    } else {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.uri.toString() !== document.source.uri.toString()) {
        throw new UserError(vscode.l10n.t('Put the cursor on a character of {0} (the training file) first.', document.source.fileName));
      }
      if (!document.matchingEditors().includes(editor)) {
        throw new UserError(vscode.l10n.t('{0} has changed since training started; undo the edits so that its characters line up with the model\'s.', document.source.fileName));
      }
      at = document.index.codePointAt(editor.document.offsetAt(editor.selection.active));
    }
    if (!Number.isInteger(at) || at < 0 || at >= chars - 1) throw new UserError(vscode.l10n.t('Choose a character between 0 and {0}: the change needs text after it to echo in.', formatCount(chars - 2)));
    const original = [...document.source.text.slice(document.index.utf16Offset(at), document.index.utf16Offset(at + 1))][0];
    const vocab = config.vocab;
    if (replacement === undefined) {
      replacement = await vscode.window.showInputBox({
        title: vscode.l10n.t('RNN Lens: What If This Character Were…'),
        prompt: vscode.l10n.t('Replace {0} (character {1}) with one character the model knows; the file is not changed.', describeChar(original), formatCount(at)),
        validateInput: (v) => checkReplacement(v, original, vocab),
      });
      if (replacement === undefined) return;
    }
    const problem = checkReplacement(replacement, original, vocab);
    if (problem) throw new UserError(problem);
    const prepared = await this.ctx.source.prepare();
    const length = Math.min(chars, at + 1 + WHAT_IF_WINDOW);
    const answer = await runWithProgress(this.ctx, 'whatIf', `What if ${describeChar(original)} were ${describeChar(replacement)}`,
      { kind: 'probe', at, replacement: vocab.indexOf(replacement), length }, true);
    if (!answer || answer.kind !== 'probe') return;
    const view = whatIfView(answer, prepared.document.source.fileName, original, replacement, config.cell, prepared.step);
    this.asked = { answer, view };
    this.show(answer, view, prepared.document, [[at, at + 1]]);
    this.ctx.log.info(`What If at ${at}: ${describeChar(original)} -> ${describeChar(replacement)}, horizon ${answer.horizon}.`);
  }

  get hasAnswered(): boolean {
    return this.asked !== null;
  }

  /** Shows `view` in the panel and paints the echo over `target`'s text, the edited characters `marks` outlined. */
  show(answer: ProbeAnswer, view: WhatIfView, target: PaintTarget, marks: readonly (readonly [number, number])[], reveal = true): void {
    this.ctx.panel.show(view);
    this.paint(answer, view, target, marks, reveal);
  }

  /** The answer What If… gave, again (the file is back to the text as trained). */
  showAsked(): void {
    const document = this.ctx.source.current()?.document;
    if (!this.asked || !document) return;
    const { answer, view } = this.asked;
    this.show(answer, view, document, [[answer.at, answer.at + 1]]);
  }

  clear(): void {
    this.asked = null;
    this.painter.clear();
  }

  dispose(): void {
    this.painter.dispose();
  }

  /** `reveal`: scroll the editor to the edit (not while the user types in it). */
  private paint(answer: ProbeAnswer, view: WhatIfView, document: PaintTarget, marks: readonly (readonly [number, number])[], reveal: boolean): void {
    const n = answer.kl.length;
    const echo = Math.min(n, answer.horizon + 1);
    // Scale by the largest KL inside the horizon, so a strong first step does not wash out the tail.
    let scale = 0;
    for (let i = 0; i < echo; i++) if (Number.isFinite(answer.kl[i])) scale = Math.max(scale, answer.kl[i]);
    const L = answer.layers;
    const hover = (i: number): string => {
      const lines = [
        view.live
          ? `**RNN Lens: What If**, your unsaved edit (${view.original ? `${JSON.stringify(view.original)} → ` : ''}${view.replacement ? JSON.stringify(view.replacement) : 'deleted'}), compared with the text as trained; this is ${formatCount(i)} character${i === 1 ? '' : 's'} ${view.original.length === view.replacement.length ? 'from the edit on' : 'after it'}`
          : `**RNN Lens: What If** ${describeChar(view.original)} → ${describeChar(view.replacement)} at character ${formatCount(answer.at)}; this is ${formatCount(i)} character${i === 1 ? '' : 's'} after it`,
        `KL(p‖p′) of the next-character predictions: ${formatValue(answer.kl[i])} nats${answer.top1Changed[i] ? ' (the likeliest next character changed)' : ''}`,
        `‖h′ − h‖: ${Array.from({ length: L }, (_, l) => `layer ${l} ${formatValue(answer.dh[l * n + i])}`).join(', ')}`,
      ];
      if (answer.dc.length > 0) lines.push(`‖c′ − c‖: ${Array.from({ length: L }, (_, l) => `layer ${l} ${formatValue(answer.dc[l * n + i])}`).join(', ')}`);
      lines.push(`The network noticed the change for ${formatCount(answer.horizon)} characters (top layer ‖h′ − h‖ at least 1% of its largest).`);
      return lines.join('  \n');
    };
    const shown = this.painter.paint(document, answer.at, answer.kl.subarray(0, echo), scale, hover, marks);
    if (shown > 0 && reveal) {
      const editor = document.matchingEditors()[0];
      editor.revealRange(document.range(editor.document, answer.at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }
}

/** The panel's view of a probe: per-layer series as plain arrays. */
export function whatIfView(a: ProbeAnswer, fileName: string, original: string, replacement: string, cell: string, step: number): WhatIfView {
  const n = a.kl.length;
  const perLayer = (x: Float64Array): number[][] => (x.length === 0 ? [] : Array.from({ length: a.layers }, (_, l) => Array.from(x.subarray(l * n, (l + 1) * n))));
  return {
    type: 'whatIf', fileName, at: a.at, original, replacement, cell, layers: a.layers, step,
    dh: perLayer(a.dh), dc: perLayer(a.dc), kl: Array.from(a.kl), top1Changed: Array.from(a.top1Changed), horizon: a.horizon,
  };
}

/** Undefined when `v` can replace `original`; else what is wrong, in one line. */
export function checkReplacement(v: string, original: string, vocab: readonly string[]): string | undefined {
  const chars = [...v];
  if (chars.length !== 1) return vscode.l10n.t('Type exactly one character.');
  if (v === original) return vscode.l10n.t('That is the character already there; type a different one.');
  if (!vocab.includes(v)) return vscode.l10n.t('{0} is not in the model\'s vocabulary ({1} characters of the training text).', describeChar(v), formatCount(vocab.length));
  return undefined;
}

function parseArg(arg: unknown): { at: number; replacement: string } | null {
  if (typeof arg !== 'object' || arg === null) return null;
  const a = arg as { at?: unknown; replacement?: unknown };
  return typeof a.at === 'number' && typeof a.replacement === 'string' ? { at: a.at, replacement: a.replacement } : null;
}
