/**
 * Loads a BUILT webview (dist/webview/<bundle>.js and .css) in headless Chromium under the real
 * CSP: the page HTML comes from the same buildWebviewHtml the extension uses, served from a local
 * http server whose origin stands in for webview.cspSource. A stub acquireVsCodeApi records what
 * the page posts and keeps its setState state; CSP violations and page errors are collected.
 */

import { createServer, type Server } from 'node:http';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, extname, normalize } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml } from '../../src/extension/webviewHtml';
import { WEBVIEW_STRING_KEYS, WEBVIEW_STRINGS_EN, type StringsMessage, type WebviewStrings } from '../../src/protocol/strings';
import { type Trace } from '../../src/protocol/traceLayout';
import { type PageGlobals } from './pageGlobals';

export type ThemeKind = 'light' | 'dark' | 'hc-dark' | 'hc-light';
export const THEME_KINDS: readonly ThemeKind[] = ['light', 'dark', 'hc-dark', 'hc-light'];

/**
 * The `--vscode-*` values VS Code's default themes give a webview (Dark Modern, Light Modern,
 * Dark High Contrast, Light High Contrast). Every kind sets the same names, so a theme switch
 * never leaves a previous theme's value behind. High contrast has no panel/button fills but
 * a contrast border everywhere, which is what the webviews have to cope with.
 */
const THEME_VARIABLES: Record<ThemeKind, Record<string, string>> = {
  dark: {
    '--vscode-editor-background': '#1e1e1e', '--vscode-editor-foreground': '#d4d4d4', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-panel-border': '#3c3c3c', '--vscode-focusBorder': '#0078d4', '--vscode-contrastBorder': '', '--vscode-contrastActiveBorder': '',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-red': '#f14c4c', '--vscode-charts-green': '#89d185', '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700',
    '--vscode-button-background': '#0e639c', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '', '--vscode-button-secondaryBackground': '#3a3d41', '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8', '--vscode-editor-selectionBackground': '#264f78', '--vscode-errorForeground': '#f85149', '--vscode-textLink-foreground': '#3794ff',
  },
  light: {
    '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#1f1f1f', '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#616161',
    '--vscode-panel-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8', '--vscode-contrastBorder': '', '--vscode-contrastActiveBorder': '',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-red': '#e51400', '--vscode-charts-green': '#388a34', '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#652d90', '--vscode-charts-yellow': '#bf8803',
    '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '', '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b', '--vscode-editor-selectionBackground': '#add6ff', '--vscode-errorForeground': '#f85149', '--vscode-textLink-foreground': '#005fb8',
  },
  'hc-dark': {
    '--vscode-editor-background': '#000000', '--vscode-editor-foreground': '#ffffff', '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffffb3',
    '--vscode-panel-border': '#6fc3df', '--vscode-focusBorder': '#f38518', '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-red': '#f14c4c', '--vscode-charts-green': '#89d185', '--vscode-charts-orange': '#d18616', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#ffd700',
    '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df', '--vscode-button-secondaryBackground': '#000000', '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff', '--vscode-editor-selectionBackground': '#ffffff', '--vscode-errorForeground': '#f48771', '--vscode-textLink-foreground': '#21a6ff',
  },
  'hc-light': {
    '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#292929', '--vscode-foreground': '#292929', '--vscode-descriptionForeground': '#292929b3',
    '--vscode-panel-border': '#0f4a85', '--vscode-focusBorder': '#006bbd', '--vscode-contrastBorder': '#0f4a85', '--vscode-contrastActiveBorder': '#006bbd',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-red': '#b5200d', '--vscode-charts-green': '#374e06', '--vscode-charts-orange': '#835200', '--vscode-charts-purple': '#652d90', '--vscode-charts-yellow': '#895503',
    '--vscode-button-background': '#0f4a85', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#0f4a85', '--vscode-button-secondaryBackground': '#ffffff', '--vscode-button-secondaryForeground': '#292929',
    '--vscode-badge-background': '#0f4a85', '--vscode-badge-foreground': '#ffffff', '--vscode-editor-selectionBackground': '#0f4a85', '--vscode-errorForeground': '#b5200d', '--vscode-textLink-foreground': '#0f4a85',
  },
};

export const REPO = join(__dirname, '..', '..');
export const SCREENSHOTS = join(REPO, 'test-results', 'screenshots');
/** The bundles served; RNN_LENS_WEBVIEW_DIST points elsewhere (e.g. an older build, to compare redraw times). */
const DIST = process.env.RNN_LENS_WEBVIEW_DIST ?? join(REPO, 'dist', 'webview');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let built = false;
/** Builds the bundles once per run (the test is of what ships). */
export function buildOnce(): void {
  if (built || process.env.RNN_LENS_WEBVIEW_DIST) return;
  try {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'pipe' });
  } catch (e) {
    // Another bundle may be mid-edit; the webview bundles may still have been written.
    if (!existsSync(join(DIST, 'panel.js')) || !existsSync(join(DIST, 'gradient.js'))) throw new Error(`node esbuild.mjs failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}`);
  }
  built = true;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html' };

export interface Harness {
  readonly browser: Browser;
  readonly origin: string;
  close(): Promise<void>;
  open(bundle: 'panel' | 'gradient' | 'insight' | 'experiment', opts?: { width?: number; height?: number; reducedMotion?: boolean; lang?: 'ko' }): Promise<WebviewPage>;
}

export interface WebviewPage {
  readonly page: Page;
  /** Messages the page posted to the host. */
  posted(): Promise<unknown[]>;
  cspViolations(): Promise<string[]>;
  readonly errors: string[];
  send(message: unknown): Promise<void>;
  sendTrace(trace: Trace): Promise<void>;
  /** Waits until the page has drawn what is pending (two animation frames). */
  settle(): Promise<void>;
  setTheme(kind: ThemeKind): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  buildOnce();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    if (url.pathname.startsWith('/page/')) {
      const bundle = url.pathname.slice('/page/'.length).replace(/\.html$/, '');
      const origin = `http://${req.headers.host}`;
      const strings = url.searchParams.get('lang') === 'ko' ? koreanStrings() : undefined;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(buildWebviewHtml({ cspSource: origin, title: `test ${bundle}`, scriptUri: `${origin}/dist/${bundle}.js`, styleUris: [`${origin}/dist/${bundle}.css`], strings }));
      return;
    }
    const file = normalize(join(DIST, url.pathname.replace(/^\/dist\//, '')));
    if (!url.pathname.startsWith('/dist/') || !file.startsWith(DIST) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });

  async function open(bundle: 'panel' | 'gradient' | 'insight' | 'experiment', opts: { width?: number; height?: number; reducedMotion?: boolean; lang?: 'ko' } = {}): Promise<WebviewPage> {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 900 }, reducedMotion: opts.reducedMotion ? 'reduce' : 'no-preference' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    // tsx compiles the functions below with esbuild's keepNames helper; give the page that helper.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.addInitScript(() => {
      const { window, document, sessionStorage } = globalThis as unknown as PageGlobals;
      const w = window;
      w.__posted = [];
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (w.__csp as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
      const stored = sessionStorage.getItem('vscodeState');
      let state: unknown = stored ? JSON.parse(stored) : undefined;
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => (w.__posted as unknown[]).push(m),
        getState: () => state,
        setState: (s: unknown) => { state = s; sessionStorage.setItem('vscodeState', JSON.stringify(s)); },
      });
    });
    await page.goto(`${origin}/page/${bundle}.html${opts.lang ? `?lang=${opts.lang}` : ''}`);
    await page.waitForFunction(() => ((globalThis as unknown as { __posted: { type: string }[] }).__posted).some((m) => m.type === 'ready'));
    const wp: WebviewPage = {
      page,
      errors,
      posted: () => page.evaluate(() => (globalThis as unknown as { __posted: unknown[] }).__posted.slice()),
      cspViolations: () => page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp.slice()),
      send: async (message) => { await page.evaluate((m) => (globalThis as unknown as PageGlobals).window.postMessage(m, '*'), message); },
      sendTrace: async (trace) => {
        const ids = Buffer.from(trace.ids.buffer, trace.ids.byteOffset, trace.ids.byteLength).toString('base64');
        const data = Buffer.from(trace.data.buffer, trace.data.byteOffset, trace.data.byteLength).toString('base64');
        await page.evaluate(({ header, ids, data }) => {
          const bytes = (b64: string): ArrayBuffer => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
          (globalThis as unknown as PageGlobals).window.postMessage({ type: 'trace', header, ids: new Int32Array(bytes(ids)), data: new Float32Array(bytes(data)) }, '*');
        }, { header: trace.header, ids, data });
      },
      settle: async () => {
        await page.evaluate(() => new Promise<void>((r) => { const g = globalThis as unknown as PageGlobals; g.requestAnimationFrame(() => g.requestAnimationFrame(() => r())); }));
      },
      setTheme: async (kind) => {
        await page.evaluate(({ k, vars }) => {
          const { document } = globalThis as unknown as PageGlobals;
          for (const [n, v] of Object.entries(vars)) document.documentElement.style.setProperty(n, v);
          document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
          // As VS Code does: a light high-contrast theme also carries the plain high-contrast class.
          if (k === 'hc-light') document.body.classList.add('vscode-high-contrast', 'vscode-high-contrast-light');
          else document.body.classList.add(k === 'hc-dark' ? 'vscode-high-contrast' : `vscode-${k}`);
        }, { k: kind, vars: THEME_VARIABLES[kind] });
        await wp.settle();
        await wp.settle();
      },
    };
    return wp;
  }

  return {
    browser,
    origin,
    open,
    close: async () => {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A session message matching a trace (what the host would send). */
/** The page's table in Korean, as the host makes it with VS Code's Korean bundle (src/extension/webviewStrings.ts). */
export function koreanStrings(): StringsMessage {
  const ko = JSON.parse(readFileSync(join(REPO, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const strings = Object.fromEntries(WEBVIEW_STRING_KEYS.map((k) => [k, ko[WEBVIEW_STRINGS_EN[k]] ?? WEBVIEW_STRINGS_EN[k]])) as WebviewStrings;
  return { type: 'strings', locale: 'ko', strings };
}

export function sessionFor(trace: Trace, fileName = 'english.txt'): unknown {
  const h = trace.header;
  return {
    type: 'session',
    session: {
      fileName, cell: h.cell, hidden: h.hidden, layers: h.layers, vocabSize: h.vocab.length, paramCount: 12345, unigramEntropy: windowEntropy(trace),
      settings: { cell: h.cell, hidden: h.hidden, layers: h.layers, seqLen: h.steps, batch: 4, optimizer: 'adam', lr: 0.002, clipNorm: 5, clipValue: 0, valFraction: 0.1, seed: 7, forgetBias: 1, gruResetAfter: h.gruResetAfter },
    },
  };
}

/** The entropy of the window's input characters, in nats: stands in for the text's unigram entropy (at most ln V, as the host's is). */
export function windowEntropy(trace: Trace): number {
  const counts = new Map<number, number>();
  const T = trace.header.steps;
  for (let t = 0; t < T; t++) counts.set(trace.ids[t], (counts.get(trace.ids[t]) ?? 0) + 1);
  let H = 0;
  for (const c of counts.values()) H -= (c / T) * Math.log(c / T);
  return H;
}
