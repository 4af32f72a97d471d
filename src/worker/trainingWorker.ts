/**
 * The training thread (bundled on its own as dist/worker.js). It only wires things together:
 * messages from the host are validated and handed to the TrainingLoop, whose messages go back
 * with their typed arrays transferred. Anything unexpected becomes an `error` message rather
 * than an uncaught exception that would kill the thread without a word.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { Trainer, type TrainerOptions } from '../engine/training/trainer';
import { decodeCheckpoint, encodeCheckpoint } from '../engine/io/checkpoint';
import { gradientCheck } from '../engine/analysis/gradcheck';
import { affordableChars, codePointPrefix, unitActivations } from '../engine/kernels/activations';
import { encodeText } from '../engine/text';
import { InputError } from '../engine/errors';
import { setSimdEnabled } from '../engine/kernels/simd/simdArena';
import { transferablesOf, validateHostToWorker, type WorkerToHost } from '../protocol/worker';
import { TrainingLoop, type WorkerEngine } from './trainingLoop';
import { threadsFor } from './parallel/workerPool';
import { type TrainingWorkerData } from './scripts';

/** A Trainer on as many threads as `workers` allows for this batch, with the notice of threadsFor when it cannot have them. */
function onThreads(workers: number, batch: number, make: (options: TrainerOptions) => Trainer): Trainer & { notice?: string; workerCount: number } {
  const { pool, notice } = threadsFor(workers, batch);
  const trainer = make({ pool });
  // workerCount: the threads that train, which the status bar and the panel show beside the speed.
  return Object.assign(trainer, { workerCount: pool ? workers : 1 }, notice ? { notice } : {});
}

const engine: WorkerEngine = {
  createTrainer: (text, settings, { workers, init }) => onThreads(workers, settings.batch, (o) => Trainer.create(text, settings, init, o)),
  resumeTrainer: (text, checkpoint, workers) => onThreads(workers, checkpoint.resume?.settings.batch ?? 1, (o) => Trainer.resume(text, checkpoint, o)),
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

if ((workerData as TrainingWorkerData | undefined)?.scalarKernels) setSimdEnabled(false);

const port = parentPort;
if (!port) throw new Error('trainingWorker must run as a worker thread');

const post = (message: WorkerToHost, transfer: ArrayBuffer[]): void => port.postMessage(message, transfer);
/** The session's interrupt word (StartMessage.interrupt): 1 while a pause or stop is on its way. */
let interrupt: Int32Array | null = null;

const loop = new TrainingLoop(post, engine, {
  now: () => performance.now(),
  interrupted: () => interrupt !== null && Atomics.load(interrupt, 0) !== 0,
  schedule: (run) => setImmediate(run),
});

port.on('message', (raw: unknown) => {
  const message = validateHostToWorker(raw);
  if (message?.type === 'start') {
    if (message.interrupt) interrupt = new Int32Array(message.interrupt, 0, 1);
    post({ type: 'building' }, []);
  }
  if ((message?.type === 'pause' || message?.type === 'stop') && interrupt) Atomics.store(interrupt, 0, 0);
  if (message) loop.handle(message);
});

process.on('uncaughtException', (error) => {
  post({ type: 'error', kind: 'internal', message: `Internal error in the training worker: ${error.message.split('\n')[0]}` }, []);
});

post({ type: 'ready' }, transferablesOf({ type: 'ready' }));
