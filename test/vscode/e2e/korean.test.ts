// RNN Lens in Korean, in a real VS Code (code-server --locale ko): the palette's command titles,
// a notification and the panel's headings, buttons and captions are Korean; the walkthrough opens and its first step
// trains the "hello" example. The real Korean language pack cannot be downloaded here, so a
// tiny one (test/vscode/fixtures/ko-language-pack) makes `ko` a language VS Code resolves: the
// workbench's own words stay English, the extension's manifest and bundles load in Korean.
// Screenshots for the README: media/screenshots/korean-panel.png, korean-cell.png and walkthrough.png.
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot, type Profile, type RunningCodeServer,
} from '../../../scripts/codeServer.mjs';
import {
  closeQuickInput, hideNotifications, launchChromium, openWorkbench, recordFailure, runCommand, saveScreenshot, waitFor, watchBrowserLog, webviewFrames,
} from '../harness/workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const ko = JSON.parse(readFileSync(join(repoRoot, 'package.nls.ko.json'), 'utf8')) as Record<string, string>;
const koBundle = JSON.parse(readFileSync(join(repoRoot, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const vsix = process.env.RNN_LENS_E2E_VSIX ?? join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const PACK_ID = 'rnn-lens-tests.ko-language-pack-for-tests';

/** Installs the test language pack and tells VS Code where its translations are (what installing a pack records). */
function installKoreanPack(profile: Profile): void {
  const folder = join(profile.extensionsDir, `${PACK_ID}-0.0.1`);
  cpSync(join(repoRoot, 'test', 'vscode', 'fixtures', 'ko-language-pack'), folder, { recursive: true });
  // Rescan the folder: the list written by --install-extension does not name the copied pack.
  rmSync(join(profile.extensionsDir, 'extensions.json'), { force: true });
  writeFileSync(join(profile.userDataDir, 'languagepacks.json'), JSON.stringify({
    ko: {
      hash: 'rnn-lens-tests', label: '한국어',
      extensions: [{ extensionIdentifier: { id: PACK_ID }, version: '0.0.1' }],
      translations: { vscode: join(folder, 'translations', 'main.i18n.json') },
    },
  }));
}

describe('RNN Lens in Korean (code-server --locale ko)', function () {
  this.timeout(90_000);
  let profile: Profile;
  let server: RunningCodeServer;
  let browser: Browser;
  let page: Page;
  let browserLog: string[] = [];

  before(async function () {
    this.timeout(240_000);
    await ensureCodeServer({ log: () => {} });
    profile = prepareProfile('korean', { fresh: true });
    installVsix(profile, vsix);
    installKoreanPack(profile);
    const workspace = join(profile.dir, 'workspace');
    cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
    server = await launchCodeServer(profile, { workspace, locale: 'ko' });
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
    if (this.currentTest?.state === 'failed') await recordFailure(page, 'korean', this.currentTest.title, browserLog);
  });

  it('the palette offers the commands under their Korean titles', async () => {
    const title = `RNN Lens: ${ko['command.train.title']}`;
    assert.equal(title, 'RNN Lens: 문자 모델 학습');
    await waitFor('the Korean command title in the palette', async () => {
      await closeQuickInput(page);
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input.input').fill('>RNN Lens: 문자');
      await page.waitForTimeout(800);
      const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
      return rows.some((r) => r.startsWith(title));
    }, 45_000, 1000);
    await closeQuickInput(page);
  });

  it('a notification speaks Korean: Train Character Model without a text file says what to do', async () => {
    await runCommand(page, `RNN Lens: ${ko['command.train.title']}`);
    const expected = koBundle['Open a text file (or right-click one in the Explorer), then run "RNN Lens: {0}".'].replace('{0}', ko['command.train.title']);
    const toast = page.locator('.notification-toast', { hasText: '텍스트 파일을 열고' }).first();
    await toast.waitFor({ timeout: 20_000 });
    assert.equal((await toast.locator('.notification-list-item-message').innerText()).trim(), `RNN Lens: ${expected}`);
    await page.keyboard.press('Escape');
  });

  it('opens the walkthrough in Korean and its first step trains the "hello" example; the panel\'s headings, buttons and captions are Korean', async function () {
    this.timeout(120_000);
    await runCommand(page, 'Welcome: Open Walkthrough...', 20_000);
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: ko['walkthrough.title'] }).first();
    await pick.waitFor({ timeout: 20_000 });
    await pick.click();
    const step = page.locator('.getting-started-step', { hasText: ko['walkthrough.trainRnn.title'] }).first();
    await step.waitFor({ timeout: 30_000 });
    await step.click();
    const button = page.getByRole('button', { name: '"hello"로 RNN 학습' }).first();
    await button.waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1500); // the step's markdown page renders beside it
    await saveScreenshot(page, 'walkthrough');
    await button.click();
    // Looked for again until it shows the session: opening the trained file beside it can move the
    // panel to another group, which replaces its frame.
    let found: Frame | undefined;
    await waitFor('the panel to show the session', async () => {
      for (const frame of webviewFrames(page)) {
        try {
          if ((await frame.locator('#cell-section').count()) > 0 && /hello\.txt/.test(await frame.locator('body').innerText({ timeout: 1000 }))) { found = frame; return true; }
        } catch { /* detached while looking: try the next */ }
      }
      return false;
    }, 90_000);
    assert.ok(found);
    const panel = found;
    assert.equal(await panel.locator('html').getAttribute('lang'), 'ko');
    const headings = await panel.locator('section h2').allInnerTexts();
    for (const heading of ['커서 위치의 셀', '활성값: 유닛 × 타임스텝', '예측', '손실']) {
      assert.ok(headings.some((h) => h.includes(heading)), `the panel has the heading ${heading} (it has ${headings.join(' | ')})`);
    }
    await waitFor('a trace in the graph', async () => (await panel.locator('#graph-section canvas').count()) > 0, 45_000);
    // Labels, buttons and captions, not only headings, come from the Korean table (src/protocol/webviewText/).
    await waitFor('the header to report training progress', async () => /^스텝 [\d,]+ · 손실 \S+ · 검증/.test(await panel.locator('#progress-text').innerText()), 45_000);
    assert.match(await panel.locator('#train-state').innerText(), /^(학습 중|일시 중지됨|중지됨|대기 중)$/);
    assert.match(await panel.locator('#play-pause').innerText(), /^(재생|일시 중지)$/);
    assert.equal(await panel.locator('#train-step').innerText(), '한 스텝 학습');
    assert.equal(await panel.locator('#direction').innerText(), '순전파');
    assert.equal(await panel.locator('#t-slider').getAttribute('aria-label'), '타임스텝');
    assert.match(await panel.locator('#graph-text').innerText(), /^RNN 셀을 타임스텝 \d+개와 층 \d+개에 걸쳐 펼쳤습니다/);
    await waitFor('the loss caption', async () => /^스텝 [\d,]+: 학습 손실/.test(await panel.locator('#loss-text').innerText()), 45_000);
    await page.waitForTimeout(2000);
    await saveScreenshot(page, 'korean-panel');
    // The cell diagram: its caption, legend and equations in Korean, symbols as they are.
    assert.match(await panel.locator('#cell-caption').innerText(), /^RNN 셀, 층 0, t = \d+: 입력 /);
    assert.match(await panel.locator('#cell-equations').innerText(), /h_?t = tanh\(W_?hh h_?t−1 \+ W_?xh x_?t\)\s*은닉 상태/);
    assert.match(await panel.locator('#cell-given').innerText(), /^주어진 값: x_?t = 원-핫 /);
    await hideNotifications(page);
    await panel.locator('#cell-section').scrollIntoViewIfNeeded();
    await saveScreenshot(panel.locator('#cell-section'), 'korean-cell');
  });
});
