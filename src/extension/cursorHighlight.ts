/**
 * The editor highlight that follows the timestep cursor: the input character x_t of the trace
 * window, found in the training file (trace position + t, in code points of the snapshot), on a
 * soft highlight of the whole window, and scrolled into view with its line from the start (the
 * character alone, centred, would scroll a long line sideways, under the minimap), then scrolled
 * sideways only as far as a character beyond the editor's width needs. It disappears when the
 * file no longer matches the snapshot.
 */

import * as vscode from 'vscode';
import { type SourceDocument } from './sourceDocument';

export class CursorHighlight implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    borderColor: new vscode.ThemeColor('focusBorder'),
    borderStyle: 'solid',
    borderWidth: '1px',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.findMatchForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  /** The trace window the cursor walks, softly (the find-range colour, no border). */
  private readonly windowDecoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    isWholeLine: false,
  });
  private shownIn: vscode.TextEditor[] = [];

  /**
   * Highlights the character at code point `position` of the snapshot, on the window of `window`
   * characters from `windowStart`; returns whether an editor showed it.
   */
  show(document: SourceDocument, position: number, reveal: boolean, windowStart = position, window = 1): boolean {
    this.clear();
    if (position < 0 || position >= document.index.codePointLength) return false;
    const editors = document.matchingEditors();
    const length = document.index.codePointLength;
    for (const editor of editors) {
      const range = document.range(editor.document, position);
      editor.setDecorations(this.decoration, [range]);
      const start = Math.max(0, windowStart);
      editor.setDecorations(this.windowDecoration, [document.range(editor.document, start, Math.max(0, Math.min(window, length - start)))]);
      if (reveal) {
        editor.revealRange(new vscode.Range(new vscode.Position(range.start.line, 0), range.end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        // A character further right than the editor is wide stays out of view after that (the reveal
        // keeps the line's start): then the least sideways scroll that shows it.
        editor.revealRange(range, vscode.TextEditorRevealType.Default);
      }
    }
    this.shownIn = editors;
    return editors.length > 0;
  }

  clear(): void {
    for (const editor of this.shownIn) {
      editor.setDecorations(this.decoration, []);
      editor.setDecorations(this.windowDecoration, []);
    }
    this.shownIn = [];
  }

  dispose(): void {
    this.clear();
    this.decoration.dispose();
    this.windowDecoration.dispose();
  }
}
