/**
 * The analysis thread (bundled on its own as dist/analysisWorker.js): What If…, Why This
 * Prediction?, Find Units, Ablate Unit and the visible-range neuron colours, away from the
 * training thread so that neither waits for the other.
 *
 * It keeps the latest text and model the host sent. Each job runs a chunk at a time with
 * setImmediate between chunks, so a `cancel` (or a newer job) is heard between two chunks and the
 * cancelled job stops there; several jobs interleave chunk by chunk.
 */

import { parentPort } from 'node:worker_threads';
import { Cancelled, type Chunked } from '../engine/analysis/chunked';
import { UnitStateCache } from '../engine/analysis/unitSeries';
import { InputError } from '../engine/errors';
import { decodeCheckpoint } from '../engine/io/checkpoint';
import { Model } from '../engine/model/model';
import { encodeText } from '../engine/text';
import { analysisTransferables, validateHostToAnalysis, type AnalysisAnswer, type AnalysisToHost } from '../protocol/analysis';
import { runJob, type JobContext } from './analysisJobs';

const port = parentPort;
if (!port) throw new Error('analysisWorker must run as a worker thread');

const post = (message: AnalysisToHost): void => port.postMessage(message, analysisTransferables(message));

let text: { key: string; text: string } | null = null;
let model: { key: string; model: Model } | null = null;
/** The ids of the text in the model's vocabulary and the model's state cache, for the current pair. */
let context: { textKey: string; modelKey: string; ctx: JobContext } | null = null;
const running = new Map<number, { cancelled: boolean }>();

function contextFor(textKey: string, modelKey: string): JobContext {
  if (!text || text.key !== textKey) throw new InputError('The text of this analysis is no longer current; run it again.', 'analysisStale', { what: 'text' });
  if (!model || model.key !== modelKey) throw new InputError('The weights of this analysis are no longer current; run it again.', 'analysisStale', { what: 'weights' });
  if (context && context.textKey === textKey && context.modelKey === modelKey) return context.ctx;
  const ctx: JobContext = { model: model.model, text: text.text, ids: encodeText(text.text, model.model.config.vocab), cache: new UnitStateCache() };
  context = { textKey, modelKey, ctx };
  return ctx;
}

function fail(replyTo: number, error: unknown): void {
  if (error instanceof Cancelled) post({ type: 'error', replyTo, kind: 'cancelled', message: 'cancelled' });
  else if (error instanceof InputError) post({ type: 'error', replyTo, kind: 'input', message: error.message.split('\n')[0], ...(error.code ? { code: error.code, args: error.args } : {}) });
  else post({ type: 'error', replyTo, kind: 'internal', message: `Internal error in the analysis worker: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
}

function drive(requestId: number, job: Chunked<AnalysisAnswer>, flag: { cancelled: boolean }): void {
  try {
    if (flag.cancelled) throw new Cancelled();
    const step = job.next();
    if (step.done) {
      running.delete(requestId);
      post({ type: 'result', replyTo: requestId, answer: step.value });
      return;
    }
    post({ type: 'progress', replyTo: requestId, done: step.value.done, total: step.value.total });
    setImmediate(() => drive(requestId, job, flag));
  } catch (error) {
    running.delete(requestId);
    fail(requestId, error);
  }
}

port.on('message', (raw: unknown) => {
  const message = validateHostToAnalysis(raw);
  if (!message) return;
  switch (message.type) {
    case 'text':
      text = { key: message.textKey, text: message.text };
      return;
    case 'model':
      try {
        model = { key: message.modelKey, model: Model.fromCheckpoint(decodeCheckpoint(message.checkpoint)) };
      } catch {
        model = null; // the jobs that name it say the weights are not current
      }
      return;
    case 'cancel': {
      const flag = running.get(message.requestId);
      if (flag) flag.cancelled = true;
      return;
    }
    case 'run': {
      const flag = { cancelled: false };
      running.set(message.requestId, flag);
      try {
        const ctx = contextFor(message.textKey, message.modelKey);
        const job = runJob(message.job, ctx);
        setImmediate(() => drive(message.requestId, job, flag));
      } catch (error) {
        running.delete(message.requestId);
        fail(message.requestId, error);
      }
      return;
    }
  }
});

process.on('uncaughtException', (error) => {
  for (const id of running.keys()) fail(id, error);
  running.clear();
});

post({ type: 'ready' });
