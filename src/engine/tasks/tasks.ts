/**
 * Training texts made to test memory (issue 17): each line poses one small problem whose answer
 * lies some distance back, so the loss at the positions that need memory says whether a cell can
 * carry information that far. Every generator is deterministic in its seed (engine Rng), so the
 * same command gives the same text on every machine.
 *
 *   lag    `s d_1 .. d_K ? s \n`: a symbol s from abcdefgh, K digits 0-9, `?`, s again (regex
 *          ([a-h])[0-9]{K}\?\1). Memory positions: the s after each `?` (recall from K+1 steps back).
 *   dyck1  a balanced string over `()` per line, depth at most --depth, 1 to --length pairs.
 *          Memory positions: where the depth alone decides what may come: after the depth returns
 *          to 0 (no `)` possible: `(` or the newline) and at the depth limit (only `)` possible).
 *   dyck2  the same over `()[]`, each opener's type uniform. Memory positions: every closing
 *          bracket, whose type is that of the innermost open bracket.
 *   copy   a string of 1 to --length symbols from abcdefgh, `|`, the same string, a newline.
 *          Memory positions: the characters of the copy.
 *
 * Each task reports the loss a memoryless model gets at its memory positions: the cross-entropy
 * there of the best predictor that sees only the current character (the text's own bigram
 * frequencies). On the lag task that is ln 8 = 2.079 nats (the symbol is uniform and `?` says
 * nothing about it); no model without memory can do better, so a loss well below it is memory.
 */

import { InputError } from '../errors';
import { Rng } from '../rng';

export const TASK_NAMES = ['lag', 'dyck1', 'dyck2', 'copy'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

export interface TaskOptions {
  readonly lines: number;
  readonly seed: number;
  /** lag: digits between the symbol and `?`. */
  readonly lag?: number;
  /** dyck1, dyck2: the largest nesting depth. */
  readonly depth?: number;
  /** dyck: the most bracket pairs per line; copy: the longest string. */
  readonly length?: number;
}

export const TASK_DEFAULTS = { lines: 1000, seed: 1, lag: 10, depth: 8, dyckLength: 12, copyLength: 10 } as const;
export const TASK_BOUNDS = { lines: 1_000_000, lag: 10_000, depth: 1_000, length: 10_000 } as const;

export interface TaskText {
  readonly text: string;
  /** Code point indices of the characters that need memory (each is predicted from the one before). */
  readonly memoryPositions: Int32Array;
  /** Mean loss (nats) at the memory positions of the best predictor that sees only the current character. */
  readonly memorylessLoss: number;
  /** One sentence: what the memory positions are. */
  readonly memoryAbout: string;
}

const SYMBOLS = 'abcdefgh';

export function generateTask(name: TaskName, options: TaskOptions): TaskText {
  const { lines, seed } = options;
  if (!Number.isInteger(lines) || lines < 1 || lines > TASK_BOUNDS.lines) throw new InputError(`lines must be a whole number from 1 to ${TASK_BOUNDS.lines} (got ${lines})`);
  const rng = new Rng(seed);
  const chars: string[] = [];
  const memory: number[] = [];
  const push = (ch: string, needsMemory = false) => {
    if (needsMemory) memory.push(chars.length);
    chars.push(ch);
  };
  let memoryAbout: string;
  switch (name) {
    case 'lag': {
      const K = bounded(options.lag ?? TASK_DEFAULTS.lag, 0, TASK_BOUNDS.lag, 'lag');
      for (let i = 0; i < lines; i++) {
        const s = SYMBOLS[rng.int(8)];
        push(s);
        for (let k = 0; k < K; k++) push(String(rng.int(10)));
        push('?');
        push(s, true);
        push('\n');
      }
      memoryAbout = `the symbol after each ? (recalled from ${K + 1} steps back)`;
      break;
    }
    case 'dyck1':
    case 'dyck2': {
      const D = bounded(options.depth ?? TASK_DEFAULTS.depth, 1, TASK_BOUNDS.depth, 'depth');
      const P = bounded(options.length ?? TASK_DEFAULTS.dyckLength, 1, TASK_BOUNDS.length, 'length');
      const types = name === 'dyck1' ? ['()'] : ['()', '[]'];
      for (let i = 0; i < lines; i++) {
        const pairs = 1 + rng.int(P);
        const stack: string[] = [];
        for (let remaining = 2 * pairs; remaining > 0; remaining--) {
          const d = stack.length;
          const close = d > 0 && (d === D || d === remaining || rng.int(2) === 1);
          // dyck1: the depth decides only at 0 (a `(` or, at the end, the newline) and at the limit.
          // (Not the line's first character: the newline before it already says a ( comes.)
          const decidedByDepth = (d === 0 && remaining < 2 * pairs) || d === D;
          if (close) push(stack.pop()!, name === 'dyck2' || decidedByDepth);
          else {
            const pair = types[rng.int(types.length)];
            stack.push(pair[1]);
            push(pair[0], name === 'dyck1' && decidedByDepth);
          }
        }
        push('\n', name === 'dyck1');
      }
      memoryAbout = name === 'dyck1'
        ? `the characters after the depth returned to 0 (a ( or the newline) or reached the limit ${D} (only ) possible)`
        : 'every closing bracket (its type is that of the innermost open bracket)';
      break;
    }
    case 'copy': {
      const M = bounded(options.length ?? TASK_DEFAULTS.copyLength, 1, TASK_BOUNDS.length, 'length');
      for (let i = 0; i < lines; i++) {
        const s = Array.from({ length: 1 + rng.int(M) }, () => SYMBOLS[rng.int(8)]);
        for (const ch of s) push(ch);
        push('|');
        for (const ch of s) push(ch, true);
        push('\n');
      }
      memoryAbout = 'the characters of each copy (after the |)';
      break;
    }
    default:
      throw new InputError(`unknown task ${String(name)}; the tasks are ${TASK_NAMES.join(', ')}`);
  }
  const memoryPositions = Int32Array.from(memory);
  return { text: chars.join(''), memoryPositions, memorylessLoss: bigramLoss(chars, memoryPositions), memoryAbout };
}

function bounded(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InputError(`${what} must be a whole number from ${min} to ${max} (got ${value})`);
  return value;
}

/** Mean -log p(chars[p] | chars[p-1]) over the positions, p the text's own bigram frequencies. */
export function bigramLoss(chars: readonly string[], positions: ArrayLike<number>): number {
  const pair = new Map<string, number>();
  const single = new Map<string, number>();
  for (let i = 1; i < chars.length; i++) {
    const key = `${chars[i - 1]}\u0000${chars[i]}`;
    pair.set(key, (pair.get(key) ?? 0) + 1);
    single.set(chars[i - 1], (single.get(chars[i - 1]) ?? 0) + 1);
  }
  let sum = 0;
  let n = 0;
  for (let j = 0; j < positions.length; j++) {
    const p = positions[j];
    if (p < 1) continue;
    sum -= Math.log(pair.get(`${chars[p - 1]}\u0000${chars[p]}`)! / single.get(chars[p - 1])!);
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/** The loss at the memory positions: `losses[i]` is the loss of predicting character i + 1 (as eval --per-char gives it). */
export function meanAtPositions(losses: ArrayLike<number>, positions: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < positions.length; j++) {
    const i = positions[j] - 1;
    if (i < 0 || i >= losses.length) continue;
    sum += losses[i];
    n++;
  }
  return n > 0 ? sum / n : Number.NaN;
}
