/** `rnn-lens info CKPT`: what a checkpoint holds, for a person (or as JSON). */

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CheckpointData } from '../engine/io/checkpointData';
import { parameterSpecs } from '../engine/model/config';
import { describeChar } from '../engine/text';
import { parseCommandArgs } from './args';
import { readCheckpointFile } from './files';
import { INFO_HELP } from './help';
import { EXIT_OK, type CliIo } from './io';

export async function runInfo(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, { min: 1, max: 1, names: 'CKPT (the checkpoint to describe)' });
  if (values.help) {
    io.stdout(INFO_HELP);
    return EXIT_OK;
  }
  const path = positionals[0];
  const data = readCheckpointFile(path, io.cwd);
  const bytes = statSync(resolve(io.cwd, path)).size;
  if (values.json) io.stdout(`${JSON.stringify(checkpointSummary(data, bytes))}\n`);
  else io.stdout(describeCheckpoint(path, bytes, data));
  return EXIT_OK;
}

/** A JSON-friendly summary (weights themselves left out). */
function checkpointSummary(data: CheckpointData, bytes: number): Record<string, unknown> {
  const specs = parameterSpecs(data.config);
  const r = data.resume;
  return {
    bytes,
    config: data.config,
    parameters: specs.map((s) => ({ name: s.name, shape: s.shape, size: s.size })),
    paramCount: specs.reduce((a, s) => a + s.size, 0),
    resume: r && {
      step: r.step,
      settings: r.settings,
      optimizer: { kind: r.optimizer.kind, t: r.optimizer.t, slots: [...r.optimizer.slots.keys()] },
      streamPositions: r.streamPositions,
      textLength: r.textLength,
      textHash: r.textHash,
    },
  };
}

function describeCheckpoint(path: string, bytes: number, data: CheckpointData): string {
  const c = data.config;
  const specs = parameterSpecs(c);
  const total = specs.reduce((a, s) => a + s.size, 0);
  const shown = c.vocab.slice(0, 48).map(showChar).join(' ');
  const lines = [
    `checkpoint   ${path} (${bytes.toLocaleString('en-US')} bytes)`,
    `model        ${c.cell.toUpperCase()}, hidden ${c.hidden}, ${c.layers} layer${c.layers === 1 ? '' : 's'}${c.cell === 'gru' ? `, GRU ${c.gruResetAfter ? 'reset-after (PyTorch)' : 'reset-before (Cho et al. 2014)'}` : ''}`,
    `vocabulary   ${c.vocab.length} characters: ${shown}${c.vocab.length > 48 ? ` ... (${c.vocab.length - 48} more)` : ''}`,
    `parameters   ${total.toLocaleString('en-US')}`,
    ...specs.map((s) => `  ${s.name.padEnd(20)} [${s.shape.join(', ')}]`.padEnd(40) + s.size.toLocaleString('en-US').padStart(12)),
  ];
  const r = data.resume;
  if (r) {
    const s = r.settings;
    lines.push(
      `resume       step ${r.step}, ${r.optimizer.kind} (lr ${s.lr}${r.optimizer.kind === 'adam' ? `, t ${r.optimizer.t}` : ''}), batch ${s.batch} x seq-len ${s.seqLen}`,
      `             clip-norm ${s.clipNorm}, clip-value ${s.clipValue}, val-fraction ${s.valFraction}, seed ${s.seed}`,
      `             trained on a text of ${r.textLength.toLocaleString('en-US')} characters (fingerprint ${r.textHash})`,
    );
  } else {
    lines.push('resume       none (weights only: use it with train --init, sample, eval)');
  }
  return `${lines.join('\n')}\n`;
}

/** One vocabulary entry, compact: printable characters as themselves, the rest as escapes. */
function showChar(ch: string): string {
  if (ch === ' ') return '␠';
  if (ch === '\n') return '\\n';
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  const described = describeChar(ch);
  return described.startsWith('U+') ? described : ch;
}
