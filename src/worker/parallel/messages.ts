/** What the coordinator (main thread) and the data-parallel workers say to each other. */
import { type TrainSettings } from '../../engine/model/config';
import { type SharedLayout } from './sharedMemory';

/** Given to each worker at start (workerData). */
export interface ParallelWorkerInit {
  readonly text: string;
  readonly settings: TrainSettings;
  readonly workers: number;
  /** This worker's index w; worker 0 also reduces the gradients and applies the optimizer. */
  readonly index: number;
  readonly buffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
  /** Train on the scalar JavaScript kernels even where WebAssembly SIMD runs (benchmarks compare the two). */
  readonly scalarKernels?: boolean;
}

export type CoordinatorMessage =
  /** Train this many steps, then report. */
  | { readonly type: 'run'; readonly steps: number }
  | { readonly type: 'close' };

export type ParallelWorkerMessage =
  /** `simd`: this worker's matrix products run on the WebAssembly SIMD kernels. */
  | { readonly type: 'ready'; readonly simd: boolean }
  /** After a `run`: wall time of the steps as this worker saw them, and the last step's mean loss (worker 0 knows it). */
  | { readonly type: 'ran'; readonly ms: number; readonly lastLoss: number; readonly losses: number[] }
  /** An InputError's message (bad text or settings) or an unexpected failure. */
  | { readonly type: 'error'; readonly message: string; readonly input: boolean };
