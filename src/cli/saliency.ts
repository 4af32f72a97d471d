/**
 * `rnn-lens saliency CKPT FILE --at T`: which earlier characters the prediction of FILE[T+1]
 * leans on (engine/analysis/saliency.ts has the definitions). JSON gives every k = 0..T; the text
 * output the characters with the largest gradient norm.
 */

import { runChunked } from '../engine/analysis/chunked';
import { saliencyJob, type SaliencyResult } from '../engine/analysis/saliency';
import { codePointLength, describeChar } from '../engine/text';
import { formatCount, formatProbability, formatValue } from '../protocol/format';
import { encodeForModel, positionFlag, readModelAndText } from './analysisInput';
import { parseCommandArgs } from './args';
import { SALIENCY_HELP } from './help';
import { EXIT_OK, type CliIo } from './io';

/** Characters listed by the text output. */
const SHOWN = 12;

export async function runSaliency(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    at: { type: 'string' },
    json: { type: 'boolean' },
  }, { min: 2, max: 2, names: 'CKPT and FILE (a checkpoint and a text)' });
  if (values.help) {
    io.stdout(SALIENCY_HELP);
    return EXIT_OK;
  }
  const [ckptPath, textPath] = positionals;
  const { model, text } = readModelAndText(ckptPath, textPath, io);
  const length = codePointLength(text);
  const t = positionFlag(values, 'at', length - 2, 'T (FILE[T+1], the character explained, must exist)');
  // The whole text is checked: one the checkpoint cannot read is the wrong text, even if its start is readable.
  const ids = encodeForModel(text, model, ckptPath, textPath).subarray(0, t + 2);
  const r = runChunked(saliencyJob(model.net, ids, t));
  const vocab = model.config.vocab;
  if (values.json) io.stdout(`${JSON.stringify(saliencyJson(r, ids, vocab))}\n`);
  else io.stdout(saliencyTable(r, ids, vocab));
  return EXIT_OK;
}

/** The JSON of issue 15. */
export function saliencyJson(r: SaliencyResult, ids: Int32Array, vocab: readonly string[]): Record<string, unknown> {
  return {
    t: r.t,
    target: vocab[r.target],
    logProb: r.logProb,
    scores: Array.from(r.grad, (grad, k) => ({ k, char: vocab[ids[k]], grad, norm: r.norm[k] })),
  };
}

function saliencyTable(r: SaliencyResult, ids: Int32Array, vocab: readonly string[]): string {
  const order = Array.from(r.norm.keys()).sort((a, b) => r.norm[b] - r.norm[a] || b - a).slice(0, SHOWN);
  const lines = [
    `saliency: the prediction of ${describeChar(vocab[r.target])} at ${r.t + 1} after reading ${formatCount(r.t + 1)} characters: ` +
    `log p = ${formatValue(r.logProb)} (p = ${formatProbability(Math.exp(r.logProb))})`,
    `the ${order.length} characters it leans on most (largest ||d log p / d x_k||):`,
    `${'k'.padStart(8)} ${'back'.padStart(6)}  char  ${'grad'.padStart(9)} ${'norm'.padStart(9)}`,
    ...order.map((k) => `${String(k).padStart(8)} ${String(r.t - k).padStart(6)}  ${describeChar(vocab[ids[k]]).padEnd(5)} ${formatValue(r.grad[k]).padStart(9)} ${formatValue(r.norm[k]).padStart(9)}`),
    'grad: d log p / d x_k at the character read (gradient x input); norm: over the whole one-hot x_k. --json gives every k.',
  ];
  return `${lines.join('\n')}\n`;
}
