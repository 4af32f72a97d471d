/** The Insight page's handle on its host (acquireVsCodeApi may be called once per page). */

import { type InsightToHost } from '../../src/protocol/insight';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function postToHost(message: InsightToHost): void {
  api.postMessage(message);
}
