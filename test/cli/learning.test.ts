import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_OK } from '../../src/cli/io';
import { runIn, SEEDS, seedsText, useTempDir } from './helpers';

/** Entropy (nats) of the text's character frequencies: what a model that ignores context achieves at best. */
function unigramEntropy(text: string): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const ch of text) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    n++;
  }
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log(c / n);
  return h;
}

describe('cli learning check: rnn-lens train on the lecture notes', function () {
  this.timeout(180_000);
  const dir = useTempDir();
  const text = seedsText();

  it('reaches a validation loss well below the unigram entropy, and samples', async function () {
    if (text === null) this.skip(); // the seed texts live outside the repo, in /work/shared/seeds
    writeFileSync(join(dir(), 'lectures.txt'), text!);
    const entropy = unigramEntropy(text!);
    // A bounded run (300 steps of 8 x 32 characters, ~10 s): enough for a small LSTM to use context.
    const r = await runIn(dir(), ['train', 'lectures.txt', '--cell', 'lstm', '--hidden', '64', '--seq-len', '32', '--batch', '8', '--lr', '0.01', '--steps', '300', '--val-every', '300', '--json']);
    assert.equal(r.code, EXIT_OK, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    const sample = await runIn(dir(), ['sample', 'lectures.safetensors', '--length', '300', '--temperature', '0.7', '--prime', 'The ']);
    assert.equal(sample.code, EXIT_OK, sample.stderr);
    console.log(`      seeds from ${SEEDS}: unigram entropy ${entropy.toFixed(3)} nats, validation loss after 300 steps ${summary.valLoss.toFixed(3)}`);
    console.log(`      sample: ${JSON.stringify(sample.stdout.slice(0, 300))}`);
    assert.ok(summary.valLoss < 0.85 * entropy, `validation loss ${summary.valLoss} should be below 0.85 x unigram entropy ${entropy}`);
  });
});
