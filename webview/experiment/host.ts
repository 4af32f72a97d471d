/** The experiment page's handle on its host (acquireVsCodeApi may be called once per page). */

import { type ExperimentViewToHost } from '../../src/protocol/experiment';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function postToHost(message: ExperimentViewToHost): void {
  api.postMessage(message);
}
