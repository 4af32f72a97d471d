// A long training session with the panel open, in a real VS Code (code-server + Chromium, the
// packaged .vsix): does memory stay flat? Reports, at the start, every few minutes and at the end,
// the webview renderer's and the extension host's memory:
//   - the workbench renderer's JavaScript heap after a forced garbage collection (Chrome DevTools
//     Protocol: HeapProfiler.collectGarbage, Runtime.getHeapUsage; the webviews' frames share that
//     heap) with its DOM node count, and the panel's element count;
//   - the resident memory (RSS) of every Chromium renderer process, summed;
//   - the extension host's RSS (the code-server child whose command line says extensionHost).
// Figures go to the console and to test-results/longSession.json. Takes about one core.
//
//   node scripts/package.mjs && node scripts/longSession.mjs [--minutes 30] [--every 5]
//        [--layers 3] [--hidden 256] [--cell lstm] [--mb 1]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureCodeServer, installVsix, launchCodeServer, prepareProfile, repoRoot } from './codeServer.mjs';
import { vsixPath } from './package.mjs';
import { generatedText } from './generatedText.mjs';

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) fail(`--${name} needs a positive number`);
  return v;
}
function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}
const cellIndex = args.indexOf('--cell');
const cell = cellIndex >= 0 ? args[cellIndex + 1] : 'lstm';
if (!['rnn', 'lstm', 'gru'].includes(cell)) fail('--cell is one of rnn, lstm, gru');
const minutes = option('minutes', 30);
const everyMinutes = option('every', 5);
const layers = option('layers', 3);
const hidden = option('hidden', 256);
const megabytes = option('mb', 1);

const MB = 1024 * 1024;
const mb = (bytes) => (bytes / MB).toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every process below ours, with its parent, command line and RSS (from /proc). */
function descendants() {
  const all = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      all.push({ pid: Number(name), ppid, cmd, rss });
    } catch { /* gone meanwhile */ }
  }
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!ours.has(p.pid) && ours.has(p.ppid)) { ours.add(p.pid); grew = true; }
  }
  return all.filter((p) => p.pid !== process.pid && ours.has(p.pid));
}

function webviewFrames(page) {
  const main = page.mainFrame();
  return page.frames().filter((f) => !f.isDetached() && f.parentFrame() !== null && f.parentFrame().parentFrame() === main);
}

async function panelFrame(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of webviewFrames(page)) {
      if (await f.locator('#t-label').count().catch(() => 0)) return f;
    }
    if (Date.now() > deadline) throw new Error('the training panel did not appear');
    await sleep(500);
  }
}

/** The JS heap of a page or frame after a full garbage collection, through its own CDP session. */
async function heapAfterGc(context, target) {
  const cdp = await context.newCDPSession(target);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const { nodes } = await cdp.send('Memory.getDOMCounters').catch(() => ({ nodes: NaN }));
    return { heap: usedSize, domNodes: nodes };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

async function measure(page, label, startedAt) {
  const context = page.context();
  const frame = await panelFrame(page, 60_000);
  // The webviews' frames run in the workbench's renderer (one V8 heap): its heap after a GC holds
  // the panel's; the panel's own share shows in its element count.
  const workbench = await heapAfterGc(context, page);
  const panelElements = await frame.locator('*').count().catch(() => NaN);
  const procs = descendants();
  const renderers = procs.filter((p) => p.cmd.includes('--type=renderer'));
  const host = procs.find((p) => /extensionHost/.test(p.cmd));
  const progress = await frame.locator('#progress-text').innerText().catch(() => '');
  const row = {
    label, minutes: Number(((Date.now() - startedAt) / 60_000).toFixed(1)),
    rendererHeapMB: Number(mb(workbench.heap)), domNodes: workbench.domNodes, panelElements,
    renderersRssMB: Number(mb(renderers.reduce((s, p) => s + p.rss, 0))), renderers: renderers.length,
    hostRssMB: host ? Number(mb(host.rss)) : NaN, progress: progress.replace(/\s+/g, ' ').trim(),
  };
  console.log(`${row.label.padEnd(6)} ${String(row.minutes).padStart(5)} min  renderer JS heap ${row.rendererHeapMB} MB after GC (${row.domNodes} DOM nodes, ${row.panelElements} panel elements)  ` +
    `renderers ${row.renderersRssMB} MB RSS (${row.renderers})  host ${row.hostRssMB} MB RSS  | ${row.progress}`);
  return row;
}

async function main() {
  const vsix = vsixPath();
  if (!existsSync(vsix)) fail(`${vsix} is missing: run node scripts/package.mjs first`);
  await ensureCodeServer({ log: () => {} });
  const profile = prepareProfile('longSession', { fresh: true });
  installVsix(profile, vsix);
  const workspace = join(profile.dir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({
    'rnnLens.cell': cell, 'rnnLens.layers': layers, 'rnnLens.hiddenSize': hidden, 'rnnLens.maxSteps': 0,
  }));
  writeFileSync(join(workspace, 'long.txt'), generatedText(Math.round(megabytes * MB)));
  const server = await launchCodeServer(profile, { workspace });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const rows = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.folderUrl(workspace));
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'long.txt' }).first();
    for (let tries = 0; ; tries++) {
      await row.click({ button: 'right' });
      const item = page.getByRole('menuitem', { name: 'Train Character Model', exact: true });
      if (await item.waitFor({ timeout: 2500 }).then(() => true, () => false)) {
        await item.hover();
        await sleep(300);
        await item.click();
        break;
      }
      await page.keyboard.press('Escape');
      if (tries > 30) throw new Error('the Explorer never offered Train Character Model');
      await sleep(1000);
    }
    // The cell question (and, for a text this size, nothing else): accept what it proposes.
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.press('Enter');
    const frame = await panelFrame(page, 120_000);
    // "At the start": once the first numbers and the first trace are drawn.
    const deadline = Date.now() + 300_000;
    while (!/step [1-9]/.test(await frame.locator('#progress-text').innerText().catch(() => '')) && Date.now() < deadline) await sleep(1000);
    const startedAt = Date.now();
    console.log(`training ${cell.toUpperCase()} ${layers}×${hidden} on ${megabytes} MB with the panel open for ${minutes} min (measuring every ${everyMinutes} min)`);
    rows.push(await measure(page, 'start', startedAt));
    const end = startedAt + minutes * 60_000;
    while (Date.now() < end) {
      await sleep(Math.min(everyMinutes * 60_000, end - Date.now()));
      rows.push(await measure(page, Date.now() >= end ? 'end' : 'at', startedAt));
    }
  } finally {
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    writeFileSync(join(repoRoot, 'test-results', 'longSession.json'), JSON.stringify({ cell, layers, hidden, megabytes, minutes, rows }, null, 2));
    await browser.close().catch(() => {});
    await server.stop();
  }
  const [first, last] = [rows[0], rows.at(-1)];
  if (first && last && first !== last) {
    console.log(`growth over ${last.minutes} min: renderer JS heap ${(last.rendererHeapMB - first.rendererHeapMB).toFixed(1)} MB, renderers ${(last.renderersRssMB - first.renderersRssMB).toFixed(1)} MB RSS, ` +
      `extension host ${(last.hostRssMB - first.hostRssMB).toFixed(1)} MB RSS`);
  }
}

main().catch((error) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
