/**
 * Stepping shows the trained text beside the panel (issue 13 point 4): when no editor shows the
 * session's file, it opens in the other column than the panel's (never over the panel), without
 * taking the focus. The highlight then finds it (cursorHighlight.ts).
 */

import * as vscode from 'vscode';
import { type SourceDocument } from './sourceDocument';
import { TrainingPanel } from './trainingPanel';

/** Opens the session's file beside the panel when no editor shows it; true when it did. */
export async function revealSourceBeside(document: SourceDocument): Promise<boolean> {
  const uri = document.source.uri.toString();
  if (vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri)) return false;
  const panelColumn = TrainingPanel.current?.viewColumn;
  const column = panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  const text = await vscode.workspace.openTextDocument(document.source.uri);
  await vscode.window.showTextDocument(text, { viewColumn: column, preserveFocus: true, preview: true });
  return true;
}
