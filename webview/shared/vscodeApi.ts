/**
 * The one handle a webview has on its host. `acquireVsCodeApi` may be called once per page, so
 * this module calls it once and hands the same object to everyone.
 */

import { type WebviewToHost } from '../../src/protocol/webview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function postToHost(message: WebviewToHost): void {
  api.postMessage(message);
}

/** The state saved with setState, or undefined when there is none (a fresh panel). */
export function loadState<T extends object>(): Partial<T> | undefined {
  const s = api.getState();
  return typeof s === 'object' && s !== null ? (s as Partial<T>) : undefined;
}

export function saveState<T extends object>(state: T): void {
  api.setState(state);
}
