// The causal questions in a real VS Code (code-server + Chromium, the packaged .vsix): a small LSTM
// trained on samples/min-char-rnn.py (code, with brackets and quotes) until it pauses itself, then
// What If…, Why This Prediction?, Find Units, Ablate Unit and Sample With Unit Held as a user runs them. Screenshots for the
// README are written to media/screenshots/ in the dark theme and again in the light one.
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type Profile, type RunningCodeServer,
} from '../../../scripts/codeServer.mjs';
import {
  answerQuickInput, explorerContextMenu, explorerRow, extensionErrors, findWebviewFrame, hideNotifications, launchChromium, openWorkbench, quickInput, recordFailure, runCommand, saveScreenshot, waitFor, watchBrowserLog, setColorScheme,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const TRAIN_FILE = 'min-char-rnn.py';
/** The part of a canvas the test reads (the Node side has no DOM types). */
interface CanvasLike { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
const BASE_SETTINGS = { 'editor.wordWrap': 'on', 'editor.minimap.enabled': false, 'workbench.colorTheme': 'Default Dark Modern' };

describe('RNN Lens insight in a real VS Code (code-server + Chromium)', function () {
  this.timeout(120_000);
  let profile: Profile;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let panel: Frame | undefined;
  let insight: Frame | undefined;
  let units: Frame | undefined;
  let foundUnit = '';
  let browserLog: string[] = [];
  const needPanel = (): Frame => {
    if (!panel) throw new Error('no trained model (the training step failed)');
    return panel;
  };

  const editor = () => page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: TRAIN_FILE }) }).locator('.monaco-editor').first();
  /** Decoration types painting the editor's text (each painter level is one type: class ced-N-…). */
  const paintedTypes = async (): Promise<number> => {
    const classLists = await editor().locator('[class*="ced-"]').evaluateAll((els) => els.map((e) => e.className as string));
    return new Set(classLists.flatMap((c) => c.split(/\s+/)).filter((c) => c.startsWith('ced-'))).size;
  };
  /** Puts the editor's cursor on line:column (1-based) through Go to Line. */
  const goTo = async (line: number, column: number): Promise<void> => {
    await explorerRow(page, TRAIN_FILE).click();
    await page.locator('.tabs-container .tab.active', { hasText: TRAIN_FILE }).first().waitFor({ timeout: 10_000 });
    await editor().locator('.view-lines').click();
    await page.keyboard.press('Control+g');
    await page.locator('.quick-input-widget input.input').waitFor({ state: 'visible', timeout: 5_000 });
    await page.locator('.quick-input-widget input.input').fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 5_000 });
  };
  /** Both themes, one screenshot each: `name` (dark) and `name-light`. */
  const shots = async (name: string, target: () => Promise<void> = async () => {}): Promise<void> => {
    await hideNotifications(page);
    await target();
    await saveScreenshot(page, name);
    await setScheme('light');
    await saveScreenshot(page, `${name}-light`);
    await setScheme('dark');
  };
  const setScheme = (scheme: 'light' | 'dark'): Promise<void> => setColorScheme(page, scheme);

  before(async function () {
    this.timeout(300_000);
    await ensureCodeServer({ log: () => {} });
    profile = prepareProfile('insight', { fresh: true, settings: BASE_SETTINGS });
    installVsix(profile, vsix);
    const workspace = join(profile.dir, 'workspace');
    cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
    // Big enough to learn a little of the code's shape in a minute, small enough for two shared cores.
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'rnnLens.hiddenSize': 48, 'rnnLens.seqLength': 48, 'rnnLens.batchSize': 16, 'rnnLens.traceEvery': 50,
      'rnnLens.maxSteps': 400, 'rnnLens.learningRate': 0.005, 'rnnLens.valFraction': 0,
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
    if (this.currentTest?.state === 'failed') await recordFailure(page, 'insight', this.currentTest.title, browserLog);
  });

  it('trains an LSTM on the code sample until it pauses at its step limit', async function () {
    this.timeout(300_000);
    await explorerContextMenu(page, TRAIN_FILE, 'Train Character Model');
    await answerQuickInput(page, 'LSTM');
    panel = await findWebviewFrame(page, { selector: '#t-label' }, 60_000);
    await waitFor('training to pause at its step limit', async () => (await needPanel().locator('#train-state').innerText()).trim() === 'paused', 240_000, 1000);
  });

  it('What If…: the editor context menu offers it while a model exists', async () => {
    needPanel();
    await goTo(10, 12);
    await editor().locator('.view-lines').click({ button: 'right', position: { x: 400, y: 300 } });
    const entry = page.getByRole('menuitem', { name: 'What If This Character Were...', exact: true });
    await entry.waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
  });

  it('What If…: replacing a character shows the divergence curve and paints the echo in the editor, with a hover', async () => {
    needPanel();
    // Line 10 is: data = open(sys.argv[1] if ...: the cursor on the "(" after open.
    await goTo(10, 12);
    const before = await paintedTypes();
    await runCommand(page, 'RNN Lens: What If This Character Were...');
    const box = page.locator('.quick-input-widget input.input');
    await box.waitFor({ timeout: 10_000 });
    await box.fill('[');
    await page.keyboard.press('Enter');
    insight = await findWebviewFrame(page, { selector: '#whatif-horizon' }, 60_000);
    const horizon = await waitFor('the horizon in words', async () => {
      const t = await insight!.locator('#whatif-horizon').innerText();
      return /noticed the change for \d+ characters?; the top prediction changed at \d+ of them/.test(t) ? t : undefined;
    }, 60_000);
    assert.match(await insight.locator('#whatif-title').innerText(), /character 2\d\d: \( → \[/);
    // The curve is drawn: the state chart's canvas has non-background pixels in its plot area.
    const drawn = await insight.locator('#whatif-state').evaluate((el) => {
      const c = el as unknown as CanvasLike;
      const ctx = c.getContext('2d');
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 16) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return colours.size;
    });
    assert.ok(drawn > 10, `the state chart looks empty (${drawn} colours)`);
    await waitFor('the echo painted in the editor', async () => (await paintedTypes()) > before, 20_000);
    // The hover of the character after the edit gives the numbers. Asked for at the cursor (Show or
    // Focus Hover, as a keyboard user does): the editor carries other decorations too (the trace
    // window's soft highlight), so "the second painted element" need not be the echo.
    await goTo(10, 13);
    await runCommand(page, 'Show or Focus Hover');
    const hover = await waitFor('the What If hover', async () => {
      const t = await page.locator('.monaco-hover:visible').allInnerTexts();
      return t.find((x) => /What If/.test(x) && /KL\(p‖p′\)/.test(x));
    }, 15_000);
    assert.match(hover, /‖h′ − h‖: layer 0 /);
    assert.match(horizon, /noticed/);
    await page.mouse.move(5, 500);
    await shots('what-if');
  });

  it('Why This Prediction?: at a closing bracket, the panel shows the saliency bars and the editor tints the characters before it', async () => {
    needPanel();
    // Line 10, column 80: the cursor before the ")" that closes open( ... ); its prediction is explained.
    await goTo(10, 80);
    const before = await paintedTypes();
    await runCommand(page, 'RNN Lens: Why This Prediction?');
    insight = await findWebviewFrame(page, { selector: '#why-title' }, 60_000);
    const title = await waitFor('the explained prediction', async () => {
      const t = await insight!.locator('#why-title').innerText();
      return /Predicting \) after character \d+/.test(t) ? t : undefined;
    }, 60_000);
    assert.match(title, /Strongest influence: .* at [\d,]+, (the character just read|[\d,]+ characters? back)/);
    assert.ok((await insight.locator('#why-text .why-char').count()) > 50, 'the text under the bars');
    await waitFor('the editor tinted by saliency', async () => (await paintedTypes()) > before, 20_000);
    // grad and norm are switchable: the norm's title says so.
    await insight.locator('#why-mode').selectOption('norm');
    await waitFor('the norm scores', async () => /\(norm /.test(await insight!.locator('#why-title').innerText()), 10_000);
    await insight.locator('#why-mode').selectOption('grad');
    await shots('why-prediction');
  });

  it('Why This Prediction?: asked at the timestep cursor, it follows the cursor', async () => {
    needPanel();
    // With the training panel focused there is no text editor: the question is asked at the timestep cursor.
    // The panel's tab is behind the editor by now (its page unloaded): bring it back and find it again.
    await runCommand(page, 'RNN Lens: Show Panel');
    panel = await findWebviewFrame(page, { selector: '#t-label' }, 30_000);
    await panel.locator('#t-label').click();
    // The panel, not the text editor, must be active (otherwise the question is asked at the editor's cursor).
    await waitFor('the training panel to be the active editor', async () =>
      /RNN Lens/.test(await page.locator('.editor-group-container.active .tab.active').first().innerText().catch(() => '')) || undefined, 10_000)
      .catch(async () => { await panel!.locator('body').click({ position: { x: 4, y: 4 } }); });
    await runCommand(page, 'RNN Lens: Why This Prediction?');
    // The Insight page may be reloaded when the layout changes: look it up again at every read.
    const at = async (): Promise<number> => {
      const why = await findWebviewFrame(page, { selector: '#why-title' }, 5_000);
      return Number((/after character ([\d,]+)/.exec(await why.locator('#why-title').innerText())?.[1] ?? 'NaN').replace(/,/g, ''));
    };
    // Wrapped: the cursor may well be at character 0, which waitFor would take for "not yet".
    const { first } = await waitFor('an answer at the timestep cursor', async () => {
      const n = await at();
      return Number.isFinite(n) ? { first: n } : undefined;
    }, 30_000);
    await runCommand(page, 'RNN Lens: Next Timestep');
    await waitFor('the answer to follow Next Timestep', async () => (await at()) === first + 1, 30_000);
    await runCommand(page, 'RNN Lens: Next Timestep');
    await waitFor('and the next', async () => (await at()) === first + 2, 30_000);
  });

  it('Find Units: lists the best units for each feature and paints one over the editor text', async () => {
    needPanel();
    await goTo(10, 12);
    const before = await paintedTypes();
    await runCommand(page, 'RNN Lens: Find Units');
    units = await findWebviewFrame(page, { selector: '#units-list' }, 60_000);
    await waitFor('the ranked units', async () => (await units!.locator('.unit-row').count()) >= 4 * 5, 120_000, 1000);
    for (const feature of ['in-quotes', 'in-brackets', 'line-position', 'whitespace']) {
      const rows = units.locator(`section.feature[data-feature="${feature}"] .unit-row`);
      assert.equal(await rows.count(), 5, `five units for ${feature}`);
      assert.match(await rows.first().innerText(), /^[hc] 0:\d+\s+r [+−]0\.\d\d/);
      assert.equal(await rows.first().locator('svg.spark polyline').count(), 1, `a sparkline for ${feature}`);
    }
    assert.match(await units.locator('#units-status').innerText(), /against 4 features of the first [\d,]+ characters of min-char-rnn\.py/);
    const quoteUnit = units.locator('section.feature[data-feature="in-quotes"] .unit-row').first();
    foundUnit = (await quoteUnit.getAttribute('data-unit')) ?? '';
    await quoteUnit.locator('button[data-action="paint"]').click();
    await waitFor('the unit painted over the editor text', async () => (await paintedTypes()) > before, 60_000);
    await shots('find-units');
  });

  it('Ablate: holding the quote unit at 0 paints the loss change and sums it up inside and outside quotes', async () => {
    assert.ok(units && foundUnit, 'Find Units ran');
    const before = await paintedTypes();
    await units.locator(`section.feature[data-feature="in-quotes"] .unit-row[data-unit="${foundUnit}"] button[data-action="ablate"]`).click();
    insight = await findWebviewFrame(page, { selector: '#ablation-summary' }, 60_000);
    const summary = await waitFor('the ablation summary', async () => {
      const t = await insight!.locator('#ablation-summary').innerText();
      return /mean loss [\d.]+ → [\d.]+ nats/.test(t) ? t : undefined;
    }, 120_000, 1000);
    assert.match(summary, new RegExp(`With ${foundUnit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} held at 0`));
    assert.match(summary, /[+−][\d.e-]+ nats inside (quotes|brackets|whitespace), [+−][\d.e-]+ outside/);
    assert.equal(await insight.locator('#ablation-regions tbody tr').count(), 3);
    await waitFor('the loss change painted in the editor', async () => (await paintedTypes()) > before, 30_000);
    await shots('ablate-unit');
  });

  it('Sample With Unit Held: opens the held sample beside the normal one with the same seed', async () => {
    assert.ok(units && foundUnit, 'Find Units ran');
    await units.locator(`section.feature[data-feature="in-quotes"] .unit-row[data-unit="${foundUnit}"] button[data-action="sample"]`).click();
    const tabs = page.locator('.tab', { hasText: /Untitled/ });
    await waitFor('two sample tabs', async () => (await tabs.count()) >= 2, 60_000, 500);
    // The editor renders spaces as no-break spaces, and word wrap may split the header line: one space each.
    const texts = await waitFor('both samples rendered', async () => {
      const all = (await page.locator('.editor-group-container .monaco-editor .view-lines').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      return all.filter((t) => t.startsWith('RNN Lens sample:')).length >= 2 ? all : undefined;
    }, 20_000);
    const normal = texts.find((t) => /^RNN Lens sample: the model as trained \(seed \d+/.test(t));
    const held = texts.find((t) => /^RNN Lens sample: [hc] 0:\d+ held at 0 \(same seed \d+/.test(t));
    assert.ok(normal, 'the normal sample is shown');
    assert.ok(held, 'the held sample is shown');
    assert.equal(/seed (\d+)/.exec(normal)![1], /seed (\d+)/.exec(held)![1], 'one seed for both');
    await shots('sample-held');
  });

  it('Heatmap: a right-click on a unit row offers its actions, and Hold at… holds that unit', async () => {
    needPanel();
    // On its own (not after Find Units): the training panel's heatmap, the unit on its third row.
    await runCommand(page, 'RNN Lens: Show Panel');
    panel = await findWebviewFrame(page, { selector: '#t-label' }, 30_000);
    const canvas = panel.locator('.heat-canvas').first();
    await canvas.scrollIntoViewIfNeeded();
    const rowPx = Number(await canvas.getAttribute('data-row-px'));
    const box = await canvas.boundingBox();
    assert.ok(box && rowPx >= 3, 'the heatmap is laid out');
    await canvas.click({ button: 'right', position: { x: box.width / 2, y: rowPx * 2.5 } });
    const bar = panel.locator('#unit-actions');
    await waitFor('the unit\'s actions', async () => (await bar.getAttribute('data-unit')) === 'h 0:2' || undefined, 10_000);
    assert.deepEqual(await bar.locator('button:visible').evaluateAll((bs) => bs.map((b) => (b as unknown as { dataset: { action: string } }).dataset.action)), ['ablate', 'hold', 'sample']);
    await shots('heatmap-unit-actions', async () => { await bar.scrollIntoViewIfNeeded(); });
    await panel.locator('#unit-actions button[data-action="hold"]').click();
    const value = page.locator('.quick-input-widget input.input');
    await value.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await page.locator('.quick-input-widget').innerText(), /Hold h 0:2 at which value/);
    await value.fill('0.5');
    await page.keyboard.press('Enter');
    insight = await findWebviewFrame(page, { selector: '#ablation-summary' }, 60_000);
    await waitFor('the summary of h 0:2 held at 0.5', async () => /With h 0:2 held at 0\.5/.test(await insight!.locator('#ablation-summary').innerText()) || undefined, 120_000, 1000);
  });

  it('What If, live: typing in the training file probes the edit as it stands, a character the model never saw gets a line, undo brings the asked answer back', async () => {
    needPanel();
    // What If… answered above, so edits of the file are probed live. Line 10, the "(" after open: type an x before it.
    // Find Units left the RNN Lens container in the side bar: the Explorer first, where goTo finds the file.
    await runCommand(page, 'View: Show Explorer');
    await goTo(10, 12);
    await page.keyboard.type('x');
    insight = await findWebviewFrame(page, { selector: '#whatif-title' }, 30_000);
    const title = await waitFor('the probe of the typed x', async () => {
      const t = await insight!.locator('#whatif-title').innerText();
      return /your unsaved edit: typed “x”, compared with the text as trained/.test(t) ? t : undefined;
    }, 60_000, 500);
    assert.match(title, /[\d,]+ characters read after it/);
    assert.match(await insight.locator('#whatif-horizon').innerText(), /noticed the change for \d+ characters?/);
    await waitFor('the echo of the edit painted', async () => (await paintedTypes()) > 0, 20_000);
    await shots('what-if-live');
    // A snowman is not in the code's vocabulary: one line in the panel, no error.
    await editor().locator('.view-lines').click();
    await page.keyboard.insertText('☃');
    await waitFor('the vocabulary notice', async () => /never saw in training/.test(await insight!.locator('#whatif-notice').innerText().catch(() => '')) || undefined, 30_000, 500);
    // Undo both edits: the file is the trained text again and the asked answer is shown.
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await waitFor('the asked answer again', async () => /character 2\d\d: \( → \[/.test(await insight!.locator('#whatif-title').innerText()) || undefined, 30_000, 500);
    assert.equal(await page.locator('.tab.active.dirty', { hasText: TRAIN_FILE }).count(), 0, 'the file is back as it was');
  });

  it('logged no errors from the extension in the browser console', () => {
    const ours = extensionErrors(browserLog);
    assert.deepEqual(ours, []);
  });
});
