/**
 * Writes a file so that readers only ever see the old content or the complete new content:
 * the bytes go to a temporary file beside the target, are flushed to disk, then renamed over it
 * (rename is atomic within one file system). A crash or Ctrl-C mid-write leaves at most a stray
 * `.tmp-*` file, never a half-written checkpoint. Node-only (used by the CLI and the extension host).
 */

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) {
      try { closeSync(fd); } catch { /* already failing; the original error matters */ }
    }
    try { unlinkSync(temp); } catch { /* the temp file may never have been created */ }
    throw e;
  }
}
