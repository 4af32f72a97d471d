/**
 * Reading the text to train on, with every way it can go wrong turned into a clear sentence:
 * a folder, a missing file, an empty or binary file, invalid UTF-8, a file over the size limit
 * (the first part is used, cut at a character boundary, and the caller says so).
 */

import * as vscode from 'vscode';
import { errorText } from './engineErrors';
import { open } from 'node:fs/promises';
import { decodeTextBytes } from '../engine/text';
import { InputError } from '../engine/errors';
import { UserError } from './userError';

export interface TrainingText {
  readonly text: string;
  /** The file's size in bytes when only its first part was read (undefined when read whole). */
  readonly truncatedFromBytes?: number;
  readonly bytesUsed: number;
}

/** The name to show for a file: its base name. */
export function displayName(uri: vscode.Uri): string {
  const path = uri.path;
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/** Cuts UTF-8 bytes at or before `limit` without splitting a character. */
export function cutAtCharBoundary(bytes: Uint8Array, limit: number): Uint8Array {
  if (bytes.length <= limit) return bytes;
  let end = limit;
  // Continuation bytes look like 10xxxxxx: back up to the start of the character they belong to.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * The training text of `uri`: the open document's current text (unsaved edits included) when one
 * is given, otherwise the file's bytes through `workspace.fs`.
 */
export async function readTrainingText(uri: vscode.Uri, maxBytes: number, document?: vscode.TextDocument): Promise<TrainingText> {
  const name = displayName(uri);
  let bytes: Uint8Array;
  let totalBytes: number;
  if (document) {
    bytes = new TextEncoder().encode(document.getText());
    totalBytes = bytes.length;
  } else {
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      throw new UserError(vscode.l10n.t('{0} cannot be read: it no longer exists or is not accessible.', name));
    }
    if (stat.type & vscode.FileType.Directory) throw new UserError(vscode.l10n.t('{0} is a folder; right-click a text file to train on it.', name));
    totalBytes = stat.size;
    bytes = stat.size > maxBytes && uri.scheme === 'file'
      ? await readFirstBytes(uri.fsPath, maxBytes + 4)
      : await readWhole(uri, name, stat.size, maxBytes);
  }
  const used = cutAtCharBoundary(bytes, maxBytes);
  try {
    const text = decodeTextBytes(used);
    return { text, bytesUsed: used.length, ...(totalBytes > maxBytes ? { truncatedFromBytes: totalBytes } : {}) };
  } catch (error) {
    if (error instanceof InputError) throw new UserError(vscode.l10n.t('{0}: {1}', name, errorText(error)));
    throw error;
  }
}

async function readWhole(uri: vscode.Uri, name: string, size: number, maxBytes: number): Promise<Uint8Array> {
  // Outside the local disk a partial read is not available: refuse rather than pull in a huge file.
  if (size > maxBytes) throw new UserError(vscode.l10n.t('{0} is {1}, over the rnnLens.maxFileSizeMB limit of {2}; raise the setting or use a smaller file.', name, formatMB(size), formatMB(maxBytes)));
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch {
    throw new UserError(vscode.l10n.t('{0} cannot be read: it no longer exists or is not accessible.', name));
  }
}

/** The first `count` bytes of a local file, without reading the rest (a huge file must not freeze anything). */
async function readFirstBytes(fsPath: string, count: number): Promise<Uint8Array> {
  const handle = await open(fsPath, 'r');
  try {
    const buffer = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const { bytesRead } = await handle.read(buffer, filled, count - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export function formatMB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
