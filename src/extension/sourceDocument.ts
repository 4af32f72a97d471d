/**
 * The link between a session's text snapshot and the editors showing that file: which editors
 * show it, and whether their text still lines up with the snapshot (positions in the snapshot are
 * only meaningful in the editor while the document's text starts with it).
 */

import * as vscode from 'vscode';
import { CodePointIndex } from './textPositions';
import { type TrainingSource } from './trainingSession';

export class SourceDocument implements vscode.Disposable {
  readonly index: CodePointIndex;
  /** null = unknown since the last edit; recomputed on demand. */
  private matches: boolean | null = null;
  private readonly subscription: vscode.Disposable;

  constructor(readonly source: TrainingSource) {
    this.index = new CodePointIndex(source.text);
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === source.uri.toString()) this.matches = null;
    });
  }

  /** Visible editors that show the snapshot's file with the snapshot's text. */
  matchingEditors(): vscode.TextEditor[] {
    const uri = this.source.uri.toString();
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri);
    if (editors.length === 0) return [];
    // A prefix is enough: positions in the snapshot stay valid, and a file cut at
    // rnnLens.maxFileSizeMB is trained on its first part only.
    if (this.matches === null) this.matches = editors[0].document.getText().startsWith(this.source.text);
    return this.matches ? editors : [];
  }

  /** The editor range of `count` characters starting at code point `start` of the snapshot. */
  range(document: vscode.TextDocument, start: number, count = 1): vscode.Range {
    const from = this.index.utf16Offset(start);
    const to = this.index.utf16Offset(start + count);
    return new vscode.Range(document.positionAt(from), document.positionAt(to));
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
