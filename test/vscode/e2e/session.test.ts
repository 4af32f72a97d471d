// The training session as a learner meets it (issue 13), in a real VS Code (code-server +
// Chromium) with the packaged .vsix: no notification over the panel while training or paused
// (the session lives in the status bar and the panel's header, speed and threads the same in
// both), the end of the pass said when stepping cannot move, and each new session starting
// forward at t = 0. One server, one page, a small model.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type Profile, type RunningCodeServer,
} from '../../../scripts/codeServer.mjs';
import {
  answerQuickInput, explorerContextMenu, findWebviewFrame, launchChromium, openWorkbench, recordFailure, runCommand, statusBarText, waitFor, watchBrowserLog,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const STATUS = /\b(RNN|LSTM|GRU)\b.*step \d+/;
const SHOTS = join(repoRoot, 'test-results', 'session');

describe('RNN Lens: the training session flow in a real VS Code (code-server + Chromium)', function () {
  this.timeout(60_000);
  let profile: Profile;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let browserLog: string[] = [];
  let workspace: string;
  let panel: Frame | undefined;
  const needPanel = (): Frame => {
    if (!panel) throw new Error('no training panel (an earlier step failed)');
    return panel;
  };
  /** Notification toasts and the centre's items on screen now. */
  const notificationsShown = async (): Promise<string[]> =>
    (await page.locator('.notification-toast:visible .notification-list-item-message, .notifications-center:visible .notification-list-item-message').allInnerTexts())
      .map((t) => t.replace(/\s+/g, ' ').trim());
  const trainState = async (): Promise<string> => (await needPanel().locator('#train-state').innerText()).trim();
  const waitForState = (state: string) => waitFor(`the panel to say ${state}`, async () => (await trainState()) === state, 20_000);
  const shot = async (name: string): Promise<void> => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  before(async function () {
    this.timeout(240_000);
    await ensureCodeServer({ log: () => {} });
    profile = prepareProfile('session-flow', { fresh: true });
    installVsix(profile, vsix);
    workspace = join(profile.dir, 'workspace');
    cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'rnnLens.hiddenSize': 8, 'rnnLens.seqLength': 16, 'rnnLens.batchSize': 4, 'rnnLens.traceEvery': 5, 'rnnLens.maxSteps': 0,
      'rnnLens.sampleEvery': 200, 'rnnLens.sampleLength': 40,
    }));
    server = await launchCodeServer(profile, { workspace });
    browser = await launchChromium();
    page = await openWorkbench(browser, server.folderUrl(workspace));
    browserLog = watchBrowserLog(page);
  });

  after(async function () {
    this.timeout(30_000);
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await recordFailure(page, 'session', this.currentTest.title, browserLog);
  });

  it('no notification covers the panel while training or paused; the status bar and the header agree on the speed', async function () {
    this.timeout(150_000);
    await explorerContextMenu(page, 'hello.txt', 'Train Character Model');
    await answerQuickInput(page, 'LSTM');
    panel = await findWebviewFrame(page, { selector: '#t-label' }, 45_000);
    await waitForState('training');
    await waitFor('chars/s in the status bar', async () => /chars\/s/.test((await statusBarText(page, STATUS)) ?? ''), 20_000);
    await page.waitForTimeout(1500);
    assert.deepEqual(await notificationsShown(), [], 'a notification is shown while training');
    await shot('01-training');
    await runCommand(page, 'RNN Lens: Pause Training');
    await waitForState('paused');
    const status = await waitFor('paused in the status bar', async () => {
      const s = await statusBarText(page, STATUS);
      return s && /· paused$/.test(s) ? s : undefined;
    }, 10_000);
    assert.ok(!/\b0 chars\/s/.test(status), status);
    const header = await needPanel().locator('#progress-text').innerText();
    assert.match(header, /· paused \([\d,]+ chars\/s while training\)$/, header);
    assert.match(header, /val [\d.]+ at step [\d,]+/, 'the header names the step of its validation value');
    // One formatter: the status bar and the header print the same loss for the same (paused) state.
    const lossIn = (text: string): string | undefined => /loss ([^\s·]+)/.exec(text)?.[1];
    assert.ok(lossIn(status), status);
    assert.equal(lossIn(header), lossIn(status), `header "${header}" and status bar "${status}"`);
    await page.waitForTimeout(1000);
    assert.deepEqual(await notificationsShown(), [], 'a notification is shown while paused');
    await shot('02-paused');
  });

  let firstSessionSamples: string[] = [];
  it('samples appear in the panel during training, each stamped with its step and loss', async () => {
    const stamps = needPanel().locator('.sample-item figcaption');
    await waitFor('two samples in the panel', async () => (await stamps.count()) >= 2, 20_000);
    const captions = await stamps.allInnerTexts();
    // Newest first; the oldest is the untrained model's, at step 0.
    assert.match(captions.at(-1)!, /^step 0 · loss [\d.]+ · temperature 0.8$/);
    for (const c of captions.slice(0, -1)) assert.match(c, /^step [\d,]+ · loss [\d.e-]+ · temperature 0.8$/);
    const steps = captions.map((c) => Number(/step ([\d,]+)/.exec(c)![1].replace(/,/g, '')));
    assert.ok(steps.every((x) => x % 200 === 0), steps.join());
    firstSessionSamples = await needPanel().locator('.sample-item pre').allInnerTexts();
    await needPanel().locator('#samples-section').scrollIntoViewIfNeeded();
    await shot('02b-samples');
  });

  it('Next Timestep at t = 0 in the backward pass says that the pass ends there', async () => {
    await waitFor('a trace window', async () => /t = \d+ \/ 15/.test(await needPanel().locator('#t-label').innerText()), 20_000);
    await runCommand(page, 'RNN Lens: First Timestep');
    await waitFor('t = 0', async () => /t = 0 \//.test(await needPanel().locator('#t-label').innerText()), 10_000);
    await runCommand(page, 'RNN Lens: Step Backward Through BPTT');
    await waitFor('backward', async () => /backward/i.test(await needPanel().locator('#direction').innerText()), 10_000);
    await runCommand(page, 'RNN Lens: Next Timestep');
    await waitFor('the status bar to say the backward pass ends at t = 0', async () =>
      (await page.locator('.statusbar-item').allInnerTexts()).some((t) => /t = 0: the backward pass ends here/.test(t)), 10_000);
    await waitFor('the panel to announce it', async () => /backward pass ends here/.test(await needPanel().locator('#announce').innerText()), 10_000);
    assert.match(await needPanel().locator('#t-label').innerText(), /t = 0 \//);
    await shot('03-backward-end');
  });

  it('a new session starts forward at t = 0', async () => {
    await runCommand(page, 'RNN Lens: Last Timestep'); // backward: t = 0 stays; move off it first
    await runCommand(page, 'RNN Lens: First Timestep'); // backward: the first step BPTT computes, t = 15
    await waitFor('t = 15', async () => /t = 15 \//.test(await needPanel().locator('#t-label').innerText()), 10_000);
    await explorerContextMenu(page, 'prose.txt', 'Train Character Model');
    const stop = page.getByRole('button', { name: 'Stop and Start New' });
    await stop.waitFor({ timeout: 10_000 });
    await stop.click();
    await answerQuickInput(page, 'GRU');
    panel = await findWebviewFrame(page, { text: 'prose.txt' }, 30_000);
    await waitForState('training');
    await waitFor('the cursor forward at t = 0', async () =>
      /t = 0 \//.test(await needPanel().locator('#t-label').innerText()) && /forward/i.test(await needPanel().locator('#direction').innerText()), 15_000);
    // The samples are the new session's own: the untrained GRU's first, none of the LSTM's.
    await waitFor('the new session\'s first sample', async () => (await needPanel().locator('.sample-item figcaption').allInnerTexts()).some((c) => /^step 0 /.test(c)), 15_000);
    const now = await needPanel().locator('.sample-item pre').allInnerTexts();
    assert.ok(firstSessionSamples.length >= 2);
    assert.deepEqual(now.filter((t) => firstSessionSamples.includes(t)), [], 'a sample of the previous session is still shown');
  });
});
