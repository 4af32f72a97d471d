// The in-host suite (test/vscode/suite/, bundled to dist/test/suite.js) in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code (run `node .vscode-test.mjs`
// after `node esbuild.mjs`; on Linux without a display use `xvfb-run -a node .vscode-test.mjs`).
// `npm test` runs it when VS Code can be downloaded and says why it is skipped when not; the same
// suite always runs inside code-server's extension host (test/vscode/e2e/inHost.test.ts).
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const suite = join(root, 'dist', 'test', 'suite.js');
if (!existsSync(suite)) {
  console.error('error: dist/test/suite.js is missing: run node esbuild.mjs first');
  process.exit(1);
}
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    launchArgs: [join(root, 'samples'), '--disable-extensions', '--disable-workspace-trust',
      '--user-data-dir', mkdtempSync(join(tmpdir(), 'rnn-lens-vscode-'))],
  });
} catch (e) {
  console.error(`error: the desktop VS Code suite failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
