/** `rnn-lens gradcheck`: is backpropagation through time right? Finite differences say. */

import { CELL_TYPES, type CellType, SETTING_BOUNDS } from '../engine/model/config';
import { gradientCheck } from '../engine/analysis/gradcheck';
import { booleanText, choiceFlag, numberFlag, parseCommandArgs } from './args';
import { GRADCHECK_HELP } from './help';
import { EXIT_INPUT, EXIT_OK, type CliIo } from './io';

/** Relative error above which a tensor's gradient is reported as wrong. */
export const GRADCHECK_TOLERANCE = 1e-4;
/** Finite differences cost one forward pass per weight: keep the model small. */
const GRADCHECK_BOUNDS = {
  layers: SETTING_BOUNDS.layers,
  hidden: { min: 1, max: 32, integer: true },
} as const;

export async function runGradcheck(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    cell: { type: 'string' },
    layers: { type: 'string' },
    hidden: { type: 'string' },
    'gru-reset-after': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  }, { min: 0, max: 0, names: '' });
  if (values.help) {
    io.stdout(GRADCHECK_HELP);
    return EXIT_OK;
  }
  const cell = choiceFlag(values, 'cell', CELL_TYPES);
  const layers = numberFlag(values, 'layers', GRADCHECK_BOUNDS.layers) ?? 2;
  const hidden = numberFlag(values, 'hidden', GRADCHECK_BOUNDS.hidden) ?? 5;
  const gruResetAfter = booleanText(values, 'gru-reset-after') ?? true;
  const seed = numberFlag(values, 'seed', SETTING_BOUNDS.seed) ?? 1;

  const cells: readonly CellType[] = cell ? [cell] : CELL_TYPES;
  const report: { cell: CellType; tensor: string; maxRelError: number; ok: boolean }[] = [];
  for (const c of cells) {
    for (const r of gradientCheck({ cell: c, layers, hidden, gruResetAfter, seed })) {
      report.push({ cell: c, tensor: r.tensor, maxRelError: r.maxRelError, ok: r.maxRelError <= GRADCHECK_TOLERANCE });
    }
  }
  const failed = report.filter((r) => !r.ok);
  if (values.json) {
    io.stdout(`${JSON.stringify({ layers, hidden, gruResetAfter, tolerance: GRADCHECK_TOLERANCE, ok: failed.length === 0, tensors: report })}\n`);
  } else {
    io.stdout(`gradient check: ${layers} layer${layers === 1 ? '' : 's'}, hidden ${hidden}, tolerance ${GRADCHECK_TOLERANCE} (worst relative error per tensor)\n`);
    for (const r of report) {
      io.stdout(`  ${r.cell.padEnd(5)} ${r.tensor.padEnd(20)} ${r.maxRelError.toExponential(2).padStart(10)}  ${r.ok ? 'ok' : 'FAIL'}\n`);
    }
    io.stdout(failed.length === 0 ? 'all gradients match\n' : `${failed.length} tensor${failed.length === 1 ? '' : 's'} failed\n`);
  }
  if (failed.length > 0) {
    io.stderr(`rnn-lens gradcheck: ${failed.length} tensor${failed.length === 1 ? '' : 's'} exceed the tolerance (worst ${failed[0].cell} ${failed[0].tensor}: ${failed[0].maxRelError.toExponential(2)})\n`);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}
