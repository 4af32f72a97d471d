// Driving a real VS Code workbench (code-server in Debian's Chromium) with playwright-core:
// the few gestures the end-to-end tests need, each with the waits and retries the workbench
// requires (menus appear only once the extension host has registered them, and so on).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../../../scripts/codeServer.mjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = join(repoRoot, 'media', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run (as root) apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the workbench on a folder and waits until the Explorer shows its files. */
export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return page;
}

export function explorerRow(page: Page, fileName: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
}

/**
 * Right-clicks a file in the Explorer and chooses a context-menu item. The Explorer appears a few
 * seconds before the extension host has registered the extension's menus, so retry until it does.
 */
export async function explorerContextMenu(page: Page, fileName: string, item: string, timeoutMs = 45_000): Promise<void> {
  const row = explorerRow(page, fileName);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await row.click({ button: 'right' });
    const entry = page.getByRole('menuitem', { name: item, exact: true });
    try {
      await entry.waitFor({ timeout: 2500 });
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the Explorer context menu of ${fileName} never offered "${item}"`);
      await page.waitForTimeout(1000);
      continue;
    }
    // The menu ignores a release that comes right after it opened; hover first, then choose.
    await entry.hover();
    await page.waitForTimeout(300);
    await entry.click();
    return;
  }
}

/**
 * Runs a command from the palette by its full title, e.g. "RNN Lens: Pause Training", and returns
 * once the palette has taken it (closed, or handed over to the command's own question).
 *
 * Commands run back to back (a cursor walk) race the workbench settling after the previous one:
 * now and then (about 1 in 200 such commands here) the palette F1 opened closes again under the
 * typing, and fill() then waited 30 s for an input that had gone. So: wait for any quick input to
 * be gone first, retry the whole gesture if the palette closes before the command is chosen, and
 * choose the row with the keyboard (Enter on the palette's focused row) rather than a click, which
 * lands on whatever is underneath (the training panel's buttons) if the list closes or re-renders
 * between aiming and clicking.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 10_000): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const deadline = Date.now() + timeoutMs;
  let lastProblem = '';
  for (;;) {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`, { timeout: 2_000 });
      const chosen = await focusRow(page, title, Math.max(1_000, deadline - Date.now()));
      if (chosen === 'absent') lastProblem = 'no such row';
      else if (chosen === 'closed') lastProblem = 'the palette closed before the command was chosen';
      else {
        await page.keyboard.press('Enter');
        break;
      }
    } catch (error) {
      lastProblem = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    if (Date.now() > deadline) {
      await closeQuickInput(page);
      throw new Error(`the command palette has no "${title}" (${lastProblem})`);
    }
  }
  // Not retried from here on: the command may have run, and running it twice is worse than failing.
  await waitFor(`the palette to take "${title}"`, async () => {
    if (!(await quickInputHeading(page)).visible) return true;
    return (await input.inputValue({ timeout: 1_000 })) !== `>${title}`;
  }, 5_000, 50);
}

/**
 * Waits until the palette's focused row is our command (the filter has settled with it on top,
 * or ArrowDown walked to it, never to a fuzzy neighbour: "Next Timestep" vs "Last Timestep").
 */
async function focusRow(page: Page, title: string, timeoutMs: number): Promise<'focused' | 'absent' | 'closed'> {
  const rows = page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row');
  const ours = (label: string | null): boolean => label !== null && (label === title || label.startsWith(`${title},`));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await quickInputHeading(page)).visible) return 'closed';
    const labels = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label'), e.classList.contains('focused')] as const)).catch(() => []);
    const focused = labels.find(([, isFocused]) => isFocused)?.[0] ?? null;
    if (ours(focused)) return 'focused';
    if (Date.now() > deadline) return 'absent';
    if (labels.some(([label]) => ours(label))) await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(100);
  }
}

/** Opens a workspace file through Quick Open (works whichever side bar view is showing). */
export async function openFile(page: Page, fileName: string): Promise<void> {
  await closeQuickInput(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(fileName);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: fileName }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).first().waitFor({ timeout: 10_000 });
}

/** The visible quick pick / input box, if any. */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget:visible');
}

/** Closes any quick input and waits until it is gone (a closing widget still counts as open). */
export async function closeQuickInput(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await quickInput(page).count()) > 0; i++) {
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => {});
  }
}

/**
 * Answers the open quick pick or input box: picks the item with `label`, or accepts the proposed
 * value with Enter. Waits until the widget moves on (closes or asks the next question), so that
 * several questions in a row are answered one by one.
 */
export async function answerQuickInput(page: Page, label?: string, timeoutMs = 15_000): Promise<void> {
  const widget = quickInput(page);
  await widget.waitFor({ timeout: timeoutMs });
  const question = await quickInputQuestion(page);
  if (label === undefined) {
    await page.locator('.quick-input-widget input.input').press('Enter');
  } else {
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
  }
  await waitFor(`the question "${question}" to be answered`, async () =>
    (await widget.count()) === 0 || (await quickInputQuestion(page)) !== question, 10_000, 100);
}

/** The title and prompt of the visible quick input, which tell one question from the next. */
async function quickInputQuestion(page: Page): Promise<string> {
  const { visible, title, message } = await quickInputHeading(page);
  return visible ? `${title}|${message}` : '';
}

/**
 * The visible quick input's title and message, read in one pass without waiting: '' for a
 * widget that is not there. A locator's innerText() would instead wait (30 s by default) for an
 * element to appear, and the widget can close between a count() and the read that follows it
 * (just after Enter, say): that stalled probes for 30 or 60 s, past the tests' own timeouts.
 */
export async function quickInputHeading(page: Page): Promise<{ visible: boolean; title: string; message: string }> {
  // evaluateAll reads whatever matches now (possibly nothing); it never waits.
  const found = await page.locator('.quick-input-widget:visible').evaluateAll((widgets) => widgets.map((w) => ({
    title: w.querySelector('.quick-input-title')?.textContent?.trim() ?? '',
    message: w.querySelector('.quick-input-message')?.textContent?.trim() ?? '',
  })));
  return found.length > 0 ? { visible: true, ...found[0] } : { visible: false, title: '', message: '' };
}

/**
 * The inner document of a webview whose content matches `selector` (or contains `text`).
 * Webviews are nested twice: the host iframe, then the frame holding the extension's HTML.
 */
export async function findWebviewFrame(page: Page, probe: { selector?: string; text?: string }, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of webviewFrames(page)) {
      try {
        const found = probe.selector
          ? (await frame.locator(probe.selector).count()) > 0
          : (await frame.locator('body').innerText({ timeout: 500 })).includes(probe.text ?? '');
        if (found) return frame;
      } catch { /* detached while looking: try the next */ }
    }
    if (Date.now() > deadline) throw new Error(`no webview showing ${probe.selector ?? JSON.stringify(probe.text)} within ${timeoutMs / 1000} s`);
    await page.waitForTimeout(500);
  }
}

/** All webview documents (the inner frames, two levels below the workbench) currently on the page. */
export function webviewFrames(page: Page): Frame[] {
  const main = page.mainFrame();
  return page.frames().filter((f) => !f.isDetached() && f.parentFrame() !== null && f.parentFrame()!.parentFrame() === main);
}

/** Text of the status bar items contributed by an extension (matched by their text). */
export async function statusBarText(page: Page, pattern: RegExp): Promise<string | undefined> {
  const items = await page.locator('.statusbar-item').allInnerTexts();
  return items.map((t) => t.replace(/\s+/g, ' ').trim()).find((t) => pattern.test(t));
}

/** Hides notification toasts (the training progress one) so screenshots show the UI behind them. */
export async function hideNotifications(page: Page): Promise<void> {
  // A stylesheet rather than a command: the progress toast cannot be dismissed while it runs.
  await page.addStyleTag({ content: '.notifications-toasts { display: none !important; }' });
}

export async function saveScreenshot(target: Page | Locator, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = join(screenshotDir, `${name}.png`);
  await target.screenshot({ path: file });
  return file;
}

/**
 * Polls `probe` until it returns a truthy value, or fails with `what`. A probe that hangs (a
 * Playwright read waiting for an element that has gone) is abandoned at the deadline, so the
 * failure names what was awaited instead of surfacing as a test timeout.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), Math.max(0, deadline - Date.now()) + everyMs); });
    const value = await Promise.race([probe().catch(() => undefined), expired]);
    clearTimeout(timer);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The browser's errors and warnings (every frame's console, and uncaught page errors) as they come,
 * newest last, so that a failed step can say what the workbench and the webviews complained about.
 */
export function watchBrowserLog(page: Page): string[] {
  const log: string[] = [];
  page.on('console', (m) => {
    // The message first, its source after: extensionErrors matches the message, not where it came from.
    if (m.type() === 'error' || m.type() === 'warning') log.push(`${m.type()}: ${m.text()} (${m.location().url.replace(/\?.*$/, '').slice(-60)})`);
  });
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  return log;
}

/**
 * The entries of watchBrowserLog that are errors whose message mentions the extension. Not those
 * that only come from its files: a webview resource the platform failed to fetch
 * (net::ERR_NAME_NOT_RESOLVED while VS Code's service worker is not up, microsoft/vscode#125993)
 * is the platform's fault, and pageDelivery.ts loads such a page again.
 */
export function extensionErrors(log: readonly string[]): string[] {
  return log.filter((e) => e.startsWith('error') && /rnn-lens|rnnLens|RNN Lens/i.test(e.replace(/ \([^()]*\)$/, '')));
}

/**
 * After a failed step: a picture of the workbench in test-results/ and, in the test's output (which
 * a CI log keeps where the picture is lost), the browser's last complaints and what each webview shows.
 */
export async function recordFailure(page: Page | undefined, suite: string, title: string, log: readonly string[]): Promise<void> {
  if (!page) return;
  await page.screenshot({ path: join(repoRoot, 'test-results', `${suite}-failed-${title.replace(/\W+/g, '-').slice(0, 60)}.png`) }).catch(() => {});
  const lines = [`the browser's last errors and warnings:`, ...log.slice(-15).map((e) => `  ${e.slice(0, 300)}`)];
  for (const f of webviewFrames(page)) {
    const text = await f.locator('body').innerText({ timeout: 1000 }).catch(() => '(unreadable)');
    lines.push(`webview ${f.url().replace(/\?.*$/, '').slice(-50)}: ${text.replace(/\s+/g, ' ').slice(0, 100)}`);
  }
  console.log(lines.map((l) => `      ${l}`).join('\n'));
}

/**
 * Switches the colour theme as a user does (Preferences: Color Theme) and waits for the workbench
 * to carry the theme's class and the webviews to repaint. (Editing settings.json on disk, or the
 * browser's colour scheme, was not picked up reliably by code-server.)
 */
export async function setColorScheme(page: Page, scheme: 'light' | 'dark' | 'high-contrast'): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const box = page.locator('.quick-input-widget input.input');
  await box.waitFor({ state: 'visible', timeout: 10_000 });
  await box.fill(scheme === 'light' ? 'Light Modern' : scheme === 'dark' ? 'Dark Modern' : 'Dark High Contrast');
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  const wanted = scheme === 'light' ? 'vs' : scheme === 'dark' ? 'vs-dark' : 'hc-black';
  await waitFor(`the ${scheme} theme`, async () => page.locator('.monaco-workbench').first().evaluate((e, c) => e.classList.contains(c), wanted), 20_000);
  await page.waitForTimeout(1500);
}

/**
 * VS Code's simple file dialog (what code-server shows for open and save): optionally pick a file
 * from the proposed folder's listing, then accept.
 */
export async function acceptPathDialog(page: Page, appendName?: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await waitFor('the dialog to propose a path', async () => (await input.inputValue()).startsWith('/'), 10_000);
  await quickInput(page).waitFor({ timeout: 15_000 });
  // Read without waiting: the dialog may close between two reads (see quickInputHeading).
  const { title } = await quickInputHeading(page);
  const movedOn = async (): Promise<boolean> => {
    const now = await quickInputHeading(page);
    return !now.visible || now.title !== title;
  };
  if (appendName) {
    // Pick the file from the dialog's listing of the folder (typing races the dialog's own updates).
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: appendName }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    // Clicking a file usually accepts it, and the next question (a quick pick) opens at once: an
    // Enter pressed then would answer that question instead. So Enter only if the dialog stays.
    if (await waitFor('the dialog to take the file', movedOn, 5_000).catch(() => false)) return;
    await waitFor('the file name in the dialog', async () => (await input.inputValue({ timeout: 1_000 })).endsWith(appendName), 5_000);
  }
  await input.press('Enter');
  // The callers assert what the dialog led to (a file written, the next question), so a dialog
  // that is slow to go away is not a failure by itself.
  await waitFor('the file dialog to accept the path', movedOn, 10_000).catch(() => {});
}
