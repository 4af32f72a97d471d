/** The Find Units page's handle on its host (acquireVsCodeApi may be called once per page). */

import { type UnitsToHost } from '../../src/protocol/units';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function postToHost(message: UnitsToHost): void {
  api.postMessage(message);
}
