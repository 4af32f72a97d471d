// RNN Lens: Run Experiment… in a real VS Code (code-server + Chromium) with the packaged .vsix:
// the lag task from the palette (a few steps, for speed), its text in an untitled editor, the
// comparison view with the three cells trained in workers, a screenshot
// (media/screenshots/experiment.png), and one cell opened in the training panel; then the other
// two experiments the command offers: Dyck-1 (in the light theme, experiment-dyck1-light.png)
// and "Compare cells on this file" on a bundled sample.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type RunningCodeServer } from '../../../scripts/codeServer.mjs';
import {
  answerQuickInput, findWebviewFrame, hideNotifications, launchChromium, openFile, openWorkbench, recordFailure, runCommand, saveScreenshot, setColorScheme, waitFor, watchBrowserLog,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
/** Few steps so the test is quick; the three cells still train in their workers end to end. */
const STEPS = 60;

describe('Run Experiment in a real VS Code (code-server + Chromium)', function () {
  this.timeout(60_000);
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let browserLog: string[] = [];
  let workspace: string;
  let view: Frame | undefined;
  const needView = (): Frame => {
    if (!view) throw new Error('no experiment view (an earlier step failed)');
    return view;
  };

  before(async function () {
    this.timeout(240_000);
    await ensureCodeServer({ log: () => {} });
    const profile = prepareProfile('experiment', { fresh: true });
    installVsix(profile, vsix);
    workspace = join(profile.dir, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': 'Default Dark Modern' }));
    cpSync(join(repoRoot, 'samples', 'prose.txt'), join(workspace, 'prose.txt'));
    server = await launchCodeServer(profile, { workspace });
    browser = await launchChromium();
    page = await openWorkbench(browser, server.folderUrl(workspace));
    browserLog = watchBrowserLog(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await recordFailure(page, 'experiment', this.currentTest.title, browserLog);
  });

  after(async function () {
    this.timeout(30_000);
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('trains RNN, LSTM and GRU on a generated lag task and shows them side by side', async function () {
    this.timeout(900_000);
    // The palette lists an extension's commands once its host has read the manifest; a palette
    // opened before that keeps its first list, so each attempt reopens it.
    await waitFor('Run Experiment in the palette', () => runCommand(page, 'RNN Lens: Run Experiment...', 10_000).then(() => true, () => false), 180_000, 1000);
    await answerQuickInput(page, 'Vanishing gradients');
    await answerQuickInput(page); // the proposed lag, 20
    await page.locator('.quick-input-widget input.input').fill(String(STEPS));
    await answerQuickInput(page);
    view = await findWebviewFrame(page, { selector: '#experiment-cells' }, 60_000);
    const frame = view;
    // Training on a loaded machine: a generous wait for the workers, none on the assertions.
    await waitFor('the three cells to finish training', async () => (await frame.locator('body[data-finished="true"]').count()) > 0, 800_000, 1000);
    const cards = frame.locator('.cell-card');
    assert.deepEqual(await cards.evaluateAll((cs) => cs.map((c) => `${c.getAttribute('data-cell')}:${c.getAttribute('data-status')}`)), ['rnn:done', 'lstm:done', 'gru:done']);
    for (const cell of ['rnn', 'lstm', 'gru']) {
      const text = await frame.locator(`.cell-card[data-cell="${cell}"]`).innerText();
      assert.match(text, /Gradient horizon\s+\d+/, `${cell}: gradient horizon`);
      assert.match(text, /Memory span\s+[\d.]+/, `${cell}: memory span`);
    }
    const sentence = await frame.locator('#experiment-sentence').innerText();
    assert.match(sentence, new RegExp(`^At lag 20 after ${STEPS} steps the .*(RNN|LSTM|GRU).*\\. The gradient reaches back \\d+ steps for the RNN, \\d+ steps for the LSTM and \\d+ steps for the GRU\\.$`));
    assert.ok(await frame.locator('#experiment-loss').isVisible() && await frame.locator('#experiment-memory').isVisible(), 'both charts shown');
    // The generated text is in an untitled editor: lines of a symbol, 20 digits, ?, the symbol.
    const lines = await page.locator('.editor-instance .view-lines .view-line').allInnerTexts();
    assert.ok(lines.some((l) => /^([a-h])[0-9]{20}\?\1$/.test(l.trim())), `a lag-20 line in the editor, got ${JSON.stringify(lines.slice(0, 3))}`);
    await hideNotifications(page);
    await saveScreenshot(page, 'experiment');
  });

  it('opens a trained cell in the training panel', async function () {
    this.timeout(240_000);
    const frame = needView();
    await frame.locator('.cell-card[data-cell="lstm"] button').click();
    const panel = await findWebviewFrame(page, { selector: '#graph-section' }, 120_000);
    await waitFor('the panel to show the paused LSTM', async () => /paused/.test(await panel.locator('#train-state').innerText()), 120_000);
    assert.match(await page.locator('.statusbar-item').allInnerTexts().then((t) => t.join(' ')), new RegExp(`LSTM.*step ${STEPS}\\b`));
  });

  /** Runs the experiment `choice` from the palette for STEPS steps and waits for the view to say all three cells finished. */
  async function runExperiment(choice: string): Promise<Frame> {
    await runCommand(page, 'RNN Lens: Run Experiment...');
    await answerQuickInput(page, choice);
    await page.locator('.quick-input-widget input.input').fill(String(STEPS));
    await answerQuickInput(page);
    // The view is reused: wait for the new experiment's title, then for its three cells.
    const frame = await findWebviewFrame(page, { selector: '#experiment-cells' }, 60_000);
    return frame;
  }

  async function finishedCells(frame: Frame, title: RegExp): Promise<void> {
    await waitFor(`the experiment view titled ${title}`, async () => title.test(await frame.locator('h1, h2').first().innerText().catch(() => '')), 60_000, 500);
    await waitFor('the three cells to finish training', async () => (await frame.locator('body[data-finished="true"]').count()) > 0, 800_000, 1000);
    const cards = frame.locator('.cell-card');
    assert.deepEqual(await cards.evaluateAll((cs) => cs.map((c) => `${c.getAttribute('data-cell')}:${c.getAttribute('data-status')}`)), ['rnn:done', 'lstm:done', 'gru:done']);
  }

  it('counts brackets (Dyck-1): the three cells, the depth sentence, in the light theme', async function () {
    this.timeout(900_000);
    await setColorScheme(page, 'light');
    const frame = await runExperiment('Counting brackets');
    await finishedCells(frame, /Dyck-1/);
    const sentence = await frame.locator('#experiment-sentence').innerText();
    assert.match(sentence, new RegExp(`^On Dyck-1 after ${STEPS} steps the .*(RNN|LSTM|GRU).*\\. The gradient reaches back \\d+ steps for the RNN, \\d+ steps for the LSTM and \\d+ steps for the GRU\\.$`));
    assert.match((await frame.locator('#experiment-memory').getAttribute('aria-label')) ?? '', /^Loss at the memory positions: /, 'the chart of the positions that need memory');
    // The generated text: balanced brackets, one string per line.
    const lines = await page.locator('.editor-instance .view-lines .view-line').allInnerTexts();
    assert.ok(lines.some((l) => /^[()]+$/.test(l.trim())), `a Dyck-1 line in the editor, got ${JSON.stringify(lines.slice(0, 3))}`);
    await hideNotifications(page);
    await saveScreenshot(page, 'experiment-dyck1-light');
  });

  it('compares the three cells on the active file and names the best held-out loss', async function () {
    this.timeout(900_000);
    await openFile(page, 'prose.txt');
    const frame = await runExperiment('Compare cells on this file');
    await finishedCells(frame, /prose\.txt/);
    const sentence = await frame.locator('#experiment-sentence').innerText();
    assert.match(sentence, new RegExp(`^After ${STEPS} steps on prose\\.txt the held-out loss is lowest for the (RNN|LSTM|GRU) \\(`));
    for (const cell of ['rnn', 'lstm', 'gru']) assert.match(await frame.locator(`.cell-card[data-cell="${cell}"]`).innerText(), /Gradient horizon\s+\d+/, `${cell}: gradient horizon`);
  });
});
