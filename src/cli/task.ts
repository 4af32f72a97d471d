/** `rnn-lens task NAME`: a generated training text that tests memory (engine/tasks/tasks.ts). */

import { resolve } from 'node:path';
import { writeFileAtomic } from '../common/atomicWrite';
import { generateTask, TASK_BOUNDS, TASK_DEFAULTS, TASK_NAMES, type TaskName } from '../engine/tasks/tasks';
import { InputError } from '../engine/errors';
import { formatCount, formatLoss } from '../protocol/format';
import { numberFlag, parseCommandArgs, stringFlag } from './args';
import { TASK_HELP } from './help';
import { EXIT_OK, type CliIo } from './io';
import { UsageError } from './usageError';

/** Which option each task takes (others are refused rather than silently ignored). */
const TASK_OPTIONS: Record<TaskName, readonly string[]> = { lag: ['lag'], dyck1: ['depth', 'length'], dyck2: ['depth', 'length'], copy: ['length'] };

export async function runTask(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    lines: { type: 'string' },
    seed: { type: 'string' },
    lag: { type: 'string' },
    depth: { type: 'string' },
    length: { type: 'string' },
    out: { type: 'string' },
  }, { min: 1, max: 1, names: `NAME (one of ${TASK_NAMES.join(', ')})` });
  if (values.help) {
    io.stdout(TASK_HELP);
    return EXIT_OK;
  }
  const name = positionals[0].trim().toLowerCase() as TaskName;
  if (!TASK_NAMES.includes(name)) throw new UsageError(`unknown task ${JSON.stringify(positionals[0])}; the tasks are ${TASK_NAMES.join(', ')}`);
  for (const option of ['lag', 'depth', 'length']) {
    if (values[option] !== undefined && !TASK_OPTIONS[name].includes(option)) throw new UsageError(`--${option} does not apply to the ${name} task (it takes ${TASK_OPTIONS[name].map((o) => `--${o}`).join(', ')})`);
  }
  const task = generateTask(name, {
    lines: numberFlag(values, 'lines', { min: 1, max: TASK_BOUNDS.lines, integer: true }) ?? TASK_DEFAULTS.lines,
    seed: numberFlag(values, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? TASK_DEFAULTS.seed,
    lag: numberFlag(values, 'lag', { min: 0, max: TASK_BOUNDS.lag, integer: true }),
    depth: numberFlag(values, 'depth', { min: 1, max: TASK_BOUNDS.depth, integer: true }),
    length: numberFlag(values, 'length', { min: 1, max: TASK_BOUNDS.length, integer: true }),
  });
  const out = stringFlag(values, 'out');
  if (out === '') throw new UsageError('--out must not be empty');
  if (out === undefined) {
    io.stdout(task.text);
  } else {
    try {
      writeFileAtomic(resolve(io.cwd, out), new TextEncoder().encode(task.text));
    } catch (e) {
      throw new InputError(`cannot write ${out}: ${String((e as Error).message).split('\n')[0]}`);
    }
  }
  io.stderr(
    `${out ?? name}: ${formatCount(task.text.length)} characters; memory positions: ${task.memoryAbout} (${formatCount(task.memoryPositions.length)}); ` +
    `a memoryless model's loss there: ${formatLoss(task.memorylessLoss)} nats\n`,
  );
  return EXIT_OK;
}
