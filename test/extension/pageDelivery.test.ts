import * as assert from 'node:assert/strict';
import { FIRST_READY_TIMEOUT_MS, MAX_RELOADS, PageDelivery, type PageHost } from '../../src/extension/pageDelivery';

/** A page host that records what reached the page; `visible` is set by the test as VS Code would. */
function fakeHost(): PageHost & { visible: boolean; sent: string[] } {
  const sent: string[] = [];
  return {
    visible: true,
    sent,
    webview: { postMessage: async (m: string) => { sent.push(m); return true; } } as unknown as PageHost['webview'],
  };
}

describe('extension: delivery to a webview page that may be hidden or reloaded', () => {
  it('sends nothing before the page says ready, then the whole latest state', () => {
    const host = fakeHost();
    let latest = ['session', 'trace 1'];
    const delivery = new PageDelivery(host, () => latest);
    delivery.post('trace 1');
    assert.deepEqual(host.sent, [], 'a page that has not loaded its script would drop it');
    latest = ['session', 'trace 2'];
    delivery.pageReady();
    assert.deepEqual(host.sent, ['session', 'trace 2']);
    delivery.post('trace 3');
    assert.deepEqual(host.sent.at(-1), 'trace 3');
  });

  it('holds live posts while hidden, and replays the latest when shown again without a reload', () => {
    const host = fakeHost();
    let latest = ['session', 'stats 1'];
    const delivery = new PageDelivery(host, () => latest);
    delivery.pageReady();
    host.sent.length = 0;
    host.visible = false;
    delivery.visibilityChanged();
    latest = ['session', 'stats 2'];
    delivery.post('stats 2');
    assert.deepEqual(host.sent, [], 'a hidden page builds no backlog');
    // Shown again: the page did not reload, so it will not say ready; it must still catch up.
    host.visible = true;
    delivery.visibilityChanged();
    assert.deepEqual(host.sent, ['session', 'stats 2']);
  });

  it('can leave a page shown again alone (a panel that always reloads, whose kept messages are not all state)', () => {
    const host = fakeHost();
    const delivery = new PageDelivery(host, () => ['history as it was'], { replayWhenShown: false });
    delivery.pageReady();
    host.sent.length = 0;
    host.visible = false;
    delivery.visibilityChanged();
    host.visible = true;
    delivery.visibilityChanged();
    assert.deepEqual(host.sent, []);
  });

  it('answers a reload (ready again) with the state as it is now', () => {
    const host = fakeHost();
    let latest = ['a'];
    const delivery = new PageDelivery(host, () => latest);
    delivery.pageReady();
    latest = ['a', 'b'];
    delivery.pageReady();
    assert.deepEqual(host.sent, ['a', 'a', 'b']);
  });
});

describe('extension: a webview page that never comes up is loaded again', () => {
  /** Timers the test fires by hand. */
  function manualTimers() {
    const pending: { run: () => void; ms: number }[] = [];
    return {
      pending,
      timers: {
        set: ((run: () => void, ms: number) => { pending.push({ run, ms }); return pending.length as unknown; }) as unknown as typeof setTimeout,
        clear: ((id: number) => { if (pending[id - 1]) pending[id - 1].run = () => {}; }) as unknown as typeof clearTimeout,
      },
      fireLast: () => pending[pending.length - 1].run(),
    };
  }

  it('gives the HTML again when ready does not come, waiting longer each time, at most MAX_RELOADS times', () => {
    const host = fakeHost();
    const clock = manualTimers();
    const delivery = new PageDelivery(host, () => ['state'], { timers: clock.timers });
    let renders = 0;
    delivery.load(() => { renders += 1; });
    assert.equal(renders, 1);
    for (let i = 0; i < MAX_RELOADS + 2; i++) clock.fireLast();
    assert.equal(renders, 1 + MAX_RELOADS, 'then it is left alone');
    assert.deepEqual(clock.pending.slice(0, 3).map((p) => p.ms), [FIRST_READY_TIMEOUT_MS, 2 * FIRST_READY_TIMEOUT_MS, 4 * FIRST_READY_TIMEOUT_MS]);
  });

  it('does not reload a page that said ready, nor one that is hidden (it is watched again when shown)', () => {
    const host = fakeHost();
    const clock = manualTimers();
    const delivery = new PageDelivery(host, () => ['state'], { timers: clock.timers });
    let renders = 0;
    delivery.load(() => { renders += 1; });
    delivery.pageReady();
    clock.fireLast();
    assert.equal(renders, 1, 'a page that came up stays');

    const hidden = fakeHost();
    hidden.visible = false;
    const later = new PageDelivery(hidden, () => ['state'], { timers: clock.timers });
    let hiddenRenders = 0;
    later.load(() => { hiddenRenders += 1; });
    clock.fireLast();
    assert.equal(hiddenRenders, 1, 'a hidden page is not loading: no reload');
    hidden.visible = true;
    later.visibilityChanged();
    clock.fireLast();
    assert.equal(hiddenRenders, 2, 'shown and still silent: loaded again');
    later.dispose();
  });
});
