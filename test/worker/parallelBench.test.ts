import { strict as assert } from 'node:assert';
import { UsageError } from '../../src/cli/usageError';
import { measure, measureTrace, median, parseBenchArgs, trainingFlopsPerChar } from '../../src/cli/bench';

describe('rnn-lens bench (the extension\'s training worker, through its protocol)', function () {
  this.timeout(120000);

  it('parses every flag and defaults to LSTM H=128, 1 layer, T=64, B=1, one worker', () => {
    const d = parseBenchArgs([]);
    assert.deepEqual([d.cell, d.hidden, d.layers, d.seqLen, d.batch, d.workers, d.kernels, d.json, d.file, d.trace], ['lstm', 128, 1, 64, 1, 1, 'simd', false, undefined, false]);
    const o = parseBenchArgs(['--cell', 'gru', '--hidden', '256', '--layers', '2', '--seq-len', '32', '--batch', '8', '--workers', '2', '--seconds', '1.5', '--kernels', 'scalar', '--file', 'x.txt', '--json', '--trace']);
    assert.deepEqual([o.cell, o.hidden, o.layers, o.seqLen, o.batch, o.workers, o.seconds, o.kernels, o.file, o.json, o.trace], ['gru', 256, 2, 32, 8, 2, 1.5, 'scalar', 'x.txt', true, true]);
  });

  it('refuses bad flags with one actionable line', () => {
    const bad: string[][] = [['--cell', 'tcn'], ['--hidden', '0'], ['--hidden', '12.5'], ['--workers', '3', '--batch', '2'], ['--seconds', '-1'], ['--frobnicate', '1'], ['--batch'], ['--kernels', 'gpu'], ['extra'], ['--trace', 'yes']];
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
    assert.ok(r.repeatsSteps.every((n) => n >= 1));
    assert.ok(r.peakRssMb > 10 && r.eventLoopP99Ms >= 0);
    assert.ok(Number.isFinite(r.lastLoss) && r.lastLoss > 0);
    assert.ok(r.pauseMs > 0 && Number.isFinite(r.pauseMs));
    assert.deepEqual([r.config.cell, r.config.workers, r.config.batch, r.config.vocab], ['rnn', 2, 4, 65]);
    assert.equal(r.kernels, 'simd', 'the worker should train on the WebAssembly SIMD kernels');
  });

  it('--kernels scalar trains on the JavaScript kernels', async () => {
    const r = await measure(parseBenchArgs(['--cell', 'lstm', '--hidden', '16', '--seq-len', '16', '--batch', '4', '--seconds', '0.3', '--repeats', '1', '--kernels', 'scalar']));
    assert.equal(r.kernels, 'scalar');
    assert.ok(Number.isFinite(r.lastLoss) && r.lastLoss > 0);
  });

  it('--trace times traces of the next window, request to arrival', async () => {
    const r = await measureTrace(parseBenchArgs(['--cell', 'gru', '--hidden', '16', '--layers', '2', '--seq-len', '16', '--batch', '4', '--repeats', '3', '--trace']));
    assert.equal(r.repeatsTraceMs.length, 3);
    assert.ok(r.repeatsTraceMs.every((ms) => ms > 0 && Number.isFinite(ms)));
    assert.equal(r.traceMs, median(r.repeatsTraceMs));
    assert.ok(r.traceBytes > 16 * 2 * 16 * 4, `a trace of ${r.traceBytes} bytes`);
    assert.deepEqual([r.config.cell, r.config.layers, r.config.vocab], ['gru', 2, 65]);
  });
});
