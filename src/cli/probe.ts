/**
 * `rnn-lens probe CKPT FILE --at K --replace C`: how long the network notices a one-character
 * edit (engine/analysis/probe.ts has the definitions). JSON gives every step; the text output a
 * few steps, denser near the edit, and the horizon in words.
 */

import { runChunked } from '../engine/analysis/chunked';
import { PROBE_DEFAULT_MAX_LENGTH, probeJob, replaceAt, type ProbeResult } from '../engine/analysis/probe';
import { InputError } from '../engine/errors';
import { codePointLength, describeChar } from '../engine/text';
import { formatCount, formatValue } from '../protocol/format';
import { encodeForModel, positionFlag, readModelAndText } from './analysisInput';
import { numberFlag, parseCommandArgs, stringFlag } from './args';
import { PROBE_HELP } from './help';
import { EXIT_OK, type CliIo } from './io';
import { UsageError } from './usageError';

export async function runProbe(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    at: { type: 'string' },
    replace: { type: 'string' },
    length: { type: 'string' },
    json: { type: 'boolean' },
  }, { min: 2, max: 2, names: 'CKPT and FILE (a checkpoint and a text)' });
  if (values.help) {
    io.stdout(PROBE_HELP);
    return EXIT_OK;
  }
  const replacement = stringFlag(values, 'replace');
  if (replacement === undefined) throw new UsageError('--replace is required (the character to put at --at)');
  if (codePointLength(replacement) !== 1) throw new UsageError(`--replace must be exactly one character (got ${JSON.stringify(replacement)})`);
  const askedLength = numberFlag(values, 'length', { min: 2, max: 1e9, integer: true });
  const [ckptPath, textPath] = positionals;
  const { model, text } = readModelAndText(ckptPath, textPath, io);
  const fileLength = codePointLength(text);
  if (askedLength !== undefined && askedLength > fileLength) throw new InputError(`--length ${askedLength} is longer than ${textPath} (${formatCount(fileLength)} characters)`);
  const N = askedLength ?? Math.min(fileLength, PROBE_DEFAULT_MAX_LENGTH);
  const at = positionFlag(values, 'at', N - 1, `the position to replace, among the ${formatCount(N)} characters read${askedLength === undefined && N < fileLength ? ' (--length reads more)' : ''},`);
  const vocab = model.config.vocab;
  const c = vocab.indexOf(replacement);
  if (c < 0) throw new InputError(`--replace ${describeChar(replacement)} is not in the vocabulary of ${ckptPath}; the model can only read characters it was trained on`);
  // The whole text is checked: one the checkpoint cannot read is the wrong text, even if its start is readable.
  const original = encodeForModel(text, model, ckptPath, textPath).slice(0, N);
  const r = runChunked(probeJob(model.net, original, replaceAt(original, at, c), at));
  const lstm = model.config.cell === 'lstm';
  if (values.json) {
    io.stdout(`${JSON.stringify(probeJson(r, vocab[original[at]], replacement, lstm))}\n`);
  } else {
    io.stdout(probeTable(r, original, vocab, replacement, lstm));
  }
  return EXIT_OK;
}

/** The JSON of issue 15: every step t = K .. N-1, and the horizon. */
export function probeJson(r: ProbeResult, original: string, replacement: string, lstm: boolean): Record<string, unknown> {
  const n = r.length - r.at;
  const perLayer = (a: Float64Array, i: number) => Array.from({ length: r.layers }, (_, l) => a[l * n + i]);
  return {
    at: r.at,
    original,
    replace: replacement,
    length: r.length,
    horizon: r.horizon,
    steps: Array.from({ length: n }, (_, i) => ({
      t: r.at + i,
      dh: perLayer(r.dh, i),
      ...(lstm ? { dc: perLayer(r.dc, i) } : {}),
      kl: r.kl[i],
      top1Changed: r.top1Changed[i] === 1,
    })),
  };
}

/** Distances from the edit shown in the table: every one up to 8, then doubling, and the horizon and its neighbour. */
function shownDistances(n: number, horizon: number): number[] {
  const d = new Set<number>();
  for (let i = 0; i <= 8; i++) d.add(i);
  for (let i = 16; i < n && i <= 2 * (horizon + 8); i *= 2) d.add(i);
  d.add(horizon);
  d.add(horizon + 1);
  return [...d].filter((i) => i < n).sort((a, b) => a - b);
}

function probeTable(r: ProbeResult, ids: Int32Array, vocab: readonly string[], replacement: string, lstm: boolean): string {
  const n = r.length - r.at;
  const L = r.layers;
  const cols = [
    ...Array.from({ length: L }, (_, l) => `dh l${l}`),
    ...(lstm ? Array.from({ length: L }, (_, l) => `dc l${l}`) : []),
    'KL',
  ];
  const lines = [
    `probe: ${describeChar(vocab[ids[r.at]])} at ${r.at} replaced by ${describeChar(replacement)}; ${formatCount(r.length)} characters read`,
    `${'t'.padStart(8)} ${'+'.padStart(6)}  char  ${cols.map((c) => c.padStart(9)).join(' ')}  top-1`,
  ];
  for (const i of shownDistances(n, r.horizon)) {
    const t = r.at + i;
    const char = i === 0 ? describeChar(replacement) : describeChar(vocab[ids[t]]);
    const nums = [
      ...Array.from({ length: L }, (_, l) => r.dh[l * n + i]),
      ...(lstm ? Array.from({ length: L }, (_, l) => r.dc[l * n + i]) : []),
      r.kl[i],
    ];
    lines.push(`${String(t).padStart(8)} ${`+${i}`.padStart(6)}  ${char.padEnd(5)} ${nums.map((x) => formatValue(x).padStart(9)).join(' ')}  ${r.top1Changed[i] ? 'changed' : ''}`.trimEnd());
  }
  const changed = r.top1Changed.reduce((a, b) => a + b, 0);
  lines.push(
    `The network noticed the change for ${formatCount(r.horizon)} character${r.horizon === 1 ? '' : 's'} after it ` +
    `(horizon: the last step where the top layer's dh is at least 1% of its peak, ${r.at + r.horizon} - ${r.at}); ` +
    `the top prediction changed at ${formatCount(changed)} of the ${formatCount(n)} steps.`,
  );
  return `${lines.join('\n')}\n`;
}
