// Runs test/vscode/suite/ inside code-server's extension host (extensionDevelopmentPath = this
// folder, as @vscode/test-electron would) and reports each in-host test as a test of its own.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import Mocha from 'mocha';
import { ensureCodeServer, repoRoot } from '../../../scripts/codeServer.mjs';
import { defaultResultsFile, runInHostSuite, type InHostRun } from '../harness/inHost';

describe('In-host suite (code-server extension host)', function () {
  this.timeout(240_000);
  let run: InHostRun | undefined;

  before(async function () {
    await ensureCodeServer({ log: () => {} });
    run = await runInHostSuite({
      extensionPath: repoRoot,
      suitePath: join(repoRoot, 'dist', 'test', 'suite.js'),
      workspace: join(repoRoot, 'samples'),
      resultsFile: defaultResultsFile(repoRoot),
    });
    // Figures the in-host tests print (the event-loop delay) reach us through the browser console.
    for (const line of run.console) if (/event-loop delay/.test(line)) console.log(`      ${line.replace(/^%c\s*\w+\s+color:\s*\S+\s*/, '')}`);
    // One mocha test per in-host test, so the runner counts them individually.
    for (const r of run.results) {
      const test = new Mocha.Test(`[in host] ${r.title}`, () => {
        if (r.state === 'failed') throw new Error(r.error ?? 'failed in the extension host');
      });
      if (r.state === 'pending') test.pending = true;
      this.test?.parent?.addTest(test);
    }
  });

  it('ran the in-host suite to completion', () => {
    assert.ok(run, 'the in-host suite did not run');
    assert.ok(run.results.length > 0, `the in-host suite reported no results (exit ${run.exitCode}); console: ${run.console.slice(-5).join(' | ')}`);
    const failed = run.results.filter((r) => r.state === 'failed').length;
    assert.equal(run.exitCode, failed > 0 ? 1 : 0, 'the workbench exit code disagrees with the results');
  });
});
