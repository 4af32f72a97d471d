/**
 * The training thread (bundled on its own as dist/worker.js). It only wires things together:
 * messages from the host are validated and handed to the TrainingLoop, whose messages go back
 * with their typed arrays transferred. Anything unexpected becomes an `error` message rather
 * than an uncaught exception that would kill the thread without a word.
 */

import { parentPort } from 'node:worker_threads';
import { Trainer } from '../engine/training/trainer';
import { decodeCheckpoint, encodeCheckpoint } from '../engine/io/checkpoint';
import { gradientCheck } from '../engine/analysis/gradcheck';
import { affordableChars, codePointPrefix, unitActivations } from '../engine/kernels/activations';
import { encodeText } from '../engine/text';
import { InputError } from '../engine/errors';
import { transferablesOf, validateHostToWorker, type WorkerToHost } from '../protocol/worker';
import { TrainingLoop, type WorkerEngine } from './trainingLoop';
import { withWorkers } from './parallel/withWorkers';

/** rnnLens.workers of the session being started (from its start message). */
let requestedWorkers = 1;

const engine: WorkerEngine = {
  createTrainer: (text, settings, init) => withWorkers(Trainer.create(text, settings, init), text, requestedWorkers),
  resumeTrainer: (text, checkpoint) => withWorkers(Trainer.resume(text, checkpoint), text, requestedWorkers),
  decodeCheckpoint,
  encodeCheckpoint,
  gradientCheck,
  isInputError: (error) => error instanceof InputError,
  unitActivations: (trainer, text, { layer, unit, maxChars, topK }) => {
    // The loop only ever holds the Trainers that createTrainer/resumeTrainer above made.
    const t = trainer as Trainer;
    const prefix = codePointPrefix(text, Math.min(maxChars, affordableChars(t.config)));
    const ids = encodeText(prefix, t.config.vocab);
    return { ...unitActivations(t.model.net, ids, layer, unit, { topK }), totalChars: t.trainLength + t.valLength };
  },
};

const port = parentPort;
if (!port) throw new Error('trainingWorker must run as a worker thread');

const post = (message: WorkerToHost, transfer: ArrayBuffer[]): void => port.postMessage(message, transfer);
const loop = new TrainingLoop(post, engine, {
  now: () => performance.now(),
  schedule: (run) => setImmediate(run),
});

port.on('message', (raw: unknown) => {
  const message = validateHostToWorker(raw);
  if (message?.type === 'start') requestedWorkers = message.workers ?? 1;
  if (message) loop.handle(message);
});

process.on('uncaughtException', (error) => {
  post({ type: 'error', kind: 'internal', message: `Internal error in the training worker: ${error.message.split('\n')[0]}` }, []);
});

post({ type: 'ready' }, transferablesOf({ type: 'ready' }));
