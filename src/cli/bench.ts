/**
 * `rnn-lens bench`: how fast does the extension train, and how long does a trace take? Starts
 * the extension's training worker (benchWorker.ts) on a file (default: the bundled sample),
 * warms up, then reports the median of repeated measurements: characters per second (forward +
 * backward + optimizer update, with the training loop's own reports), ms per step, effective
 * GFLOP/s, peak RSS, and the main thread's event-loop delay p99 while the worker trains. With
 * --trace it times what the panel waits for instead: a trace of the next window of stream 0,
 * from the request to its arrival (`traceMs`).
 *
 * The main thread does nothing but wait for messages here, exactly like the extension host
 * while a run trains, so its event-loop delay shows whether training ever blocks it.
 */

import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CELL_TYPES, DEFAULT_SETTINGS, OPTIMIZER_KINDS, SETTING_BOUNDS, gateCount, type CellType, type OptimizerKind, type TrainSettings } from '../engine/model/config';
import { InputError } from '../engine/errors';
import { simdAvailable } from '../engine/kernels/simd/simdArena';
import { codePointLength, decodeTextBytes } from '../engine/text';
import { MAX_WORKERS } from '../protocol/worker';
import { choiceFlag, numberFlag, parseCommandArgs, stringFlag } from './args';
import { benchStart, BenchWorker, progressUntil, type ProgressMark } from './benchWorker';
import { RUN_SHAPE_FLAGS } from './train';
import { UsageError } from './usageError';

export interface BenchOptions {
  cell: CellType;
  hidden: number;
  layers: number;
  seqLen: number;
  batch: number;
  workers: number;
  seconds: number;
  repeats: number;
  optimizer: OptimizerKind;
  /** 'simd': WebAssembly SIMD where the host runs it (the default, as in training); 'scalar': the JavaScript kernels. */
  kernels: 'simd' | 'scalar';
  /** Undefined: the bundled sample. */
  file?: string;
  json: boolean;
  /** Time traces instead of training. */
  trace: boolean;
}

export const BENCH_USAGE =
  'usage: rnn-lens bench [--cell rnn|lstm|gru] [--hidden H] [--layers L] [--seq-len T] [--batch B] [--workers W] [--seconds S] [--repeats R] [--optimizer sgd|adagrad|adam] [--kernels simd|scalar] [--file FILE] [--trace] [--json]';

const FLAGS = {
  ...RUN_SHAPE_FLAGS,
  workers: { type: 'string' },
  seconds: { type: 'string' },
  repeats: { type: 'string' },
  kernels: { type: 'string' },
  file: { type: 'string' },
  trace: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Parses the bench flags with the CLI's parser; throws UsageError with a one-line message on anything wrong. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseCommandArgs(argv, FLAGS, { min: 0, max: 0, names: 'arguments' });
  const o: BenchOptions = {
    cell: choiceFlag(values, 'cell', CELL_TYPES) ?? 'lstm',
    hidden: numberFlag(values, 'hidden', SETTING_BOUNDS.hidden) ?? 128,
    layers: numberFlag(values, 'layers', SETTING_BOUNDS.layers) ?? 1,
    seqLen: numberFlag(values, 'seq-len', SETTING_BOUNDS.seqLen) ?? 64,
    batch: numberFlag(values, 'batch', SETTING_BOUNDS.batch) ?? 1,
    workers: numberFlag(values, 'workers', { min: 1, max: MAX_WORKERS, integer: true }) ?? 1,
    seconds: numberFlag(values, 'seconds', { min: 0.01, max: 3600, integer: false }) ?? 10,
    repeats: numberFlag(values, 'repeats', { min: 1, max: 100, integer: true }) ?? 5,
    optimizer: choiceFlag(values, 'optimizer', OPTIMIZER_KINDS) ?? 'adam',
    kernels: choiceFlag(values, 'kernels', ['simd', 'scalar'] as const) ?? 'simd',
    file: stringFlag(values, 'file'),
    json: values.json === true,
    trace: values.trace === true,
  };
  if (o.workers > o.batch) throw new UsageError(`--workers (${o.workers}) cannot exceed --batch (${o.batch}): each worker trains at least one of the B streams`);
  return o;
}

/**
 * Multiply-adds of one character (one stream, one time step), counted as 2 FLOPs each:
 *
 *   forward  = Σ_l 2·G·H·(in_l + H)  +  2·V·H      (gates W_ih x + W_hh h per layer, then the decoder)
 *   training = 3 · forward                          (backward needs two products per forward one:
 *                                                    the gradient of the input and of the weights)
 *
 * with G gates (1 rnn, 4 lstm, 3 gru), in_0 = 0 and in_l = H above. Layer 0's input is a one-hot
 * character, so W_ih x is a column lookup, not a product: counting it as 2·G·H·V would flatter
 * the figure. Element-wise work (activations, softmax, optimizer) is not counted.
 */
export function trainingFlopsPerChar(cell: CellType, hidden: number, layers: number, vocab: number): number {
  const G = gateCount(cell);
  let forward = 2 * vocab * hidden;
  for (let l = 0; l < layers; l++) forward += 2 * G * hidden * ((l === 0 ? 0 : hidden) + hidden);
  return 3 * forward;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The bundled sample sits in bench/ next to dist/ (built CLI) or two levels above src/cli (tsx). */
function sampleTextPath(): string {
  const candidates = [path.join(__dirname, '..', 'bench', 'sample.txt'), path.join(__dirname, '..', '..', 'bench', 'sample.txt')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new InputError('the bundled sample text (bench/sample.txt) is missing; pass --file FILE');
  return found;
}

/** The sample is short; repeat it so every stream of a large batch has many windows to read. */
const SAMPLE_MIN_CHARS = 1 << 17;

function loadText(file: string | undefined): { text: string; source: string } {
  if (file === undefined) {
    const p = sampleTextPath();
    const once = decodeTextBytes(readFileSync(p));
    const copies = Math.ceil(SAMPLE_MIN_CHARS / codePointLength(once));
    return { text: once.repeat(copies), source: 'bundled sample' };
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `cannot read ${file}: no such file` : code === 'EISDIR' ? `cannot read ${file}: it is a directory` : `cannot read ${file}: ${code ?? String(e)}`);
  }
  return { text: decodeTextBytes(bytes), source: file };
}

export interface BenchResult {
  charsPerSec: number;
  msPerStep: number;
  gflops: number;
  peakRssMb: number;
  eventLoopP99Ms: number;
  /** RSS at the end of the measurement minus RSS after its first repeat: should stay near 0. */
  rssGrowthMb: number;
  /** chars/s of each repeat, in order. */
  repeatsCharsPerSec: number[];
  /** Steps of each repeat (a repeat ends at the first progress report past its share of the time). */
  repeatsSteps: number[];
  flopsPerChar: number;
  lastLoss: number;
  /** ms from sending pause (while training) to the worker's "paused", as the extension's Pause command sees it. */
  pauseMs: number;
  /** The matrix kernels that ran ('scalar' also where SIMD was asked for but the host lacks it). */
  kernels: 'simd' | 'scalar';
  config: BenchConfig;
  machine: Machine;
}

export interface TraceBenchResult {
  /** Median ms from a trace request to the trace's arrival. */
  traceMs: number;
  /** Each request's ms, in order (after one warm-up trace). */
  repeatsTraceMs: number[];
  /** Bytes of the trace's data and ids. */
  traceBytes: number;
  kernels: 'simd' | 'scalar';
  config: BenchConfig;
  machine: Machine;
}

interface BenchConfig {
  cell: CellType; hidden: number; layers: number; seqLen: number; batch: number; workers: number;
  optimizer: OptimizerKind; vocab: number; params: number; text: string; seconds: number; repeats: number;
}

interface Machine {
  cpu: string; cores: number; node: string; platform: string;
}

function settingsFor(o: BenchOptions): TrainSettings {
  return { ...DEFAULT_SETTINGS, cell: o.cell, hidden: o.hidden, layers: o.layers, seqLen: o.seqLen, batch: o.batch, optimizer: o.optimizer, valFraction: 0 };
}

function machine(): Machine {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** The worker runs in this process, so it has the SIMD kernels exactly when this thread has them. */
function kernelsFor(o: BenchOptions): 'simd' | 'scalar' {
  return o.kernels === 'scalar' || !simdAvailable() ? 'scalar' : 'simd';
}

/** Measures training throughput; exported for bench/run.mjs-style callers and tests. */
export async function measure(o: BenchOptions, onProgress?: (line: string) => void): Promise<BenchResult> {
  const { text, source } = loadText(o.file);
  const { worker, started } = await BenchWorker.start(benchStart(text, source, settingsFor(o), o.workers, false), o.kernels === 'scalar');
  try {
    const charsPerStep = o.seqLen * o.batch;
    // Warm-up: lets V8 optimize the hot loops and the allocator settle, for about a second (at least 3 steps).
    const warmupMs = Math.min(1000, o.seconds * 200);
    const t0 = performance.now();
    let mark = await progressUntil(worker, (m) => m.step >= 3 && m.at - t0 >= warmupMs);
    onProgress?.(`warm-up ${mark.step} steps; measuring ${o.repeats} × ${((o.seconds * 1000) / o.repeats).toFixed(0)} ms`);

    const loop = monitorEventLoopDelay({ resolution: 1 });
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
    const msPerStep: number[] = [];
    const steps: number[] = [];
    let rssAfterFirst = 0;
    loop.enable();
    try {
      for (let r = 0; r < o.repeats; r++) {
        const from: ProgressMark = mark;
        mark = await progressUntil(worker, (m) => m.step > from.step && m.at - from.at >= (o.seconds * 1000) / o.repeats);
        steps.push(mark.step - from.step);
        msPerStep.push((mark.at - from.at) / (mark.step - from.step));
        const rss = process.memoryUsage.rss();
        peakRss = Math.max(peakRss, rss);
        if (r === 0) rssAfterFirst = rss;
        onProgress?.(`repeat ${r + 1}/${o.repeats}: ${((charsPerStep / msPerStep[r]) * 1000).toFixed(0)} chars/s, loss ${mark.loss.toFixed(3)}`);
      }
    } finally {
      loop.disable();
      clearInterval(sampler);
    }
    const rssEnd = process.memoryUsage.rss();
    const paused = worker.next('state', (m) => m.state === 'paused');
    const pauseSent = performance.now();
    worker.send({ type: 'pause' });
    await paused;
    const pauseMs = performance.now() - pauseSent;
    const ms = median(msPerStep);
    const vocab = started.config.vocab.length;
    const flopsPerChar = trainingFlopsPerChar(o.cell, o.hidden, o.layers, vocab);
    const charsPerSec = (charsPerStep / ms) * 1000;
    return {
      charsPerSec,
      msPerStep: ms,
      gflops: (charsPerSec * flopsPerChar) / 1e9,
      peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
      eventLoopP99Ms: loop.percentile(99) / 1e6,
      rssGrowthMb: (rssEnd - rssAfterFirst) / 2 ** 20,
      repeatsCharsPerSec: msPerStep.map((m) => (charsPerStep / m) * 1000),
      repeatsSteps: steps,
      flopsPerChar,
      lastLoss: mark.loss,
      pauseMs,
      kernels: kernelsFor(o),
      config: configOf(o, vocab, started.paramCount, source),
      machine: machine(),
    };
  } finally {
    await worker.close();
  }
}

/** Measures how long the panel waits for a trace of stream 0's next window, while paused. */
export async function measureTrace(o: BenchOptions, onProgress?: (line: string) => void): Promise<TraceBenchResult> {
  const { text, source } = loadText(o.file);
  const { worker, started } = await BenchWorker.start(benchStart(text, source, settingsFor(o), o.workers, true), o.kernels === 'scalar');
  try {
    // The session's first trace (sent as it starts) and one asked for warm the code up; the worker
    // answers in order, so the n-th trace to arrive answers the (n-1)-th request.
    worker.send({ type: 'requestTrace', stream: 0 });
    await worker.nth('trace', 2);
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < o.repeats; r++) {
      const arrived = worker.next('trace');
      const t0 = performance.now();
      worker.send({ type: 'requestTrace', stream: 0 });
      const trace = await arrived;
      times.push(performance.now() - t0);
      bytes = trace.data.byteLength + trace.ids.byteLength;
      onProgress?.(`trace ${r + 1}/${o.repeats}: ${times[r].toFixed(1)} ms`);
    }
    return {
      traceMs: median(times),
      repeatsTraceMs: times,
      traceBytes: bytes,
      kernels: kernelsFor(o),
      config: configOf(o, started.config.vocab.length, started.paramCount, source),
      machine: machine(),
    };
  } finally {
    await worker.close();
  }
}

function configOf(o: BenchOptions, vocab: number, params: number, text: string): BenchConfig {
  return {
    cell: o.cell, hidden: o.hidden, layers: o.layers, seqLen: o.seqLen, batch: o.batch, workers: o.workers,
    optimizer: o.optimizer, vocab, params, text, seconds: o.seconds, repeats: o.repeats,
  };
}

function formatReport(r: BenchResult): string {
  const c = r.config;
  const n = (x: number, d = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const lo = Math.min(...r.repeatsCharsPerSec), hi = Math.max(...r.repeatsCharsPerSec);
  return [
    `rnn-lens bench: ${c.cell} H=${c.hidden} L=${c.layers} T=${c.seqLen} B=${c.batch}, ${c.optimizer}, ${c.workers} worker${c.workers > 1 ? 's' : ''}, ${r.kernels} kernels, V=${c.vocab}, ${n(c.params)} parameters (${c.text})`,
    `  chars/s          ${n(r.charsPerSec)}  (median of ${c.repeats} repeats of ${r.repeatsSteps.join(', ')} steps; range ${n(lo)}–${n(hi)})`,
    `  ms/step          ${n(r.msPerStep, 2)}`,
    `  GFLOP/s          ${n(r.gflops, 2)}  (${n(r.flopsPerChar)} FLOP per char: 3·(Σ_l 2·G·H·(in_l+H) + 2·V·H), one-hot input not counted)`,
    `  peak RSS         ${n(r.peakRssMb, 1)} MB  (change over the measurement ${r.rssGrowthMb >= 0 ? '+' : ''}${n(r.rssGrowthMb, 1)} MB)`,
    `  event loop p99   ${n(r.eventLoopP99Ms, 2)} ms  (main thread while the workers train)`,
    `  loss             ${r.lastLoss.toFixed(4)}`,
    `  pause ms         ${n(r.pauseMs, 0)}  (pause sent while training to "paused" received)`,
  ].join('\n');
}

function formatTraceReport(r: TraceBenchResult): string {
  const c = r.config;
  const times = r.repeatsTraceMs.map((t) => t.toFixed(1)).join(', ');
  return [
    `rnn-lens bench --trace: ${c.cell} H=${c.hidden} L=${c.layers} T=${c.seqLen} B=${c.batch}, ${r.kernels} kernels, V=${c.vocab} (${c.text})`,
    `  trace ms         ${r.traceMs.toFixed(1)}  (median of ${r.repeatsTraceMs.length}: ${times}; request to arrival, ${(r.traceBytes / 1024).toFixed(0)} KiB)`,
  ].join('\n');
}

/** Entry point for `rnn-lens bench ...`; returns the process exit code. */
export async function runBench(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  try {
    const o = parseBenchArgs(argv);
    const progress = o.json ? undefined : (line: string): void => { process.stderr.write(`  ${line}\n`); };
    const result = o.trace ? await measureTrace(o, progress) : await measure(o, progress);
    const report = 'traceMs' in result ? formatTraceReport(result) : formatReport(result);
    process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : `${report}\n`);
    return 0;
  } catch (e) {
    // The CLI's conventions: a wrong command line exits 2, unusable input (file, text) exits 1.
    if (e instanceof UsageError) {
      process.stderr.write(`rnn-lens bench: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`rnn-lens bench: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
