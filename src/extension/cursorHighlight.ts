/**
 * The editor highlight that follows the timestep cursor: the input character x_t of the trace
 * window, found in the training file (trace position + t, in code points of the snapshot) and
 * scrolled into view. It disappears when the file no longer matches the snapshot.
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
  private shownIn: vscode.TextEditor[] = [];

  /** Highlights the character at code point `position` of the snapshot; returns whether an editor showed it. */
  show(document: SourceDocument, position: number, reveal: boolean): boolean {
    this.clear();
    if (position < 0 || position >= document.index.codePointLength) return false;
    const editors = document.matchingEditors();
    for (const editor of editors) {
      const range = document.range(editor.document, position);
      editor.setDecorations(this.decoration, [range]);
      if (reveal) editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    this.shownIn = editors;
    return editors.length > 0;
  }

  clear(): void {
    for (const editor of this.shownIn) editor.setDecorations(this.decoration, []);
    this.shownIn = [];
  }

  dispose(): void {
    this.clear();
    this.decoration.dispose();
  }
}
