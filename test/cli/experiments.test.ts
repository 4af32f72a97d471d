import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_OK, EXIT_USAGE } from '../../src/cli/io';
import { assertOneLineError, runIn, useTempDir } from './helpers';

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('cli: task and compare (issue 17)', () => {
  const dir = useTempDir();

  it('task prints the same text for the same seed, writes it with --out, and says what needs memory', async () => {
    const a = await runIn(dir(), ['task', 'lag', '--lag', '5', '--lines', '50', '--seed', '3']);
    assert.equal(a.code, EXIT_OK, a.stderr);
    assert.equal(a.stdout, (await runIn(dir(), ['task', 'lag', '--lag', '5', '--lines', '50', '--seed', '3'])).stdout);
    assert.notEqual(a.stdout, (await runIn(dir(), ['task', 'lag', '--lag', '5', '--lines', '50', '--seed', '4'])).stdout);
    assert.equal(a.stdout.split('\n').filter((l) => /^([a-h])[0-9]{5}\?\1$/.test(l)).length, 50);
    assert.match(a.stderr, /memory positions: the symbol after each \? \(recalled from 6 steps back\) \(50\); a memoryless model's loss there: \d\.\d+ nats/);
    const out = await runIn(dir(), ['task', 'dyck2', '--lines', '20', '--depth', '3', '--out', 'd.txt']);
    assert.equal(out.stdout, '');
    assert.equal(readFileSync(join(dir(), 'd.txt'), 'utf8').split('\n').length, 21);
    assertOneLineError(await runIn(dir(), ['task', 'maze']), EXIT_USAGE, /unknown task "maze"; the tasks are lag, dyck1, dyck2, copy/);
    assertOneLineError(await runIn(dir(), ['task', 'copy', '--lag', '3']), EXIT_USAGE, /--lag does not apply to the copy task \(it takes --length\)/);
    assertOneLineError(await runIn(dir(), ['task', 'lag', '--lines', '0']), EXIT_USAGE, /--lines must be a whole number from 1/);
  });

  it('compare: each cell\'s losses equal a separate train run bit for bit; the report has every field', async () => {
    await runIn(dir(), ['task', 'lag', '--lag', '4', '--lines', '400', '--out', 'lag.txt']);
    const settings = ['--hidden', '8', '--seq-len', '16', '--batch', '4', '--steps', '12', '--lr', '0.01', '--seed', '5', '--val-every', '5'];
    const r = await runIn(dir(), ['compare', 'lag.txt', '--cells', 'rnn,gru', ...settings, '--json']);
    assert.equal(r.code, EXIT_OK, r.stderr);
    const { cells } = JSON.parse(r.stdout) as { cells: Record<string, unknown>[] };
    assert.deepEqual(cells.map((c) => c.cell), ['rnn', 'gru']);
    for (const c of cells) {
      assert.deepEqual(Object.keys(c).sort(), ['cell', 'charsPerSec', 'horizon', 'memorySpan', 'params', 'trainLoss', 'valLoss']);
      const train = await runIn(dir(), ['train', 'lag.txt', '--cell', String(c.cell), ...settings, '--out', `${String(c.cell)}.safetensors`, '--json']);
      const summary = jsonLines(train.stdout).find((l) => l.event === 'summary')!;
      assert.equal(c.trainLoss, summary.loss, `${String(c.cell)}: training loss`);
      assert.equal(c.valLoss, summary.valLoss, `${String(c.cell)}: validation loss`);
      assert.ok(Number.isInteger(c.horizon) && (c.horizon as number) >= 0 && (c.horizon as number) < 16);
      // 10% of 400 lines of 8 characters: 320 held out, so each probe follows 160 characters.
      assert.ok((c.memorySpan as number) >= 0 && (c.memorySpan as number) < 160);
      assert.ok((c.charsPerSec as number) > 0);
    }
    // V = 20 (a-h, 0-9, ?, newline), H = 8: W_ih, W_hh, two biases per gate block, then the decoder.
    assert.equal(cells[0].params, 8 * 20 + 8 * 8 + 2 * 8 + 20 * 8 + 20);
    assert.equal(cells[1].params, 3 * (8 * 20 + 8 * 8 + 2 * 8) + 20 * 8 + 20);
    // Without --json: a table, one row per cell.
    const text = await runIn(dir(), ['compare', 'lag.txt', '--cells', 'lstm', ...settings]);
    assert.match(text.stdout, /^cell +train loss +val loss +horizon +memory span +params +chars\/s\nlstm /);
    assertOneLineError(await runIn(dir(), ['compare', 'lag.txt', '--cells', 'rnn,cnn']), EXIT_USAGE, /--cells: "cnn" is not a cell/);
    assertOneLineError(await runIn(dir(), ['compare', 'lag.txt', '--resume', 'x']), EXIT_USAGE, /unknown option --resume/);
  });
});
