import { strict as assert } from 'node:assert';
import { UsageError } from '../../src/cli/usageError';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { measure, median, parseBenchArgs, trainingFlopsPerChar } from '../../src/cli/bench';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import { ParallelTrainer } from '../../src/worker/parallel/parallelTrainer';

describe('rnn-lens bench (parallel training harness)', function () {
  this.timeout(120000);

  it('parses every flag and defaults to LSTM H=128, 1 layer, T=64, B=1, one worker', () => {
    const d = parseBenchArgs([]);
    assert.deepEqual([d.cell, d.hidden, d.layers, d.seqLen, d.batch, d.workers, d.kernels, d.json, d.file], ['lstm', 128, 1, 64, 1, 1, 'simd', false, undefined]);
    const o = parseBenchArgs(['--cell', 'gru', '--hidden', '256', '--layers', '2', '--seq-len', '32', '--batch', '8', '--workers', '2', '--seconds', '1.5', '--kernels', 'scalar', '--file', 'x.txt', '--json']);
    assert.deepEqual([o.cell, o.hidden, o.layers, o.seqLen, o.batch, o.workers, o.seconds, o.kernels, o.file, o.json], ['gru', 256, 2, 32, 8, 2, 1.5, 'scalar', 'x.txt', true]);
  });

  it('refuses bad flags with one actionable line', () => {
    const bad: string[][] = [['--cell', 'tcn'], ['--hidden', '0'], ['--hidden', '12.5'], ['--workers', '3', '--batch', '2'], ['--seconds', '-1'], ['--frobnicate', '1'], ['--batch'], ['--kernels', 'gpu']];
    for (const argv of bad) {
      assert.throws(() => parseBenchArgs(argv), (e: Error) => e instanceof UsageError && !e.message.includes('\n'), argv.join(' '));
    }
  });

  it('counts training FLOPs as 3 × the forward products, one-hot input excluded', () => {
    // rnn, H=2, 1 layer, V=3: forward = 2·1·2·2 (W_hh) + 2·3·2 (decoder) = 8 + 12 = 20
    assert.equal(trainingFlopsPerChar('rnn', 2, 1, 3), 60);
    // lstm H=128 V=65, 1 layer: 3·(2·4·128·128 + 2·65·128)
    assert.equal(trainingFlopsPerChar('lstm', 128, 1, 65), 3 * (2 * 4 * 128 * 128 + 2 * 65 * 128));
    // the second layer also multiplies its input h of the layer below: 2·G·H·(H + H)
    assert.equal(trainingFlopsPerChar('gru', 8, 2, 10) - trainingFlopsPerChar('gru', 8, 1, 10), 3 * 2 * 3 * 8 * 16);
  });

  it('takes the median of odd and even counts', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('measures a short run with two workers and reports every figure', async () => {
    const o = parseBenchArgs(['--cell', 'rnn', '--hidden', '16', '--seq-len', '16', '--batch', '4', '--workers', '2', '--seconds', '0.5', '--repeats', '3']);
    const r = await measure(o);
    assert.ok(r.charsPerSec > 0 && Number.isFinite(r.charsPerSec));
    assert.ok(Math.abs(r.msPerStep - (16 * 4 * 1000) / r.charsPerSec) < 1e-9 * r.msPerStep);
    assert.ok(Math.abs(r.gflops - (r.charsPerSec * r.flopsPerChar) / 1e9) < 1e-12 * r.gflops);
    assert.equal(r.repeatsCharsPerSec.length, 3);
    assert.ok(r.peakRssMb > 10 && r.eventLoopP99Ms >= 0);
    assert.ok(Number.isFinite(r.lastLoss) && r.lastLoss > 0);
    assert.deepEqual([r.config.cell, r.config.workers, r.config.batch, r.config.vocab], ['rnn', 2, 4, 65]);
    assert.equal(r.kernels, 'simd', 'the workers should train on the WebAssembly SIMD kernels');
  });

  it('--kernels scalar trains on the JavaScript kernels, to the same losses within float32 rounding', async () => {
    const o = parseBenchArgs(['--cell', 'lstm', '--hidden', '16', '--seq-len', '16', '--batch', '4', '--workers', '2']);
    const text = readFileSync(path.join(__dirname, '../../samples/prose.txt'), 'utf8');
    const settings = { ...DEFAULT_SETTINGS, cell: o.cell, hidden: o.hidden, seqLen: o.seqLen, batch: o.batch, valFraction: 0 };
    const losses: Record<string, number[]> = {};
    for (const scalarKernels of [false, true]) {
      const trainer = await ParallelTrainer.start({ text, settings, workers: 2, scalarKernels });
      try {
        assert.equal(trainer.kernels, scalarKernels ? 'scalar' : 'simd');
        losses[trainer.kernels] = (await trainer.run(5)).losses;
      } finally {
        await trainer.close();
      }
    }
    assert.equal(losses.simd.length, 5);
    losses.simd.forEach((l, i) => assert.ok(Math.abs(l - losses.scalar[i]) < 1e-4 * l, `step ${i + 1}: ${l} vs ${losses.scalar[i]}`));
  });
});
