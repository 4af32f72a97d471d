/**
 * `rnn-lens bench`: how fast does the engine train? Trains on a file (default: the bundled
 * sample) in worker threads, warms up, then reports the median of repeated measurements:
 * characters per second (forward + backward + optimizer update), ms per step, effective
 * GFLOP/s, peak RSS, and the main thread's event-loop delay p99 while the workers train.
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
import { buildVocab, codePointLength, decodeTextBytes } from '../engine/text';
import { ParallelTrainer } from '../worker/parallel/parallelTrainer';
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
}

export const BENCH_USAGE =
  'usage: rnn-lens bench [--cell rnn|lstm|gru] [--hidden H] [--layers L] [--seq-len T] [--batch B] [--workers W] [--seconds S] [--repeats R] [--optimizer sgd|adagrad|adam] [--kernels simd|scalar] [--file FILE] [--json]';

export const MAX_WORKERS = 16;

/** Parses the bench flags; throws UsageError with a one-line message on anything wrong. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = {
    cell: 'lstm', hidden: 128, layers: 1, seqLen: 64, batch: 1, workers: 1, seconds: 10, repeats: 5, optimizer: 'adam', kernels: 'simd', json: false,
  };
  const integer = (flag: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${v})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') { o.json = true; continue; }
    const value = argv[i + 1];
    if (!flag.startsWith('--')) throw new UsageError(`unexpected argument ${flag}; ${BENCH_USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value; ${BENCH_USAGE}`);
    i++;
    switch (flag) {
      case '--cell':
        if (!(CELL_TYPES as readonly string[]).includes(value)) throw new UsageError(`--cell must be one of ${CELL_TYPES.join(', ')} (got ${value})`);
        o.cell = value as CellType;
        break;
      case '--optimizer':
        if (!(OPTIMIZER_KINDS as readonly string[]).includes(value)) throw new UsageError(`--optimizer must be one of ${OPTIMIZER_KINDS.join(', ')} (got ${value})`);
        o.optimizer = value as OptimizerKind;
        break;
      case '--kernels':
        if (value !== 'simd' && value !== 'scalar') throw new UsageError(`--kernels must be simd or scalar (got ${value})`);
        o.kernels = value;
        break;
      case '--hidden': o.hidden = integer(flag, value, SETTING_BOUNDS.hidden.min, SETTING_BOUNDS.hidden.max); break;
      case '--layers': o.layers = integer(flag, value, SETTING_BOUNDS.layers.min, SETTING_BOUNDS.layers.max); break;
      case '--seq-len': o.seqLen = integer(flag, value, SETTING_BOUNDS.seqLen.min, SETTING_BOUNDS.seqLen.max); break;
      case '--batch': o.batch = integer(flag, value, SETTING_BOUNDS.batch.min, SETTING_BOUNDS.batch.max); break;
      case '--workers': o.workers = integer(flag, value, 1, MAX_WORKERS); break;
      case '--repeats': o.repeats = integer(flag, value, 1, 100); break;
      case '--seconds': {
        const s = Number(value);
        if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new UsageError(`--seconds must be a number above 0 and at most 3600 (got ${value})`);
        o.seconds = s;
        break;
      }
      case '--file': o.file = value; break;
      default: throw new UsageError(`unknown option ${flag}; ${BENCH_USAGE}`);
    }
  }
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
  stepsPerRepeat: number;
  flopsPerChar: number;
  lastLoss: number;
  /** The matrix kernels that actually ran ('scalar' also where SIMD was asked for but the host lacks it). */
  kernels: 'simd' | 'scalar';
  config: {
    cell: CellType; hidden: number; layers: number; seqLen: number; batch: number; workers: number;
    optimizer: OptimizerKind; vocab: number; params: number; text: string; seconds: number; repeats: number;
  };
  machine: { cpu: string; cores: number; node: string; platform: string };
}

function settingsFor(o: BenchOptions): TrainSettings {
  return { ...DEFAULT_SETTINGS, cell: o.cell, hidden: o.hidden, layers: o.layers, seqLen: o.seqLen, batch: o.batch, optimizer: o.optimizer, valFraction: 0 };
}

/** Runs the measurement itself; exported for bench/run.mjs-style callers and tests. */
export async function measure(o: BenchOptions, onProgress?: (line: string) => void): Promise<BenchResult> {
  const { text, source } = loadText(o.file);
  const settings = settingsFor(o);
  const vocab = buildVocab(text).length;
  const trainer = await ParallelTrainer.start({ text, settings, workers: o.workers, scalarKernels: o.kernels === 'scalar' });
  try {
    const charsPerStep = o.seqLen * o.batch;
    // Warm-up: lets V8 optimize the hot loops and the allocator settle. Runs in growing chunks
    // for about a second (at least 3 steps); the last chunk, already fast, calibrates the repeats.
    const warmupMs = Math.min(1000, o.seconds * 200);
    let warmSteps = 0;
    let elapsed = 0;
    let chunk = 1;
    let msPerStepGuess = Infinity;
    while (warmSteps < 3 || elapsed < warmupMs) {
      const r = await trainer.run(chunk);
      warmSteps += chunk;
      elapsed += r.ms;
      msPerStepGuess = r.ms / chunk;
      if (r.ms < 200) chunk *= 2;
    }
    const stepsPerRepeat = Math.max(1, Math.round((o.seconds * 1000) / o.repeats / msPerStepGuess));
    onProgress?.(`warm-up ${warmSteps} steps, ${msPerStepGuess.toFixed(2)} ms/step; measuring ${o.repeats} × ${stepsPerRepeat} steps`);

    const loop = monitorEventLoopDelay({ resolution: 1 });
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
    const msPerStep: number[] = [];
    let rssAfterFirst = 0;
    let lastLoss = NaN;
    loop.enable();
    try {
      for (let r = 0; r < o.repeats; r++) {
        const res = await trainer.run(stepsPerRepeat);
        msPerStep.push(res.ms / stepsPerRepeat);
        lastLoss = res.lastLoss;
        const rss = process.memoryUsage.rss();
        peakRss = Math.max(peakRss, rss);
        if (r === 0) rssAfterFirst = rss;
        onProgress?.(`repeat ${r + 1}/${o.repeats}: ${(charsPerStep / (res.ms / stepsPerRepeat) * 1000).toFixed(0)} chars/s, loss ${res.lastLoss.toFixed(3)}`);
      }
    } finally {
      loop.disable();
      clearInterval(sampler);
    }
    const rssEnd = process.memoryUsage.rss();
    const ms = median(msPerStep);
    const flopsPerChar = trainingFlopsPerChar(o.cell, o.hidden, o.layers, vocab);
    const charsPerSec = (charsPerStep / ms) * 1000;
    const cpus = os.cpus();
    return {
      charsPerSec,
      msPerStep: ms,
      gflops: (charsPerSec * flopsPerChar) / 1e9,
      peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
      eventLoopP99Ms: loop.percentile(99) / 1e6,
      rssGrowthMb: (rssEnd - rssAfterFirst) / 2 ** 20,
      repeatsCharsPerSec: msPerStep.map((m) => (charsPerStep / m) * 1000),
      stepsPerRepeat,
      flopsPerChar,
      lastLoss,
      kernels: trainer.kernels,
      config: {
        cell: o.cell, hidden: o.hidden, layers: o.layers, seqLen: o.seqLen, batch: o.batch, workers: o.workers,
        optimizer: o.optimizer, vocab, params: trainer.paramCount, text: source, seconds: o.seconds, repeats: o.repeats,
      },
      machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, platform: `${process.platform} ${process.arch}` },
    };
  } finally {
    await trainer.close();
  }
}

function formatReport(r: BenchResult): string {
  const c = r.config;
  const n = (x: number, d = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const lo = Math.min(...r.repeatsCharsPerSec), hi = Math.max(...r.repeatsCharsPerSec);
  return [
    `rnn-lens bench: ${c.cell} H=${c.hidden} L=${c.layers} T=${c.seqLen} B=${c.batch}, ${c.optimizer}, ${c.workers} worker${c.workers > 1 ? 's' : ''}, ${r.kernels} kernels, V=${c.vocab}, ${n(c.params)} parameters (${c.text})`,
    `  chars/s          ${n(r.charsPerSec)}  (median of ${c.repeats} × ${r.stepsPerRepeat} steps; range ${n(lo)}–${n(hi)})`,
    `  ms/step          ${n(r.msPerStep, 2)}`,
    `  GFLOP/s          ${n(r.gflops, 2)}  (${n(r.flopsPerChar)} FLOP per char: 3·(Σ_l 2·G·H·(in_l+H) + 2·V·H), one-hot input not counted)`,
    `  peak RSS         ${n(r.peakRssMb, 1)} MB  (change over the measurement ${r.rssGrowthMb >= 0 ? '+' : ''}${n(r.rssGrowthMb, 1)} MB)`,
    `  event loop p99   ${n(r.eventLoopP99Ms, 2)} ms  (main thread while the workers train)`,
    `  loss             ${r.lastLoss.toFixed(4)}`,
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
    const result = await measure(o, progress);
    process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : `${formatReport(result)}\n`);
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
