// RNN Lens as a user meets it: the packaged .vsix installed into code-server (a real VS Code 1.100
// workbench) and driven in Chromium through playwright-core. One session, in order: train from the
// Explorer's context menu, watch the status bar, pause, step the timestep cursor, sample text,
// open the Gradient Flow view, colour the text by a neuron. Screenshots for the README are saved
// under media/screenshots/.
import * as assert from 'node:assert/strict';
import { cpSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type Profile, type RunningCodeServer,
} from '../../../scripts/codeServer.mjs';
import {
  answerQuickInput, explorerContextMenu, extensionErrors, findWebviewFrame, hideNotifications, launchChromium, openFile, openWorkbench, recordFailure, runCommand, saveScreenshot, setColorScheme, statusBarText, waitFor, watchBrowserLog, webviewFrames,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
/** RNN_LENS_E2E_VSIX tests another package (say, a release candidate) instead of npm run package's. */
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const TRAIN_FILE = 'prose.txt';

/** "LSTM step 120 loss 2.310" -> 120 */
const stepIn = (text: string | undefined) => Number((/step ([\d,]+)/.exec(text ?? '')?.[1] ?? 'NaN').replace(/,/g, ''));
const STATUS = /\b(RNN|LSTM|GRU)\b.*step \d+/;

describe('RNN Lens in a real VS Code (code-server + Chromium)', function () {
  this.timeout(90_000);
  let profile: Profile;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let panel: Frame | undefined;
  let browserLog: string[] = [];
  let gradientView: Frame | undefined;
  /** The flows after the first need a session; without one they fail at once instead of waiting out their timeouts. */
  const needPanel = (): Frame => {
    if (!panel) throw new Error('no training session with a panel (the Train Character Model test failed)');
    return panel;
  };

  before(async function () {
    this.timeout(240_000);
    await ensureCodeServer({ log: () => {} });
    // Word wrap keeps the coloured trace window in view in the neuron-colour screenshot.
    profile = prepareProfile('e2e', { fresh: true, settings: { 'editor.wordWrap': 'on' } });
    installVsix(profile, vsix);
    // A scratch copy of the samples, so nothing the session writes lands in the repository.
    const workspace = join(profile.dir, 'workspace');
    cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
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
    if (this.currentTest?.state === 'failed') await recordFailure(page, 'e2e', this.currentTest.title, browserLog);
  });

  it('installs the packaged .vsix, not the source folder', () => {
    const installed = readdirSync(profile.extensionsDir).filter((d) => d.startsWith(`${manifest.publisher}.${manifest.name}-`));
    assert.deepEqual(installed, [`${manifest.publisher}.${manifest.name}-${manifest.version}`]);
    assert.equal(lstatSync(join(profile.extensionsDir, installed[0])).isSymbolicLink(), false);
  });

  it('Explorer > right-click a .txt file > Train Character Model starts training and opens the panel with the graph', async () => {
    await explorerContextMenu(page, TRAIN_FILE, 'Train Character Model');
    // The cell quick pick (the last choice first): choose LSTM.
    await answerQuickInput(page, 'LSTM');
    const frame = await findWebviewFrame(page, { selector: '#t-label' }, 45_000);
    await waitFor('the graph of the unrolled network to be drawn', async () => (await frame.locator('#graph-section canvas').count()) > 0, 45_000);
    assert.ok(await frame.locator('#graph-section canvas').first().isVisible());
    panel = frame;
  });

  it('shows progress in the status bar while training', async () => {
    needPanel();
    const first = await waitFor('an RNN Lens status bar item with the step', () => statusBarText(page, STATUS), 45_000);
    const later = await waitFor('the step in the status bar to advance', async () => {
      const t = await statusBarText(page, STATUS);
      return stepIn(t) > stepIn(first) ? t : undefined;
    }, 30_000);
    assert.match(later, /loss \d/);
  });

  it('Pause Training from the palette stops the steps', async () => {
    const panel = needPanel();
    await runCommand(page, 'RNN Lens: Pause Training');
    await waitFor('the panel to say paused', async () => (await panel.locator('#train-state').innerText()).trim() === 'paused', 20_000);
    const a = stepIn(await statusBarText(page, STATUS));
    await page.waitForTimeout(1500);
    const b = stepIn(await statusBarText(page, STATUS));
    assert.ok(Number.isFinite(a), 'no step in the status bar');
    assert.equal(b, a, 'steps continued after Pause Training');
  });

  it('Next Timestep from the palette moves the panel\'s cursor', async () => {
    const panel = needPanel();
    const label = panel.locator('#t-label');
    await waitFor('a trace window in the panel', async () => /t = \d+ \/ \d+/.test(await label.innerText()), 30_000);
    const before = await label.innerText();
    const t0 = Number(/t = (\d+)/.exec(before)![1]);
    await runCommand(page, 'RNN Lens: Next Timestep');
    const after = await waitFor('the cursor to move', async () => {
      const text = await label.innerText();
      return text !== before ? text : undefined;
    }, 10_000);
    assert.equal(Number(/t = (\d+)/.exec(after)![1]), t0 + 1);
    await runCommand(page, 'RNN Lens: Next Timestep');
    await waitFor('the cursor to move again', async () => (await label.innerText()).startsWith(`t = ${t0 + 2} `), 10_000);
    await hideNotifications(page);
    await saveScreenshot(page, 'panel');
    await saveScreenshot(panel.locator('#cell-section'), 'cell-expansion');
    // The element screenshot scrolled the panel down to the cell; back to the top for the next pictures.
    await panel.locator('body').evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  });

  it('the Gradient Flow view opens from its activity-bar icon and follows Next Timestep', async () => {
    needPanel();
    const icon = page.locator('.activitybar .action-item .action-label[aria-label*="Gradient"], .activitybar .action-item .action-label[aria-label*="RNN Lens"]').first();
    await icon.waitFor({ timeout: 15_000 });
    await icon.click();
    const view = await waitFor('the Gradient Flow webview to load', async () => {
      // The container also holds the Find Units view: take the frame that is the Gradient Flow page
      // (it may have loaded before the click, when VS Code restored the container).
      for (const f of webviewFrames(page).filter((x) => x !== panel)) if (await f.locator('#diagnosis').count() > 0 && (await f.locator('body').innerText()).trim().length > 0) return f;
      return undefined;
    }, 60_000); // room for a page that does not come up and is loaded again (pageDelivery.ts)
    // It shows the running session's gradients once the first trace is in.
    await waitFor('gradient values in the view', async () => /\d/.test(await view.locator('body').innerText()), 30_000);
    const before = await view.locator('body').innerText();
    await runCommand(page, 'RNN Lens: Next Timestep');
    await waitFor('the Gradient Flow view to follow the cursor', async () => (await view.locator('body').innerText()) !== before, 10_000);
    await hideNotifications(page);
    await saveScreenshot(page, 'gradient-flow');
    // The panel and the view in the other themes a student may use (issue 12: light, dark and
    // high contrast all legible); the pictures are looked at, the theme's arrival is asserted.
    for (const scheme of ['light', 'high-contrast'] as const) {
      await setColorScheme(page, scheme);
      await saveScreenshot(page, `gradient-flow-${scheme}`);
    }
    await setColorScheme(page, 'dark');
    gradientView = view;
  });

  it('a narrow panel (~420 px) beside the sidebar cuts no text (nor does the Gradient Flow view there)', async () => {
    const panelFrame = needPanel();
    // The Gradient Flow view is checked too when the previous test found it (the webview tests check it at 300 px either way).
    const view = gradientView;
    // The Explorer's width plus a 420 px editor area.
    await page.setViewportSize({ width: 780, height: 1000 });
    try {
      const width = await waitFor('the panel to narrow', async () => {
        const w = await panelFrame.locator('body').evaluate((b) => (b as unknown as { clientWidth: number }).clientWidth);
        return w < 480 ? w : undefined;
      }, 15_000);
      // Every chart on both pages lists the text it would cut (data-clipped): none, once drawn at the new width.
      type Chart = { label: string; clipped: string | null; width: number };
      const charts = (frame: Frame): Promise<Chart[]> => frame.locator('canvas.chart').evaluateAll((els) => els.map((e) => {
        const c = e as unknown as { getAttribute(n: string): string | null; getBoundingClientRect(): { width: number } };
        return { label: c.getAttribute('aria-label') ?? '', clipped: c.getAttribute('data-clipped'), width: c.getBoundingClientRect().width };
      }));
      const pages: [string, Frame][] = [['panel', panelFrame], ...(view ? [['Gradient Flow', view] as [string, Frame]] : [])];
      for (const [name, frame] of pages) {
        const drawn = await waitFor(`the ${name}'s charts redrawn at the narrow width`, async () => {
          const cs = (await charts(frame)).filter((c) => c.width > 0 && c.clipped !== null);
          return cs.length > 0 && cs.every((c) => c.clipped === '') ? cs : undefined;
        }, 15_000).catch(async () => charts(frame));
        for (const c of drawn) if (c.width > 0) assert.equal(c.clipped, '', `${name}: "${c.label}" cuts ${c.clipped} at ${width} px`);
        // Nothing sticks out sideways: the page itself never scrolls horizontally.
        const overflow = await frame.locator('html').evaluate((h) => {
          const e = h as unknown as { scrollWidth: number; clientWidth: number };
          return e.scrollWidth - e.clientWidth;
        });
        assert.ok(overflow <= 1, `${name}: the page is ${overflow} px wider than its view`);
      }
      if (view) assert.equal(await view.locator('canvas.chart[aria-label^="Decay of the chosen row"]').count(), 1, 'the steps-back chart is there');
      assert.ok((await panelFrame.locator('canvas.chart').count()) >= 2, 'the panel\'s loss and saturation charts are there');
      // The graph fits the panel.
      const graph = await panelFrame.locator('#graph').evaluate((g) => {
        const r = (g as unknown as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
        return { left: r.left, right: r.right };
      });
      assert.ok(graph.left >= 0 && graph.right <= width + 1, `the graph (${graph.left}..${graph.right}) within the panel's ${width} px`);
      await hideNotifications(page);
      await saveScreenshot(page, 'narrow-panel');
    } finally {
      await page.setViewportSize({ width: 1600, height: 1000 });
    }
  });

  it('Sample Text... from the palette opens an untitled document with generated text', async () => {
    needPanel();
    await runCommand(page, 'RNN Lens: Sample Text...');
    // Three questions (length, temperature, prime): accept the proposed answers.
    for (let i = 0; i < 3; i++) await answerQuickInput(page);
    // The editor group whose active tab is the new untitled document.
    const group = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: /Untitled/ }) }).first();
    await group.waitFor({ timeout: 30_000 });
    const text = await waitFor('generated text in the editor', async () => {
      const t = await group.locator('.monaco-editor .view-lines').first().innerText();
      return t.trim().length >= 20 ? t : undefined;
    }, 15_000);
    assert.ok(text.length >= 20);
  });

  it('Color Text by Neuron... colours the training text in the editor', async () => {
    needPanel();
    // Each colour is a decoration type of its own (class ced-N-TextEditorDecorationTypeK), and so is
    // the cursor highlight: colouring must add decoration types to the training text's editor.
    const editor = page.locator('.editor-group-container .monaco-editor', { has: page.locator('.view-lines') }).first();
    const decorationTypes = async () => {
      const classLists = await page.locator('.monaco-editor [class*="ced-"]').evaluateAll((els) => els.map((e) => e.className as string));
      return new Set(classLists.flatMap((c) => c.split(/\s+/)).filter((c) => c.startsWith('ced-'))).size;
    };
    await openFile(page, TRAIN_FILE);
    await page.waitForTimeout(1000); // the cursor highlight settles on the new editor
    const before = await decorationTypes();
    // It asks which unit, proposing the selected one (unit 0 at first): accept it.
    await runCommand(page, 'RNN Lens: Color Text by Neuron...');
    await answerQuickInput(page);
    await waitFor('coloured characters in the editor', async () => (await decorationTypes()) > before, 20_000);
    await hideNotifications(page);
    await saveScreenshot(editor, 'neuron-colors');
  });

  it('logged no errors from the extension in the browser console', () => {
    const ours = extensionErrors(browserLog);
    assert.deepEqual(ours, []);
  });
});
