// Runs the in-host mocha suite (dist/test/suite.js) inside code-server's extension host, the way
// @vscode/test-electron runs one in desktop VS Code. code-server's CLI rejects
// --extensionDevelopmentPath, but the web workbench reads both test paths from the `payload` query
// parameter, calls the suite's run(), and reports the outcome through window.codeAutomationExit.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchCodeServer, prepareProfile } from '../../../scripts/codeServer.mjs';
import { launchChromium } from './workbench';

export interface InHostResult { title: string; state: 'passed' | 'failed' | 'pending'; durationMs: number; error?: string }
export interface InHostRun { exitCode: number; results: InHostResult[]; console: string[] }

export async function runInHostSuite(options: {
  extensionPath: string;
  suitePath: string;
  workspace: string;
  resultsFile: string;
  timeoutMs?: number;
}): Promise<InHostRun> {
  const { extensionPath, suitePath, workspace, resultsFile, timeoutMs = 180_000 } = options;
  if (!existsSync(suitePath)) throw new Error(`no in-host suite at ${suitePath}: run node esbuild.mjs first`);
  rmSync(resultsFile, { force: true });
  const profile = prepareProfile('in-host', { fresh: true });
  const server = await launchCodeServer(profile, { workspace });
  const browser = await launchChromium();
  const lines: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => lines.push(m.text()));
    let settle!: (code: number) => void;
    const exited = new Promise<number>((resolve) => { settle = resolve; });
    await page.exposeFunction('codeAutomationExit', (code: number) => settle(Number(code)));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(suitePath)],
    ]);
    await page.goto(`${server.folderUrl(workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((resolve) => { timer = setTimeout(() => resolve(-1), timeoutMs); });
    const exitCode = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (exitCode === -1) throw new Error(`the in-host suite did not finish within ${timeoutMs / 1000} s; last output: ${lines.slice(-5).join(' | ')}`);
    const results: InHostResult[] = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).results : [];
    return { exitCode, results, console: lines };
  } finally {
    await browser.close();
    await server.stop();
  }
}

export const defaultResultsFile = (repoRoot: string) => join(repoRoot, 'test-results', 'vscode-inhost.json');
