/**
 * What the webviews are told about a session, built from the worker's reports: the session's
 * model, its progress, the tensor statistics and the trace. The same builders serve live updates
 * and the state replayed to a view opened late.
 */

import { type ProgressMessage, type StatsMessage, type TraceMessage } from '../protocol/worker';
import { sessionInfo, type HostToWebview, type TrainingState as WebviewTrainingState } from '../protocol/webview';
import { type TrainingSession } from './trainingSession';
import { overfittingNotice } from './bestModel';

export function sessionMessage(session: TrainingSession): HostToWebview | null {
  const info = session.info;
  if (!info) return null;
  return { type: 'session', session: sessionInfo(session.source.fileName, info) };
}

/** The progress report; `state` overrides the report's own (the session's state changes between reports). */
export function progressMessage(p: ProgressMessage, state: WebviewTrainingState = p.state): HostToWebview {
  return { type: 'progress', progress: { step: p.step, loss: p.loss, valLoss: p.valLoss, valStep: p.valStep ?? null, charsPerSec: p.charsPerSec, state } };
}

export function statsMessage(s: StatsMessage): HostToWebview {
  return { type: 'stats', stats: { step: s.step, tensors: s.tensors, gradNorm: s.gradNorm, clipScale: s.clipScale, spectralNorms: s.spectralNorms } };
}

export function traceMessage(t: TraceMessage): HostToWebview {
  return { type: 'trace', header: t.header, ids: t.ids, data: t.data };
}

/** The session states a view draws (the transient ones, starting and stopping, are not shown). */
export function toWebviewState(state: string): WebviewTrainingState | null {
  return state === 'training' || state === 'paused' || state === 'stopped' || state === 'failed' ? state : null;
}

/** Everything of the session itself a freshly opened view needs (selection and cursor come from their owners). */
export function sessionViewState(session: TrainingSession | null): HostToWebview[] {
  if (!session) return [];
  const start = sessionMessage(session);
  if (!start) return [];
  const out: HostToWebview[] = [start, session.series.historyMessage(), session.series.samplesMessage(), session.series.statsMessage()];
  const state = toWebviewState(session.state);
  if (session.latestProgress && state) out.push(progressMessage(session.latestProgress, state));
  out.push({ type: 'activity', activity: session.activity.activity, fileName: session.source.fileName });
  if (session.latestStats) out.push(statsMessage(session.latestStats));
  if (session.latestTrace) out.push(traceMessage(session.latestTrace));
  if (session.overfitting) out.push({ type: 'notice', text: overfittingNotice(session, session.overfitting) });
  return out;
}
