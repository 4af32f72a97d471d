/** Shared by the CLI tests: a fake io that records output, temp folders, small text fixtures. */

import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/run';

export const SEEDS = '/work/shared/seeds';
export { GOLDEN_DIR as GOLDEN } from '../engine/golden';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runIn(cwd: string, argv: string[], extra: Partial<CliIo> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false, cwd, ...extra };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder, removed after the enclosing describe block. */
export function useTempDir(): () => string {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'rnn-lens-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** A text of ~4000 characters with enough variety to train a few steps on. */
export function smallText(): string {
  const line = 'the quick brown fox jumps over the lazy dog; h_t = tanh(W_hh h_{t-1} + W_xh x_t)\n';
  return line.repeat(50);
}

/** An error result: the expected code and exactly one line on stderr, without stack frames. */
export function assertOneLineError(r: Captured, code: number, pattern?: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack frames');
  assert.doesNotMatch(r.stderr, /internal error/, 'not reported as a bug');
  if (pattern) assert.match(lines[0], pattern);
}

export function seedsText(): string | null {
  try {
    return readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort().map((f) => readFileSync(join(SEEDS, f), 'utf8')).join('\n');
  } catch {
    return null;
  }
}
