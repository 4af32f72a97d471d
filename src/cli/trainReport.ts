/**
 * How `rnn-lens train` reports progress, in one of three forms chosen once:
 *  - a live cli-progress bar on a terminal (step, chars/s, train and validation loss, time left),
 *    with samples logged above it;
 *  - plain log lines when output goes to a file or pipe (a terminal bar would be noise there);
 *  - JSON lines (`--json`): one object per step, per sample and a final summary, on stdout only.
 */

import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { type CliIo } from './io';

export interface StepReport {
  /** Optimizer steps taken in the whole run (including those before a resume). */
  readonly step: number;
  /** Steps taken in this invocation. */
  readonly done: number;
  readonly loss: number;
  readonly gradNorm: number;
  /** Latest validation loss, null until first computed (or when there is no validation split). */
  readonly valLoss: number | null;
  /** True when valLoss was computed at this very step. */
  readonly valFresh: boolean;
  readonly charsPerSec: number;
  readonly elapsedSec: number;
}

export interface TrainSummary {
  /** Where the checkpoint was saved; null when the run was interrupted before its first step. */
  readonly checkpoint: string | null;
  readonly bytes: number;
  readonly steps: number;
  readonly totalSteps: number;
  readonly loss: number | null;
  readonly valLoss: number | null;
  readonly charsPerSec: number;
  readonly seconds: number;
  readonly interrupted: boolean;
}

export interface TrainReporter {
  start(header: string): void;
  step(r: StepReport): void;
  sample(step: number, text: string): void;
  /** A line of information (e.g. a warning); not shown in JSON mode except as a JSON note. */
  note(text: string): void;
  finish(summary: TrainSummary): void;
  /** Releases the terminal (cursor, bar) when the run ends in an error. */
  abandon(): void;
}

/** The budget the run is going for: a number of steps or a number of seconds. */
export type Budget = { readonly kind: 'steps'; readonly steps: number } | { readonly kind: 'seconds'; readonly seconds: number };

export function createReporter(io: CliIo, json: boolean, budget: Budget): TrainReporter {
  if (json) return jsonReporter(io);
  if (io.isTTY && io.progressStream) return barReporter(io, io.progressStream, budget);
  return logReporter(io, budget);
}

const fmt = (x: number | null, digits = 3): string => (x === null ? '-' : x.toFixed(digits));

function jsonReporter(io: CliIo): TrainReporter {
  const line = (o: Record<string, unknown>) => io.stdout(`${JSON.stringify(o)}\n`);
  return {
    start: () => {},
    step: (r) => line({ event: 'step', step: r.step, loss: r.loss, valLoss: r.valFresh ? r.valLoss : null, gradNorm: r.gradNorm, charsPerSec: Math.round(r.charsPerSec) }),
    sample: (step, text) => line({ event: 'sample', step, text }),
    note: (text) => line({ event: 'note', text }),
    finish: (s) => line({ event: 'summary', ...s, charsPerSec: Math.round(s.charsPerSec) }),
    abandon: () => {},
  };
}

function logReporter(io: CliIo, budget: Budget): TrainReporter {
  // About twenty lines per run, plus every step at which validation was computed.
  const every = budget.kind === 'steps' ? Math.max(1, Math.round(budget.steps / 20)) : 0;
  let lastLogged = 0;
  return {
    start: (header) => io.stdout(`${header}\n`),
    step: (r) => {
      const due = every > 0 ? r.done % every === 0 : r.elapsedSec - lastLogged >= Math.max(1, budget.kind === 'seconds' ? budget.seconds / 20 : 1);
      if (!due && !r.valFresh) return;
      lastLogged = r.elapsedSec;
      io.stdout(`step ${r.step}  loss ${fmt(r.loss)}  val ${fmt(r.valLoss)}  ${Math.round(r.charsPerSec)} chars/s  ${r.elapsedSec.toFixed(1)} s\n`);
    },
    sample: (step, text) => io.stdout(`--- sample at step ${step} ---\n${text}\n---\n`),
    note: (text) => io.stdout(`${text}\n`),
    finish: (s) => io.stdout(finishText(s)),
    abandon: () => {},
  };
}

function barReporter(io: CliIo, stream: NodeJS.WritableStream, budget: Budget): TrainReporter {
  const multi = new MultiBar({
    stream,
    format: `{bar} {progress} | step {step} | {cps} chars/s | loss {loss} | val {val} | {eta_formatted} left`,
    hideCursor: true,
    // Ctrl-C is ours: train finishes the step and saves; the bar must not stop itself meanwhile.
    gracefulExit: false,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 10,
  }, Presets.shades_classic);
  const total = budget.kind === 'steps' ? budget.steps : Math.round(budget.seconds * 10);
  let bar: SingleBar | undefined;
  const payload = { step: 0, cps: 0, loss: '-', val: '-', progress: budget.kind === 'steps' ? `0/${budget.steps}` : `0/${budget.seconds}s` };
  // Logged lines wait for the bar's next redraw; draw once more so none are lost on a short run.
  const stop = () => {
    if (!multi.isActive) return;
    multi.update();
    multi.stop();
  };
  return {
    start: (header) => {
      multi.log(`${header}\n`);
      bar = multi.create(total, 0, payload);
    },
    step: (r) => {
      const value = budget.kind === 'steps' ? r.done : Math.min(total, Math.round(r.elapsedSec * 10));
      const progress = budget.kind === 'steps' ? `${r.done}/${budget.steps}` : `${Math.floor(r.elapsedSec)}/${budget.seconds}s`;
      bar?.update(value, { step: r.step, cps: Math.round(r.charsPerSec), loss: fmt(r.loss), val: fmt(r.valLoss), progress });
    },
    sample: (step, text) => multi.log(`--- sample at step ${step} ---\n${text}\n---\n`),
    note: (text) => multi.log(`${text}\n`),
    finish: (s) => {
      stop();
      io.stdout(finishText(s));
    },
    abandon: () => stop(),
  };
}

function finishText(s: TrainSummary): string {
  if (s.checkpoint === null) return 'interrupted before the first step; nothing saved\n';
  const how = s.interrupted ? 'interrupted after' : 'trained';
  return `${how} ${s.steps} step${s.steps === 1 ? '' : 's'} in ${s.seconds.toFixed(1)} s (${Math.round(s.charsPerSec)} chars/s); ` +
    `loss ${fmt(s.loss)}, validation ${fmt(s.valLoss)}\nsaved ${s.checkpoint} (step ${s.totalSteps}, ${s.bytes.toLocaleString('en-US')} bytes)\n`;
}
