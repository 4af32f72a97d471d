/**
 * The Gradient Flow view in headless Chromium, under the real CSP, fed recorded engine traces
 * and stats messages.
 */

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { startHarness, sessionFor, SCREENSHOTS, THEME_KINDS, type Harness, type WebviewPage } from './harness';
import { loadTrace } from '../fixtures/traces/traceFile';
import { TraceData, layerHorizon } from '../../webview/shared/traceData';
import { type PageElement } from './pageGlobals';
import { formatValue } from '../../src/protocol/format';

describe('gradient flow webview (Chromium)', function () {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h?.close(); });

  async function openWith(name: string, size = { width: 520, height: 900 }): Promise<{ p: WebviewPage; d: TraceData }> {
    const trace = loadTrace(name);
    const p = await h.open('gradient', size);
    await p.setTheme('light');
    await p.send(sessionFor(trace));
    for (let step = 1; step <= 40; step++) {
      const gradNorm = step === 30 ? 12.5 : 2 / Math.sqrt(step);
      await p.send({
        type: 'stats',
        stats: {
          step, gradNorm, clipScale: step === 30 ? 5 / 12.5 : 1, spectralNorms: Array.from({ length: trace.header.layers }, (_, l) => 0.9 + 0.01 * step + 0.1 * l),
          tensors: trace.header.paramNames.map((name, i) => ({ name, gradNorm: gradNorm / (i + 1), weightNorm: 3 + i, updateNorm: 0.002 * (i + 1) })),
          ...(step === 35 ? { nonFinite: true } : {}),
        },
      });
    }
    await p.sendTrace(trace);
    await p.settle();
    return { p, d: new TraceData(trace) };
  }

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: shows the trace's gradient norms and Jacobians, follows the cursor, no CSP violations`, async () => {
      const { p, d } = await openWith(`${cell}-english`);
      const cells = await p.page.locator('#norms-table td').evaluateAll((tds) => tds.map((node) => { const td = node as unknown as PageElement; return { kind: td.dataset.kind, layer: Number(td.dataset.layer), value: Number(td.dataset.value), t: Number(td.parentElement?.dataset.t) }; }));
      const kinds = d.isLstm ? 3 : 2;
      assert.equal(cells.length, d.T * d.L * kinds);
      for (const c of cells) {
        const expected = c.kind === 'dh' ? d.dhNorms[c.layer * d.T + c.t] : c.kind === 'dc' ? d.dcNorms[c.layer * d.T + c.t] : d.jacobian(c.layer, c.t);
        assert.equal(c.value, expected, `${c.kind} at t=${c.t}`);
      }
      // The matrix row follows the cursor; its horizon is the trace's.
      await p.send({ type: 'cursor', t: d.T - 1, direction: 'backward' });
      await p.settle();
      assert.equal(await p.page.getAttribute('#row-text', 'data-row'), String(d.T - 1));
      assert.equal(Number(await p.page.getAttribute('#row-text', 'data-horizon')), d.horizon(0, d.T - 1));
      // The notation rendered: ∂ for the derivative, real subscripts (text content "‖∂(Lt/T)/∂ht‖").
      assert.match((await p.page.textContent('#row-text')) ?? '', new RegExp(`‖∂\\(Lt/T\\)/∂ht‖ = ${escape(formatValue(d.itemized(0, d.T - 1, d.T - 1)))}`));
      assert.deepEqual(await p.page.locator('#row-text sub').allTextContents(), ['t', 't']);
      const diagnosis = await p.page.locator('#diagnosis li').allTextContents();
      assert.ok(diagnosis.some((x) => x.includes(`horizon ${layerHorizon(d, 0)} steps${d.L > 1 ? ' (layer 0)' : ''} of a`)), diagnosis.join('\n'));
      // The reason given is the cell's own: W_hh only for the vanilla RNN.
      const said = diagnosis.join('\n');
      if (cell === 'rnn') assert.match(said, /largest singular value of Whh/);
      // No notation left as typed: W<sub>hh</sub>, ∂L/∂c<sub>t−1</sub>, f<sup>10</sup>.
      assert.ok(!/[_^]|\bd[Lh]\//.test(said), said);
      if (cell === 'lstm') {
        assert.match(said, /∂L\/∂ct−1 = ∂L\/∂ct ⊙ ft/);
        assert.ok((await p.page.locator('#diagnosis li sub').allTextContents()).includes('t−1'));
        assert.ok((await p.page.locator('#diagnosis li sup').allTextContents()).includes('10'), 'f to the power 10 as a superscript');
      }
      if (cell === 'rnn') assert.ok((await p.page.locator('#diagnosis li sub').allTextContents()).includes('hh'), 'W with subscript hh');
      else assert.ok(!/singular value/.test(said), said);
      if (cell === 'lstm') assert.match(said, /forget gate/);
      if (cell === 'gru') assert.match(said, /update gate/);
      assert.ok(diagnosis.some((x) => x.startsWith('exploding: gradient norm 12.5 at step 30, clipped to 5')), diagnosis.join('\n'));
      assert.ok(diagnosis.some((x) => x.startsWith('non-finite gradient at step 35')), diagnosis.join('\n'));
      // Clicking a matrix row chooses it and moves everyone's cursor there.
      const box = (await p.page.locator('canvas.matrix').boundingBox())!;
      const size = Math.min(box.width - 100, box.height - 20);
      const row = Math.floor(d.T / 2);
      await p.page.mouse.click(box.x + 40 + size * 0.1, box.y + 4 + (row + 0.5) * (size / d.T));
      await p.settle();
      assert.equal(await p.page.getAttribute('#row-text', 'data-row'), String(row));
      const posted = (await p.posted()) as { type: string; t?: number }[];
      assert.deepEqual(posted.filter((m) => m.type === 'cursor').at(-1), { type: 'cursor', t: row, direction: 'backward' });
      for (const theme of THEME_KINDS) {
        await p.setTheme(theme);
        await p.page.screenshot({ path: join(SCREENSHOTS, `gradient-${cell}-${theme}.png`), fullPage: true });
      }
      assert.deepEqual(await p.cspViolations(), []);
      assert.deepEqual(p.errors, []);
      await p.page.context().close();
    });
  }

  // Issue 12: the view in the 300 px sidebar and moved to the bottom panel (wide, short), in high contrast.
  for (const size of [{ width: 300, height: 900, where: 'the sidebar' }, { width: 1000, height: 260, where: 'the bottom panel' }]) {
    for (const cell of size.width === 300 ? ['rnn', 'lstm', 'gru'] as const : ['lstm'] as const) {
      it(`${cell} in ${size.where} (${size.width} × ${size.height}): every chart's legend names every series, dashed ones dashed, no text cut; σ_max(W_hh) only for the vanilla RNN`, async () => {
        const { p, d } = await openWith(`${cell}-english`, size);
        await p.send({ type: 'cursor', t: d.T - 1, direction: 'backward' });
        for (const theme of ['hc-dark', 'light'] as const) {
          await p.setTheme(theme);
          const charts = await p.page.locator('canvas.chart:visible').evaluateAll((els) => els.map((e) => {
            const c = e as unknown as PageElement & { getAttribute(n: string): string | null; width: number };
            return { label: c.getAttribute('aria-label') ?? '', legend: c.dataset.legend ?? '', dashed: c.dataset.legendDashed ?? '', clipped: c.dataset.clipped, empty: c.dataset.empty };
          }));
          assert.ok(charts.length >= 5, `${charts.length} charts shown`);
          for (const c of charts) assert.equal(c.clipped, '', `${theme}: "${c.label}" cuts ${c.clipped}`);
          const norms = charts.find((c) => c.label.startsWith('Gradient norm per timestep'))!;
          const names = norms.legend.split('|');
          assert.equal(names.length, d.L * (d.isLstm ? 2 : 1), norms.legend);
          if (d.isLstm) assert.equal(norms.dashed, '01'.repeat(d.L), 'the dL/dc series are dashed in the legend as in the plot');
          const tensors = charts.find((c) => c.label.startsWith('Gradient norm per tensor'))!;
          assert.deepEqual(tensors.legend.split('|'), ['global ‖g‖', ...d.header.paramNames.map((n) => n.replace(/^rnn\./, ''))], 'every tensor named');
          const decay = charts.find((c) => c.label.startsWith('Decay of the chosen row'))!;
          assert.equal(decay.empty, 'false');
          assert.equal(charts.some((c) => c.label.startsWith('Largest singular value of W_hh')), cell === 'rnn', 'the W_hh chart only for the vanilla RNN');
          assert.equal(await p.page.isVisible('#spectral-note'), cell !== 'rnn');
          if (cell !== 'rnn') assert.match((await p.page.textContent('#spectral-note')) ?? '', cell === 'lstm' ? /forget gate/ : /update gate/);
          // The matrix's colour key is a log scale ticked at powers of ten (or 1-2-5), never "1e-1.5".
          const ticks = ((await p.page.getAttribute('canvas.matrix', 'data-key-ticks')) ?? '').split('|');
          assert.ok(ticks.length >= 2, ticks.join());
          for (const tick of ticks) assert.match(tick, /^([125](e-?\d+)?|0\.0*[125]|[125]0*)$/);
          // Log axes ticked at powers of ten or 1-2-5, at least two ticks each.
          for (const label of ['Decay of the chosen row', 'Jacobian norm per step', 'Gradient norm per timestep']) {
            const yTicks = ((await p.page.locator(`canvas.chart[aria-label^="${label}"]`).getAttribute('data-y-ticks')) ?? '').split('|').filter(Boolean);
            assert.ok(yTicks.length >= 2, `${label}: y ticks ${yTicks.join(', ')}`);
            for (const tick of yTicks) assert.match(tick, /^([125](e-?\d+)?|0\.0*[125]|[125]0*|[125],000)$/, `${label}: tick ${tick}`);
          }
          // A reference line's label never sits on a curve: in light, no pixel of the curve's blue inside the label's box.
          if (theme === 'light') {
            for (const label of ['Decay of the chosen row', 'Jacobian norm per step']) {
              const found = await p.page.locator(`canvas.chart[aria-label^="${label}"]`).evaluate((node) => {
                const c = node as unknown as PageElement & { getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }; width: number; clientWidth: number };
                const r = c.width / c.clientWidth;
                const labels = JSON.parse(c.dataset.hlineLabels ?? '[]') as { label: string; box: { left: number; top: number; right: number; bottom: number } | null }[];
                return labels.map(({ label, box }) => {
                  if (!box) return { label, blue: 0, inLegend: true };
                  const x = Math.floor(box.left * r), y = Math.floor(box.top * r);
                  const img = c.getContext('2d').getImageData(x, y, Math.ceil((box.right - box.left) * r), Math.ceil((box.bottom - box.top) * r)).data;
                  let blue = 0;
                  // The light theme's series blue, #1a85ff, and its antialiased edges.
                  for (let i = 0; i < img.length; i += 4) if (Math.abs(img[i] - 26) < 50 && Math.abs(img[i + 1] - 133) < 50 && img[i + 2] > 225) blue++;
                  return { label, blue, inLegend: false };
                });
              });
              assert.ok(found.length >= 1, `${label}: its reference line is labelled`);
              for (const f of found) {
                assert.equal(f.blue, 0, `${label}: "${f.label}" is written over the curve (${f.blue} curve pixels in its box)`);
                if (f.inLegend) assert.ok(((await p.page.locator(`canvas.chart[aria-label^="${label}"]`).getAttribute('data-legend')) ?? '') !== '', 'a label with no free place is named in the legend');
              }
            }
          }
          await p.page.screenshot({ path: join(SCREENSHOTS, `gradient-${cell}-${size.width}-${theme}.png`), fullPage: true });
        }
        assert.deepEqual(p.errors, []);
        await p.page.context().close();
      });
    }
  }

  it('shows a shorter gradient horizon for the vanilla RNN\'s top layer than for the LSTM on the same text', async () => {
    const horizons: Record<string, number> = {};
    for (const cell of ['rnn', 'lstm'] as const) {
      const { p, d } = await openWith(`${cell}-english`);
      const top = d.L - 1;
      // One layer goes unnamed; with several, the top one is "(layer N)".
      const named = d.L > 1 ? ` \\(layer ${top}\\)` : '';
      const line = (await p.page.locator('#diagnosis li').allTextContents()).find((x) => new RegExp(`horizon \\d+ steps${named} of a`).test(x))!;
      const m = new RegExp(`horizon (\\d+) steps${named} of a`).exec(line);
      assert.ok(m, line);
      horizons[cell] = Number(m[1]);
      assert.equal(horizons[cell], layerHorizon(d, top));
      await p.page.context().close();
    }
    assert.ok(horizons.rnn < horizons.lstm, `rnn ${horizons.rnn} < lstm ${horizons.lstm}`);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
