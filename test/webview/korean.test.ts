/**
 * The panel and Gradient Flow in Korean, as the host serves them with VS Code's Korean bundle: no
 * English word is left in their text, tooltips or screen-reader labels (symbols, file and tensor
 * names, and units such as nats aside). Screenshots in test-results/screenshots/korean-*.png.
 */

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { startHarness, sessionFor, SCREENSHOTS, type Harness, type WebviewPage } from './harness';
import { loadTrace } from '../fixtures/traces/traceFile';

/** Words that read the same in Korean text: function names, units, optimizers, the fixtures' file name. */
const SYMBOLS = new Set(['tanh', 'softmax', 'nats', 'adam', 'sgd', 'english', 'txt', 'max']);

/** The page's words of three or more Latin letters: its text, and every title and aria-label. */
async function englishWords(p: WebviewPage, selector: string): Promise<string[]> {
  const texts = await p.page.locator(selector).evaluateAll((els) => els.flatMap((root) => {
    const e = root as unknown as { innerText: string; querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }>; getAttribute(n: string): string | null };
    const labelled = [e, ...Array.from(e.querySelectorAll('[title], [aria-label]'))];
    return [e.innerText, ...labelled.flatMap((x) => [x.getAttribute('title') ?? '', x.getAttribute('aria-label') ?? ''])];
  }));
  // Identifiers (W_hh, rnn.weight_hh_l0, rnnLens.maxSteps) and symbols are not words.
  const words = texts.join('\n').replace(/[\w.]*[_.][\w.]*/g, ' ').match(/[A-Za-z]{3,}/g) ?? [];
  // Names: the cells, keys, and weights and biases written with a subscript (W<sub>hh</sub> reads "Whh", b<sub>xn</sub> "bxn").
  return [...new Set(words)].filter((w) => !SYMBOLS.has(w.toLowerCase()) && !/^(RNN|LSTM|GRU|BPTT|NaN|PyTorch|Ctrl|Enter|Home|End|Shift|Tab|Alt|[Wb][a-z]{2})$/.test(w));
}

describe('the webviews in Korean (the host\'s Korean table)', function () {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h?.close(); });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`panel, ${cell}: header, graph, cell diagram, heatmap and charts have no English words`, async () => {
      const trace = loadTrace(`${cell}-english`);
      const p = await h.open('panel', { lang: 'ko' });
      try {
        await p.setTheme('light');
        await p.send(sessionFor(trace));
        await p.send({ type: 'progress', progress: { step: trace.header.trainingStep, loss: trace.header.meanLoss, valLoss: 1.5, charsPerSec: 12000, state: 'paused' } });
        await p.sendTrace(trace);
        await p.settle();
        assert.equal(await p.page.getAttribute('html', 'lang'), 'ko');
        assert.match(await p.page.innerText('#cell-caption'), new RegExp(`^${cell.toUpperCase()} 셀, 층 0, t = \\d+: 입력 `));
        for (const section of ['#graph-section', '#cell-section', '#heatmap-section', '#loss-section']) {
          assert.deepEqual(await englishWords(p, section), [], `${section} is Korean`);
        }
        await p.page.locator('#cell-section').screenshot({ path: join(SCREENSHOTS, `korean-cell-${cell}.png`) });
        assert.deepEqual(p.errors, []);
      } finally {
        await p.page.context().close();
      }
    });
  }

  it('Gradient Flow: headings, captions, the diagnosis and the gated-cell note have no English words', async () => {
    const trace = loadTrace('gru-english');
    const p = await h.open('gradient', { width: 520, height: 1400, lang: 'ko' });
    try {
      await p.setTheme('light');
      await p.send(sessionFor(trace));
      for (let step = 1; step <= 20; step++) {
        await p.send({ type: 'stats', stats: {
          step, gradNorm: 2 / Math.sqrt(step), clipScale: 1, spectralNorms: Array.from({ length: trace.header.layers }, () => 0.9),
          tensors: trace.header.paramNames.map((name, i) => ({ name, gradNorm: 1 / (i + 1), weightNorm: 3 + i, updateNorm: 0.002 * (i + 1) })),
        } });
      }
      await p.sendTrace(trace);
      await p.settle();
      assert.match(await p.page.innerText('#spectral-note'), /갱신 게이트/);
      assert.deepEqual(await englishWords(p, '#app'), [], 'Gradient Flow is Korean');
      await p.page.screenshot({ path: join(SCREENSHOTS, 'korean-gradient.png'), fullPage: true });
      assert.deepEqual(p.errors, []);
    } finally {
      await p.page.context().close();
    }
  });
});
