/**
 * The sentence under the Run Experiment view that says what happened, with the measured numbers
 * (issue 17): which cells learned the memory positions, which did not, against the loss a model
 * without memory gets there. It states what was measured, whichever way it went (at lag 20 the
 * vanilla RNN sometimes learns the recall: docs/experiments.md). `t` translates (vscode.l10n.t in
 * the host; tests pass the identity), so the words come in the display language.
 */

import { type CellType } from '../engine/model/config';
import { formatCount, formatLoss } from './format';

export type Translate = (message: string, ...args: (string | number)[]) => string;

export type ExperimentTask = { readonly kind: 'lag'; readonly lag: number } | { readonly kind: 'dyck1' } | { readonly kind: 'file'; readonly fileName: string };

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
  return t('{0} and {1}', items.slice(0, -1).join(', '), items[items.length - 1]);
}

export function experimentSentence(input: SummaryInput, t: Translate): string {
  const steps = formatCount(input.steps);
  const horizons = t('The gradient reaches back {0}.', list(input.cells.map((c) => t('{0} steps for the {1}', c.horizon, cellName(c.cell))), t));
  const { task, chance } = input;
  if (task.kind === 'file' || chance === null) {
    const ranked = [...input.cells].sort((a, b) => a.heldOutLoss - b.heldOutLoss);
    const losses = list(ranked.map((c) => t('the {0} ({1})', cellName(c.cell), formatLoss(c.heldOutLoss))), t);
    const where = task.kind === 'file' ? task.fileName : '';
    return `${t('After {0} steps on {1} the held-out loss is lowest for {2}.', steps, where, losses)} ${horizons}`;
  }
  const prefix = task.kind === 'lag' ? t('At lag {0} after {1} steps', task.lag, steps) : t('On Dyck-1 after {0} steps', steps);
  // The memoryless loss of this held-out text (ln 8 = 2.079 for the lag task, up to sampling).
  const chanceText = task.kind === 'lag' ? t('chance {0} (≈ ln 8)', formatLoss(chance)) : t('chance {0}', formatLoss(chance));
  const groups: Record<Verdict, CellOutcome[]> = { learned: [], partly: [], failed: [] };
  for (const c of input.cells) if (c.memoryLoss !== null) groups[verdict(c.memoryLoss, chance)].push(c);
  const named = (cs: readonly CellOutcome[], f: (c: CellOutcome) => string) => list(cs.map((c) => t('the {0} ({1})', cellName(c.cell), f(c))), t);
  const clauses: string[] = [];
  if (groups.learned.length > 0) {
    const who = named(groups.learned, (c) => t('loss {0}', formatLoss(c.memoryLoss!)));
    clauses.push(task.kind === 'lag'
      ? (groups.learned.length === 1 ? t('{0} recalls the symbol', who) : t('{0} recall the symbol', who))
      : (groups.learned.length === 1 ? t('{0} tracks the depth', who) : t('{0} track the depth', who)));
  }
  if (groups.partly.length > 0) {
    const who = named(groups.partly, (c) => t('loss {0} against {1}', formatLoss(c.memoryLoss!), chanceText));
    clauses.push(groups.partly.length === 1 ? t('{0} gets part of the way', who) : t('{0} get part of the way', who));
  }
  if (groups.failed.length > 0) {
    const who = named(groups.failed, (c) => (Math.abs(c.memoryLoss! - chance) <= 0.1 * chance
      ? t('{0} ≈ {1}', formatLoss(c.memoryLoss!), chanceText)
      : t('loss {0} against {1}', formatLoss(c.memoryLoss!), chanceText)));
    const verb = groups.learned.length + groups.partly.length === 0
      ? (groups.failed.length === 1 ? t('{0} does no better than chance', who) : t('{0} do no better than chance', who))
      : (groups.failed.length === 1 ? t('{0} does not', who) : t('{0} do not', who));
    clauses.push(verb);
  }
  return `${prefix} ${list(clauses, t)}. ${horizons}`;
}
