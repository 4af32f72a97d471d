// `npm start` serves a real VS Code with the extension loaded. It runs until Ctrl-C, so the test
// uses its --smoke mode: the same build and code-server launch, /healthz, the workbench loaded in
// Chromium with RNN Lens's commands in the palette, then everything stopped.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../../scripts/codeServer.mjs';

describe('npm start', function () {
  this.timeout(180_000);

  it('builds, serves the samples workspace with the extension loaded, and stops cleanly (--smoke)', () => {
    const r = spawnSync('npm', ['start', '--silent', '--', '--smoke'], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `npm start --smoke failed: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    assert.match(r.stdout, /smoke: code-server answered \/healthz/);
    assert.doesNotMatch(output, /^\s+at /m, 'no stack traces');
  });
});
