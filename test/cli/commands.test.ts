import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../package.json';
import { decodeCheckpoint } from '../../src/engine/io/checkpoint';
import { EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from '../../src/cli/io';
import { runCli } from '../../src/cli/run';
import { setSimdEnabled } from '../../src/engine/kernels/simd/simdArena';
import { assertOneLineError, GOLDEN, runIn, smallText, useTempDir } from './helpers';

/** Tiny, fast settings for runs whose numbers do not matter. */
const FAST = ['--cell', 'lstm', '--hidden', '8', '--seq-len', '16', '--batch', '4'];

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('cli commands (in process)', () => {
  const dir = useTempDir();
  before(() => {
    writeFileSync(join(dir(), 'small.txt'), smallText());
    writeFileSync(join(dir(), 'empty.txt'), '');
    writeFileSync(join(dir(), 'binary.dat'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    writeFileSync(join(dir(), 'latin1.txt'), Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b]));
    writeFileSync(join(dir(), 'same.txt'), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    writeFileSync(join(dir(), 'short.txt'), 'abcabc');
    writeFileSync(join(dir(), 'other.txt'), `${smallText()}more text`);
    writeFileSync(join(dir(), 'corrupt.safetensors'), readFileSync(join(GOLDEN, 'rnn-hello.safetensors')).subarray(0, 100));
    mkdirSync(join(dir(), 'folder'));
  });

  describe('help, version and usage errors', () => {
    it('prints help and the version', async () => {
      const none = await runIn(dir(), []);
      assert.equal(none.code, EXIT_USAGE);
      assert.match(none.stdout, /Usage: rnn-lens COMMAND/);
      assert.equal((await runIn(dir(), ['--help'])).code, EXIT_OK);
      const v = await runIn(dir(), ['--version']);
      assert.equal(v.code, EXIT_OK);
      assert.equal(v.stdout.trim(), version);
      for (const [cmd, flag] of [['train', '--seq-len'], ['sample', '--top-k'], ['eval', '--skip-unknown'], ['gradcheck', '--hidden'], ['info', 'CKPT']]) {
        const r = await runIn(dir(), [cmd, '--help']);
        assert.equal(r.code, EXIT_OK, cmd);
        assert.ok(r.stdout.includes(flag), `${cmd} --help mentions ${flag}`);
      }
    });

    it('refuses bad command lines with exit code 2 and one line', async () => {
      const cases: [string[], RegExp][] = [
        [['fly'], /unknown command "fly"/],
        [['--bogus'], /unknown option --bogus/],
        [['train'], /missing FILE/],
        [['train', 'small.txt', '--bogus'], /^rnn-lens train: unknown option --bogus \(see rnn-lens train --help\)$/],
        [['train', 'small.txt', 'extra.txt'], /unexpected argument "extra.txt"/],
        [['train', 'small.txt', '--hidden', '0'], /--hidden must be a whole number from 1 to 1024 \(got "0"\)/],
        [['train', 'small.txt', '--hidden', 'lots'], /--hidden must be/],
        [['train', 'small.txt', '--lr', '1e9'], /--lr must be a number from/],
        [['train', 'small.txt', '--cell', 'cnn'], /--cell must be one of rnn, lstm, gru/],
        [['train', 'small.txt', '--gru-reset-after', 'maybe'], /--gru-reset-after must be true or false/],
        [['train', 'small.txt', '--steps', '5', '--seconds', '1'], /either --steps or --seconds/],
        [['train', 'small.txt', '--init', 'a', '--resume', 'b'], /either --init .* or --resume/],
        [['train', 'small.txt', '--resume', 'x.safetensors', '--lr', '0.1'], /--lr cannot be changed with --resume/],
        [['train', 'small.txt', '--init', 'x.safetensors', '--hidden', '4'], /--hidden cannot be used with --init/],
        [['train', 'small.txt', '--out', 'small.txt', ...FAST], /would overwrite the training text/],
        [['sample'], /missing CKPT/],
        [['sample', 'a', 'b'], /unexpected argument/],
        [['sample', 'x', '--temperature=-1'], /--temperature must be/],
        [['sample', 'x', '--length', '-5'], /--length must be a whole number from 1 to 1000000 \(got "-5"\)/],
        [['sample', 'x', '--seed', '-1'], /--seed must be a whole number from 0/],
        [['train', 'small.txt', '--steps'], /--steps needs a value/],
        [['train', 'small.txt', '--steps', '--json'], /--steps needs a value/],
        [['train', 'small.txt', '--json=yes'], /--json takes no value/],
        [['train', 'small.txt', '--forget-bias', '-11'], /--forget-bias must be a number from -10 to 10 \(got "-11"\)/],
        [['eval', 'x'], /missing CKPT and FILE/],
        [['gradcheck', '--hidden', '100'], /--hidden must be a whole number from 1 to 32/],
        [['info'], /missing CKPT/],
      ];
      for (const [argv, pattern] of cases) {
        const r = await runIn(dir(), argv);
        assertOneLineError(r, EXIT_USAGE, pattern);
        if (argv[0] !== 'fly' && argv[0] !== '--bogus') assert.match(r.stderr, /see rnn-lens \w+ --help/);
      }
    });
  });

  describe('input errors', () => {
    it('refuses unusable files with exit code 1 and one actionable line', async () => {
      const cases: [string[], RegExp][] = [
        [['train', 'nope.txt', ...FAST], /cannot read nope.txt: no such file/],
        [['train', 'folder', ...FAST], /folder is a folder/],
        [['train', 'empty.txt', ...FAST], /empty/],
        [['train', 'binary.dat', ...FAST], /binary/],
        [['train', 'latin1.txt', ...FAST], /not valid UTF-8/],
        [['train', 'same.txt', ...FAST], /fewer than 2 distinct characters/],
        [['train', 'short.txt', ...FAST], /too short/],
        [['train', 'small.txt', ...FAST, '--out', 'nowhere/x.safetensors'], /cannot save to nowhere\/x.safetensors: the folder does not exist/],
        [['train', 'small.txt', ...FAST, '--out', 'folder'], /cannot save to folder: it is a folder/],
        [['sample', 'corrupt.safetensors'], /corrupt.safetensors: truncated safetensors file/],
        [['sample', 'small.txt'], /small.txt: not a safetensors file/],
        [['info', 'folder'], /is a folder/],
        [['eval', join(GOLDEN, 'rnn-hello.safetensors'), 'small.txt'], /characters the model does not know .* --skip-unknown/],
        [['eval', join(GOLDEN, 'rnn-hello.safetensors'), 'empty.txt'], /empty/],
        [['train', 'small.txt', '--resume', join(GOLDEN, 'rnn-hello.safetensors')], /holds weights only, no training state to resume; use --init/],
        [['sample', join(GOLDEN, 'rnn-hello.safetensors'), '--prime', 'xyz'], /prime text has characters the model does not know/],
      ];
      for (const [argv, pattern] of cases) assertOneLineError(await runIn(dir(), argv), EXIT_INPUT, pattern);
    });
  });

  describe('info, sample, eval, gradcheck', () => {
    const hello = join(GOLDEN, 'rnn-hello.safetensors');

    it('info describes a golden checkpoint, as text and JSON', async () => {
      const r = await runIn(dir(), ['info', join(GOLDEN, 'lstm-h16-l2-korean.safetensors')]);
      assert.equal(r.code, EXIT_OK);
      assert.match(r.stdout, /LSTM, hidden 16, 2 layers/);
      assert.match(r.stdout, /24 characters/);
      assert.match(r.stdout, /rnn\.weight_ih_l1\s+\[64, 16\]\s+1,024/);
      assert.match(r.stdout, /resume\s+none/);
      const j = JSON.parse((await runIn(dir(), ['info', hello, '--json'])).stdout);
      assert.equal(j.paramCount, 3 * 4 + 3 * 3 + 3 + 3 + 4 * 3 + 4);
      assert.equal(j.resume, undefined);
    });

    it('eval gives the golden loss of the reference model', async () => {
      writeFileSync(join(dir(), 'hello.txt'), 'hello');
      const r = await runIn(dir(), ['eval', hello, 'hello.txt', '--json']);
      assert.equal(r.code, EXIT_OK, r.stderr);
      const golden = JSON.parse(readFileSync(join(GOLDEN, 'rnn-hello.json'), 'utf8'));
      const j = JSON.parse(r.stdout);
      assert.ok(Math.abs(j.loss - golden.expected.loss) < 1e-5 * golden.expected.loss, `${j.loss} vs ${golden.expected.loss}`);
      assert.ok(Math.abs(j.bitsPerChar - j.loss / Math.LN2) < 1e-12);
      assert.ok(Math.abs(j.perplexity - Math.exp(j.loss)) < 1e-9);
      assert.equal(j.chars, 4);
      const human = await runIn(dir(), ['eval', hello, 'hello.txt']);
      assert.match(human.stdout, /bits\/char\s+\d/);
    });

    it('eval --skip-unknown leaves unknown characters out and counts them', async () => {
      writeFileSync(join(dir(), 'hello2.txt'), 'hello, world');
      const r = await runIn(dir(), ['eval', hello, 'hello2.txt', '--skip-unknown', '--json']);
      assert.equal(r.code, EXIT_OK, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.skipped, 5); // ',', ' ', 'w', 'r', 'd'
      assert.equal(j.chars, 'hellool'.length - 1);
    });

    it('sample is reproducible by seed, starts with the prime and has the asked length', async () => {
      const a = await runIn(dir(), ['sample', hello, '--length', '40', '--seed', '3', '--prime', 'he']);
      const b = await runIn(dir(), ['sample', hello, '--length', '40', '--seed', '3', '--prime', 'he']);
      const c = await runIn(dir(), ['sample', hello, '--length', '40', '--seed', '4', '--prime', 'he']);
      assert.equal(a.code, EXIT_OK, a.stderr);
      assert.equal(a.stdout, b.stdout);
      assert.notEqual(a.stdout, c.stdout);
      const text = a.stdout.replace(/\n$/, '');
      assert.ok(text.startsWith('he'));
      assert.equal([...text].length, 42);
      assert.match(text, /^[ehlo]+$/);
      const greedy = await runIn(dir(), ['sample', hello, '--length', '10', '--temperature', '0', '--top-k', '2']);
      assert.equal(greedy.code, EXIT_OK, greedy.stderr);
    });

    it('gradcheck passes for a small GRU (both forms) and reports per tensor', async () => {
      for (const form of ['true', 'false']) {
        const r = await runIn(dir(), ['gradcheck', '--cell', 'gru', '--layers', '2', '--hidden', '3', '--gru-reset-after', form, '--json']);
        assert.equal(r.code, EXIT_OK, r.stderr);
        const j = JSON.parse(r.stdout);
        assert.equal(j.ok, true);
        assert.equal(j.tensors.length, 10);
        assert.ok(j.tensors.every((t: { maxRelError: number }) => t.maxRelError < 1e-4));
      }
      const text = await runIn(dir(), ['gradcheck', '--cell', 'rnn', '--layers', '1', '--hidden', '2']);
      assert.match(text.stdout, /rnn\s+decoder\.bias\s+\S+\s+ok/);
      assert.match(text.stdout, /all gradients match/);
    });
  });

  describe('train', () => {
    it('trains a few steps with --json: a line per step, a summary, a loadable checkpoint at the default path', async () => {
      const r = await runIn(dir(), ['train', 'small.txt', ...FAST, '--steps', '3', '--val-every', '2', '--json']);
      assert.equal(r.code, EXIT_OK, r.stderr);
      assert.equal(r.stderr, '');
      const lines = jsonLines(r.stdout);
      assert.deepEqual(lines.map((l) => l.event), ['step', 'step', 'step', 'summary']);
      assert.deepEqual(lines.slice(0, 3).map((l) => l.step), [1, 2, 3]);
      assert.equal(lines[0].valLoss, null);
      assert.equal(typeof lines[1].valLoss, 'number');
      assert.ok(lines.slice(0, 3).every((l) => Number.isFinite(l.loss) && (l.charsPerSec as number) > 0));
      const summary = lines[3];
      assert.equal(summary.checkpoint, 'small.safetensors');
      assert.equal(summary.totalSteps, 3);
      assert.equal(summary.interrupted, false);
      const ckpt = decodeCheckpoint(readFileSync(join(dir(), 'small.safetensors')));
      assert.equal(ckpt.resume?.step, 3);
      assert.equal(ckpt.config.hidden, 8);
      assert.ok(!readdirSync(dir()).some((f) => f.includes('.tmp-')), 'no temporary files left behind');
    });

    it('prints readable progress without --json', async () => {
      const r = await runIn(dir(), ['train', 'small.txt', ...FAST, '--steps', '4', '--sample-every', '2', '--out', 'human.safetensors']);
      assert.equal(r.code, EXIT_OK, r.stderr);
      assert.match(r.stdout, /^training LSTM \(hidden 8, 1 layer\) on small.txt/);
      assert.match(r.stdout, /step 4 {2}loss \d+\.\d+ {2}val \d+\.\d+/);
      assert.match(r.stdout, /--- sample at step 2 ---/);
      assert.match(r.stdout, /saved human.safetensors \(step 4, [\d,]+ bytes\)/);
    });

    it('says so when it trains on the scalar kernels (no WebAssembly SIMD), and not otherwise', async () => {
      const args = ['train', 'small.txt', ...FAST, '--steps', '1', '--out', 'k.safetensors'];
      const simd = await runIn(dir(), args);
      assert.doesNotMatch(simd.stdout, /scalar kernels/);
      setSimdEnabled(false);
      try {
        const scalar = await runIn(dir(), args);
        assert.equal(scalar.code, EXIT_OK, scalar.stderr);
        assert.match(scalar.stdout.split('\n')[0], /WebAssembly SIMD unavailable here: scalar kernels, slower/);
      } finally {
        setSimdEnabled(true);
      }
    });

    it('draws a progress bar with step, chars/s, losses and time left on a terminal', async () => {
      let drawn = '';
      const terminal = { isTTY: true, columns: 160, write: (chunk: string) => { drawn += chunk; return true; } } as unknown as NodeJS.WritableStream;
      const r = await runIn(dir(), ['train', 'small.txt', ...FAST, '--steps', '4', '--sample-every', '2', '--val-every', '2', '--out', 'tty.safetensors'], { isTTY: true, progressStream: terminal });
      assert.equal(r.code, EXIT_OK, r.stderr);
      assert.match(drawn, /4\/4 \| step 4 \| \d+ chars\/s \| loss \d+\.\d{3} \| val \d+\.\d{3} \| \S+ left/);
      assert.match(drawn, /--- sample at step 2 ---/);
      assert.match(r.stdout, /saved tty.safetensors/);
    });

    it('N + M steps in one run equal N steps, save, resume, M steps: bit for bit', async () => {
      for (const optimizer of ['adam', 'adagrad', 'sgd']) {
        const common = ['--cell', optimizer === 'sgd' ? 'gru' : 'lstm', '--hidden', '6', '--layers', '2', '--seq-len', '8', '--batch', '3', '--optimizer', optimizer, '--val-every', '1000'];
        assert.equal((await runIn(dir(), ['train', 'small.txt', ...common, '--steps', '7', '--out', 'full.safetensors', '--json'])).code, EXIT_OK);
        assert.equal((await runIn(dir(), ['train', 'small.txt', ...common, '--steps', '4', '--out', 'part.safetensors', '--json'])).code, EXIT_OK);
        const resumed = await runIn(dir(), ['train', 'small.txt', '--resume', 'part.safetensors', '--steps', '3', '--json']);
        assert.equal(resumed.code, EXIT_OK, resumed.stderr);
        assert.deepEqual(jsonLines(resumed.stdout).filter((l) => l.event === 'step').map((l) => l.step), [5, 6, 7]);
        const full = readFileSync(join(dir(), 'full.safetensors'));
        const part = readFileSync(join(dir(), 'part.safetensors'));
        assert.equal(decodeCheckpoint(part).resume?.step, 7);
        assert.ok(full.equals(part), `${optimizer}: resumed checkpoint differs from the uninterrupted run`);
      }
    });

    it('refuses to resume on a different text', async () => {
      assert.equal((await runIn(dir(), ['train', 'small.txt', ...FAST, '--steps', '1', '--out', 'r.safetensors', '--json'])).code, EXIT_OK);
      assertOneLineError(await runIn(dir(), ['train', 'other.txt', '--resume', 'r.safetensors', '--steps', '1']), EXIT_INPUT, /different text/);
    });

    it('--init starts from saved weights with fresh optimizer state and new training settings', async () => {
      assert.equal((await runIn(dir(), ['train', 'small.txt', ...FAST, '--steps', '2', '--out', 'base.safetensors', '--json'])).code, EXIT_OK);
      const r = await runIn(dir(), ['train', 'small.txt', '--init', 'base.safetensors', '--lr', '0.0005', '--batch', '2', '--steps', '1', '--out', 'tuned.safetensors', '--json']);
      assert.equal(r.code, EXIT_OK, r.stderr);
      const tuned = decodeCheckpoint(readFileSync(join(dir(), 'tuned.safetensors')));
      assert.equal(tuned.resume?.step, 1);
      assert.equal(tuned.resume?.optimizer.t, 1);
      assert.equal(tuned.resume?.settings.lr, 0.0005);
      assert.equal(tuned.config.cell, 'lstm');
      assert.equal(tuned.config.hidden, 8);
    });

    it('on interrupt finishes the step, saves a resumable checkpoint and exits 130', async () => {
      const controller = new AbortController();
      let stdout = '';
      const code = await runCli(['train', 'small.txt', ...FAST, '--steps', '100000', '--out', 'int.safetensors', '--json'], {
        stdout: (t) => {
          stdout += t;
          if (t.includes('"event":"step"')) controller.abort();
        },
        stderr: () => {},
        isTTY: false,
        cwd: dir(),
        interrupt: controller.signal,
      });
      assert.equal(code, EXIT_INTERRUPTED);
      const summary = jsonLines(stdout).at(-1)!;
      assert.equal(summary.event, 'summary');
      assert.equal(summary.interrupted, true);
      assert.equal(summary.steps, 1);
      assert.equal(typeof summary.valLoss, 'number');
      assert.ok(existsSync(join(dir(), 'int.safetensors')));
      const again = await runIn(dir(), ['train', 'small.txt', '--resume', 'int.safetensors', '--steps', '1', '--json']);
      assert.equal(again.code, EXIT_OK, again.stderr);
      assert.equal(jsonLines(again.stdout).at(-1)!.totalSteps, 2);
    });
  });
});
