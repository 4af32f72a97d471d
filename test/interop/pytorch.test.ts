/**
 * The PyTorch interop snippets (scripts/pytorch/*.py, shown in docs/pytorch.md) against the golden
 * files and, when its source is there, the RNN Lens CLI. Needs /usr/bin/python3 with torch (Debian:
 * apt-get install python3-torch); without it the Python-running tests are skipped with the reason.
 * Not in the default mocha spec list: `npx mocha --no-config -r tsx/cjs test/interop/pytorch.test.ts`.
 */

import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SNIPPETS = join(ROOT, 'scripts', 'pytorch');
import { GOLDEN_DIR as GOLDEN } from '../engine/golden';
/** Debian's python3-torch by default; RNN_LENS_PYTHON points at another interpreter (e.g. a venv with pip's torch). */
const PYTHON = process.env.RNN_LENS_PYTHON ?? '/usr/bin/python3';
const CLI_SOURCE = join(ROOT, 'src', 'cli', 'main.ts');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** The snippets the docs show in full; each must appear there byte for byte. */
const SHOWN_IN_DOCS = ['load_checkpoint.py', 'continue_training.py', 'save_checkpoint.py', 'train_from_scratch.py'];

function run(command: string, args: string[], cwd = SNIPPETS): SpawnSyncReturns<string> {
  // No __pycache__ left in scripts/pytorch by the imports between snippets.
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
}

function python(args: string[]): string {
  const r = run(PYTHON, args);
  assert.equal(r.status, 0, `python3 ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function cli(args: string[]): string {
  const r = run(TSX, [CLI_SOURCE, ...args], ROOT);
  assert.equal(r.status, 0, `rnn-lens ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Why torch cannot be used here, or undefined when it can. */
function torchUnavailable(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = run(PYTHON, ['-c', 'import torch']);
  return r.status === 0 ? undefined : `${PYTHON} cannot import torch (apt-get install python3-torch, or set RNN_LENS_PYTHON)`;
}

function skipWithReason(ctx: Mocha.Context, reason: string): never {
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

describe('PyTorch interop', function () {
  this.timeout(600_000);

  it('docs/pytorch.md shows every snippet exactly as scripts/pytorch has it', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'pytorch.md'), 'utf8');
    const blocks = new Map<string, string>();
    for (const m of docs.matchAll(/`scripts\/pytorch\/([\w.]+\.py)`[^\n]*\n+```python\n([\s\S]*?)```/g)) blocks.set(m[1], m[2]);
    for (const name of SHOWN_IN_DOCS) {
      assert.ok(blocks.has(name), `docs/pytorch.md has no code block for scripts/pytorch/${name}`);
      assert.equal(blocks.get(name), readFileSync(join(SNIPPETS, name), 'utf8'), `docs/pytorch.md differs from scripts/pytorch/${name}`);
    }
  });

  describe('with PyTorch (Debian python3-torch)', () => {
    let work = '';
    before(function () {
      const reason = torchUnavailable();
      if (reason) skipWithReason(this, reason);
      work = mkdtempSync(join(tmpdir(), 'rnn-lens-interop-'));
    });
    after(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('matches every golden file (loss, logits, grads, hT), exports byte-identical files, replays the Adam training golden', () => {
      const out = python(['check_golden.py', GOLDEN, '--out', work]);
      assert.match(out, /^0 failure\(s\)$/m, out);
      // Six forward goldens load; the Cho GRU is refused with a reason.
      assert.equal((out.match(/ok {3}\S+ loss:/g) ?? []).length, 6, out);
      assert.match(out, /ok {3}refused Cho GRU: .*no nn\.GRU equivalent/);
    });

    it('trains a model from scratch and continues it, the loss going down', () => {
      const text = join(work, 'text.txt');
      writeFileSync(text, readFileSync(join(GOLDEN, 'README.md'), 'utf8'));
      const first = join(work, 'scratch.safetensors');
      const second = join(work, 'continued.safetensors');
      python(['train_from_scratch.py', text, first, 'gru', '32', '60']);
      python(['continue_training.py', first, text, second, '60']);
      const loss = (path: string): number => Number(/loss=([\d.]+)/.exec(python(['load_checkpoint.py', path, text]))![1]);
      const before = loss(first);
      const after = loss(second);
      assert.ok(after < before, `loss after continuing (${after}) should be below ${before}`);
      assert.ok(before < Math.log(80), `a trained model beats uniform guessing (${before})`);
    });

    describe('and the RNN Lens CLI', () => {
      before(function () {
        if (!existsSync(CLI_SOURCE)) skipWithReason(this, 'src/cli/main.ts does not exist yet');
        if (!existsSync(join(work, 'manifest.json'))) python(['check_golden.py', GOLDEN, '--out', work]);
      });

      it('reads the files PyTorch wrote, and its eval loss matches PyTorch on the same text', () => {
        const manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8')) as { name: string; checkpoint: string; text: string; torchLoss: number }[];
        assert.ok(manifest.length >= 7, 'six golden exports and one PyTorch-trained model');
        for (const entry of manifest) {
          const info = JSON.parse(cli(['info', '--json', entry.checkpoint])) as { config: { vocab: string[] } };
          assert.ok(info.config.vocab.length > 0, `${entry.name}: info shows the vocabulary`);
          const { loss } = JSON.parse(cli(['eval', '--json', entry.checkpoint, entry.text])) as { loss: number };
          assert.ok(Math.abs(loss - entry.torchLoss) <= 1e-5 * Math.max(1, entry.torchLoss), `${entry.name}: RNN Lens ${loss} vs PyTorch ${entry.torchLoss}`);
        }
      });

      for (const cell of ['lstm', 'gru', 'rnn']) {
        it(`loads a ${cell} checkpoint written by rnn-lens train (resume tensors skipped) with the loss RNN Lens reports`, () => {
          const text = join(work, 'train.txt');
          writeFileSync(text, readFileSync(join(GOLDEN, 'README.md'), 'utf8'));
          const ckpt = join(work, `cli-${cell}.safetensors`);
          cli(['train', text, '--cell', cell, '--hidden', '12', '--layers', '2', '--steps', '5', '--batch', '4', '--seq-len', '16', '--sample-every', '0', '--out', ckpt]);
          const info = JSON.parse(cli(['info', '--json', ckpt])) as { resume?: unknown };
          assert.ok(info.resume, 'a training checkpoint carries resume state');
          const { loss } = JSON.parse(cli(['eval', '--json', ckpt, text])) as { loss: number };
          const torchLoss = Number(/loss=([\d.]+)/.exec(python(['load_checkpoint.py', ckpt, text]))![1]);
          assert.ok(Math.abs(loss - torchLoss) <= 1e-5 * Math.max(1, loss), `RNN Lens ${loss} vs PyTorch ${torchLoss}`);
        });
      }
    });
  });
});
