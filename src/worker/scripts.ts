/**
 * Where a worker thread's script is: the bundle beside the running bundle (dist/worker.js,
 * dist/parallelWorker.js: every bundle lands in dist/), or the TypeScript source run through tsx
 * when the caller itself runs from source (tests, tsx).
 */

import { existsSync } from 'node:fs';
import * as path from 'node:path';

export interface WorkerScript {
  readonly file: string;
  readonly execArgv: string[];
}

/** `source`: the entry's path below src/worker, without .ts; `bundle`: its file name in dist/. */
export function workerScript(source: 'trainingWorker' | 'parallel/parallelWorker', bundle: 'worker.js' | 'parallelWorker.js'): WorkerScript {
  if (__filename.endsWith('.ts')) return { file: path.join(__dirname, `${source}.ts`), execArgv: ['--require', 'tsx/cjs'] };
  const bundled = path.join(__dirname, bundle);
  if (!existsSync(bundled)) throw new Error(`the training worker bundle is missing (${bundled}); run "node esbuild.mjs" first`);
  return { file: bundled, execArgv: [] };
}

/** What the training thread is started with besides messages: `rnn-lens bench --kernels scalar` compares the scalar kernels (its worker pool follows). */
export interface TrainingWorkerData {
  readonly scalarKernels?: boolean;
}
