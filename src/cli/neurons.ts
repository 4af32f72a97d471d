/**
 * `rnn-lens neurons CKPT FILE`: the units that track each feature of the text best, by |Pearson
 * r| (engine/analysis/neurons.ts and features.ts have the definitions).
 */

import { runChunked } from '../engine/analysis/chunked';
import { featureList, parseFeature } from '../engine/analysis/features';
import { neuronsJob, topUnits, type NeuronReport, type RankedUnit } from '../engine/analysis/neurons';
import { formatCount, formatValue } from '../protocol/format';
import { encodeForModel, readModelAndText } from './analysisInput';
import { listFlag, numberFlag, parseCommandArgs } from './args';
import { NEURONS_HELP } from './help';
import { EXIT_OK, type CliIo } from './io';

const DEFAULT_TOP = 5;

export async function runNeurons(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    top: { type: 'string' },
    feature: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  }, { min: 2, max: 2, names: 'CKPT and FILE (a checkpoint and a text)' });
  if (values.help) {
    io.stdout(NEURONS_HELP);
    return EXIT_OK;
  }
  const top = numberFlag(values, 'top', { min: 1, max: 100_000, integer: true }) ?? DEFAULT_TOP;
  // Regexes first: a bad one is refused before any file is read.
  const features = featureList(listFlag(values, 'feature').map(parseFeature));
  const [ckptPath, textPath] = positionals;
  const { model, text } = readModelAndText(ckptPath, textPath, io);
  encodeForModel(text, model, ckptPath, textPath); // one clear line for a text the model cannot read
  let shown = -1;
  const report = runChunked(neuronsJob(model.net, text, features), {
    onProgress: io.isTTY ? ({ done, total }) => {
      const percent = Math.floor((100 * done) / total);
      if (percent === shown) return;
      shown = percent;
      io.stderr(`\rreading ${textPath}: ${percent}%${done === total ? '\r\x1b[K' : ''}`);
    } : undefined,
  });
  const ranked = rankNeurons(report, top);
  if (values.json) {
    io.stdout(`${JSON.stringify({ positions: report.positions, features: ranked })}\n`);
  } else {
    io.stdout(neuronsTable(ranked, report.positions));
  }
  return EXIT_OK;
}

/** Per feature, its `top` units by |r| (the JSON of issue 16). */
export function rankNeurons(report: NeuronReport, top: number): { name: string; units: RankedUnit[] }[] {
  return report.features.map((f) => ({ name: f.name, units: topUnits(report.units, f.r, top) }));
}

function neuronsTable(ranked: { name: string; units: RankedUnit[] }[], positions: number): string {
  const width = Math.max(...ranked.map((f) => f.name.length));
  const lines = [`units by |Pearson r| with each feature over ${formatCount(positions)} positions (unit as --ablate writes it: state:layer:unit)`];
  for (const f of ranked) {
    lines.push(`${f.name.padEnd(width)}  ${f.units.map((u) => `${`${u.state}:${u.layer}:${u.unit}`.padEnd(8)} r ${u.r > 0 ? '+' : ''}${formatValue(u.r)}`).join('   ')}`);
  }
  return `${lines.join('\n')}\n`;
}
