/**
 * Delivery to a webview page that VS Code may hide, tear down and reload at any time
 * (retainContextWhenHidden is off everywhere). Nothing is queued: the owner keeps the latest
 * message of each kind, and they are sent again whenever the page may have missed them, which is
 * when it says `ready` (a fresh load) and when it becomes visible again. The second matters: a view
 * hidden without being torn down (a sidebar container switching, a layout change) says nothing when
 * it comes back. Every message is state rather than an event, so sending it twice is harmless.
 *
 * It also watches the page come up. VS Code sometimes fails to start a webview's service worker
 * (microsoft/vscode#125993), and the page then shows its HTML but never runs its script: the
 * Gradient Flow view sat at "Waiting for a training session…" beside a trained model. A page that
 * has not said `ready` in time is given its HTML again, which makes a fresh frame, a few times.
 */

import type * as vscode from 'vscode';

/** A webview panel or a webview view: both have a page and a visibility. */
export interface PageHost {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
}

/** How long a page may take to say `ready` before it is loaded again; doubled at each retry. */
export const FIRST_READY_TIMEOUT_MS = 8000;
/** Reloads after the first load; a page that still does not come up is left as it is. */
export const MAX_RELOADS = 3;

export class PageDelivery<M> implements vscode.Disposable {
  /** The page has loaded its script at least once (said `ready`); until then posts would be lost. */
  private loaded = false;
  private render: (() => void) | undefined;
  private reloads = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `replayWhenShown: false` for a page whose latest messages are not all state it can take twice
   * (the training panel's kept `history` is the series as it was when sent; a replay would rewind
   * its charts), when that page is a webview panel: VS Code always reloads those when shown again,
   * and the reload says `ready`, which its owner answers with the current series.
   */
  constructor(
    private readonly host: PageHost,
    private readonly latest: () => Iterable<M>,
    private readonly options: { readonly replayWhenShown?: boolean; readonly timers?: { set: typeof setTimeout; clear: typeof clearTimeout } } = {},
  ) {}

  /** Gives the page its HTML through `render`, and again later if the page does not come up. */
  load(render: () => void): void {
    this.render = render;
    this.loaded = false;
    this.reloads = 0;
    render();
    this.watch();
  }

  /** Sends `message` now if the page can take it; the owner has already kept it as the latest. */
  post(message: M): void {
    if (this.loaded && this.host.visible) void this.host.webview.postMessage(message);
  }

  /** The page said `ready`: it (re)loaded and listens, so it gets the whole current state. */
  pageReady(): void {
    this.loaded = true;
    this.stopWatching();
    // Not gated on `visible`: a page that speaks is showing, whatever the host last heard.
    for (const message of this.latest()) void this.host.webview.postMessage(message);
  }

  /** From onDidChangeVisibility / onDidChangeViewState: shown again, possibly without a reload. */
  visibilityChanged(): void {
    if (!this.host.visible) return;
    if (this.loaded) {
      if (this.options.replayWhenShown === false) return;
      for (const message of this.latest()) void this.host.webview.postMessage(message);
    } else if (this.render && this.timer === undefined) {
      // Hidden while it was coming up: watch it again now that it can load.
      this.watch();
    }
  }

  dispose(): void {
    this.stopWatching();
  }

  private watch(): void {
    this.stopWatching();
    const wait = FIRST_READY_TIMEOUT_MS * 2 ** this.reloads;
    const timers = this.options.timers ?? { set: setTimeout, clear: clearTimeout };
    this.timer = timers.set(() => {
      this.timer = undefined;
      // A hidden page is not loading at all: it is watched again when shown.
      if (this.loaded || !this.host.visible || !this.render || this.reloads >= MAX_RELOADS) return;
      this.reloads += 1;
      this.render();
      this.watch();
    }, wait);
  }

  private stopWatching(): void {
    if (this.timer !== undefined) (this.options.timers?.clear ?? clearTimeout)(this.timer);
    this.timer = undefined;
  }
}

/**
 * Wires a sidebar view to a fresh delivery: its HTML (watched until the page is ready), its messages,
 * its visibility, and its end. `gone` runs when VS Code disposes the view; the returned disposables
 * are the owner's to drop when the view is resolved again.
 */
export function attachView<M>(
  view: vscode.WebviewView,
  options: vscode.WebviewOptions,
  latest: () => Iterable<M>,
  render: () => string,
  onMessage: (raw: unknown) => void,
  gone: () => void,
): { delivery: PageDelivery<M>; disposables: vscode.Disposable[] } {
  const delivery = new PageDelivery(view, latest);
  view.webview.options = options;
  delivery.load(() => { view.webview.html = render(); });
  const disposables = [
    delivery,
    view.webview.onDidReceiveMessage(onMessage),
    view.onDidChangeVisibility(() => delivery.visibilityChanged()),
    view.onDidDispose(() => {
      delivery.dispose();
      gone();
    }),
  ];
  return { delivery, disposables };
}
