// `npm start` (after `node esbuild.mjs`): opens a real VS Code with RNN Lens loaded on samples/.
// - With a desktop `code` command: `code --extensionDevelopmentPath=<repo> samples/`.
// - Otherwise: code-server, installed on demand into .vscode-test/code-server/, served on
//   127.0.0.1 with this folder linked in as an extension; the URL is printed; Ctrl-C stops it.
//
//   node scripts/start.mjs [--code-server] [--port N] [--smoke]
//   --code-server  use code-server even when `code` exists
//   --port N       serve on this port (default 3737, or a free one if taken)
//   --smoke        check instead of serve: start code-server, check /healthz, load the workbench in
//                  Chromium, check that RNN Lens's commands are there, stop, exit 0 (used by npm test)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeServerError, ensureCodeServer, freePort, launchCodeServer, linkExtension, prepareProfile, repoRoot,
} from './codeServer.mjs';

const DEFAULT_PORT = 3737;
const workspace = join(repoRoot, 'samples');
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const forceCodeServer = smoke || args.includes('--code-server');
const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : undefined;

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

async function main() {
  if (portArg !== undefined && !(Number.isInteger(portArg) && portArg > 0 && portArg < 65536)) fail('--port needs a number from 1 to 65535');
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) fail('dist/extension.js is missing: run node esbuild.mjs first (npm start does)');

  if (!forceCodeServer && hasDesktopCode()) {
    console.log(`opening VS Code with RNN Lens on ${workspace}`);
    const r = spawnSync('code', [`--extensionDevelopmentPath=${repoRoot}`, workspace], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }

  await ensureCodeServer();
  const profile = prepareProfile(smoke ? 'smoke' : 'start', { fresh: smoke });
  linkExtension(profile, repoRoot);
  const port = portArg ?? (smoke ? await freePort() : await preferredPort());
  const server = await launchCodeServer(profile, { workspace, port });
  const url = server.folderUrl(workspace);

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => { console.log('\nstopping code-server...'); void stop(130); });
  process.on('SIGTERM', () => void stop(143));

  if (smoke) {
    try {
      await checkWorkbench(url);
      console.log(`smoke: code-server answered /healthz, the workbench loaded and RNN Lens's commands are in the palette (${url})`);
      await stop(0);
    } catch (e) {
      console.error(`error: smoke check failed: ${e instanceof Error ? e.message.split('\n')[0] : e}; server log: ${server.logFile}`);
      await stop(1);
    }
    return;
  }
  console.log(`\nRNN Lens is running in code-server (VS Code 1.100 in your browser):\n\n    ${url}\n`);
  console.log('Right-click a file in the Explorer and choose "Train Character Model". Press Ctrl-C to stop.');
}

function hasDesktopCode() {
  return spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
}

/** The usual port when it is free (so the URL stays the same between runs), else any free one. */
async function preferredPort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => { void freePort().then(resolve); });
    probe.listen(DEFAULT_PORT, '127.0.0.1', () => probe.close(() => resolve(DEFAULT_PORT)));
  });
}

/** Loads the workbench in headless Chromium and looks for our commands in the palette. */
async function checkWorkbench(url) {
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium`);
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello.txt' }).first().waitFor({ timeout: 60_000 });
    // The palette lists an extension's commands once the extension host has registered it.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('>RNN Lens: Train Character Model');
      const found = await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'RNN Lens: Train Character Model' })
        .first().waitFor({ timeout: 3000 }).then(() => true, () => false);
      await page.keyboard.press('Escape');
      if (found) return;
      if (Date.now() > deadline) throw new Error('the palette has no "RNN Lens: Train Character Model": the extension did not load');
      await page.waitForTimeout(1000);
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  if (e instanceof CodeServerError) fail(e.message);
  console.error(e);
  process.exit(1);
});
