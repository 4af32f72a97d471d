/**
 * `rnn-lens compare FILE --cells rnn,lstm,gru [train options]`: trains each cell in turn with the
 * same seed and settings, exactly as `rnn-lens train` would (the same plan and loop, train.ts,
 * so the losses are bit-identical), and reports per cell the final training and validation loss,
 * the gradient horizon of the final trace, the memory span (mean probe horizon), the parameter
 * count and the speed.
 */

import { memorySpan, MEMORY_SPAN_PROBES } from '../engine/analysis/memorySpan';
import { CELL_TYPES, type CellType } from '../engine/model/config';
import { type Trainer } from '../engine/training/trainer';
import { windowHorizon } from '../protocol/horizon';
import { formatCount, formatLoss, formatRate, formatValue } from '../protocol/format';
import { traceLayout, traceShapeOf } from '../protocol/traceLayout';
import { parseCommandArgs, stringFlag, type FlagSpec } from './args';
import { COMPARE_HELP } from './help';
import { EXIT_INTERRUPTED, EXIT_OK, type CliIo } from './io';
import { plan, TRAIN_FLAGS, trainLoop } from './train';
import { type TrainReporter, type TrainSummary } from './trainReport';
import { UsageError } from './usageError';

export interface CellResult {
  readonly cell: CellType;
  readonly trainLoss: number | null;
  readonly valLoss: number | null;
  readonly horizon: number;
  readonly memorySpan: number;
  readonly params: number;
  readonly charsPerSec: number;
}

const NOT_FOR_COMPARE = new Set(['cell', 'init', 'resume', 'out', 'sample-every', 'json']);
const FLAGS: FlagSpec = {
  ...Object.fromEntries(Object.entries(TRAIN_FLAGS).filter(([k]) => !NOT_FOR_COMPARE.has(k))),
  cells: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
};

export async function runCompare(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, FLAGS, { min: 1, max: 1, names: 'FILE (the text file to train on)' });
  if (values.help) {
    io.stdout(COMPARE_HELP);
    return EXIT_OK;
  }
  const cells = (stringFlag(values, 'cells') ?? CELL_TYPES.join(',')).split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
  for (const c of cells) if (!(CELL_TYPES as readonly string[]).includes(c)) throw new UsageError(`--cells: ${JSON.stringify(c)} is not a cell; use rnn, lstm, gru (e.g. --cells rnn,lstm,gru)`);
  if (cells.length === 0) throw new UsageError('--cells needs at least one of rnn, lstm, gru');
  if (new Set(cells).size !== cells.length) throw new UsageError('--cells names a cell twice');
  const prefix = stringFlag(values, 'out');
  if (prefix === '') throw new UsageError('--out must not be empty');
  const file = positionals[0];
  const results: CellResult[] = [];
  for (const cell of cells as CellType[]) {
    const runValues = { ...values, cell, json: true, 'sample-every': '0', out: prefix === undefined ? undefined : `${prefix}-${cell}.safetensors` };
    const p = plan(runValues, file, io, prefix !== undefined);
    if (!values.json) io.stderr(`${p.header}\n`);
    let summary: TrainSummary | null = null;
    const code = await trainLoop(p, io, collector((s) => { summary = s; }));
    if (code === EXIT_INTERRUPTED || summary === null) return EXIT_INTERRUPTED;
    results.push(cellResult(cell, p.trainer, p.valIds, summary));
    if (!values.json) io.stderr(`${cell}: ${describe(results[results.length - 1])}\n`);
  }
  if (values.json) io.stdout(`${JSON.stringify({ cells: results })}\n`);
  else io.stdout(compareTable(results));
  return EXIT_OK;
}

/** A reporter that keeps only the summary (train's own output would interleave three runs). */
function collector(onFinish: (s: TrainSummary) => void): TrainReporter {
  const nothing = () => undefined;
  return { start: nothing, step: nothing, sample: nothing, note: nothing, abandon: nothing, finish: onFinish };
}

function cellResult(cell: CellType, trainer: Trainer, valIds: Int32Array, s: TrainSummary): CellResult {
  const trace = trainer.trace(0);
  const layout = traceLayout(traceShapeOf(trace.header));
  const itemized = trace.data.subarray(layout.offset.itemized, layout.offset.itemized + layout.length.itemized);
  return {
    cell,
    trainLoss: s.loss,
    valLoss: s.valLoss,
    horizon: windowHorizon(itemized, trace.header.layers - 1, trace.header.steps),
    memorySpan: memorySpan(trainer.model.net, valIds),
    params: trainer.model.paramCount,
    charsPerSec: s.charsPerSec,
  };
}

function describe(r: CellResult): string {
  return `train loss ${r.trainLoss === null ? '-' : formatLoss(r.trainLoss)}, validation ${r.valLoss === null ? '-' : formatLoss(r.valLoss)}, ` +
    `gradient horizon ${r.horizon}, memory span ${formatValue(r.memorySpan)}, ${formatCount(r.params)} parameters, ${formatRate(r.charsPerSec)}`;
}

function compareTable(results: readonly CellResult[]): string {
  const head = ['cell', 'train loss', 'val loss', 'horizon', 'memory span', 'params', 'chars/s'];
  const rows = results.map((r) => [r.cell, r.trainLoss === null ? '-' : formatLoss(r.trainLoss), r.valLoss === null ? '-' : formatLoss(r.valLoss), String(r.horizon), formatValue(r.memorySpan), formatCount(r.params), formatCount(r.charsPerSec)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\nhorizon: steps back the loss's gradient reaches (final trace, top layer); memory span: mean probe horizon at ${MEMORY_SPAN_PROBES} held-out positions\n`;
}
