/**
 * The Insight panel in headless Chromium, under the real CSP: the live What If's title, axis
 * caption and notice (the asked What If and the other answers are covered in a real VS Code).
 */

import { strict as assert } from 'node:assert';
import { startHarness, type Harness, type WebviewPage } from './harness';

describe('Insight panel webview (Chromium): live What If', function () {
  let h: Harness;
  let p: WebviewPage;
  before(async () => {
    h = await startHarness();
    p = await h.open('insight', { width: 700, height: 700 });
    await p.setTheme('dark');
  });
  after(async () => { await p?.page.context().close(); await h?.close(); });

  const n = 60;
  const view = {
    type: 'whatIf', fileName: 'min-char-rnn.py', at: 213, original: '', replacement: 'x', cell: 'lstm', layers: 1, step: 400, live: true,
    dh: [Array.from({ length: n }, (_, i) => Math.exp(-i / 5))], dc: [Array.from({ length: n }, (_, i) => 2 * Math.exp(-i / 5))],
    kl: Array.from({ length: n }, (_, i) => Math.exp(-i / 3)), top1Changed: Array.from({ length: n }, (_, i) => (i < 2 ? 1 : 0)), horizon: 23,
  };

  it('names the unsaved edit and measures from the character after it', async () => {
    await p.send(view);
    await p.settle();
    assert.equal(await p.page.textContent('#whatif-title'), 'min-char-rnn.py, your unsaved edit: typed “x”, compared with the text as trained (LSTM, weights of step 400; 60 characters read after it)');
    assert.match((await p.page.textContent('#whatif .caption')) ?? '', /^x: characters after your edit \(0 = the first one after it, 213 in the file\)/);
    assert.match((await p.page.textContent('#whatif-horizon')) ?? '', /noticed the change for 23 characters; the top prediction changed at 2 of them/);
    assert.equal(await p.page.isVisible('#whatif-notice'), false);
    await p.send({ ...view, original: 'ab', replacement: 'xy' });
    await p.settle();
    assert.match((await p.page.textContent('#whatif-title')) ?? '', /your unsaved edit: “ab” → “xy”/);
    assert.match((await p.page.textContent('#whatif .caption')) ?? '', /^x: characters from your edit on \(0 = its first changed character/);
  });

  it('a notice replaces the charts of an older text until the next answer', async () => {
    await p.send({ type: 'whatIfNotice', text: 'Your edit types "☃", which the model never saw in training.' });
    await p.settle();
    assert.equal(await p.page.textContent('#whatif-notice'), 'Your edit types "☃", which the model never saw in training.');
    assert.equal(await p.page.isVisible('#whatif-state'), false);
    assert.equal(await p.page.isVisible('#whatif-title'), false);
    await p.send({ ...view, original: '', replacement: 'q' });
    await p.settle();
    assert.equal(await p.page.isVisible('#whatif-notice'), false);
    assert.equal(await p.page.isVisible('#whatif-state'), true);
    assert.match((await p.page.textContent('#whatif-title')) ?? '', /typed “q”/);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
  });
});
