/**
 * The walkthrough's example: the lecture's "hello" (vocabulary h, e, l, o; after "l" comes "l" or
 * "o", so the model needs memory to tell which), written to the extension's global storage and
 * trained on with a small model whose unrolled graph and heatmap fit on screen. The bundled
 * samples are not in the .vsix, so the text is made here.
 */

import * as vscode from 'vscode';
import { CELL_TYPES, type CellType } from '../engine/model/config';
import { type SessionStarts, type TrainPreset } from './sessionStarts';

/** 1,000 characters: enough for a batch of 8 windows of 16 plus a validation tail. */
export const HELLO_TEXT = 'hello'.repeat(200);
export const HELLO_FILE = 'hello.txt';

/** Small enough to read: 16 units, 16 timesteps; it has learned "hello" well before it pauses. */
export function helloPreset(cell: CellType): TrainPreset {
  return { cell, settings: { hidden: 16, layers: 1, seqLen: 16, batch: 8, valFraction: 0.1 }, maxSteps: 1500 };
}

/** Train on the "hello" Example: `arg` is the cell ("rnn", "lstm", "gru"; a vanilla RNN when absent). */
export async function trainExample(starts: SessionStarts, storage: vscode.Uri | undefined, arg?: unknown): Promise<void> {
  const cell: CellType = CELL_TYPES.find((c) => c === arg || (Array.isArray(arg) && c === arg[0])) ?? 'rnn';
  const uri = await writeExample(storage);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.One });
  await starts.train(uri, helloPreset(cell));
}

/** The example file in global storage, rewritten each time; an untitled document when there is no storage. */
async function writeExample(storage: vscode.Uri | undefined): Promise<vscode.Uri> {
  if (!storage) return (await vscode.workspace.openTextDocument({ content: HELLO_TEXT, language: 'plaintext' })).uri;
  const uri = vscode.Uri.joinPath(storage, HELLO_FILE);
  await vscode.workspace.fs.createDirectory(storage);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(HELLO_TEXT));
  return uri;
}
