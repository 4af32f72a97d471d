/**
 * Issue 12: every picture readable at its default size. The panel in headless Chromium at
 * 1600×1000 and as a 360 px wide panel, fed the recorded traces (LSTM 64 steps × 128 units, a
 * 3-layer RNN, a GRU), measured as drawn: the size of every piece of text the graph's canvas
 * paints (fillText is recorded with its font and transform), the nodes at the default zoom, and
 * that the cursor stays among the shown columns while stepping.
 */

import { strict as assert } from 'node:assert';
import { startHarness, sessionFor, type Harness, type WebviewPage } from './harness';
import { loadTrace } from '../fixtures/traces/traceFile';
import { TraceData } from '../../webview/shared/traceData';

const SIZES = [{ width: 1600, height: 1000 }, { width: 360, height: 800 }] as const;
const FIXTURES = ['lstm-english', 'rnn-english', 'gru-english'] as const;

/** Browser globals for the fillText recorder (the Node tsconfig has no DOM lib). */
interface TextRecord { text: string; px: number; canvas: string }
interface RecorderGlobals {
  __texts: TextRecord[];
  devicePixelRatio: number;
  CanvasRenderingContext2D: { prototype: { fillText(this: RecorderContext, text: string, x: number, y: number): void } };
}
interface RecorderContext {
  font: string;
  canvas: { closest(s: string): { id: string } | null; id: string; className: string };
  getTransform(): { a: number; d: number };
}

/** Records every fillText with its on-screen size in CSS px: the font's px times the transform's scale. */
async function recordText(p: WebviewPage): Promise<void> {
  await p.page.addInitScript(() => {
    const g = globalThis as unknown as RecorderGlobals;
    g.__texts = [];
    const proto = g.CanvasRenderingContext2D.prototype;
    const fillText = proto.fillText;
    proto.fillText = function (this: RecorderContext, text: string, _x: number, _y: number) {
      const px = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? 0);
      const m = this.getTransform();
      const where = this.canvas.closest('[id]');
      if (String(text).trim() !== '') g.__texts.push({ text: String(text), px: (px * Math.min(Math.abs(m.a), Math.abs(m.d))) / g.devicePixelRatio, canvas: where?.id ?? this.canvas.className });
      // eslint-disable-next-line prefer-rest-params
      return fillText.apply(this, arguments as unknown as [string, number, number]);
    };
  });
}

describe('every picture readable at its default size (Chromium, issue 12)', function () {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await page?.page.context().close(); await h?.close(); });

  /** One page for the whole suite (a fresh page per case would double the suite's time); traces replace each other as in a session. */
  let page: WebviewPage | null = null;
  async function open(name: string, size: { width: number; height: number }): Promise<{ p: WebviewPage; d: TraceData }> {
    if (!page) {
      page = await h.open('panel', { ...size, reducedMotion: true });
      await recordText(page);
      await page.page.reload();
      await page.page.waitForFunction(() => ((globalThis as unknown as { __posted: { type: string }[] }).__posted).some((m) => m.type === 'ready'));
      await page.setTheme('dark');
    }
    const p = page;
    await p.page.setViewportSize(size);
    const trace = loadTrace(name);
    await p.send(sessionFor(trace));
    await p.send({ type: 'progress', progress: { step: trace.header.trainingStep, loss: trace.header.meanLoss, valLoss: 1.5, charsPerSec: 12000, state: 'paused' } });
    await p.sendTrace(trace);
    await p.settle();
    // What the graph draws from here on: the new trace at this size.
    await p.page.evaluate(() => { (globalThis as unknown as RecorderGlobals).__texts.length = 0; });
    await p.page.focus('#graph');
    await p.page.keyboard.press('ArrowRight');
    await p.settle();
    await p.settle();
    return { p, d: new TraceData(trace) };
  }

  async function texts(p: WebviewPage, canvas: string): Promise<TextRecord[]> {
    const all = await p.page.evaluate(() => (globalThis as unknown as RecorderGlobals).__texts.slice());
    return all.filter((r) => r.canvas === canvas);
  }

  for (const size of SIZES) {
    for (const name of FIXTURES) {
      it(`${name} at ${size.width} px: graph labels ≥ 11 px, nodes ≥ 32 px, rows named, the cursor kept in view`, async () => {
        const { p, d } = await open(name, size);
        assert.ok(Number(await p.page.getAttribute('#graph', 'data-node-px')) >= 32, 'nodes at least 32 px at the default zoom');
        assert.ok(Number(await p.page.getAttribute('#graph', 'data-label-px')) >= 11);
        const drawn = await texts(p, 'graph');
        assert.ok(drawn.length > 20, `the graph drew its text (${drawn.length} strings)`);
        const small = drawn.filter((r) => r.px < 11);
        assert.deepEqual(small, [], 'no text under 11 CSS px in the graph');
        // Rows named as the lecture writes them.
        const names = new Set(drawn.map((r) => r.text));
        for (const row of ['x_t', 'ŷ_t', 'L_t']) assert.ok(names.has(row), `row ${row} named`);
        if (d.L > 1) for (const row of ['h_t⁰', 'h_t¹', 'h_t²']) assert.ok(names.has(row), `row ${row} named`);
        else assert.ok(names.has('h_t'));
        // The graph canvas is no wider than the panel: nothing drawn off to the side.
        const box = (await p.page.locator('#graph').boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= size.width, 'the graph fits the panel');
        const cols = Number(await p.page.getAttribute('#graph', 'data-columns'));
        assert.ok(cols >= 4, `at least four readable columns (${cols})`);
        // Stepping to the end and back keeps the cursor among the shown columns; the overview agrees.
        for (const key of ['End', 'ArrowLeft', 'Home', 'ArrowRight', 'ArrowRight']) {
          await p.page.focus('#graph');
          await p.page.keyboard.press(key);
          await p.settle();
          const t = Number(await p.page.inputValue('#t-slider'));
          const first = Number(await p.page.getAttribute('#graph', 'data-first'));
          assert.ok(t >= first && t < first + cols, `${key}: cursor ${t} within the shown ${first}..${first + cols - 1}`);
          assert.equal(await p.page.getAttribute('#graph-overview', 'data-first'), String(first));
          assert.equal(await p.page.getAttribute('#graph-overview', 'data-cursor'), String(t));
        }
        // A click on the overview strip moves the cursor there.
        const strip = (await p.page.locator('#graph-overview').boundingBox())!;
        // The strip draws its T bars between 6 px margins.
        await p.page.mouse.click(strip.x + 6 + (strip.width - 12) * ((d.T - 2 + 0.5) / d.T), strip.y + 10);
        await p.settle();
        assert.equal(await p.page.inputValue('#t-slider'), String(d.T - 2), 'the overview moves the cursor');
        assert.deepEqual(await p.cspViolations(), []);
        assert.deepEqual(p.errors, []);
      });
    }
  }

  it('the graph names its colours: a colour bar for h_t, and going backward one for the gradient bands', async () => {
    const { p } = await open('lstm-english', SIZES[0]);
    assert.equal(await p.page.getAttribute('#graph-state-scale', 'data-low'), '−1');
    assert.equal(await p.page.isVisible('#graph-gradient-scale'), false);
    await p.page.click('#direction');
    await p.settle();
    assert.equal(await p.page.isVisible('#graph-gradient-scale'), true);
    assert.match((await p.page.getAttribute('#graph-gradient-scale', 'data-name')) ?? '', /‖dL\/dh_t‖/);
    await p.page.click('#direction');
    await p.settle();
  });
});
