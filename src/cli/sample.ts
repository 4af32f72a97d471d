/** `rnn-lens sample CKPT`: let a trained model write. */

import { SETTING_BOUNDS } from '../engine/model/config';
import { Model } from '../engine/model/model';
import { sampleText } from '../engine/sampling';
import { holdsFlag } from './analysisInput';
import { numberFlag, parseCommandArgs, stringFlag } from './args';
import { readCheckpointFile } from './files';
import { SAMPLE_HELP } from './help';
import { EXIT_OK, type CliIo } from './io';
import { UsageError } from './usageError';

const SAMPLE_BOUNDS = {
  length: { min: 1, max: 1_000_000, integer: true },
  temperature: { min: 0, max: 100, integer: false },
  topK: { min: 1, max: 1_000_000, integer: true },
} as const;

export async function runSample(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    length: { type: 'string' },
    temperature: { type: 'string' },
    'top-k': { type: 'string' },
    prime: { type: 'string' },
    seed: { type: 'string' },
    ablate: { type: 'string', multiple: true },
  }, { min: 1, max: 1, names: 'CKPT (the checkpoint to sample from)' });
  if (values.help) {
    io.stdout(SAMPLE_HELP);
    return EXIT_OK;
  }
  const length = numberFlag(values, 'length', SAMPLE_BOUNDS.length) ?? 500;
  const temperature = numberFlag(values, 'temperature', SAMPLE_BOUNDS.temperature) ?? 1;
  const topK = numberFlag(values, 'top-k', SAMPLE_BOUNDS.topK);
  const seed = numberFlag(values, 'seed', SETTING_BOUNDS.seed) ?? 1;
  const prime = stringFlag(values, 'prime');
  if (prime === '') throw new UsageError('--prime must not be empty (leave it out to start from a zero state)');

  const data = readCheckpointFile(positionals[0], io.cwd);
  const model = Model.fromCheckpoint(data);
  const holds = holdsFlag(values, model);
  const text = sampleText(model, { length, temperature, topK, prime, seed, holds });
  io.stdout(`${text}\n`);
  return EXIT_OK;
}
