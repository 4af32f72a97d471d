// Where things appear around the panel, in a real VS Code (code-server + Chromium) with the
// packaged .vsix: stepping with the trained file closed reveals it beside the panel, scrolled to
// the highlighted character (issue 13 point 4); the Gradient Flow view moved into the bottom panel
// keeps its legends whole (issue 12); and a window reload with the panel closed still activates
// the extension and offers to resume the session (issue 13 point 6). Screenshots for the README:
// media/screenshots/step-reveal.png and gradient-flow-panel.png.
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type Profile, type RunningCodeServer,
} from '../../../scripts/codeServer.mjs';
import {
  answerQuickInput, explorerContextMenu, extensionErrors, findWebviewFrame, hideNotifications, launchChromium, openWorkbench, quickInput, recordFailure, runCommand,
  saveScreenshot, statusBarText, waitFor, watchBrowserLog,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const STATUS = /\b(RNN|LSTM|GRU)\b.*step \d+/;
const stepIn = (text: string | undefined) => Number((/step ([\d,]+)/.exec(text ?? '')?.[1] ?? 'NaN').replace(/,/g, ''));

interface Box { x: number; y: number; width: number; height: number }

describe('RNN Lens around its panel in a real VS Code (code-server + Chromium)', function () {
  this.timeout(90_000);
  let profile: Profile;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let panel: Frame | undefined;
  let browserLog: string[] = [];
  /** The panel's frame, found again when VS Code replaced it (a webview that did not come up is loaded again). */
  const currentPanel = async (): Promise<Frame> => {
    if (!panel || panel.isDetached()) panel = await findWebviewFrame(page, { selector: '#t-label' }, 10_000);
    return panel;
  };
  const trainState = async (): Promise<string> => (await (await currentPanel()).locator('#train-state').innerText({ timeout: 2_000 })).trim();
  // Pausing waits for the worker's current chunk of steps, which a busy machine makes slow.
  const waitForState = (state: string) => waitFor(`the panel to say ${state}`, async () => (await trainState()) === state, 90_000);
  /** The editor groups on screen: each one's box, its tabs, and its active tab. */
  const groups = () => page.locator('.editor-group-container').evaluateAll((els) => els.map((g) => {
    const r = g.getBoundingClientRect();
    return {
      box: { x: r.x, y: r.y, width: r.width, height: r.height },
      tabs: [...g.querySelectorAll('.tab')].map((t) => (t.textContent ?? '').trim()),
      active: (g.querySelector('.tab.active')?.textContent ?? '').trim(),
    };
  }));
  const notifications = async (): Promise<string[]> =>
    (await page.locator('.notification-list-item-message').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

  before(async function () {
    this.timeout(240_000);
    await ensureCodeServer({ log: () => {} });
    profile = prepareProfile('layout', { fresh: true });
    installVsix(profile, vsix);
    const workspace = join(profile.dir, 'workspace');
    cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'rnnLens.hiddenSize': 16, 'rnnLens.seqLength': 32, 'rnnLens.batchSize': 4, 'rnnLens.traceEvery': 5, 'rnnLens.maxSteps': 400, 'rnnLens.sampleEvery': 0,
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
    if (this.currentTest?.state === 'failed') await recordFailure(page, 'layout', this.currentTest.title, browserLog);
  });

  it('Next Timestep with the trained file closed opens it beside the panel, the character in view and highlighted', async function () {
    this.timeout(150_000);
    await explorerContextMenu(page, 'prose.txt', 'Train Character Model');
    await answerQuickInput(page, 'LSTM');
    panel = await findWebviewFrame(page, { selector: '#t-label' }, 45_000);
    await waitFor('a trace window in the panel', async () => /t = \d+ \/ 31/.test(await (await currentPanel()).locator('#t-label').innerText({ timeout: 2_000 })), 45_000);
    // The session pauses itself at rnnLens.maxSteps (400): a still picture to step through, however busy the machine.
    await waitForState('paused');
    // Close every editor of prose.txt (training opened none, but be sure), leaving the panel alone.
    for (let i = 0; i < 3 && (await page.locator('.tab', { hasText: 'prose.txt' }).count()) > 0; i++) {
      await page.locator('.tab', { hasText: 'prose.txt' }).first().click();
      await runCommand(page, 'View: Close Editor');
      await page.waitForTimeout(300);
    }
    assert.equal(await page.locator('.tab', { hasText: 'prose.txt' }).count(), 0, 'prose.txt is closed');
    const panelBefore = (await groups()).find((g) => g.tabs.some((t) => t.startsWith('RNN Lens')))!;
    assert.ok(panelBefore, 'the panel has an editor group');
    // Step a few times: the highlight moves into the middle of the window's text.
    for (let i = 0; i < 6; i++) await runCommand(page, 'RNN Lens: Next Timestep');
    await waitFor('prose.txt to open', async () => (await page.locator('.tab', { hasText: 'prose.txt' }).count()) > 0, 15_000);
    const t = Number(/t = (\d+)/.exec(await (await currentPanel()).locator('#t-label').innerText())?.[1]);
    assert.ok(t >= 1, `the cursor moved (t = ${t})`);
    const after = await groups();
    const panelGroup = after.find((g) => g.tabs.some((x) => x.startsWith('RNN Lens')))!;
    const textGroup = after.find((g) => g.tabs.some((x) => x.startsWith('prose.txt')))!;
    assert.ok(panelGroup && textGroup && panelGroup !== textGroup, `the text opened in another group than the panel's: ${JSON.stringify(after.map((g) => g.tabs))}`);
    assert.ok(panelGroup.active.startsWith('RNN Lens'), 'the panel is still the shown editor of its group');
    assert.ok(Math.abs(panelGroup.box.width - panelBefore.box.width) < panelBefore.box.width * 0.6 && panelGroup.box.width >= 360, `the panel keeps a usable width (${panelBefore.box.width} → ${panelGroup.box.width} px)`);
    assert.ok(textGroup.box.x >= panelGroup.box.x + panelGroup.box.width - 2 || textGroup.box.x + textGroup.box.width <= panelGroup.box.x + 2, 'beside the panel, not over it');
    // The highlight: the cursor's character strongly (a character-wide box), the window softly (wider), both in view.
    const editor = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: 'prose.txt' }) }).locator('.monaco-editor').first();
    const view = (await editor.locator('.overflow-guard').first().boundingBox())!;
    const boxes = await waitFor('the highlight in the revealed editor', async () => {
      const found = await editor.locator('[class*="ced-"]').evaluateAll((els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }).filter((r) => r.width > 0 && r.height > 0));
      return found.length >= 2 ? found : undefined;
    }, 15_000);
    const inView = (b: Box): boolean => b.x >= view.x - 1 && b.x + b.width <= view.x + view.width + 1 && b.y >= view.y - 1 && b.y + b.height <= view.y + view.height + 1;
    const char = boxes.filter((b) => b.width < 20 && inView(b));
    assert.ok(char.length >= 1, `a character-wide highlight in view: ${JSON.stringify(boxes)} in ${JSON.stringify(view)}`);
    // The window's highlight is wider than the view can be: it shows around the character, perhaps running past an edge.
    const cx = char[0].x + char[0].width / 2;
    assert.ok(boxes.some((b) => b.width >= 20 && b.x <= view.x + view.width && b.x + b.width >= view.x && Math.abs(b.y - char[0].y) < 2 && b.x <= cx + 20 && b.x + b.width >= cx - 20), 'the trace window highlighted around it');
    await hideNotifications(page);
    await saveScreenshot(page, 'step-reveal');
  });

  it('the Gradient Flow view moved into the bottom panel keeps every legend whole', async function () {
    this.timeout(180_000);
    await runCommand(page, 'RNN Lens: Show Gradient Flow');
    // A sidebar webview can take a while on a busy machine (and is loaded again if it does not come up).
    await findWebviewFrame(page, { selector: '#diagnosis' }, 90_000);
    // View: Move View, as a user does it: which view, then where (a new entry of the bottom panel).
    await runCommand(page, 'View: Move View');
    const input = page.locator('.quick-input-widget input.input');
    await quickInput(page).waitFor({ timeout: 10_000 });
    await input.fill('Gradient Flow');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Gradient Flow' }).first().click();
    await waitFor('the destination question', async () => (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'New Panel Entry' }).count()) > 0, 10_000);
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'New Panel Entry' }).first().click();
    const bottom = page.locator('.part.panel.bottom');
    await waitFor('the bottom panel', async () => bottom.isVisible(), 20_000);
    const part = (await bottom.boundingBox())!;
    // Webviews float over the workbench: the view's frame must lie inside the bottom panel's box.
    const gradient = await waitFor('Gradient Flow drawn inside the bottom panel', async () => {
      const frame = await findWebviewFrame(page, { selector: '#diagnosis' }, 5_000);
      const host = await frame.parentFrame()?.frameElement();
      const box = await host?.boundingBox();
      return box && box.y >= part.y - 1 && box.y + box.height <= part.y + part.height + 1 && box.width > part.width * 0.8 ? frame : undefined;
    }, 60_000);
    await waitFor('the charts drawn from the trace', async () => (await gradient.locator('canvas.chart[data-empty="false"]').count()) >= 3, 30_000);
    assert.ok(part.width > 800 && part.height < 600, `a wide, short bottom panel (${part.width} × ${part.height})`);
    // Every chart: no text cut at its edges (the charts list what would be), and no wider than the view.
    const charts = await gradient.locator('canvas.chart:visible').evaluateAll((els) => els.map((e) => {
      type Rect = { left: number; right: number };
      const c = e as unknown as { dataset: Record<string, string | undefined>; getBoundingClientRect(): Rect; parentElement: { getBoundingClientRect(): Rect } | null; getAttribute(n: string): string | null; ownerDocument: { body: { clientWidth: number } } };
      const r = c.getBoundingClientRect();
      const parent = c.parentElement!.getBoundingClientRect();
      return { label: c.getAttribute('aria-label') ?? '', clipped: c.dataset.clipped ?? '', legend: c.dataset.legend ?? '', left: r.left, right: r.right, parentLeft: parent.left, parentRight: parent.right, body: c.ownerDocument.body.clientWidth };
    }));
    assert.ok(charts.length >= 3, `${charts.length} charts shown`);
    for (const c of charts) {
      assert.equal(c.clipped, '', `"${c.label}" cuts ${c.clipped}`);
      assert.ok(c.left >= c.parentLeft - 0.5 && c.right <= c.parentRight + 0.5 && c.right <= c.body + 0.5, `"${c.label}" (${c.left}..${c.right}) within its container (${c.parentLeft}..${c.parentRight})`);
    }
    await hideNotifications(page);
    await saveScreenshot(page, 'gradient-flow-panel');
  });

  it('a window reload with the panel closed still activates the extension and offers to resume the session', async function () {
    this.timeout(150_000);
    // The paused session (autosaved when it paused), with no RNN Lens view left open: nothing but
    // startup can activate the extension after the reload.
    await waitForState('paused');
    await runCommand(page, 'View: Close All Editors');
    await waitFor('every editor closed', async () => (await page.locator('.tab').count()) === 0, 15_000);
    if (await page.locator('.part.panel.bottom').isVisible()) await runCommand(page, 'View: Hide Panel');
    // The Explorer in the side bar, not RNN Lens's own container (its Find Units view would activate the extension).
    await runCommand(page, 'View: Show Explorer');
    await waitFor('the bottom panel hidden', async () => !(await page.locator('.part.panel.bottom').isVisible()), 10_000);
    const step = stepIn(await statusBarText(page, STATUS));
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const offer = await waitFor('the offer to resume', async () => (await notifications()).find((x) => /resume training the LSTM on prose\.txt from step \d+/i.test(x)), 60_000);
    assert.ok(stepIn(offer) >= step, `resumes from step ${stepIn(offer)}, trained to ${step} before the reload`);
    assert.equal(await page.locator('.tab', { hasText: 'RNN Lens' }).count(), 0, 'no panel was restored: startup activated the extension');
    await page.getByRole('button', { name: 'Resume', exact: true }).first().click();
    // The session comes back at its saved step (paused there: it had reached rnnLens.maxSteps).
    panel = await findWebviewFrame(page, { selector: '#t-label' }, 45_000);
    await waitFor('the panel to show the resumed session at its step', async () => stepIn(await (await currentPanel()).locator('#progress-text').innerText({ timeout: 2_000 })) >= stepIn(offer), 45_000);
  });

  it('logged no errors from the extension in the browser console', () => {
    assert.deepEqual(extensionErrors(browserLog), []);
  });
});
