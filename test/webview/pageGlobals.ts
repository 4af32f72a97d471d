/**
 * The browser globals that the functions handed to page.evaluate / addInitScript use. Those
 * functions run in Chromium, but they are type-checked with the Node tsconfig, which has no DOM
 * lib; these loose, module-scoped declarations keep that check honest without pulling the whole
 * DOM into every Node file.
 */

export interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { add(...c: string[]): void; remove(...c: string[]): void; contains(c: string): boolean };
  readonly parentElement: PageElement | null;
  readonly style: { setProperty(name: string, value: string): void };
}

export interface PageWindow {
  postMessage(message: unknown, origin: string): void;
  [key: string]: unknown;
}

export interface PageGlobals {
  window: PageWindow;
  document: {
    addEventListener(type: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void;
    documentElement: PageElement;
    body: PageElement;
  };
  sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
  requestAnimationFrame(f: () => void): void;
}

