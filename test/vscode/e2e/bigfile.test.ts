// A long training file in a real VS Code (code-server + Chromium) with the packaged .vsix: Color
// Text by Neuron colours what the editor shows, so scrolling to the end of a file far longer than
// one pass could read (400,000 characters) finds the last lines coloured too.
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type Profile, type RunningCodeServer,
} from '../../../scripts/codeServer.mjs';
import {
  answerQuickInput, explorerContextMenu, findWebviewFrame, hideNotifications, launchChromium, openFile, openWorkbench, runCommand, waitFor,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const LINES = 6000;
const LONG = Array.from({ length: LINES }, (_, i) => `line ${i + 1}: "the quick (brown) fox" said the dog, and ran ${i % 97} miles.\n`).join('');

describe('RNN Lens on a long file in a real VS Code (code-server + Chromium)', function () {
  this.timeout(300_000);
  let profile: Profile;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;

  before(async function () {
    this.timeout(240_000);
    assert.ok(LONG.length > 400_000);
    await ensureCodeServer({ log: () => {} });
    profile = prepareProfile('bigfile', { fresh: true });
    installVsix(profile, vsix);
    const workspace = join(profile.dir, 'workspace');
    cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'rnnLens.hiddenSize': 16, 'rnnLens.seqLength': 16, 'rnnLens.batchSize': 4, 'rnnLens.traceEvery': 5, 'rnnLens.maxSteps': 0,
    }));
    writeFileSync(join(workspace, 'long.txt'), LONG);
    server = await launchCodeServer(profile, { workspace });
    browser = await launchChromium();
    page = await openWorkbench(browser, server.folderUrl(workspace));
  });

  after(async function () {
    this.timeout(30_000);
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: join(repoRoot, 'test-results', `e2e-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`) }).catch(() => {});
    }
  });

  it('colours the last lines of a 400,000-character file after scrolling to its end', async () => {
    await explorerContextMenu(page, 'long.txt', 'Train Character Model');
    await answerQuickInput(page);
    // Colours are computed while training too (with a snapshot of the weights); no pause needed.
    await findWebviewFrame(page, { selector: '#t-label' }, 60_000);
    await openFile(page, 'long.txt');
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    // Distinct decoration types on the lines the editor renders: a neuron's colours use many levels.
    const colourTypes = async (): Promise<number> => {
      const classes = await editor.locator('[class*="ced-"]').evaluateAll((els) => els.map((e) => e.className as string));
      return new Set(classes.flatMap((c) => c.split(/\s+/)).filter((c) => c.startsWith('ced-'))).size;
    };
    const before = await colourTypes();
    await runCommand(page, 'RNN Lens: Color Text by Neuron...');
    await answerQuickInput(page);
    await waitFor('coloured characters at the top of the file', async () => (await colourTypes()) >= before + 3, 60_000);
    await hideNotifications(page);

    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await waitFor('the last line in view', async () => (await editor.locator('.line-numbers').allInnerTexts()).some((t) => t.trim() === String(LINES)), 20_000);
    await waitFor('coloured characters on the last lines', async () => (await colourTypes()) >= before + 3, 60_000);
    const numbers = (await editor.locator('.line-numbers').allInnerTexts()).map((t) => Number(t.trim())).filter((n) => n > 0);
    assert.ok(Math.min(...numbers) > LINES - 200, `the editor shows the end of the file (lines ${Math.min(...numbers)}-${Math.max(...numbers)})`);
  });
});
