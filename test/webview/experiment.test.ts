/**
 * The Run Experiment view in headless Chromium, under the real CSP: a state posted again (the host
 * replays it whenever the view is shown or focused) leaves the cards and their Open in Panel
 * buttons in place, so a click in progress is not lost; a changed cell redraws only its own card;
 * a card's values stay on one line at a narrow width.
 */

import { strict as assert } from 'node:assert';
import { startHarness, type Harness, type WebviewPage } from './harness';

const CELLS = ['rnn', 'lstm', 'gru'] as const;

function state(seconds: Record<(typeof CELLS)[number], number>) {
  return {
    type: 'experiment',
    task: { kind: 'lag', lag: 20 },
    settings: { seed: 2, hidden: 32, seqLen: 64, batch: 32, optimizer: 'adam', lr: 0.01, clipNorm: 5 },
    chance: Math.log(8),
    totalSteps: 60,
    cells: CELLS.map((cell, i) => ({
      cell,
      status: 'done',
      points: [{ step: 30, loss: 2.5, heldOutLoss: 2.4, memoryLoss: 2.3 }, { step: 60, loss: 2.2 - i / 10, heldOutLoss: 2.2, memoryLoss: 2.1 - i / 10 }],
      result: { steps: 60, seconds: seconds[cell], params: 2388 + 1000 * i, horizon: 12 + i, memorySpan: 15.6 },
      error: null,
    })),
  };
}

describe('Run Experiment webview (Chromium)', function () {
  let h: Harness;
  let p: WebviewPage;
  before(async () => {
    h = await startHarness();
    p = await h.open('experiment', { width: 560, height: 800 });
    await p.setTheme('dark');
  });
  after(async () => { await p?.page.context().close(); await h?.close(); });

  /** A card element as the page sees it, with the mark the test leaves on it. */
  type Card = { dataset: Record<string, string | undefined>; kept?: boolean };
  /** Marks each card's element, so the test can tell a kept element from a redrawn one. */
  const mark = (): Promise<void> => p.page.locator('.cell-card').evaluateAll((cs) => {
    for (const c of cs as unknown as Card[]) c.kept = true;
  });
  const kept = (): Promise<Record<string, boolean>> => p.page.locator('.cell-card').evaluateAll((cs) =>
    Object.fromEntries((cs as unknown as Card[]).map((c) => [c.dataset.cell ?? '', c.kept === true])));

  it('keeps every card when the same state comes again, and redraws only a changed one', async () => {
    const first = state({ rnn: 7.99, lstm: 9.6, gru: 9.62 });
    await p.send(first);
    await p.settle();
    assert.equal(await p.page.locator('.cell-card').count(), 3);
    await mark();
    await p.send(first);
    await p.settle();
    assert.deepEqual(await kept(), { rnn: true, lstm: true, gru: true });
    await p.send(state({ rnn: 7.99, lstm: 12.5, gru: 9.62 }));
    await p.settle();
    assert.deepEqual(await kept(), { rnn: true, lstm: false, gru: true });
    assert.match(await p.page.locator('.cell-card[data-cell="lstm"]').innerText(), /12\.5 s/);
  });

  it('a click on Open in Panel reaches the host while the same state is posted again', async () => {
    const s = state({ rnn: 7.99, lstm: 9.6, gru: 9.62 });
    await p.send(s);
    await p.settle();
    const button = p.page.locator('.cell-card[data-cell="lstm"] button');
    const box = (await button.boundingBox())!;
    await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.mouse.down();
    await p.send(s);
    await p.settle();
    await p.page.mouse.up();
    const posted = await p.posted();
    assert.ok(posted.some((m) => JSON.stringify(m) === JSON.stringify({ type: 'openCell', cell: 'lstm' })), `posted: ${JSON.stringify(posted)}`);
  });

  it('keeps each value and its unit on one line in a narrow view', async () => {
    // Line boxes of the text itself (a grid row is as tall as its longest label, so the element's height says nothing).
    type PageRange = { selectNodeContents(n: unknown): void; getClientRects(): ArrayLike<{ top: number }> };
    const heights = await p.page.locator('.cell-card dd').evaluateAll((dds) => dds.map((d) => {
      const range = (globalThis as unknown as { document: { createRange(): PageRange } }).document.createRange();
      range.selectNodeContents(d);
      const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
      return { text: (d as unknown as { textContent: string }).textContent, lines: tops.size };
    }));
    assert.ok(heights.length >= 15, `${heights.length} values`);
    for (const v of heights) assert.equal(v.lines, 1, `"${v.text}" takes ${v.lines} lines`);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
  });
});
