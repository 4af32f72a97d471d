/**
 * The live What If (issue 15): once What If… has answered, editing the training file itself runs
 * the same probe on the edit, against the text and weights the model was trained with: type a
 * character and watch how far it echoes. Each change of the document cancels the probe under way
 * (the analysis worker's whatIf lane) and waits LIVE_WHAT_IF_DELAY_MS for the typing to pause;
 * then the edit (the snapshot against the document, as one replaced stretch) is probed and painted
 * over the edited text. An edit the model cannot read (a character it never saw, a paste too
 * long, nothing after it to echo in) gets a line in the Insight panel, never an error.
 */

import * as vscode from 'vscode';
import { describeChar } from '../engine/text';
import { MAX_ANALYSIS_CHARS, MAX_EDIT_CHARS } from '../protocol/analysis';
import { formatCount } from '../protocol/format';
import { type InsightContext, runWithProgress } from './insightContext';
import { type PaintTarget } from './levelPainter';
import { CodePointIndex } from './textPositions';
import { WHAT_IF_WINDOW, whatIfView, type WhatIf } from './whatIf';

/** How long the typing must pause before the edit is probed. */
export const LIVE_WHAT_IF_DELAY_MS = 400;
/** Characters of an edit shown in the panel's title. */
const SHOWN_EDIT_CHARS = 40;

/** An edit as one stretch of code points: `removed` characters at `at` replaced by `inserted`. */
export interface TextEdit {
  readonly at: number;
  readonly removed: number;
  readonly removedText: string;
  readonly inserted: string;
  /** Characters after the edit, the same in both texts. */
  readonly after: number;
}

/**
 * The one stretch where `after` differs from `before` (shared start and end taken off), counted in
 * code points; null when equal. Compared unit by unit without copying either text (the file may
 * be long and this runs at every pause in the typing), never splitting a surrogate pair.
 */
export function textEdit(before: string, after: string): TextEdit | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix
    && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  const removedText = before.slice(prefix, before.length - suffix);
  return {
    at: codePoints(before, 0, prefix), removed: codePoints(removedText, 0, removedText.length), removedText,
    inserted: after.slice(prefix, after.length - suffix), after: codePoints(before, before.length - suffix, before.length),
  };
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Code points in text[from..to) (a lone surrogate counts as one). */
function codePoints(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (!(isLowSurrogate(text.charCodeAt(i)) && i > from && isHighSurrogate(text.charCodeAt(i - 1)))) n++;
  return n;
}

/** Why `edit` cannot be probed by a model of vocabulary `vocab` (one line for the panel), or undefined. */
export function editProblem(edit: TextEdit, vocab: readonly string[]): string | undefined {
  const unknown = [...new Set(edit.inserted)].filter((c) => !vocab.includes(c));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 3).map(describeChar).join(', ');
    return unknown.length > 3
      ? vscode.l10n.t('Your edit types {0} and {1} more, which the model never saw in training (its vocabulary is the {2} characters of the training text): What If follows edits made of those characters.', shown, formatCount(unknown.length - 3), formatCount(vocab.length))
      : vscode.l10n.t('Your edit types {0}, which the model never saw in training (its vocabulary is the {1} characters of the training text): What If follows edits made of those characters.', shown, formatCount(vocab.length));
  }
  if ([...edit.inserted].length > MAX_EDIT_CHARS) return vscode.l10n.t('Your edit adds {0} characters at once; What If follows edits of up to {1}.', formatCount([...edit.inserted].length), formatCount(MAX_EDIT_CHARS));
  if (edit.after === 0) return vscode.l10n.t('Your edit is at the end of the trained text: there is nothing after it for the change to echo in.');
  return undefined;
}

/** The edited document as the painter sees it: positions in its text at one version. */
class EditedText implements PaintTarget {
  readonly index: CodePointIndex;
  readonly source: { readonly uri: vscode.Uri };

  constructor(document: vscode.TextDocument, text: string, private readonly version: number) {
    this.index = new CodePointIndex(text);
    this.source = { uri: document.uri };
  }

  matchingEditors(): vscode.TextEditor[] {
    const uri = this.source.uri.toString();
    return vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri && e.document.version === this.version);
  }

  range(document: vscode.TextDocument, start: number, count = 1): vscode.Range {
    return new vscode.Range(document.positionAt(this.index.utf16Offset(start)), document.positionAt(this.index.utf16Offset(start + count)));
  }
}

export class LiveWhatIf implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly ctx: InsightContext, private readonly whatIf: WhatIf, private readonly report: (error: unknown) => void,
    private readonly delayMs = LIVE_WHAT_IF_DELAY_MS,
  ) {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.changed(e.document);
    });
  }

  /** A change of `document`: when it is the training file and What If has answered, the probe under way stops and a new one waits for a pause. */
  changed(document: vscode.TextDocument): void {
    if (!this.whatIf.hasAnswered) return;
    const current = this.ctx.source.current();
    if (!current || document.uri.toString() !== current.document.source.uri.toString()) return;
    // The answer being computed is for a text that no longer exists.
    this.ctx.client.cancel('whatIf');
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.probe(document).catch((error) => this.report(error));
    }, this.delayMs);
  }

  /** True while a change waits for the typing to pause. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.ctx.client.cancel('whatIf');
  }

  dispose(): void {
    this.cancel();
    this.subscription.dispose();
  }

  private async probe(document: vscode.TextDocument): Promise<void> {
    const current = this.ctx.source.current();
    if (!current || !this.whatIf.hasAnswered) return;
    const { config } = current;
    const snapshot = current.document.source.text;
    const version = document.version;
    const text = document.getText();
    const edit = textEdit(snapshot, text);
    // Back to the text as trained: the answer What If… gave.
    if (!edit) return this.whatIf.showAsked();
    const problem = editProblem(edit, config.vocab);
    if (problem) {
      this.whatIf.painter.clear();
      this.ctx.panel.show({ type: 'whatIfNotice', text: problem });
      return;
    }
    const prepared = await this.ctx.source.prepare();
    const length = Math.min(MAX_ANALYSIS_CHARS, current.document.index.codePointLength, edit.at + edit.removed + WHAT_IF_WINDOW);
    const inserted = [...edit.inserted].map((c) => config.vocab.indexOf(c));
    const answer = await runWithProgress(this.ctx, 'whatIf', 'What if: your edit', { kind: 'probeEdit', at: edit.at, removed: edit.removed, inserted, length }, false);
    // Superseded, or the document moved on while the worker read it (its change has already asked again).
    if (!answer || answer.kind !== 'probe' || document.version !== version) return;
    const short = (s: string): string => ([...s].length > SHOWN_EDIT_CHARS ? `${[...s].slice(0, SHOWN_EDIT_CHARS - 1).join('')}…` : s);
    const view = { ...whatIfView(answer, current.document.source.fileName, short(edit.removedText), short(edit.inserted), config.cell, prepared.step), live: true };
    const marks: [number, number][] = edit.inserted.length > 0 ? [[edit.at, edit.at + [...edit.inserted].length]] : [];
    this.whatIf.show(answer, view, new EditedText(document, text, version), marks, false);
    this.ctx.log.info(`What If, live: ${edit.removed} removed and ${[...edit.inserted].length} typed at ${edit.at}; horizon ${answer.horizon}.`);
  }
}
