/**
 * Keyboard, screen reader, reduced motion and high contrast in both webviews, in headless
 * Chromium under the real CSP: Tab reaches every control with a visible focus ring, the cursor is
 * operated from the keyboard alone, the canvases have text twins that follow the cursor, and the
 * high-contrast themes mark things with borders rather than fills.
 */

import { strict as assert } from 'node:assert';
import { startHarness, sessionFor, type Harness, type WebviewPage } from './harness';
import { Trainer } from '../../src/engine/training/trainer';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { type Trace } from '../../src/protocol/traceLayout';
import { ENGLISH } from '../fixtures/traces/record';
import { loadTrace } from '../fixtures/traces/traceFile';

/** What the focused element is, and whether it shows a focus ring. */
interface Focused { id: string; tag: string; label: string; outline: string; outlineWidth: number }

/** Browser globals used inside page.evaluate (the Node tsconfig has no DOM lib). */
interface FocusGlobals {
  document: { activeElement: { id: string; tagName: string; getAttribute(n: string): string | null; textContent: string | null } | null };
  getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
}

describe('keyboard, screen reader and high contrast (Chromium)', function () {
  let h: Harness;
  let twoLayers: Trace;
  before(async () => {
    h = await startHarness();
    // Two layers so the keyboard can walk the layers; small so it trains in no time.
    twoLayers = Trainer.create(ENGLISH, { ...DEFAULT_SETTINGS, cell: 'lstm', hidden: 16, layers: 2, seqLen: 20, batch: 1, seed: 3 }).trace(0);
  });
  after(async () => { await h?.close(); });

  async function panel(trace: Trace, opts: { reducedMotion?: boolean } = {}): Promise<WebviewPage> {
    const p = await h.open('panel', opts);
    await p.setTheme('dark');
    await p.send(sessionFor(trace));
    await p.send({ type: 'progress', progress: { step: 3, loss: 3.1, valLoss: null, charsPerSec: 0, state: 'paused' } });
    await p.sendTrace(trace);
    await p.settle();
    return p;
  }

  async function focused(p: WebviewPage): Promise<Focused> {
    return p.page.evaluate(() => {
      const g = globalThis as unknown as FocusGlobals;
      const a = g.document.activeElement;
      if (!a) return { id: '', tag: '', label: '', outline: 'none', outlineWidth: 0 };
      const s = g.getComputedStyle(a);
      return { id: a.id, tag: a.tagName, label: a.getAttribute('aria-label') ?? a.textContent ?? '', outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) };
    });
  }

  async function tabThrough(p: WebviewPage, max: number): Promise<Focused[]> {
    const seen: Focused[] = [];
    for (let i = 0; i < max; i++) {
      await p.page.keyboard.press('Tab');
      const f = await focused(p);
      if (f.tag === 'BODY' || (seen.length > 0 && f.id !== '' && f.id === seen[0].id)) break;
      seen.push(f);
    }
    return seen;
  }

  async function cursorOf(p: WebviewPage): Promise<number> {
    return Number(await p.page.inputValue('#t-slider'));
  }

  it('panel: Tab reaches every control in order, each with a visible focus ring, in dark and high contrast', async () => {
    const p = await panel(twoLayers);
    for (const theme of ['dark', 'hc-dark', 'hc-light'] as const) {
      await p.setTheme(theme);
      await p.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur(): void } } }).document.activeElement.blur());
      const stops = await tabThrough(p, 80);
      const ids = stops.map((s) => s.id).filter((id) => id !== '');
      const expected = ['play-pause', 'train-step', 'stop', 't-first', 't-prev', 't-slider', 't-next', 't-last', 'direction', 'graph', 'cell-layer'];
      let at = -1;
      for (const id of expected) {
        const i = ids.indexOf(id);
        assert.ok(i > at, `${theme}: ${id} reached after the previous control (tab order: ${ids.join(', ')})`);
        at = i;
      }
      assert.equal(stops.filter((s) => s.tag === 'CANVAS').length, twoLayers.header.layers, `${theme}: one focusable heatmap per layer`);
      assert.ok(stops.some((s) => s.label.startsWith('Predictions per timestep')), `${theme}: the prediction strip is reachable`);
      assert.ok(stops.filter((s) => s.tag === 'SELECT').length >= 3, `${theme}: the layer, source and sort selects are reachable`);
      for (const s of stops) {
        assert.notEqual(s.outline, 'none', `${theme}: ${s.id || s.tag} "${s.label}" shows a focus ring`);
        assert.ok(s.outlineWidth >= 1, `${theme}: ${s.id || s.tag} focus ring is at least 1px`);
        if (theme !== 'dark') assert.equal(s.outline, 'dashed', `${theme}: high contrast focus rings are dashed`);
      }
    }
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  it('panel: the cursor, direction, layer and unit are operated by keyboard alone, and the text twins follow', async () => {
    const p = await panel(twoLayers);
    const T = twoLayers.header.steps;
    await p.page.focus('#t-first');
    await p.page.keyboard.press('Enter');
    await p.settle();
    assert.equal(await cursorOf(p), 0);
    await p.page.focus('#t-next');
    await p.page.keyboard.press('Enter');
    await p.page.keyboard.press('Space');
    await p.settle();
    assert.equal(await cursorOf(p), 2, 'Enter and Space on Next each move one step');
    assert.match((await p.page.textContent('#announce')) ?? '', /^Timestep 2 of /);
    await p.page.focus('#t-slider');
    await p.page.keyboard.press('ArrowRight');
    await p.settle();
    assert.equal(await cursorOf(p), 3, 'the slider moves with the arrow keys');

    // The graph: arrows move the cursor, Home/End jump, up/down walk the layers, Enter opens the cell.
    await p.page.focus('#graph');
    await p.page.keyboard.press('ArrowRight');
    await p.settle();
    assert.equal(await p.page.getAttribute('#graph', 'data-highlighted'), 'h:0:4');
    assert.match((await p.page.textContent('#graph-cursor')) ?? '', /^Graph column t = 4: x .*h layer 0 \(opened below\).*h layer 1: norm/);
    await p.page.keyboard.press('ArrowUp');
    await p.settle();
    assert.equal(await p.page.getAttribute('#graph', 'data-highlighted'), 'h:1:4', 'up moves to the layer above');
    assert.equal(await p.page.inputValue('#cell-layer'), '1', 'the opened cell follows the layer');
    assert.match((await p.page.textContent('#cell-caption')) ?? '', /layer 1, t = 4/);
    await p.page.keyboard.press('End');
    await p.settle();
    assert.equal(await cursorOf(p), T - 1);
    await p.page.keyboard.press('Home');
    await p.settle();
    assert.equal(await cursorOf(p), 0);
    await p.page.keyboard.press('Enter');
    assert.equal((await focused(p)).id, 'cell-section', 'Enter on the graph moves to the opened cell');

    // Direction by keyboard (Space on the toggle), then the announcement says backward.
    await p.page.focus('#direction');
    await p.page.keyboard.press('Space');
    await p.settle();
    assert.equal(await p.page.getAttribute('#direction', 'aria-pressed'), 'true');
    assert.match((await p.page.textContent('#announce')) ?? '', /^Timestep 0 of \d+, backward: .*Gradient norm/);
    assert.match((await p.page.textContent('#graph-cursor')) ?? '', /gradient norm .*Lit: steps 0 to/);

    // A heatmap: down selects a unit (and tells the host), right moves the cursor; its description follows.
    const heat = p.page.locator('.heat-canvas').first();
    await heat.focus();
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowRight');
    await p.settle();
    const sel = ((await p.posted()) as { type: string; layer?: number; unit?: number }[]).filter((m) => m.type === 'selectUnit').at(-1);
    assert.deepEqual(sel, { type: 'selectUnit', layer: 0, unit: 1 }, 'the second unit (index order) is selected');
    assert.equal(await cursorOf(p), 1, 'right on a heatmap moves the cursor');
    assert.match((await p.page.textContent('#heat-desc-0')) ?? '', /^h_t, layer 0, at t = 1: highest unit \d+ at .*Selected unit 1: /);
    assert.match((await p.page.textContent('#heat-readout')) ?? '', /unit 1 \(selected\) at t = 1/);

    // The prediction strip: arrows move the cursor and the current column is marked for screen readers.
    await p.page.focus('.pred-strip');
    await p.page.keyboard.press('ArrowRight');
    await p.settle();
    assert.equal(await cursorOf(p), 2);
    assert.equal(await p.page.getAttribute('.pred-col[data-t="2"]', 'aria-current'), 'step');
    assert.equal(await p.page.locator('.pred-col[aria-current]').count(), 1);

    const cursors = ((await p.posted()) as { type: string; t?: number }[]).filter((m) => m.type === 'cursor');
    assert.deepEqual(cursors.at(-1), { type: 'cursor', t: 2, direction: 'backward', seq: cursors.length }, 'keyboard moves are reported to the host');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  it('panel: reduced motion (the OS setting or VS Code\'s) pans the graph without animation', async () => {
    const trace = loadTrace('lstm-english');
    const motion = await panel(trace);
    await motion.page.focus('#graph');
    await motion.page.keyboard.press('End');
    await motion.settle();
    assert.equal(await motion.page.getAttribute('#graph', 'data-last-pan'), 'animated');
    await motion.page.evaluate(() => (globalThis as unknown as { document: { body: { classList: { add(c: string): void } } } }).document.body.classList.add('vscode-reduce-motion'));
    await motion.page.keyboard.press('Home');
    await motion.settle();
    assert.equal(await motion.page.getAttribute('#graph', 'data-last-pan'), 'jump', 'VS Code\'s reduce-motion class is respected');
    await motion.page.context().close();

    const still = await panel(trace, { reducedMotion: true });
    await still.page.focus('#graph');
    await still.page.keyboard.press('End');
    await still.settle();
    assert.equal(await still.page.getAttribute('#graph', 'data-last-pan'), 'jump', 'prefers-reduced-motion is respected');
    const behavior = await still.page.evaluate(() => (globalThis as unknown as FocusGlobals & { document: { querySelector(s: string): unknown } }).getComputedStyle((globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('.pred-strip')) as unknown as { transitionDuration: string });
    assert.ok(behavior.transitionDuration === '0s', 'no transitions under reduced motion');
    await still.page.context().close();
  });

  it('panel: shows the state and the last training rate instead of "0 chars/s" when not training', async () => {
    const trace = loadTrace('rnn-english');
    const p = await panel(trace);
    assert.match((await p.page.textContent('#progress-text')) ?? '', /· paused$/, 'no rate known yet: just the state');
    await p.send({ type: 'progress', progress: { step: 10, loss: 3, valLoss: null, charsPerSec: 5321, state: 'training' } });
    await p.settle();
    assert.match((await p.page.textContent('#progress-text')) ?? '', /· 5,321 chars\/s$/);
    await p.send({ type: 'progress', progress: { step: 11, loss: 3, valLoss: null, charsPerSec: 0, state: 'paused' } });
    await p.settle();
    const text = (await p.page.textContent('#progress-text')) ?? '';
    assert.match(text, /· paused \(5,321 chars\/s while training\)$/);
    assert.ok(!/\b0 chars\/s/.test(text), text);
    await p.page.context().close();
  });

  it('panel: high contrast marks the current prediction with a border, not a fill, and outlines the canvases\' colours', async () => {
    const p = await panel(loadTrace('gru-english'));
    for (const [theme, active] of [['hc-dark', 'rgb(243, 133, 24)'], ['hc-light', 'rgb(0, 107, 189)']] as const) {
      await p.setTheme(theme);
      const style = await p.page.locator('.pred-col.current').evaluate((e) => {
        const s = (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string; borderTopColor: string; borderTopWidth: string } }).getComputedStyle(e);
        return { bg: s.backgroundColor, border: s.borderTopColor, width: s.borderTopWidth };
      });
      assert.equal(style.bg, 'rgba(0, 0, 0, 0)', `${theme}: no fill behind the current column's text`);
      assert.equal(style.border, active, `${theme}: contrastActiveBorder marks it`);
      assert.equal(style.width, '2px');
    }
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  it('gradient view: Tab reaches the layer, Follow cursor and the matrix; the keyboard chooses rows', async () => {
    const p = await h.open('gradient', { width: 520, height: 900 });
    await p.setTheme('hc-dark');
    await p.send(sessionFor(twoLayers));
    await p.sendTrace(twoLayers);
    await p.settle();
    const stops = await tabThrough(p, 30);
    assert.ok(stops.some((s) => s.tag === 'SELECT'), 'the layer select');
    assert.ok(stops.some((s) => s.label.startsWith('Let the chosen row follow')), 'Follow cursor');
    assert.ok(stops.some((s) => s.tag === 'CANVAS' && s.label.startsWith('Itemized BPTT matrix')), 'the matrix');
    for (const s of stops) assert.equal(s.outline, 'dashed', `${s.tag} "${s.label}" shows a high-contrast focus ring`);
    await p.page.focus('canvas.matrix');
    await p.page.keyboard.press('End');
    await p.settle();
    assert.equal(await p.page.getAttribute('#row-text', 'data-row'), String(twoLayers.header.steps - 1));
    await p.page.keyboard.press('ArrowUp');
    await p.settle();
    assert.equal(await p.page.getAttribute('#row-text', 'data-row'), String(twoLayers.header.steps - 2));
    await p.page.keyboard.press('Home');
    await p.settle();
    assert.equal(await p.page.getAttribute('#row-text', 'data-row'), '0');
    assert.equal(await p.page.getAttribute('canvas.matrix', 'aria-describedby'), 'row-text', 'the matrix is described by the chosen row\'s text');
    assert.equal(await p.page.getAttribute('#row-text', 'aria-live'), 'polite');
    const cursors = ((await p.posted()) as { type: string; t?: number }[]).filter((m) => m.type === 'cursor');
    assert.deepEqual(cursors.at(-1), { type: 'cursor', t: 0, direction: 'backward' });
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });
});
