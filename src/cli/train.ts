/**
 * `rnn-lens train FILE`: settings from flags (or from a checkpoint), a training loop that yields
 * to the event loop between steps so Ctrl-C is heard, and a checkpoint saved at the end, on
 * Ctrl-C, and never half-written.
 */

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { type CheckpointData } from '../engine/io/checkpointData';
import { CELL_TYPES, DEFAULT_SETTINGS, OPTIMIZER_KINDS, SETTING_BOUNDS, validateSettings, type TrainSettings } from '../engine/model/config';
import { InputError } from '../engine/errors';
import { heldOutLoss, MAX_VALIDATION_CHARS } from '../engine/evaluate';
import { buildVocab, checkTrainable, describeChar, encodeText, sliceCodePoints } from '../engine/text';
import { Trainer } from '../engine/training/trainer';
import { booleanText, choiceFlag, numberFlag, parseCommandArgs, stringFlag, type ParsedArgs } from './args';
import { readCheckpointFile, readTextFile, writeCheckpointFile } from './files';
import { TRAIN_HELP } from './help';
import { EXIT_INTERRUPTED, EXIT_OK, type CliIo } from './io';
import { createReporter, type Budget, type TrainReporter } from './trainReport';
import { UsageError } from './usageError';

const DEFAULT_STEPS = 1000;
const RUN_BOUNDS = {
  steps: { min: 1, max: 1e9, integer: true },
  seconds: { min: 0.001, max: 1e7, integer: false },
  sampleEvery: { min: 0, max: 1e9, integer: true },
  valEvery: { min: 1, max: 1e9, integer: true },
} as const;
/** Consecutive skipped (non-finite) updates after which the run is declared diverged. */
const MAX_SKIPPED_IN_A_ROW = 20;
/** Characters in each sample printed during training. */
const SAMPLE_LENGTH = 200;

/** The flags that shape a run, shared with `rnn-lens bench`. */
export const RUN_SHAPE_FLAGS = {
  cell: { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  'seq-len': { type: 'string' },
  batch: { type: 'string' },
  optimizer: { type: 'string' },
} as const;

export const TRAIN_FLAGS = {
  ...RUN_SHAPE_FLAGS,
  lr: { type: 'string' },
  'clip-norm': { type: 'string' },
  'clip-value': { type: 'string' },
  'val-fraction': { type: 'string' },
  seed: { type: 'string' },
  'forget-bias': { type: 'string' },
  'gru-reset-after': { type: 'string' },
  steps: { type: 'string' },
  seconds: { type: 'string' },
  init: { type: 'string' },
  resume: { type: 'string' },
  out: { type: 'string' },
  'sample-every': { type: 'string' },
  'val-every': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Flags that set TrainSettings, by settings key. */
const SETTING_FLAGS: readonly [flag: string, key: keyof TrainSettings][] = [
  ['cell', 'cell'], ['hidden', 'hidden'], ['layers', 'layers'], ['seq-len', 'seqLen'], ['batch', 'batch'],
  ['optimizer', 'optimizer'], ['lr', 'lr'], ['clip-norm', 'clipNorm'], ['clip-value', 'clipValue'],
  ['val-fraction', 'valFraction'], ['seed', 'seed'], ['forget-bias', 'forgetBias'], ['gru-reset-after', 'gruResetAfter'],
];
/** Flags that fix the architecture, which a checkpoint given to --init already decides. */
const ARCHITECTURE_FLAGS = new Set(['cell', 'hidden', 'layers', 'gru-reset-after']);

/** The settings the flags ask for, on top of a base (defaults, or an --init checkpoint's architecture). */
function settingsFromFlags(values: ParsedArgs['values'], base: TrainSettings): TrainSettings {
  const s: TrainSettings = { ...base };
  s.cell = choiceFlag(values, 'cell', CELL_TYPES) ?? s.cell;
  s.optimizer = choiceFlag(values, 'optimizer', OPTIMIZER_KINDS) ?? s.optimizer;
  s.gruResetAfter = booleanText(values, 'gru-reset-after') ?? s.gruResetAfter;
  s.hidden = numberFlag(values, 'hidden', SETTING_BOUNDS.hidden) ?? s.hidden;
  s.layers = numberFlag(values, 'layers', SETTING_BOUNDS.layers) ?? s.layers;
  s.seqLen = numberFlag(values, 'seq-len', SETTING_BOUNDS.seqLen) ?? s.seqLen;
  s.batch = numberFlag(values, 'batch', SETTING_BOUNDS.batch) ?? s.batch;
  s.lr = numberFlag(values, 'lr', SETTING_BOUNDS.lr) ?? s.lr;
  s.clipNorm = numberFlag(values, 'clip-norm', SETTING_BOUNDS.clipNorm) ?? s.clipNorm;
  s.clipValue = numberFlag(values, 'clip-value', SETTING_BOUNDS.clipValue) ?? s.clipValue;
  s.valFraction = numberFlag(values, 'val-fraction', SETTING_BOUNDS.valFraction) ?? s.valFraction;
  s.seed = numberFlag(values, 'seed', SETTING_BOUNDS.seed) ?? s.seed;
  s.forgetBias = numberFlag(values, 'forget-bias', SETTING_BOUNDS.forgetBias) ?? s.forgetBias;
  const problems = validateSettings(s);
  if (problems.length > 0) throw new UsageError(problems[0]);
  return s;
}

export interface Plan {
  readonly trainer: Trainer;
  /** Where the checkpoint goes; null: not saved (compare without --out). */
  readonly out: string | null;
  readonly budget: Budget;
  readonly sampleEvery: number;
  readonly valEvery: number;
  /** The held-out ids the validation loss reads (at most MAX_VALIDATION_CHARS + 1 of them). */
  readonly valIds: Int32Array;
  readonly header: string;
}

/** Runs a check on the training text, naming the file in its message. */
function aboutText<T>(file: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}

/** The characters of the text that a checkpoint's vocabulary lacks, shown as in messages (up to five). */
function missingFromVocab(text: string, vocab: readonly string[]): string | null {
  const known = new Set(vocab);
  const missing = buildVocab(text).filter((ch) => !known.has(ch));
  if (missing.length === 0) return null;
  const shown = missing.slice(0, 5).map(describeChar).join(', ');
  return `${missing.length} character${missing.length === 1 ? '' : 's'} (${shown}${missing.length > 5 ? ', ...' : ''})`;
}

/**
 * Everything decided before the first step: flags checked, files read, trainer built. `save`
 * false: no checkpoint (for compare, whose runs are otherwise exactly train's).
 */
export function plan(values: ParsedArgs['values'], file: string, io: CliIo, save = true): Plan {
  const initPath = stringFlag(values, 'init');
  const resumePath = stringFlag(values, 'resume');
  if (initPath !== undefined && resumePath !== undefined) throw new UsageError('use either --init (new run from saved weights) or --resume (continue a run), not both');
  if (values.steps !== undefined && values.seconds !== undefined) throw new UsageError('use either --steps or --seconds, not both');
  const given = SETTING_FLAGS.filter(([flag]) => values[flag] !== undefined).map(([flag]) => flag);
  if (resumePath !== undefined && given.length > 0) {
    throw new UsageError(`--${given[0]} cannot be changed with --resume (the run continues with its saved settings; use --init to start a new run from its weights)`);
  }
  const architectureGiven = given.filter((f) => ARCHITECTURE_FLAGS.has(f));
  if (initPath !== undefined && architectureGiven.length > 0) {
    throw new UsageError(`--${architectureGiven[0]} cannot be used with --init (the checkpoint fixes the architecture)`);
  }
  // Flags are checked before any file is read, so a typo fails fast.
  const base = { ...DEFAULT_SETTINGS };
  let settings = settingsFromFlags(values, base);
  const steps = numberFlag(values, 'steps', RUN_BOUNDS.steps);
  const seconds = numberFlag(values, 'seconds', RUN_BOUNDS.seconds);
  const budget: Budget = seconds !== undefined ? { kind: 'seconds', seconds } : { kind: 'steps', steps: steps ?? DEFAULT_STEPS };
  const sampleEvery = numberFlag(values, 'sample-every', RUN_BOUNDS.sampleEvery) ?? (io.isTTY && !values.json ? 200 : 0);
  const valEvery = numberFlag(values, 'val-every', RUN_BOUNDS.valEvery) ?? 100;

  const text = readTextFile(file, io.cwd, values.json ? undefined : (line) => io.stderr(`${line}\n`));
  let trainer: Trainer;
  let from = '';
  if (resumePath !== undefined) {
    const ckpt = readCheckpointFile(resumePath, io.cwd);
    if (!ckpt.resume) throw new InputError(`${resumePath} holds weights only, no training state to resume; use --init ${resumePath} to start a new run from its weights`);
    const missing = missingFromVocab(text, ckpt.config.vocab);
    if (missing) throw new InputError(`${resumePath} was trained on a different text: ${file} has ${missing} outside its vocabulary; resume with the original file`);
    settings = ckpt.resume.settings;
    trainer = aboutText(file, () => Trainer.resume(text, ckpt));
    from = `, resuming ${resumePath} at step ${ckpt.resume.step}`;
  } else if (initPath !== undefined) {
    const ckpt: CheckpointData = readCheckpointFile(initPath, io.cwd);
    const c = ckpt.config;
    settings = settingsFromFlags(values, { ...base, cell: c.cell, hidden: c.hidden, layers: c.layers, gruResetAfter: c.gruResetAfter });
    const missing = missingFromVocab(text, c.vocab);
    // The vocabulary is the input and output layer: a character it lacks cannot be read or predicted.
    if (missing) throw new InputError(`${file} has ${missing} that the vocabulary of ${initPath} lacks; --init needs a checkpoint whose vocabulary covers the text (or train from scratch)`);
    aboutText(file, () => checkTrainable(text, settings));
    trainer = Trainer.create(text, settings, ckpt);
    from = `, weights from ${initPath}`;
  } else {
    aboutText(file, () => checkTrainable(text, settings));
    trainer = Trainer.create(text, settings);
  }
  const valStart = trainer.trainLength;
  const valIds = encodeText(sliceCodePoints(text, valStart, valStart + MAX_VALIDATION_CHARS + 1), trainer.config.vocab);

  const out = save ? stringFlag(values, 'out') ?? resumePath ?? `${basename(file, extname(file))}.safetensors` : null;
  if (out !== null) {
    if (out === '') throw new UsageError('--out must not be empty');
    if (resolve(io.cwd, out) === resolve(io.cwd, file)) throw new UsageError(`the checkpoint would overwrite the training text ${file}; choose another --out`);
    checkWritableFolder(out, io.cwd);
  }
  const s = settings;
  const header = `training ${s.cell.toUpperCase()} (hidden ${s.hidden}, ${s.layers} layer${s.layers === 1 ? '' : 's'}) on ${file}${from}: ` +
    `${s.optimizer} lr ${s.lr}, batch ${s.batch} x seq-len ${s.seqLen}, ${budget.kind === 'steps' ? `${budget.steps} step${budget.steps === 1 ? '' : 's'}` : `${budget.seconds} s`}${out === null ? '' : ` -> ${out}`}` +
    (trainer.simd ? '' : ' (WebAssembly SIMD unavailable here: scalar kernels, slower)');
  return { trainer, out, budget, sampleEvery, valEvery, valIds, header };
}

/** Finds out before training, not after, that the checkpoint could not be saved. */
function checkWritableFolder(out: string, cwd: string): void {
  const folder = dirname(resolve(cwd, out));
  let ok = false;
  try {
    ok = statSync(folder).isDirectory();
    if (ok) accessSync(folder, constants.W_OK);
  } catch {
    throw new InputError(`cannot save to ${out}: the folder ${ok ? 'is not writable' : 'does not exist'}`);
  }
  if (!ok) throw new InputError(`cannot save to ${out}: ${dirname(out)} is not a folder`);
  if (existsSync(resolve(cwd, out)) && statSync(resolve(cwd, out)).isDirectory()) throw new InputError(`cannot save to ${out}: it is a folder`);
}

export async function runTrain(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, TRAIN_FLAGS, { min: 1, max: 1, names: 'FILE (the text file to train on)' });
  if (values.help) {
    io.stdout(TRAIN_HELP);
    return EXIT_OK;
  }
  const p = plan(values, positionals[0], io);
  const reporter = createReporter(io, Boolean(values.json), p.budget);
  reporter.start(p.header);
  try {
    return await trainLoop(p, io, reporter);
  } catch (e) {
    reporter.abandon();
    throw e;
  }
}

/** Steps until the budget is spent or Ctrl-C, reporting as it goes; then saves. Returns the exit code. */
export async function trainLoop(p: Plan, io: CliIo, reporter: TrainReporter): Promise<number> {
  const { trainer, budget } = p;
  const charsPerStep = trainer.settings.batch * trainer.settings.seqLen;
  // Reading a large text blocks the event loop; a Ctrl-C pressed meanwhile is heard here, before
  // the first step, and then nothing is saved (an untrained model must not replace a checkpoint).
  await new Promise((r) => setImmediate(r));
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const interrupted = () => io.interrupt?.aborted === true;
  // A time budget still takes at least one step, so only Ctrl-C leaves a run with nothing to save.
  const finished = () => (budget.kind === 'steps' ? done >= budget.steps : done > 0 && elapsed() >= budget.seconds);
  const sample = () => trainer.sample({ length: SAMPLE_LENGTH, temperature: 0.8, seed: trainer.step });
  const validationLoss = () => heldOutLoss(trainer.model.net, p.valIds);
  let done = 0;
  let loss: number | null = null;
  let valLoss: number | null = null;
  let valAt = -1;
  let lastYield = performance.now();
  let skippedInARow = 0;

  while (!finished() && !interrupted()) {
    // The CLI reports no per-tensor norms: skip computing them (a few % of a small step).
    const stats = trainer.trainStep({ stats: false });
    done++;
    if (stats.nonFinite !== null) {
      // The engine skipped this update (weights untouched, carried state reset). A few such steps
      // can be survived; a run of them means the settings make training diverge.
      skippedInARow++;
      if (skippedInARow === 1) reporter.note(`step ${stats.step}: non-finite ${stats.nonFinite === 'loss' ? 'loss' : `gradient in ${stats.nonFinite}`}; update skipped`);
      if (skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
        throw new InputError(`training diverged: ${skippedInARow} steps in a row had non-finite gradients (last at step ${stats.step}); lower --lr or set --clip-norm, then start again`);
      }
    } else {
      skippedInARow = 0;
    }
    loss = stats.loss;
    const valFresh = done % p.valEvery === 0 || finished() || interrupted();
    if (valFresh) {
      valLoss = validationLoss();
      valAt = done;
    }
    const t = elapsed();
    reporter.step({ step: stats.step, done, loss: stats.loss, gradNorm: stats.gradNorm, valLoss, valFresh, charsPerSec: (done * charsPerStep) / Math.max(t, 1e-9), elapsedSec: t });
    if (p.sampleEvery > 0 && done % p.sampleEvery === 0) reporter.sample(stats.step, sample());
    // Give the event loop a turn now and then so Ctrl-C (and the progress bar's timer) get through.
    if (performance.now() - lastYield > 50) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    }
  }
  const seconds = elapsed();
  // Ctrl-C can arrive after the last step's report; the summary still gets a current validation loss.
  if (done > 0 && valAt !== done) valLoss = validationLoss();
  const saved = done > 0 ? p.out : null;
  const bytes = saved === null ? 0 : writeCheckpointFile(saved, io.cwd, trainer.toCheckpoint());
  if (p.sampleEvery > 0 && !interrupted() && done % p.sampleEvery !== 0) reporter.sample(trainer.step, sample());
  reporter.finish({
    checkpoint: saved,
    bytes,
    steps: done,
    totalSteps: trainer.step,
    loss,
    valLoss,
    charsPerSec: (done * charsPerStep) / Math.max(seconds, 1e-9),
    seconds,
    interrupted: interrupted(),
  });
  return interrupted() ? EXIT_INTERRUPTED : EXIT_OK;
}
