// The mocha suite that runs INSIDE the extension host, the way @vscode/test-electron runs one:
// the workbench loads this bundle (dist/test/suite.js) from the `extensionTestsPath` payload and
// calls run(). Results go to the extension host's console (which reaches the browser console) and,
// for the unified test runner to count, to test-results/vscode-inhost.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface InHostResult { title: string; state: 'passed' | 'failed' | 'pending'; durationMs: number; error?: string }

/** dist/test/suite.js -> the repository root. */
const repoRoot = path.resolve(__dirname, '..', '..');
export const resultsFile = path.join(repoRoot, 'test-results', 'vscode-inhost.json');

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  // Bundled test files cannot be loaded by path, so install the bdd globals and require them here;
  // esbuild evaluates a require()d module at the call, after the globals exist.
  mocha.suite.emit('pre-require', globalThis, 'in-host', mocha);
  require('./extension.test');
  require('./training.test');

  const results: InHostResult[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: String(err?.message ?? err).split('\n')[0] }));
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
  });
  writeAtomically(resultsFile, JSON.stringify({ finishedAt: new Date().toISOString(), results }, null, 2));
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
}

function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
