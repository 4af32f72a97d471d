/**
 * Color Text by Neuron: every character of the training file (its first MAX_COLORED_CHARS) gets a
 * background from one hidden unit's activation h_t[unit], read by a forward pass of the current
 * weights over the text from a zero state (engine/activations.ts, run in the worker). Blue for
 * negative, red for positive, stronger for larger |h|: Karpathy's "visualizing and understanding
 * RNNs" cells (quote detectors, line-length counters), live, on your own file. A hover shows the
 * activation, the model's top predictions for the next character and the loss there.
 *
 * Cheap for the editor however long the text: LEVELS colour levels are LEVELS decoration types,
 * each given ONE list of ranges, and consecutive characters of the same level share one range.
 * The hover looks the character up in the stored arrays; nothing per character is kept as objects.
 */

import * as vscode from 'vscode';
import { describeChar } from '../engine/text';
import { type UnitActivationsMessage } from '../protocol/worker';
import { type SourceDocument } from './sourceDocument';
import { formatLoss, formatProbability, formatValue } from '../protocol/format';

/** Levels on each side of zero: 2 * HALF_LEVELS + 1 = 21 levels from h = -1 to h = 1. */
export const HALF_LEVELS = 10;
export const LEVELS = 2 * HALF_LEVELS + 1;
/** How much of the training file is coloured (the worker may read fewer for a big model). */
export const MAX_COLORED_CHARS = 200_000;
export const TOP_PREDICTIONS = 5;
/** Strongest background opacity (|h| = 1). */
const MAX_ALPHA = 0.6;

export interface NeuronSelection {
  readonly layer: number;
  readonly unit: number;
}

/** What the worker computed (the protocol's answer, minus the routing fields). */
export type ActivationResult = Omit<UnitActivationsMessage, 'type' | 'replyTo'>;

/** h in [-1, 1] (tanh range; an LSTM's h too) to a level in -HALF_LEVELS..HALF_LEVELS; non-finite -> 0. */
export function activationLevel(h: number): number {
  if (!Number.isFinite(h)) return 0;
  return Math.round(Math.max(-1, Math.min(1, h)) * HALF_LEVELS) || 0; // || 0: no -0 level
}

/**
 * Runs of equal level over the first `count` activations, in UTF-16 offsets of `text` (the
 * snapshot): runs[level + HALF_LEVELS] is a flat list [from0, to0, from1, to1, ...]. Level 0 runs
 * are left out (uncoloured). One walk over the text, so emoji (two UTF-16 units) stay whole.
 */
export function levelRuns(text: string, h: ArrayLike<number>, count: number): number[][] {
  const runs: number[][] = Array.from({ length: LEVELS }, () => []);
  let offset = 0;
  let runLevel = 0;
  let runStart = 0;
  for (let i = 0; i < count && offset < text.length; i++) {
    const level = activationLevel(h[i]);
    if (level !== runLevel) {
      if (runLevel !== 0 && offset > runStart) runs[runLevel + HALF_LEVELS].push(runStart, offset);
      runLevel = level;
      runStart = offset;
    }
    offset += isSurrogatePair(text, offset) ? 2 : 1;
  }
  if (runLevel !== 0 && offset > runStart) runs[runLevel + HALF_LEVELS].push(runStart, offset);
  return runs;
}

/** The hover of character `index` (a code point index of the snapshot), in Markdown. */
export function hoverMarkdown(result: ActivationResult, vocab: readonly string[], index: number): string {
  const K = result.topK;
  const name = (id: number): string => (id >= 0 && id < vocab.length ? describeChar(vocab[id]) : '?');
  const predictions: string[] = [];
  for (let k = 0; k < K; k++) {
    const p = result.topProbs[index * K + k];
    if (p > 0) predictions.push(`${name(result.topIds[index * K + k])} p ${formatProbability(p)}`);
  }
  const h = result.h[index];
  const lines = [
    vscode.l10n.t('**RNN Lens** layer {0} unit {1}, character {2} (weights of step {3})', result.layer, result.unit, index, result.step),
    `h = ${formatValue(h)}${result.c.length > index ? `, c = ${formatValue(result.c[index])}` : ''}`,
    vscode.l10n.t('next character predictions: {0}', predictions.join(', ')),
  ];
  const loss = result.loss[index];
  lines.push(Number.isFinite(loss)
    ? vscode.l10n.t('loss on the actual next character: {0} nats', formatLoss(loss))
    : vscode.l10n.t('the last coloured character: no next character to predict'));
  return lines.join('  \n');
}

export type ShowOutcome =
  /** Coloured `colored` characters (of `total` in the text) in `editors` editors. */
  | { readonly kind: 'shown'; readonly colored: number; readonly total: number; readonly editors: number }
  /** The file is open with text that differs from the snapshot: nothing coloured. */
  | { readonly kind: 'stale' };

export class NeuronColors implements vscode.Disposable {
  /** types[level + HALF_LEVELS]; the level-0 type is never given ranges. */
  private readonly types: vscode.TextEditorDecorationType[] = [];
  private shownIn: vscode.TextEditor[] = [];
  private selectionValue: NeuronSelection | null = null;
  private shown: { document: SourceDocument; result: ActivationResult; vocab: readonly string[]; runs: number[][] } | null = null;
  private hoverRegistration: vscode.Disposable | null = null;

  constructor() {
    for (let level = -HALF_LEVELS; level <= HALF_LEVELS; level++) {
      const alpha = ((Math.abs(level) / HALF_LEVELS) * MAX_ALPHA).toFixed(3);
      // A diverging scale: the same hue family on both themes, a little deeper on light ones so
      // the pale end still shows against white.
      const color = (negative: string, positive: string): { backgroundColor?: string } =>
        (level === 0 ? {} : { backgroundColor: `rgba(${level < 0 ? negative : positive}, ${alpha})` });
      this.types.push(vscode.window.createTextEditorDecorationType({
        light: color('30, 100, 230', '225, 45, 30'),
        dark: color('70, 140, 255', '255, 85, 60'),
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
  }

  /** The unit shown, or being computed (null when Color Text by Neuron is off). */
  get selection(): NeuronSelection | null {
    return this.selectionValue;
  }

  get isShown(): boolean {
    return this.selectionValue !== null;
  }

  /** The result on screen (null until the first one arrives). */
  get result(): ActivationResult | null {
    return this.shown?.result ?? null;
  }

  /** Turns the colours on for `selection`; the characters follow with show(). */
  select(selection: NeuronSelection): void {
    this.selectionValue = selection;
  }

  /** Colours the snapshot's characters in the editors showing it, or refuses when the file has changed. */
  show(document: SourceDocument, result: ActivationResult, vocab: readonly string[]): ShowOutcome {
    this.clearDecorations();
    this.selectionValue = { layer: result.layer, unit: result.unit };
    const count = Math.min(result.h.length, document.index.codePointLength);
    this.shown = { document, result, vocab, runs: levelRuns(document.source.text, result.h, count) };
    this.registerHover(document);
    const editors = this.apply();
    if (editors === 0 && this.isStale(document)) return { kind: 'stale' };
    return { kind: 'shown', colored: count, total: result.totalChars, editors };
  }

  /** Re-applies what is shown (e.g. the file was opened in another editor); returns how many editors got it. */
  apply(): number {
    const shown = this.shown;
    if (!shown) return 0;
    this.clearDecorations();
    const editors = shown.document.matchingEditors();
    for (const editor of editors) {
      const doc = editor.document;
      shown.runs.forEach((flat, i) => {
        const ranges: vscode.Range[] = [];
        for (let j = 0; j < flat.length; j += 2) ranges.push(new vscode.Range(doc.positionAt(flat[j]), doc.positionAt(flat[j + 1])));
        editor.setDecorations(this.types[i], ranges);
      });
    }
    this.shownIn = editors;
    return editors.length;
  }

  /** The hover at `position`, when the colours are on and the document is the unedited snapshot. */
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const shown = this.shown;
    if (!shown) return undefined;
    const source = shown.document;
    if (document.uri.toString() !== source.source.uri.toString()) return undefined;
    if (!source.matchingEditors().some((e) => e.document === document)) return undefined;
    const index = source.index.codePointAt(document.offsetAt(position));
    if (index >= shown.result.h.length || index >= source.index.codePointLength) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(hoverMarkdown(shown.result, shown.vocab, index)), source.range(document, index));
  }

  clear(): void {
    this.clearDecorations();
    this.selectionValue = null;
    this.shown = null;
    this.hoverRegistration?.dispose();
    this.hoverRegistration = null;
  }

  dispose(): void {
    this.clear();
    for (const type of this.types) type.dispose();
  }

  /** Open somewhere with other text than the snapshot (the positions would land on the wrong characters). */
  private isStale(document: SourceDocument): boolean {
    const uri = document.source.uri.toString();
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri && d.getText() !== document.source.text);
  }

  private registerHover(document: SourceDocument): void {
    this.hoverRegistration?.dispose();
    const uri = document.source.uri;
    this.hoverRegistration = vscode.languages.registerHoverProvider({ scheme: uri.scheme }, {
      provideHover: (doc, position) => this.provideHover(doc, position),
    });
  }

  private clearDecorations(): void {
    for (const editor of this.shownIn) for (const type of this.types) editor.setDecorations(type, []);
    this.shownIn = [];
  }
}

function isSurrogatePair(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}
