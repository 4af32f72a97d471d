import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE } from '../../src/cli/io';
import { encodeCheckpoint } from '../../src/engine/io/checkpoint';
import { analysisCases, relToMax } from '../engine/analysis/vectors';
import { assertOneLineError, runIn, useTempDir } from './helpers';

// The analysis commands, end to end from files, against the PyTorch reference values of
// test/fixtures/analysis (the engine functions are tested against them in test/engine/analysis).
describe('cli: probe, saliency, neurons, eval --per-char/--ablate, greedy sample', () => {
  const dir = useTempDir();
  const cases = analysisCases();
  before(() => {
    for (const c of cases) {
      const weights = new Map(Object.entries(c.weights).map(([k, t]) => [k, Float32Array.from(t.data)]));
      writeFileSync(join(dir(), `${c.name}.safetensors`), encodeCheckpoint({ config: c.config, weights }));
      writeFileSync(join(dir(), `${c.name}.txt`), c.text);
    }
    writeFileSync(join(dir(), 'foreign.txt'), 'say "hi" ✓ now\n');
  });
  const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

  for (const c of cases) {
    const args = [`${c.name}.safetensors`, `${c.name}.txt`];
    it(`${c.name}: probe --json gives every step as PyTorch does, and the horizon`, async () => {
      for (const p of c.probe) {
        const r = await runIn(dir(), ['probe', ...args, '--at', String(p.at), '--replace', c.config.vocab[p.replace], '--length', String(p.length), '--json']);
        assert.equal(r.code, EXIT_OK, r.stderr);
        const out = json(r.stdout) as { at: number; replace: string; original: string; length: number; horizon: number; steps: typeof p.steps };
        assert.equal(out.at, p.at);
        assert.equal(out.length, p.length);
        assert.equal(out.replace, c.config.vocab[p.replace]);
        assert.equal(out.original, Array.from(c.text)[p.at]);
        assert.equal(out.horizon, p.horizon);
        assert.deepEqual(out.steps.map((s) => s.t), p.steps.map((s) => s.t));
        assert.deepEqual(out.steps.map((s) => s.top1Changed), p.steps.map((s) => s.top1Changed));
        for (const key of ['dh', 'dc'] as const) {
          if (c.config.cell !== 'lstm' && key === 'dc') {
            assert.ok(out.steps.every((s) => !('dc' in s)), 'dc only for an LSTM');
            continue;
          }
          assert.ok(relToMax(out.steps.flatMap((s) => s[key]!), p.steps.flatMap((s) => s[key]!)) < 1e-5, key);
        }
        assert.ok(relToMax(out.steps.map((s) => s.kl), p.steps.map((s) => s.kl)) < 1e-4, 'kl');
      }
      const text = await runIn(dir(), ['probe', ...args, '--at', String(c.probe[0].at), '--replace', c.config.vocab[c.probe[0].replace]]);
      assert.match(text.stdout, new RegExp(`noticed the change for ${c.probe[0].horizon} characters? after it`));
    });

    it(`${c.name}: saliency --json gives grad and norm of every k as PyTorch does`, async () => {
      for (const s of c.saliency) {
        const r = await runIn(dir(), ['saliency', ...args, '--at', String(s.t), '--json']);
        assert.equal(r.code, EXIT_OK, r.stderr);
        const out = json(r.stdout) as { t: number; target: string; logProb: number; scores: { k: number; char: string; grad: number; norm: number }[] };
        const chars = Array.from(c.text);
        assert.equal(out.t, s.t);
        assert.equal(out.target, chars[s.t + 1]);
        assert.ok(Math.abs(out.logProb - s.logProb) < 1e-5 * Math.max(1, Math.abs(s.logProb)));
        assert.deepEqual(out.scores.map((x) => [x.k, x.char]), chars.slice(0, s.t + 1).map((ch, k) => [k, ch]));
        assert.ok(relToMax(out.scores.map((x) => x.grad), s.grad) < 1e-4, 'grad');
        assert.ok(relToMax(out.scores.map((x) => x.norm), s.norm) < 1e-4, 'norm');
      }
    });

    it(`${c.name}: neurons --json ranks the units by |r| as PyTorch does`, async () => {
      const r = await runIn(dir(), ['neurons', ...args, '--top', '3', '--feature', 'word=[a-z]+', '--json']);
      assert.equal(r.code, EXIT_OK, r.stderr);
      const out = json(r.stdout) as { positions: number; features: { name: string; units: { layer: number; state: string; unit: number; r: number }[] }[] };
      assert.equal(out.positions, Array.from(c.text).length);
      assert.deepEqual(out.features.map((f) => f.name), c.neurons.map((f) => f.name));
      for (const [k, f] of out.features.entries()) {
        const theirs = [...c.neurons[k].units].sort((a, b) => Math.abs(b.r) - Math.abs(a.r)).slice(0, 3);
        assert.deepEqual(f.units.map(({ layer, state, unit }) => ({ layer, state, unit })), theirs.map(({ layer, state, unit }) => ({ layer, state, unit })), f.name);
        f.units.forEach((u, i) => assert.ok(Math.abs(u.r - theirs[i].r) < 1e-5, `${f.name}: r`));
      }
    });

    it(`${c.name}: eval --per-char --ablate and sample --temperature 0 --ablate as PyTorch does`, async () => {
      const chars = Array.from(c.text);
      for (const a of c.ablation) {
        const ablate = a.holds.flatMap((h) => ['--ablate', h.spec]);
        const r = await runIn(dir(), ['eval', ...args, '--per-char', '--json', ...ablate]);
        assert.equal(r.code, EXIT_OK, r.stderr);
        const out = json(r.stdout) as { loss: number; losses: number[]; ablate?: string[] };
        assert.equal(out.losses.length, chars.length - 1);
        assert.ok(relToMax(out.losses, a.losses) < 1e-5);
        assert.equal(out.ablate?.length ?? 0, a.holds.length);
        const sample = await runIn(dir(), ['sample', `${c.name}.safetensors`, '--temperature', '0', '--prime', chars.slice(0, a.prime).join(''), '--length', String(a.sample.length - a.prime), ...ablate]);
        assert.equal(sample.code, EXIT_OK, sample.stderr);
        assert.equal(sample.stdout, `${a.sample.map((id) => c.config.vocab[id]).join('')}\n`);
      }
    });
  }

  it('eval --per-char as text: one line per prediction', async () => {
    const r = await runIn(dir(), ['eval', 'rnn-l2.safetensors', 'rnn-l2.txt', '--per-char']);
    assert.equal(r.code, EXIT_OK);
    const rows = r.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    assert.equal(rows.length, Array.from(cases[0].text).length - 1);
  });

  it('refuses bad positions, characters, regexes, holds and a text the checkpoint cannot read, with one line', async () => {
    const m = 'lstm-l2.safetensors';
    const t = 'lstm-l2.txt';
    const n = Array.from(cases.find((c) => c.name === 'lstm-l2')!.text).length;
    const input: [string[], RegExp][] = [
      [['probe', m, t, '--at', String(n), '--replace', 'x'], new RegExp(`--at ${n} is out of range: .* goes from 0 to ${n - 1}`)],
      [['probe', m, t, '--at', '3', '--replace', 'Z'], /--replace "Z" is not in the vocabulary of lstm-l2.safetensors/],
      [['probe', m, t, '--at', '3', '--replace', 'x', '--length', '9999'], /--length 9999 is longer than lstm-l2.txt/],
      [['probe', m, 'foreign.txt', '--at', '1', '--replace', 'x'], /foreign.txt has 1 character that lstm-l2.safetensors does not know \("✓"\)/],
      [['saliency', m, t, '--at', String(n - 1)], new RegExp(`goes from 0 to ${n - 2}`)],
      [['saliency', m, 'foreign.txt', '--at', '1'], /does not know/],
      [['neurons', m, t, '--feature', 'bad=[a-'], /feature bad: Invalid regular expression: \/\[a-\/gu: Unterminated character class/],
      [['neurons', m, 'foreign.txt'], /does not know/],
      [['eval', m, t, '--ablate', '2:0'], /the model has 2 layers, counted from 0 \(0 to 1\)/],
      [['eval', 'rnn-l2.safetensors', t, '--ablate', 'c:0:1'], /only an LSTM has a cell state/],
      [['sample', m, '--ablate', 'nonsense'], /write \[h:\|c:\]LAYER:UNIT\[=VALUE\]/],
    ];
    for (const [argv, pattern] of input) assertOneLineError(await runIn(dir(), argv), EXIT_INPUT, pattern);
    const usage: [string[], RegExp][] = [
      [['probe', m, t, '--replace', 'x'], /--at is required/],
      [['probe', m, t, '--at', '3'], /--replace is required/],
      [['probe', m, t, '--at', '3', '--replace', 'xy'], /--replace must be exactly one character/],
      [['saliency', m, t, '--at', '-1'], /--at must be a whole number of 0 or more/],
      [['neurons', m, t, '--top', '0'], /--top must be a whole number from 1/],
    ];
    for (const [argv, pattern] of usage) assertOneLineError(await runIn(dir(), argv), EXIT_USAGE, pattern);
    // With --json the error is also one JSON line on stdout.
    const r = await runIn(dir(), ['probe', m, t, '--at', '3', '--replace', 'Z', '--json']);
    assert.equal((JSON.parse(r.stdout) as { event: string }).event, 'error');
  });
});
