/**
 * Color Text by Neuron: each character of the current trace window, in the training file, gets a
 * background from one hidden unit's activation h_t[unit] (blue for negative, red for positive,
 * stronger for larger |h|), and a hover with that activation, the model's top predictions for the
 * next character and the loss there. Karpathy's "visualizing and understanding RNNs" cells, live.
 *
 * Decorations are bounded: one decoration type per colour level (a fixed handful), and at most one
 * range per step of the window (T <= 1024), re-applied when a new window arrives.
 */

import * as vscode from 'vscode';
import { describeChar } from '../engine/text';
import { traceSection, type Trace } from '../engine/traceLayout';
import { type SourceDocument } from './sourceDocument';

/** Colour levels on each side of zero. */
const LEVELS = 5;
const TOP_PREDICTIONS = 5;

export interface NeuronSelection {
  readonly layer: number;
  readonly unit: number;
}

export interface ColoredChar {
  /** Code point position in the snapshot. */
  readonly position: number;
  readonly activation: number;
  /** Level from -LEVELS to LEVELS (0 = no colour). */
  readonly level: number;
  readonly hover: string;
}

/** What each character of the window gets: pure, so it is tested without an editor. */
export function colorWindow(trace: Trace, selection: NeuronSelection): ColoredChar[] {
  const { header } = trace;
  const T = header.steps;
  const H = header.hidden;
  const V = header.vocab.length;
  if (selection.layer < 0 || selection.layer >= header.layers || selection.unit < 0 || selection.unit >= H) return [];
  const h = traceSection(trace, 'h');
  const probs = traceSection(trace, 'probs');
  const loss = traceSection(trace, 'loss');
  const out: ColoredChar[] = [];
  for (let t = 0; t < T; t++) {
    const activation = h[(selection.layer * T + t) * H + selection.unit];
    const clamped = Math.max(-1, Math.min(1, activation));
    const level = Math.round(clamped * LEVELS);
    const row = probs.subarray(t * V, (t + 1) * V);
    const top = [...row.keys()].sort((a, b) => row[b] - row[a]).slice(0, TOP_PREDICTIONS);
    const input = header.vocab[trace.ids[t]];
    const target = header.vocab[trace.ids[T + t]];
    const predictions = top.map((id) => `${describeChar(header.vocab[id])} ${(row[id] * 100).toFixed(1)}%`).join(', ');
    const hover = [
      `**RNN Lens** t = ${t}, input ${describeChar(input)}`,
      `layer ${selection.layer} unit ${selection.unit}: h = ${activation.toFixed(4)}`,
      `next character predictions: ${predictions}`,
      `actual next ${describeChar(target)}, loss ${loss[t].toFixed(3)} nats`,
    ].join('  \n');
    out.push({ position: header.position + t, activation, level, hover });
  }
  return out;
}

export class NeuronColors implements vscode.Disposable {
  /** types[LEVELS + level] for level in -LEVELS..LEVELS (index LEVELS, level 0, stays uncoloured). */
  private readonly types: vscode.TextEditorDecorationType[] = [];
  private shownIn: vscode.TextEditor[] = [];
  private selectionValue: NeuronSelection | null = null;

  constructor() {
    for (let level = -LEVELS; level <= LEVELS; level++) {
      const alpha = (Math.abs(level) / LEVELS) * 0.55;
      const rgb = level < 0 ? '40, 120, 255' : '255, 70, 40';
      this.types.push(vscode.window.createTextEditorDecorationType({ backgroundColor: `rgba(${rgb}, ${alpha.toFixed(3)})` }));
    }
  }

  get selection(): NeuronSelection | null {
    return this.selectionValue;
  }

  get isShown(): boolean {
    return this.selectionValue !== null;
  }

  /** Colours the window of `trace` in the editors showing the snapshot; returns how many characters were coloured. */
  show(document: SourceDocument, trace: Trace, selection: NeuronSelection): number {
    this.clearDecorations();
    this.selectionValue = selection;
    const chars = colorWindow(trace, selection).filter((c) => c.position < document.index.codePointLength);
    const editors = document.matchingEditors();
    for (const editor of editors) {
      const byLevel: vscode.DecorationOptions[][] = this.types.map(() => []);
      for (const c of chars) {
        byLevel[c.level + LEVELS].push({ range: document.range(editor.document, c.position), hoverMessage: new vscode.MarkdownString(c.hover) });
      }
      this.types.forEach((type, i) => editor.setDecorations(type, byLevel[i]));
    }
    this.shownIn = editors;
    return editors.length > 0 ? chars.length : 0;
  }

  clear(): void {
    this.clearDecorations();
    this.selectionValue = null;
  }

  dispose(): void {
    this.clear();
    for (const type of this.types) type.dispose();
  }

  private clearDecorations(): void {
    for (const editor of this.shownIn) for (const type of this.types) editor.setDecorations(type, []);
    this.shownIn = [];
  }
}
