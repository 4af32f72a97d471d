/** `rnn-lens eval CKPT FILE`: how well a model predicts a text, in the usual units. */

import { formatHold } from '../engine/analysis/ablation';
import { InputError } from '../engine/errors';
import { evaluateText } from '../engine/evaluate';
import { Model } from '../engine/model/model';
import { describeChar } from '../engine/text';
import { formatLoss } from '../protocol/format';
import { holdsFlag } from './analysisInput';
import { parseCommandArgs } from './args';
import { readCheckpointFile, readTextFile } from './files';
import { EVAL_HELP } from './help';
import { EXIT_OK, type CliIo } from './io';

/** Texts with more predictions than this show a percentage on a terminal while they are read. */
const SHOW_PROGRESS_FROM = 50_000;

export async function runEval(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    json: { type: 'boolean' },
    'skip-unknown': { type: 'boolean' },
    'per-char': { type: 'boolean' },
    ablate: { type: 'string', multiple: true },
  }, { min: 2, max: 2, names: 'CKPT and FILE (a checkpoint and the text to evaluate it on)' });
  if (values.help) {
    io.stdout(EVAL_HELP);
    return EXIT_OK;
  }
  const [ckptPath, textPath] = positionals;
  const model = Model.fromCheckpoint(readCheckpointFile(ckptPath, io.cwd));
  const holds = holdsFlag(values, model);
  const perChar = Boolean(values['per-char']);
  const text = readTextFile(textPath, io.cwd, io.isTTY ? (line) => io.stderr(`${line}\n`) : undefined);
  // Evaluation reads a few thousand characters a second: say how far it is on a long text.
  let shown = -1;
  const onProgress = io.isTTY && text.length > SHOW_PROGRESS_FROM
    ? (done: number, total: number) => {
      const percent = Math.floor((100 * done) / total);
      if (percent === shown) return;
      shown = percent;
      io.stderr(`\revaluating ${textPath}: ${percent}%${done === total ? '\r\x1b[K' : ''}`);
    }
    : undefined;
  let r;
  try {
    r = evaluateText(model, text, { skipUnknown: Boolean(values['skip-unknown']), onProgress, perChar, holds });
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${textPath}: ${e.message}`);
    throw e;
  }
  if (values.json) {
    io.stdout(`${JSON.stringify({
      loss: r.loss, bitsPerChar: r.bitsPerChar, perplexity: r.perplexity, chars: r.chars, skipped: r.skipped,
      ...(holds.length > 0 ? { ablate: holds.map(formatHold) } : {}),
      ...(r.losses ? { losses: Array.from(r.losses) } : {}),
    })}\n`);
  } else {
    io.stdout(
      `loss         ${r.loss.toFixed(4)} nats/char\n` +
      `bits/char    ${r.bitsPerChar.toFixed(4)}\n` +
      `perplexity   ${r.perplexity.toFixed(3)}\n` +
      `predictions  ${r.chars.toLocaleString('en-US')}${r.skipped > 0 ? ` (${r.skipped.toLocaleString('en-US')} unknown characters skipped)` : ''}\n` +
      (holds.length > 0 ? `held         ${holds.map(formatHold).join(' ')}\n` : ''),
    );
    if (r.losses) io.stdout(perCharLines(text, r.losses, values['skip-unknown'] ? model.config.vocab : null));
  }
  return EXIT_OK;
}

/** One line per prediction: its index i (of the predicted characters, from 0), the character predicted and its loss. */
function perCharLines(text: string, losses: Float64Array, keepOnly: readonly string[] | null): string {
  const known = keepOnly && new Set(keepOnly);
  const chars = Array.from(text).filter((ch) => !known || known.has(ch));
  const lines = ['prediction  char   loss'];
  for (let i = 0; i < losses.length; i++) lines.push(`${String(i).padStart(10)}  ${describeChar(chars[i + 1]).padEnd(6)} ${formatLoss(losses[i])}`);
  return `${lines.join('\n')}\n`;
}
