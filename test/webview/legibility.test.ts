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
import { visibleChar as visible } from '../../webview/shared/format';
import { formatLoss, formatValue } from '../../src/protocol/format';
import { traceSection } from '../../src/protocol/traceLayout';

const SIZES = [{ width: 1600, height: 1000 }, { width: 360, height: 800 }] as const;
const FIXTURES = ['lstm-english', 'rnn-english', 'gru-english'] as const;

/** Browser globals for the fillText recorder (the Node tsconfig has no DOM lib). */
/** A drawn string: its size and, in the canvas's CSS px, its horizontal extent and baseline height. */
interface TextRecord { text: string; px: number; canvas: string; left: number; right: number; y: number }
/** A stroked rectangle (a node's outline) in the canvas's CSS px. */
interface RectRecord { left: number; right: number; top: number; bottom: number; canvas: string }
interface RecorderGlobals {
  __texts: TextRecord[];
  __rects: RectRecord[];
  devicePixelRatio: number;
  CanvasRenderingContext2D: { prototype: {
    fillText(this: RecorderContext, text: string, x: number, y: number): void;
    strokeRect(this: RecorderContext, x: number, y: number, w: number, h: number): void;
  } };
}
interface RecorderContext {
  font: string;
  textAlign: string;
  canvas: { closest(s: string): { id: string } | null; id: string; className: string };
  getTransform(): { a: number; d: number; e: number; f: number };
  measureText(text: string): { width: number };
}

/** Records every fillText with its on-screen size in CSS px: the font's px times the transform's scale. */
async function recordText(p: WebviewPage): Promise<void> {
  await p.page.addInitScript(() => {
    const g = globalThis as unknown as RecorderGlobals;
    g.__texts = [];
    g.__rects = [];
    const proto = g.CanvasRenderingContext2D.prototype;
    const fillText = proto.fillText;
    const strokeRect = proto.strokeRect;
    const canvasOf = (c: RecorderContext): string => c.canvas.closest('[id]')?.id ?? c.canvas.className;
    proto.fillText = function (this: RecorderContext, text: string, x: number, y: number) {
      const px = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? 0);
      const m = this.getTransform();
      const r = g.devicePixelRatio;
      if (String(text).trim() !== '') {
        const width = (this.measureText(String(text)).width * Math.abs(m.a)) / r;
        const at = (m.a * x + m.e) / r;
        const left = this.textAlign === 'center' ? at - width / 2 : this.textAlign === 'right' || this.textAlign === 'end' ? at - width : at;
        g.__texts.push({ text: String(text), px: (px * Math.min(Math.abs(m.a), Math.abs(m.d))) / r, canvas: canvasOf(this), left, right: left + width, y: (m.d * y + m.f) / r });
      }
      // eslint-disable-next-line prefer-rest-params
      return fillText.apply(this, arguments as unknown as [string, number, number]);
    };
    proto.strokeRect = function (this: RecorderContext, x: number, y: number, w: number, h: number) {
      const m = this.getTransform();
      const r = g.devicePixelRatio;
      g.__rects.push({ left: (m.a * x + m.e) / r, right: (m.a * (x + w) + m.e) / r, top: (m.d * y + m.f) / r, bottom: (m.d * (y + h) + m.f) / r, canvas: canvasOf(this) });
      // eslint-disable-next-line prefer-rest-params
      return strokeRect.apply(this, arguments as unknown as [number, number, number, number]);
    };
  });
}

describe('every picture readable at its default size (Chromium, issue 12)', function () {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await page?.page.context().close(); await h?.close(); });

  /** One page for the whole suite (a fresh page per case would double the suite's time); traces replace each other as in a session. */
  let page: WebviewPage | null = null;
  async function open(name: string, size: { width: number; height: number }, losses?: readonly number[]): Promise<{ p: WebviewPage; d: TraceData }> {
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
    if (losses) traceSection(trace, 'loss').forEach((_, t, a) => { a[t] = losses[t % losses.length]; });
    await p.send(sessionFor(trace));
    for (const step of [trace.header.trainingStep - 1, trace.header.trainingStep]) await p.send({ type: 'progress', progress: { step, loss: trace.header.meanLoss, valLoss: 1.5, charsPerSec: 12000, state: 'paused' } });
    await p.settle();
    // What the views draw from here on: the new trace at this size.
    await p.page.evaluate(() => { const g = globalThis as unknown as RecorderGlobals; g.__texts.length = 0; g.__rects.length = 0; });
    await p.sendTrace(trace);
    await p.settle();
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
        // Every text the graph draws lies inside its canvas: nothing cut at the right edge of a narrow panel.
        const cut = drawn.filter((r) => r.left < -0.5 || r.right > box.width + 0.5).map((r) => `${r.text} (${r.left.toFixed(0)}..${r.right.toFixed(0)})`);
        assert.deepEqual([...new Set(cut)], [], `text cut at the graph's edges (${box.width} px wide)`);
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
        // The heatmap: at least 3 px per unit row, the characters under it, a colour bar with its name and range.
        const heat = p.page.locator('.heat-canvas').first();
        const rowPx = Number(await heat.getAttribute('data-row-px'));
        const colPx = Number(await heat.getAttribute('data-col-px'));
        assert.ok(rowPx >= 3, `heatmap rows ${rowPx} px`);
        const heatBox = (await heat.boundingBox())!;
        assert.ok(heatBox.height >= d.H * 3, `the map is ${heatBox.height} px tall for ${d.H} units`);
        const heatTexts = (await texts(p, 'heatmap-section')).map((r) => r.text);
        for (let t = 0; t < 8; t++) assert.ok(heatTexts.includes(visible(d.inputChar(t))), `character at t = ${t} under the map`);
        assert.equal(await p.page.getAttribute('#heat-scale', 'data-name'), 'h_t, hidden state (tanh):');
        assert.equal(await p.page.getAttribute('#heat-scale', 'data-low'), '−1');
        assert.equal(await p.page.getAttribute('#heat-scale', 'data-high'), '+1');
        // Hovering reads out layer, unit, t, character and value.
        const t = Number(await p.page.inputValue('#t-slider'));
        const unit = 5;
        await heat.hover({ position: { x: 34 + (t + 0.5) * colPx, y: (unit + 0.5) * rowPx } });
        const readout = (await p.page.textContent('#heat-readout')) ?? '';
        assert.ok(readout.startsWith(`h_t, layer 0, unit ${unit} at t = ${t} (input ${visible(d.inputChar(t))}): ${formatValue(d.h(0, t)[unit])}`), readout);
        assert.equal(Number(await p.page.getAttribute('#heat-readout', 'data-value')), d.h(0, t)[unit]);
        await p.page.mouse.move(0, 0);
        // Prediction columns: none overlaps its neighbour, none is cut at the strip's edges.
        await p.page.locator('.pred-strip').scrollIntoViewIfNeeded();
        const strip0 = (await p.page.locator('.pred-strip').boundingBox())!;
        const cols0 = await p.page.locator('.pred-col').evaluateAll((els) => els.map((e) => {
          const r = (e as unknown as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
          return { left: r.left, right: r.right };
        }));
        for (let i = 1; i < cols0.length; i++) assert.ok(cols0[i].left >= cols0[i - 1].right + 4, `prediction columns ${i - 1} and ${i} are apart`);
        const shown = cols0.filter((c) => c.right > strip0.x + 1 && c.left < strip0.x + strip0.width - 1);
        assert.ok(shown.length >= 3, `${shown.length} prediction columns in view`);
        for (const c of shown) assert.ok(c.left >= strip0.x - 0.5 && c.right <= strip0.x + strip0.width + 0.5, `a prediction column cut at the edge: ${c.left}..${c.right} in ${strip0.x}..${strip0.x + strip0.width}`);
        // The loss chart's baselines.
        const legendLines = await p.page.locator('#loss-text').textContent();
        assert.match(legendLines ?? '', new RegExp(`${formatLoss(Math.log(d.V)).replace('.', '\\.')} nats is a uniform guess`));
        // A click on the overview strip moves the cursor there.
        const strip = (await p.page.locator('#graph-overview').boundingBox())!;
        // The strip draws its T bars between 6 px margins.
        await p.page.locator('#graph-overview').click({ position: { x: 6 + (strip.width - 12) * ((d.T - 2 + 0.5) / d.T), y: 10 } });
        await p.settle();
        assert.equal(await p.page.inputValue('#t-slider'), String(d.T - 2), 'the overview moves the cursor');
        assert.deepEqual(await p.cspViolations(), []);
        assert.deepEqual(p.errors, []);
      });
    }
  }

  it('the L_t row: one loss per node, each inside its node and clear of its neighbours, also for tiny losses', async () => {
    // Losses a model reaches on a tiny repetitive text (hello.txt): 8 characters each at 4 digits.
    const tiny = [0.0894531, 0.002920, 7.848e-4, 0.001010, 8.703e-4, 0.001044, 8.935e-4, 7.153e-4];
    for (const size of SIZES) {
      const { p, d } = await open('rnn-english', size, tiny);
      await p.page.evaluate(() => { const g = globalThis as unknown as RecorderGlobals; g.__texts.length = 0; g.__rects.length = 0; });
      await p.page.focus('#graph');
      await p.page.keyboard.press('Home');
      await p.settle();
      await p.settle();
      const drawn = await texts(p, 'graph');
      const rects = (await p.page.evaluate(() => (globalThis as unknown as RecorderGlobals).__rects.slice())).filter((r) => r.canvas === 'graph');
      const cols = Number(await p.page.getAttribute('#graph', 'data-columns'));
      const first = Number(await p.page.getAttribute('#graph', 'data-first'));
      // The loss row is the topmost row of numbers (the predictions' probabilities are the row under it).
      const numeric = drawn.filter((r) => /^[0-9.,]+(e-?\d+)?$/.test(r.text));
      const topY = Math.min(...numeric.map((r) => r.y));
      const row = numeric.filter((r) => Math.abs(r.y - topY) < 1);
      // Each drawing pass paints every node once; the last pass is the one on screen.
      const shown = row.slice(-cols).sort((a, b) => a.left - b.left);
      assert.equal(shown.length, cols, `one loss label per shown column (${row.length} drawn over the passes, ${cols} columns)`);
      const digits = [4, 3, 2].find((k) => shown.every((r, s) => r.text === formatLoss(d.loss(first + s), k)));
      assert.ok(digits !== undefined, `every label is its step's loss through the formatter: ${shown.map((r) => r.text).join(' ')}`);
      for (let s = 0; s < shown.length; s++) {
        const r = shown[s];
        const box = rects.find((b) => b.left <= (r.left + r.right) / 2 && (r.left + r.right) / 2 <= b.right && b.top <= r.y && r.y <= b.bottom);
        assert.ok(box, `loss ${r.text} has a node around it`);
        assert.ok(r.left >= box.left + 1 && r.right <= box.right - 1, `${size.width} px: loss ${r.text} (${r.left.toFixed(1)}..${r.right.toFixed(1)}) inside its node (${box.left.toFixed(1)}..${box.right.toFixed(1)})`);
        if (s > 0) assert.ok(r.left >= shown[s - 1].right + 6, `${size.width} px: ${shown[s - 1].text} and ${r.text} are apart`);
      }
      assert.deepEqual(p.errors, []);
    }
  });

  it('the heatmap puts sigmoid gates on a sequential 0..1 scale and signed states on a diverging one', async () => {
    const { p, d } = await open('lstm-english', SIZES[0]);
    const sources = p.page.locator('#heatmap-section select').first();
    await sources.selectOption(`gate:${d.gateNames.indexOf('f')}`);
    await p.settle();
    assert.equal(await p.page.getAttribute('#heat-scale', 'data-name'), 'f, forget gate (σ: 0 closed, 1 open):');
    assert.equal(await p.page.getAttribute('#heat-scale', 'data-low'), '0');
    assert.equal(await p.page.getAttribute('#heat-scale', 'data-high'), '1');
    await sources.selectOption('c');
    await p.settle();
    const high = Number(await p.page.getAttribute('#heat-scale', 'data-high'));
    assert.equal(await p.page.getAttribute('#heat-scale', 'data-low'), formatValue(-high), 'c_t is centred on 0');
    let max = 0;
    for (let t = 0; t < d.T; t++) for (const v of d.c(0, t)) max = Math.max(max, Math.abs(v));
    assert.equal(String(high), formatValue(max), 'the range is the largest |c|');
    await sources.selectOption('h');
    await p.settle();
  });

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

  it('zoom: + and Ctrl+wheel show fewer, bigger columns (rows all in view, text never under 11 px); − and Fit go back; Centre on cursor centres it', async () => {
    const { p, d } = await open('rnn-english', SIZES[0]);
    const attr = async (name: string): Promise<number> => Number(await p.page.getAttribute('#graph', name));
    const cols1 = await attr('data-columns');
    const height1 = (await p.page.locator('#graph').boundingBox())!.height;
    assert.equal(await p.page.isDisabled('#graph-zoom-out'), true, 'nothing to zoom out to at the fitted level');
    await p.page.click('#graph-zoom-in');
    await p.settle();
    await p.settle();
    assert.equal(await attr('data-zoom'), 1.25);
    const cols2 = await attr('data-columns');
    assert.ok(cols2 < cols1, `zoomed in: ${cols2} columns, fewer than ${cols1}`);
    assert.ok(await attr('data-node-px') >= 32 * 1.25, 'nodes grow with the zoom');
    assert.ok((await p.page.locator('#graph').boundingBox())!.height > height1 * 1.2, 'the graph grows taller so every row stays in view');
    // Keyboard: + on the focused graph zooms further; Ctrl+wheel too.
    await p.page.focus('#graph');
    await p.page.keyboard.press('+');
    await p.settle();
    assert.equal(await attr('data-zoom'), 1.5);
    const box = (await p.page.locator('#graph').boundingBox())!;
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.keyboard.down('Control');
    await p.page.mouse.wheel(0, -100);
    await p.page.keyboard.up('Control');
    await p.settle();
    await p.settle();
    assert.equal(await attr('data-zoom'), 2, 'Ctrl+wheel up zooms in');
    const cols4 = await attr('data-columns');
    assert.ok(cols4 < cols2, `${cols4} columns at zoom 2`);
    // Centre on cursor: the cursor in the middle column.
    await p.page.focus('#graph');
    await p.page.keyboard.press('End');
    await p.settle();
    await p.page.keyboard.press('Home');
    for (let i = 0; i < 8; i++) await p.page.keyboard.press('ArrowRight');
    await p.settle();
    await p.page.click('#graph-centre');
    await p.settle();
    const t = Number(await p.page.inputValue('#t-slider'));
    assert.equal(t, 8);
    assert.equal(await attr('data-first'), Math.max(0, Math.min(d.T - cols4, t - Math.floor((cols4 - 1) / 2))), 'the cursor is centred');
    assert.equal(await p.page.getAttribute('#graph-overview', 'data-first'), String(await attr('data-first')), 'the overview shows the same columns');
    const small = (await texts(p, 'graph')).filter((r) => r.px < 11);
    assert.deepEqual(small, [], 'no text under 11 CSS px while zoomed');
    // − zooms out a level; Fit goes back to level 1 and its columns.
    await p.page.click('#graph-zoom-out');
    await p.settle();
    assert.equal(await attr('data-zoom'), 1.5);
    await p.page.click('#graph-fit');
    await p.settle();
    await p.settle();
    assert.equal(await attr('data-zoom'), 1);
    assert.equal(await attr('data-columns'), cols1);
    assert.ok(Math.abs((await p.page.locator('#graph').boundingBox())!.height - height1) < 1, 'back to the stylesheet\'s height');
    assert.deepEqual(p.errors, []);
  });
});
