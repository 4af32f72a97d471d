/**
 * Color Text by Neuron: the characters of the training file the user looks at get a background
 * from one hidden unit's activation h_t[unit] under the current weights. Blue for negative, red for
 * positive, stronger for larger |h|: Karpathy's "visualizing and understanding RNNs" cells (quote
 * detectors, line-length counters), live, on your own file. The values come in stretches as the
 * user scrolls (colorCoverage.ts, neuronColoring.ts); where a stretch ends a marker says so, and a
 * hover gives the activation, the model's top predictions for the next character, the loss there
 * and how the stretch was computed.
 *
 * Cheap for the editor however long the text: LEVELS colour levels are LEVELS decoration types,
 * each given ONE list of ranges, and consecutive characters of the same level share one range.
 * The hover looks the character up in the stored arrays; nothing per character is kept as objects.
 */

import * as vscode from 'vscode';
import { describeChar } from '../engine/text';
import { type ColorCoverage, type ColoredStretch } from './colorCoverage';
import { type SourceDocument } from './sourceDocument';
import { formatCount, formatLoss, formatProbability, formatValue } from '../protocol/format';

/** Levels on each side of zero: 2 * HALF_LEVELS + 1 = 21 levels from h = -1 to h = 1. */
export const HALF_LEVELS = 10;
export const LEVELS = 2 * HALF_LEVELS + 1;
export const TOP_PREDICTIONS = 5;
/** Strongest background opacity (|h| = 1). */
const MAX_ALPHA = 0.6;

export interface NeuronSelection {
  readonly layer: number;
  readonly unit: number;
}

/** h in [-1, 1] (tanh range; an LSTM's h too) to a level in -HALF_LEVELS..HALF_LEVELS; non-finite -> 0. */
export function activationLevel(h: number): number {
  if (!Number.isFinite(h)) return 0;
  return Math.round(Math.max(-1, Math.min(1, h)) * HALF_LEVELS) || 0; // || 0: no -0 level
}

/**
 * Runs of equal level over `count` activations starting at UTF-16 offset `start` of `text` (the
 * snapshot): runs[level + HALF_LEVELS] is a flat list [from0, to0, from1, to1, ...] of UTF-16
 * offsets. Level 0 runs are left out (uncoloured). One walk over the text, so emoji (two UTF-16
 * units) stay whole.
 */
export function levelRuns(text: string, h: ArrayLike<number>, count: number, start = 0): number[][] {
  const runs: number[][] = Array.from({ length: LEVELS }, () => []);
  let offset = start;
  let runLevel = 0;
  let runStart = start;
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

/** What the hover names besides the stretch: the unit, the weights' step and the vocabulary. */
export interface HoverContext {
  readonly layer: number;
  readonly unit: number;
  readonly step: number;
  readonly vocab: readonly string[];
}

/** The hover of character `index` (a code point index of the snapshot), `i` within its stretch, in Markdown. */
export function hoverMarkdown(stretch: ColoredStretch, i: number, ctx: HoverContext): string {
  const K = stretch.topK;
  const name = (id: number): string => (id >= 0 && id < ctx.vocab.length ? describeChar(ctx.vocab[id]) : '?');
  const predictions: string[] = [];
  for (let k = 0; k < K; k++) {
    const p = stretch.topProbs[i * K + k];
    if (p > 0) predictions.push(`${name(stretch.topIds[i * K + k])} p ${formatProbability(p)}`);
  }
  const index = stretch.from + i;
  const lines = [
    vscode.l10n.t('**RNN Lens** layer {0} unit {1}, character {2} (weights of step {3})', ctx.layer, ctx.unit, formatCount(index), formatCount(ctx.step)),
    `h = ${formatValue(stretch.values[i])}`,
  ];
  if (predictions.length > 0) lines.push(vscode.l10n.t('next character predictions: {0}', predictions.join(', ')));
  const loss = stretch.loss[i];
  lines.push(Number.isFinite(loss)
    ? vscode.l10n.t('loss on the actual next character: {0} nats', formatLoss(loss))
    : vscode.l10n.t('the last character of the file: no next character to predict'));
  // How: honest about where the state this value grew from came from.
  const how = stretch.exact
    ? vscode.l10n.t('The model read the file up to here in a background thread, from the exact state it had at character {0} (states along the file are kept as they are reached).', formatCount(stretch.startedAt))
    : vscode.l10n.t('The model read from character {0} in a background thread, starting from a zero state {1} characters before this stretch: the first values of the stretch are approximate.', formatCount(stretch.startedAt), formatCount(stretch.from - stretch.startedAt));
  lines.push('', `_${how} ${vscode.l10n.t('Only the lines you look at are coloured; scrolling colours more.')}_`);
  return lines.join('  \n');
}

/** What is painted: the coverage (one unit, one set of weights) over one snapshot. */
interface Shown {
  readonly document: SourceDocument;
  readonly coverage: ColorCoverage;
  readonly hover: HoverContext;
}

export class NeuronColors implements vscode.Disposable {
  /** types[level + HALF_LEVELS]; the level-0 type is never given ranges. */
  private readonly types: vscode.TextEditorDecorationType[] = [];
  /** Where a coloured stretch ends (or starts after the file's start): a note after (before) the character. */
  private readonly endMarker: vscode.TextEditorDecorationType;
  private readonly startMarker: vscode.TextEditorDecorationType;
  private shownIn: vscode.TextEditor[] = [];
  private selectionValue: NeuronSelection | null = null;
  private shown: Shown | null = null;
  /** Each stretch's runs, computed once. */
  private runsOf = new WeakMap<ColoredStretch, number[][]>();
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
    const note = (contentText: string, margin: string): vscode.ThemableDecorationAttachmentRenderOptions => ({
      contentText, margin, fontStyle: 'italic', color: new vscode.ThemeColor('editorCodeLens.foreground'),
      border: '1px dashed', borderColor: new vscode.ThemeColor('editorCodeLens.foreground'),
    });
    this.endMarker = vscode.window.createTextEditorDecorationType({ after: note(vscode.l10n.t('◂ neuron colours end here (scroll to colour more)'), '0 0 0 0.5em') });
    this.startMarker = vscode.window.createTextEditorDecorationType({ before: note(vscode.l10n.t('neuron colours start here ▸'), '0 0.5em 0 0') });
  }

  /** The unit shown, or being computed (null when Color Text by Neuron is off). */
  get selection(): NeuronSelection | null {
    return this.selectionValue;
  }

  get isShown(): boolean {
    return this.selectionValue !== null;
  }

  /** The coverage on screen (null until the first stretch arrives). */
  get coverage(): ColorCoverage | null {
    return this.shown?.coverage ?? null;
  }

  /** Turns the colours on for `selection`; the characters follow with show(). */
  select(selection: NeuronSelection): void {
    this.selectionValue = selection;
  }

  /**
   * Paints `coverage` in the editors showing the snapshot (again after each new stretch); returns
   * how many editors show it, or 'stale' when the file is open with other text than the snapshot.
   */
  show(document: SourceDocument, coverage: ColorCoverage, hover: HoverContext): number | 'stale' {
    this.selectionValue = { layer: hover.layer, unit: hover.unit };
    if (this.shown?.coverage !== coverage) this.runsOf = new WeakMap();
    this.shown = { document, coverage, hover };
    this.registerHover(document);
    const editors = this.apply();
    return editors === 0 && this.isStale(document) ? 'stale' : editors;
  }

  /** Re-applies what is shown (e.g. the file was opened in another editor); returns how many editors got it. */
  apply(): number {
    const shown = this.shown;
    if (!shown) return 0;
    this.clearDecorations();
    const editors = shown.document.matchingEditors();
    if (editors.length === 0) return 0;
    const { document, coverage } = shown;
    const text = document.source.text;
    const levels: number[][] = Array.from({ length: LEVELS }, () => []);
    for (const stretch of coverage.all) {
      let runs = this.runsOf.get(stretch);
      if (!runs) {
        runs = levelRuns(text, stretch.values, stretch.values.length, document.index.utf16Offset(stretch.from));
        this.runsOf.set(stretch, runs);
      }
      runs.forEach((flat, i) => { for (const x of flat) levels[i].push(x); });
    }
    const edges = coverage.edges(document.index.codePointLength);
    for (const editor of editors) {
      const doc = editor.document;
      levels.forEach((flat, i) => {
        const ranges: vscode.Range[] = [];
        for (let j = 0; j < flat.length; j += 2) ranges.push(new vscode.Range(doc.positionAt(flat[j]), doc.positionAt(flat[j + 1])));
        editor.setDecorations(this.types[i], ranges);
      });
      const at = (cp: number): vscode.Range => {
        const p = doc.positionAt(document.index.utf16Offset(cp));
        return new vscode.Range(p, p);
      };
      editor.setDecorations(this.endMarker, edges.ends.map(at));
      editor.setDecorations(this.startMarker, edges.starts.map(at));
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
    const hit = shown.coverage.at(index);
    if (!hit) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(hoverMarkdown(hit.stretch, hit.i, shown.hover)), source.range(document, index));
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
    this.endMarker.dispose();
    this.startMarker.dispose();
  }

  /** Open somewhere with other text than the snapshot (the positions would land on the wrong characters). */
  private isStale(document: SourceDocument): boolean {
    const uri = document.source.uri.toString();
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri && d.getText() !== document.source.text);
  }

  private registerHover(document: SourceDocument): void {
    if (this.hoverRegistration) return;
    const uri = document.source.uri;
    this.hoverRegistration = vscode.languages.registerHoverProvider({ scheme: uri.scheme }, {
      provideHover: (doc, position) => this.provideHover(doc, position),
    });
  }

  private clearDecorations(): void {
    for (const editor of this.shownIn) {
      for (const type of this.types) editor.setDecorations(type, []);
      editor.setDecorations(this.endMarker, []);
      editor.setDecorations(this.startMarker, []);
    }
    this.shownIn = [];
  }
}

function isSurrogatePair(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}
