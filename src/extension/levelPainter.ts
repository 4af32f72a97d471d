/**
 * Paints a number per character over a stretch of the training file: What If's echo (KL), Why This
 * Prediction?'s saliency, Ablate Unit's loss change. Like neuron colours, a fixed set of
 * decoration types (LEVELS per sign), each given one list of ranges, so the editor stays fast
 * however long the stretch; a hover gives the numbers of the character under the mouse.
 */

import * as vscode from 'vscode';
import { type CodePointIndex } from './textPositions';

/**
 * Where a painting goes: the session's snapshot (sourceDocument.ts) or, for the live What If, the
 * edited document at one version; positions are code points of that text.
 */
export interface PaintTarget {
  readonly source: { readonly uri: vscode.Uri };
  readonly index: CodePointIndex;
  /** The visible editors whose text these positions belong to. */
  matchingEditors(): vscode.TextEditor[];
  range(document: vscode.TextDocument, start: number, count?: number): vscode.Range;
}

/** Levels on each side of zero. */
export const PAINT_LEVELS = 8;
const MAX_ALPHA = 0.65;

export interface Palette {
  /** RGB triples "r, g, b" for negative and positive values, per theme kind. */
  readonly light: readonly [string, string];
  readonly dark: readonly [string, string];
}

/** |value| / scale to a signed level in -PAINT_LEVELS..PAINT_LEVELS (0: unpainted). */
export function paintLevel(value: number, scale: number): number {
  if (!Number.isFinite(value) || !(scale > 0)) return 0;
  const level = Math.round(Math.min(1, Math.abs(value) / scale) * PAINT_LEVELS);
  return value < 0 ? -level : level;
}

interface Painted {
  readonly document: PaintTarget;
  readonly from: number;
  readonly values: ArrayLike<number>;
  readonly scale: number;
  readonly hover: (index: number) => string | undefined;
  /** Code point ranges [from, to) in each level, flat. */
  readonly runs: number[][];
  /** Extra ranges (code points [from, to)) drawn with the marker type. */
  readonly marks: readonly (readonly [number, number])[];
}

export class LevelPainter implements vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[] = [];
  private marker: vscode.TextEditorDecorationType | null = null;
  private painted: Painted | null = null;
  private shownIn: vscode.TextEditor[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  private hoverRegistration: vscode.Disposable | null = null;

  /** The decoration types are made on first use: an extension that never paints adds nothing to the editor. */
  constructor(private readonly palette: Palette, private readonly markerOptions: vscode.DecorationRenderOptions = {}) {
    this.disposables.push(vscode.window.onDidChangeVisibleTextEditors(() => this.apply()));
  }

  private ensureTypes(): void {
    if (this.marker) return;
    const palette = this.palette;
    for (let level = -PAINT_LEVELS; level <= PAINT_LEVELS; level++) {
      const alpha = ((Math.abs(level) / PAINT_LEVELS) * MAX_ALPHA).toFixed(3);
      const color = (rgb: readonly [string, string]): vscode.ThemableDecorationRenderOptions => (level === 0 ? {} : { backgroundColor: `rgba(${level < 0 ? rgb[0] : rgb[1]}, ${alpha})` });
      this.types.push(vscode.window.createTextEditorDecorationType({ light: color(palette.light), dark: color(palette.dark), rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed }));
    }
    this.marker = vscode.window.createTextEditorDecorationType({
      borderStyle: 'solid', borderWidth: '1px', borderColor: new vscode.ThemeColor('focusBorder'), ...this.markerOptions,
    });
  }

  get isShown(): boolean {
    return this.painted !== null;
  }

  /**
   * Paints values[i] on character from + i of the snapshot (code points), scaled so that |value|
   * = scale is the strongest level; returns how many editors show it.
   */
  paint(document: PaintTarget, from: number, values: ArrayLike<number>, scale: number, hover: (index: number) => string | undefined, marks: readonly (readonly [number, number])[] = []): number {
    const runs: number[][] = Array.from({ length: 2 * PAINT_LEVELS + 1 }, () => []);
    let runLevel = 0;
    let runStart = from;
    const end = Math.min(from + values.length, document.index.codePointLength);
    for (let p = from; p <= end; p++) {
      const level = p < end ? paintLevel(values[p - from], scale) : 0;
      if (level !== runLevel || p === end) {
        if (runLevel !== 0 && p > runStart) runs[runLevel + PAINT_LEVELS].push(runStart, p);
        runLevel = level;
        runStart = p;
      }
    }
    this.ensureTypes();
    this.painted = { document, from, values, scale, hover, runs, marks };
    if (!this.hoverRegistration) {
      this.hoverRegistration = vscode.languages.registerHoverProvider({ scheme: document.source.uri.scheme }, { provideHover: (doc, pos) => this.provideHover(doc, pos) });
    }
    return this.apply();
  }

  clear(): void {
    this.clearDecorations();
    this.painted = null;
    this.hoverRegistration?.dispose();
    this.hoverRegistration = null;
  }

  dispose(): void {
    this.clear();
    for (const t of this.types) t.dispose();
    this.marker?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** (Re)applies the painting to the editors showing the snapshot. */
  apply(): number {
    this.clearDecorations();
    const painted = this.painted;
    if (!painted) return 0;
    const editors = painted.document.matchingEditors();
    for (const editor of editors) {
      const toRange = (a: number, b: number): vscode.Range => painted.document.range(editor.document, a, b - a);
      painted.runs.forEach((flat, i) => {
        const ranges: vscode.Range[] = [];
        for (let j = 0; j < flat.length; j += 2) ranges.push(toRange(flat[j], flat[j + 1]));
        editor.setDecorations(this.types[i], ranges);
      });
      editor.setDecorations(this.marker!, painted.marks.map(([a, b]) => toRange(a, b)));
    }
    this.shownIn = editors;
    return editors.length;
  }

  private provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const painted = this.painted;
    if (!painted) return undefined;
    if (!painted.document.matchingEditors().some((e) => e.document === document)) return undefined;
    const index = painted.document.index.codePointAt(document.offsetAt(position));
    if (index < painted.from || index >= painted.from + painted.values.length) return undefined;
    const text = painted.hover(index - painted.from);
    if (text === undefined) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(text), painted.document.range(document, index));
  }

  private clearDecorations(): void {
    for (const editor of this.shownIn) {
      for (const type of this.types) editor.setDecorations(type, []);
      if (this.marker) editor.setDecorations(this.marker, []);
    }
    this.shownIn = [];
  }
}
