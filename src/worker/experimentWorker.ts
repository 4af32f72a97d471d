/**
 * One cell of Run Experiment (bundled as dist/experimentWorker.js, one thread per cell): trains
 * exactly as `rnn-lens train` does with the same settings and steps (Trainer.create, trainStep),
 * and every `evalEvery` steps reads the held-out text as one stream for its loss and the loss at
 * its memory positions. At the end it measures the gradient horizon of the final trace and the
 * memory span, and sends the checkpoint so the host can open the cell in the training panel.
 */

import { parentPort } from 'node:worker_threads';
import { lossAtPositions, memorySpan } from '../engine/analysis/memorySpan';
import { InputError } from '../engine/errors';
import { encodeCheckpoint } from '../engine/io/checkpoint';
import { MAX_VALIDATION_CHARS } from '../engine/evaluate';
import { encodeText, sliceCodePoints } from '../engine/text';
import { Trainer } from '../engine/training/trainer';
import { validateExperimentJob, type ExperimentJob, type ExperimentWorkerToHost } from '../protocol/experiment';
import { windowHorizon } from '../protocol/horizon';
import { traceLayout, traceShapeOf } from '../protocol/traceLayout';

const port = parentPort;
if (!port) throw new Error('experimentWorker must run as a worker thread');

/** Steps between turns of the event loop, at most (a stop is heard between two). */
const YIELD_MS = 50;
const MAX_SKIPPED_IN_A_ROW = 20;

let stopped = false;

function post(message: ExperimentWorkerToHost): void {
  port!.postMessage(message, message.type === 'done' ? [message.checkpoint.buffer as ArrayBuffer] : []);
}

async function run(job: ExperimentJob): Promise<void> {
  const started = performance.now();
  const trainer = Trainer.create(job.text, job.settings);
  // Without a held-out text of its own (a user's file), the run reads the part the trainer holds out.
  const heldOutText = job.heldOut !== '' ? job.heldOut : sliceCodePoints(job.text, trainer.trainLength, trainer.trainLength + MAX_VALIDATION_CHARS + 1);
  const known = new Set(trainer.config.vocab);
  // Held-out characters the training text never showed cannot be read; the task generators never make them.
  if ([...heldOutText].some((c) => !known.has(c))) throw new InputError('The held-out text has characters the training text lacks.', 'heldOutUnknownChars');
  const heldOut = encodeText(heldOutText, trainer.config.vocab);
  let sum = 0;
  let n = 0;
  let skippedInARow = 0;
  let lastYield = performance.now();
  for (let done = 1; done <= job.steps; done++) {
    const stats = trainer.trainStep({ stats: false });
    if (stats.nonFinite !== null) {
      if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) throw new InputError(`Training diverged at step ${stats.step} (${skippedInARow} non-finite steps in a row); lower the learning rate.`, 'trainingDiverged', { step: stats.step, count: skippedInARow });
    } else {
      skippedInARow = 0;
      sum += stats.loss;
      n++;
    }
    if (done % job.evalEvery === 0 || done === job.steps) {
      const measured = lossAtPositions(trainer.model.net, heldOut, job.memoryPositions);
      if (n > 0) post({ type: 'point', step: done, loss: sum / n, heldOutLoss: measured.loss, memoryLoss: job.memoryPositions.length > 0 ? measured.atPositions : null });
      sum = 0;
      n = 0;
    }
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
      if (stopped) return;
    }
  }
  const trace = trainer.trace(0);
  const layout = traceLayout(traceShapeOf(trace.header));
  const itemized = trace.data.subarray(layout.offset.itemized, layout.offset.itemized + layout.length.itemized);
  post({
    type: 'done',
    steps: job.steps,
    seconds: (performance.now() - started) / 1000,
    params: trainer.model.paramCount,
    horizon: windowHorizon(itemized, trace.header.layers - 1, trace.header.steps),
    memorySpan: memorySpan(trainer.model.net, heldOut),
    checkpoint: encodeCheckpoint(trainer.toCheckpoint()),
  });
}

port.on('message', (raw: unknown) => {
  if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'stop') {
    stopped = true;
    return;
  }
  const job = validateExperimentJob(raw);
  if (!job) {
    post({ type: 'error', message: 'Internal error: the experiment worker got a malformed job.' });
    return;
  }
  run(job).catch((error: unknown) => {
    if (error instanceof InputError) post({ type: 'error', message: error.message.split('\n')[0], ...(error.code ? { code: error.code, args: error.args } : {}) });
    else post({ type: 'error', message: `Internal error in the experiment worker: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
  });
});
