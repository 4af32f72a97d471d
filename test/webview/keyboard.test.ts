/**
 * Getting around the panel by keyboard (issue 19 point 7): its sections are landmarks with skip
 * links to them, and the cell's list of equations and operators is one tab stop whose lines the
 * arrow keys walk (a roving tabindex), not a tab stop per line.
 */

import { strict as assert } from 'node:assert';
import { startHarness, sessionFor, type Harness, type WebviewPage } from './harness';
import { loadTrace } from '../fixtures/traces/traceFile';

/** Browser globals used inside page.evaluate (the Node tsconfig has no DOM lib). */
interface Globals {
  document: {
    activeElement: { id: string; tagName: string; className: string; textContent: string | null; closest(s: string): { id: string } | null } | null;
    querySelectorAll(s: string): ArrayLike<{ id: string; getAttribute(n: string): string | null }>;
    getElementById(id: string): { textContent: string | null } | null;
  };
}

describe('keyboard: landmarks, skip links and one tab stop per list (Chromium)', function () {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h?.close(); });

  async function panel(): Promise<WebviewPage> {
    const trace = loadTrace('lstm-english');
    const p = await h.open('panel');
    await p.setTheme('dark');
    await p.send(sessionFor(trace));
    await p.send({ type: 'progress', progress: { step: 3, loss: 3.1, valLoss: null, charsPerSec: 0, state: 'paused' } });
    await p.sendTrace(trace);
    await p.settle();
    return p;
  }

  const active = (p: WebviewPage): Promise<{ id: string; tag: string; className: string; text: string; section: string }> => p.page.evaluate(() => {
    const a = (globalThis as unknown as Globals).document.activeElement;
    return { id: a?.id ?? '', tag: a?.tagName ?? '', className: a?.className ?? '', text: a?.textContent ?? '', section: a?.closest('section')?.id ?? '' };
  });

  it('every section is a landmark named by its heading, and the first Tab offers a link to each', async () => {
    const p = await panel();
    const sections = await p.page.evaluate(() => {
      const d = (globalThis as unknown as Globals).document;
      return Array.from(d.querySelectorAll('#app > section')).map((s) => ({ id: s.id, name: d.getElementById(s.getAttribute('aria-labelledby') ?? '')?.textContent ?? '' }));
    });
    assert.ok(sections.length >= 7, `sections: ${JSON.stringify(sections)}`);
    for (const s of sections) assert.ok(s.name.length > 0, `${s.id} is named by its heading`);
    const links = await p.page.locator('nav.skip-links a').allTextContents();
    assert.deepEqual(links, sections.map((s) => s.name), 'one skip link per section, named as it is');
    assert.equal(await p.page.getAttribute('nav.skip-links', 'aria-label'), 'Jump to a section');

    await p.page.keyboard.press('Tab');
    const first = await active(p);
    assert.equal(first.className, 'skip-link', 'the skip links come first');
    assert.ok(((await p.page.locator('nav.skip-links').boundingBox())?.width ?? 0) > 0, 'shown while focused');
    // To the loss chart: Tab along the links, Enter moves the focus into the section.
    const loss = sections.findIndex((s) => s.id === 'loss-section');
    for (let i = 0; i < loss; i++) await p.page.keyboard.press('Tab');
    assert.equal((await active(p)).text, sections[loss].name);
    await p.page.keyboard.press('Enter');
    assert.equal((await active(p)).id, 'loss-section', 'the focus is in the section, so the next Tab goes on from there');
    await p.page.keyboard.press('Tab');
    assert.notEqual((await active(p)).section, 'graph-section');
    assert.ok(((await p.page.locator('nav.skip-links').boundingBox())?.x ?? 0) < 0, 'the links are out of sight again');
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  it('the cell\'s equations and operators are one tab stop; the arrow keys, Home and End walk its lines without moving the cursor', async () => {
    const p = await panel();
    const lines = await p.page.locator('#cell-equations > li').count();
    assert.ok(lines >= 6, `an LSTM cell has its lines (${lines})`);
    const stops = await p.page.locator('#cell-equations > li[tabindex="0"]').count();
    assert.equal(stops, 1, 'one line takes the tab stop');
    assert.equal(await p.page.locator('#cell-equations > li[tabindex="-1"]').count(), lines - 1);
    const cursor = await p.page.inputValue('#t-slider');
    // Tab from the layer select (the control just before the list) lands on the list's first line.
    await p.page.focus('#cell-layer');
    await p.page.keyboard.press('Tab');
    let a = await active(p);
    assert.equal(a.tag, 'LI');
    const text0 = a.text;
    await p.page.keyboard.press('ArrowDown');
    a = await active(p);
    assert.equal(a.tag, 'LI');
    assert.notEqual(a.text, text0, 'ArrowDown goes to the next line');
    await p.page.keyboard.press('End');
    const lastText = await p.page.locator('#cell-equations > li').last().textContent();
    assert.equal((await active(p)).text, lastText, 'End goes to the last line');
    await p.page.keyboard.press('Home');
    assert.equal((await active(p)).text, text0, 'Home goes back to the first');
    await p.page.keyboard.press('ArrowRight');
    assert.equal(await p.page.inputValue('#t-slider'), cursor, 'arrows in the list do not move the timestep cursor');
    // Tab leaves the list at once (no stop per line), and Shift+Tab comes back to the line last visited.
    await p.page.keyboard.press('Tab');
    assert.notEqual((await active(p)).tag, 'LI');
    await p.page.keyboard.press('Shift+Tab');
    a = await active(p);
    assert.equal(a.tag, 'LI');
    assert.notEqual(a.text, text0, 'back on the line last visited');
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });
});
