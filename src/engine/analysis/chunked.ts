/**
 * Long analyses (a probe over a long text, neurons over a file) run in chunks, so that a host can
 * report progress and stop between chunks: each is a generator that yields its progress after
 * every chunk and returns its result. A worker drives it a chunk at a time and answers its
 * messages in between (cancel = stop calling next()); the command line runs it to the end with
 * runChunked. The results are plain data (numbers, strings, typed arrays), so they travel through
 * postMessage as they are.
 */

/** How far a chunked analysis is: `done` of `total` units of work (characters, windows). */
export interface Progress {
  readonly done: number;
  readonly total: number;
}

export type Chunked<T> = Generator<Progress, T, void>;

/** Anything with an `aborted` flag: an AbortSignal, or a plain object a worker sets. */
export interface StopSignal {
  readonly aborted: boolean;
}

/** Thrown by runChunked when the signal stopped the work between two chunks. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** Runs every chunk in turn; `onProgress` hears after each, `signal` is checked before each. */
export function runChunked<T>(job: Chunked<T>, options: { onProgress?: (p: Progress) => void; signal?: StopSignal } = {}): T {
  for (;;) {
    if (options.signal?.aborted) throw new Cancelled();
    const step = job.next();
    if (step.done) return step.value;
    options.onProgress?.(step.value);
  }
}
