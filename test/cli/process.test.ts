import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { version } from '../../package.json';
import { decodeCheckpoint } from '../../src/engine/io/checkpoint';
import { GOLDEN, smallText, useTempDir } from './helpers';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const FAST = ['--cell', 'gru', '--hidden', '8', '--seq-len', '16', '--batch', '4'];

describe('cli as a built executable (dist/cli.js)', function () {
  this.timeout(120_000);
  const dir = useTempDir();

  before(() => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'pipe' });
    assert.ok(existsSync(CLI), 'the build produced dist/cli.js');
    writeFileSync(join(dir(), 'notes.txt'), smallText());
    writeFileSync(join(dir(), 'empty.txt'), '');
    writeFileSync(join(dir(), 'broken.safetensors'), Buffer.from('{"not": "a checkpoint"}'));
  });

  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir(), encoding: 'utf8' });

  it('starts with a node shebang and prints its version', () => {
    assert.match(readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const r = run('--version');
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), version);
  });

  it('trains with --json, then samples, evaluates and describes the checkpoint', () => {
    const train = run('train', 'notes.txt', ...FAST, '--steps', '3', '--json');
    assert.equal(train.status, 0, train.stderr);
    const lines = train.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.filter((l) => l.event === 'step').length, 3);
    assert.equal(lines.at(-1).checkpoint, 'notes.safetensors');
    assert.equal(decodeCheckpoint(readFileSync(join(dir(), 'notes.safetensors'))).resume?.step, 3);

    const sample = run('sample', 'notes.safetensors', '--length', '50', '--prime', 'the ');
    assert.equal(sample.status, 0, sample.stderr);
    assert.ok(sample.stdout.startsWith('the '));
    assert.equal([...sample.stdout.replace(/\n$/, '')].length, 54);

    const evaluation = run('eval', 'notes.safetensors', 'notes.txt', '--json');
    assert.equal(evaluation.status, 0, evaluation.stderr);
    const e = JSON.parse(evaluation.stdout);
    assert.ok(e.loss > 0 && e.loss < 10 && e.chars === smallText().length - 1);

    const info = run('info', 'notes.safetensors');
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /GRU, hidden 8, 1 layer/);
    assert.match(info.stdout, /resume\s+step 3, adam/);

    const grad = run('gradcheck', '--cell', 'lstm', '--layers', '1', '--hidden', '3');
    assert.equal(grad.status, 0, grad.stderr);
    assert.match(grad.stdout, /all gradients match/);
  });

  it('reports every error as one line with the right exit code and no stack trace', () => {
    const cases: [string[], number, RegExp][] = [
      [['launch'], 2, /unknown command/],
      [['train', 'notes.txt', '--layers', '9'], 2, /--layers must be a whole number from 1 to 4/],
      [['train', 'missing.txt'], 1, /cannot read missing.txt: no such file/],
      [['train', '.'], 1, /is a folder/],
      [['train', 'empty.txt'], 1, /empty/],
      [['sample', 'broken.safetensors'], 1, /broken.safetensors: not a safetensors file/],
      [['eval', join(GOLDEN, 'rnn-hello.safetensors'), 'notes.txt'], 1, /does not know/],
    ];
    for (const [args, code, pattern] of cases) {
      const r = run(...args);
      assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], pattern);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
      assert.equal(r.stdout, '');
    }
  });

  it('on Ctrl-C (SIGINT) finishes the step, saves the checkpoint and exits 130', async () => {
    const child = spawn(process.execPath, [CLI, 'train', 'notes.txt', ...FAST, '--steps', '1000000', '--out', 'sigint.safetensors', '--json'], { cwd: dir() });
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!signalled && stdout.includes('"event":"step"')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    assert.equal(code, 130);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(summary.event, 'summary');
    assert.equal(summary.interrupted, true);
    const ckpt = decodeCheckpoint(readFileSync(join(dir(), 'sigint.safetensors')));
    assert.equal(ckpt.resume?.step, summary.totalSteps);
  });
});
