/**
 * Model files through `workspace.fs` (so remote and virtual file systems work too): writes are
 * atomic, a temporary file beside the target renamed over it, so a crash never leaves half a
 * checkpoint; reads validate the whole checkpoint before anything uses it.
 */

import * as vscode from 'vscode';
import { errorText } from './engineErrors';
import { decodeCheckpoint } from '../engine/io/checkpoint';
import { type CheckpointData } from '../engine/io/checkpointData';
import { InputError } from '../engine/errors';
import { displayName } from './inputText';
import { UserError } from './userError';

/** Writes `bytes` to `target` via a temporary sibling and a rename. */
export async function writeFileAtomically(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const dir = vscode.Uri.joinPath(target, '..');
  const temp = vscode.Uri.joinPath(dir, `.${displayName(target)}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  await vscode.workspace.fs.writeFile(temp, bytes);
  try {
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  } catch (error) {
    await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
    throw error;
  }
}

/** Reads and validates a model file; every problem is a UserError naming the file. */
export async function readModelFile(uri: vscode.Uri): Promise<{ bytes: Uint8Array; checkpoint: CheckpointData }> {
  const name = displayName(uri);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    throw new UserError(vscode.l10n.t('{0} cannot be read: it no longer exists or is not accessible.', name));
  }
  try {
    return { bytes, checkpoint: decodeCheckpoint(bytes) };
  } catch (error) {
    if (error instanceof InputError) throw new UserError(vscode.l10n.t('{0} is not a usable RNN Lens model: {1}', name, errorText(error)));
    throw error;
  }
}
