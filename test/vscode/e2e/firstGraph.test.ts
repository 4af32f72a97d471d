// How long a new user waits for the first picture (issue 14): in a real VS Code (code-server +
// Chromium) with the packaged .vsix and the default settings, right-click a 1 MB text, take the
// proposed model, and time until the training panel has drawn its first unrolled graph. The
// figure is reported in the test log (goal: under 1.5 s from the choice); the test asserts only
// that the graph was drawn from a trace of this text, so a slow, loaded machine does not fail it.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type RunningCodeServer,
} from '../../../scripts/codeServer.mjs';
import {
  explorerContextMenu, findWebviewFrame, launchChromium, openWorkbench, quickInput, recordFailure, waitFor, watchBrowserLog,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const MEGABYTE = 1 << 20;

describe('The first graph of a 1 MB text in a real VS Code (code-server + Chromium)', function () {
  this.timeout(240_000);
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let browserLog: string[] = [];

  before(async function () {
    this.timeout(240_000);
    await ensureCodeServer({ log: () => {} });
    const profile = prepareProfile('first-graph', { fresh: true });
    installVsix(profile, vsix);
    const workspace = join(profile.dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const prose = readFileSync(join(repoRoot, 'samples', 'prose.txt'), 'utf8');
    writeFileSync(join(workspace, 'megabyte.txt'), prose.repeat(Math.ceil(MEGABYTE / prose.length)).slice(0, MEGABYTE));
    server = await launchCodeServer(profile, { workspace });
    browser = await launchChromium();
    page = await openWorkbench(browser, server.folderUrl(workspace));
    browserLog = watchBrowserLog(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await recordFailure(page, 'first-graph', this.currentTest.title, browserLog);
  });

  after(async function () {
    this.timeout(30_000);
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('draws the unrolled graph of the 1 MB text after the model is chosen (time reported)', async function () {
    const menuClicked = Date.now();
    await explorerContextMenu(page, 'megabyte.txt', 'Train Character Model');
    // The quick pick proposing the model: the user's choice is where the wait starts.
    const pick = quickInput(page);
    await pick.waitFor({ state: 'visible', timeout: 60_000 });
    const shown = Date.now();
    await page.keyboard.press('Enter');
    const chosen = Date.now();
    const frame = await findWebviewFrame(page, { selector: '#graph' }, 60_000);
    await waitFor('the first unrolled graph', async () => (await frame.locator('#graph[data-steps]').count()) > 0, 120_000, 20);
    const drawn = Date.now();
    const steps = Number(await frame.locator('#graph').getAttribute('data-steps'));
    assert.ok(steps > 0, `the graph shows ${steps} timesteps`);
    const header = await frame.locator('body').innerText();
    assert.match(header, /megabyte\.txt/, 'the panel names the 1 MB file it trains on');
    const line = `first graph of a 1 MB text: ${drawn - chosen} ms from the model choice (goal 1500 ms), ${drawn - menuClicked} ms from the right-click (the menu and quick pick ${shown - menuClicked} ms of it)`;
    console.log(`      ${line}`);
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    writeFileSync(join(repoRoot, 'test-results', 'first-graph.txt'), `${line}\n`);
  });
});
