/**
 * The sentence under the Run Experiment view that says what happened, with the measured numbers
 * (issue 17): which cells learned the memory positions, which did not, against the loss a model
 * without memory gets there. It states what was measured, whichever way it went (at lag 20 the
 * vanilla RNN sometimes learns the recall: docs/experiments.md). `t` is the page's t() (tests pass the
 * English table's), so the words come in the display language.
 */

import { type CellType } from '../engine/model/config';
import { type ExperimentTask, type ExperimentViewState } from './experiment';
import { formatCount, formatLoss } from './format';
import { type Translate } from './strings';

export interface CellOutcome {
  readonly cell: CellType;
  /** Final loss at the memory positions of the held-out text; null without a task. */
  readonly memoryLoss: number | null;
  readonly heldOutLoss: number;
  readonly horizon: number;
}

export interface SummaryInput {
  readonly task: ExperimentTask;
  readonly steps: number;
  /** The memoryless loss at the memory positions; null without a task. */
  readonly chance: number | null;
  readonly cells: readonly CellOutcome[];
}

/** At or below this fraction of chance a cell has learned the memory positions... */
export const LEARNED_FRACTION = 0.25;
/** ...at or above this one it has not (in between: part of the way). */
export const FAILED_FRACTION = 0.85;

export type Verdict = 'learned' | 'partly' | 'failed';

export function verdict(memoryLoss: number, chance: number): Verdict {
  if (memoryLoss <= LEARNED_FRACTION * chance) return 'learned';
  if (memoryLoss >= FAILED_FRACTION * chance) return 'failed';
  return 'partly';
}

export function cellName(cell: CellType): string {
  return cell.toUpperCase();
}

function list(items: readonly string[], t: Translate): string {
  if (items.length <= 1) return items.join('');
  return t('experiment.s.and', items.slice(0, -1).join(', '), items[items.length - 1]);
}

export function experimentSentence(input: SummaryInput, t: Translate): string {
  const steps = formatCount(input.steps);
  const horizons = t('experiment.s.horizons', list(input.cells.map((c) => t('experiment.s.stepsFor', formatCount(c.horizon), cellName(c.cell))), t));
  const { task, chance } = input;
  if (task.kind === 'file' || chance === null) {
    const ranked = [...input.cells].sort((a, b) => a.heldOutLoss - b.heldOutLoss);
    const losses = list(ranked.map((c) => t('experiment.s.named', cellName(c.cell), formatLoss(c.heldOutLoss))), t);
    const where = task.kind === 'file' ? task.fileName : '';
    return t('experiment.s.file', t('experiment.s.fileResult', steps, where, losses), horizons);
  }
  const prefix = task.kind === 'lag' ? t('experiment.s.lagPrefix', task.lag, steps) : t('experiment.s.dyckPrefix', steps);
  // The memoryless loss of this held-out text (ln 8 = 2.079 for the lag task, up to sampling).
  const chanceText = task.kind === 'lag' ? t('experiment.s.chanceLag', formatLoss(chance)) : t('experiment.s.chance', formatLoss(chance));
  const groups: Record<Verdict, CellOutcome[]> = { learned: [], partly: [], failed: [] };
  for (const c of input.cells) if (c.memoryLoss !== null) groups[verdict(c.memoryLoss, chance)].push(c);
  const named = (cs: readonly CellOutcome[], f: (c: CellOutcome) => string) => list(cs.map((c) => t('experiment.s.named', cellName(c.cell), f(c))), t);
  const clauses: string[] = [];
  if (groups.learned.length > 0) {
    const who = named(groups.learned, (c) => t('experiment.s.loss', formatLoss(c.memoryLoss!)));
    clauses.push(task.kind === 'lag'
      ? (groups.learned.length === 1 ? t('experiment.s.recall.one', who) : t('experiment.s.recall.many', who))
      : (groups.learned.length === 1 ? t('experiment.s.depth.one', who) : t('experiment.s.depth.many', who)));
  }
  if (groups.partly.length > 0) {
    const who = named(groups.partly, (c) => t('experiment.s.lossAgainst', formatLoss(c.memoryLoss!), chanceText));
    clauses.push(groups.partly.length === 1 ? t('experiment.s.partly.one', who) : t('experiment.s.partly.many', who));
  }
  if (groups.failed.length > 0) {
    const who = named(groups.failed, (c) => (Math.abs(c.memoryLoss! - chance) <= 0.1 * chance
      ? t('experiment.s.nearChance', formatLoss(c.memoryLoss!), chanceText)
      : t('experiment.s.lossAgainst', formatLoss(c.memoryLoss!), chanceText)));
    const verb = groups.learned.length + groups.partly.length === 0
      ? (groups.failed.length === 1 ? t('experiment.s.noBetter.one', who) : t('experiment.s.noBetter.many', who))
      : (groups.failed.length === 1 ? t('experiment.s.not.one', who) : t('experiment.s.not.many', who));
    clauses.push(verb);
  }
  return t('experiment.s.clauses', prefix, list(clauses, t), horizons);
}

/**
 * The sentence for a finished run's view state ('' while a cell is still training): the outcome
 * of each cell that finished, at its last measurement.
 */
export function sentenceOfState(s: ExperimentViewState, t: Translate): string {
  if (s.cells.some((c) => c.status === 'training')) return '';
  const done = s.cells.filter((c) => c.status === 'done' && c.points.length > 0);
  if (done.length === 0) return t('experiment.noneFinished');
  return experimentSentence({
    task: s.task, steps: s.totalSteps, chance: s.chance,
    cells: done.map((c) => {
      const last = c.points[c.points.length - 1];
      return { cell: c.cell, memoryLoss: last.memoryLoss, heldOutLoss: last.heldOutLoss, horizon: c.result?.horizon ?? 0 };
    }),
  }, t);
}
