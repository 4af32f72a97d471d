/**
 * Makes `require('vscode')` load the typed fake in plain-Node mocha runs (listed in .mocharc.json's
 * `require`). Only the bare specifier 'vscode' is redirected; nothing else is touched, so the
 * other suites are unaffected, and the real extension host (which provides 'vscode') never loads this.
 */

import Module from 'node:module';
import * as path from 'node:path';

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;
const fakePath = path.join(__dirname, 'fakeVscode.ts');

moduleWithResolver._resolveFilename = function resolveWithFakeVscode(this: unknown, request: string, ...rest: unknown[]): string {
  if (request === 'vscode') return fakePath;
  return original.call(this, request, ...rest);
};
