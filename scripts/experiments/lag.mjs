#!/usr/bin/env node
// Issue 17's acceptance experiment: can the cell recall a symbol from 21 steps back?
//
//   node esbuild.mjs && nice -n 10 node scripts/experiments/lag.mjs [--seeds 1,2] [--cells rnn,lstm,gru] [--dir DIR] [--lag 20] [--steps 3000]
//
// Makes the training text (`rnn-lens task lag --lag 20 --lines 3000`, seed 1) and a held-out text
// from another seed (1,000 lines, seed 1000), trains each cell with each seed (hidden 32, seq-len
// 64, batch 32, Adam lr 0.01, clip-norm 5, val-fraction 0.1, 3,000 steps) and measures with
// `rnn-lens eval --per-char` the mean loss at the recall positions of the held-out text (the
// character after each `?`; chance is ln 8 = 2.079 nats). Prints a Markdown table and writes the
// figures as JSON to DIR/results.json. Only the built CLI is used (dist/cli.js), as a user would.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  seeds: { type: 'string', default: '1,2' },
  cells: { type: 'string', default: 'rnn,lstm,gru' },
  dir: { type: 'string', default: join(tmpdir(), 'rnn-lens-lag') },
  steps: { type: 'string', default: '3000' },
  lag: { type: 'string', default: '20' },
} });
const cli = resolve(import.meta.dirname, '../../dist/cli.js');
const dir = resolve(values.dir);
mkdirSync(dir, { recursive: true });
const run = (args) => execFileSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });

const TRAIN = ['--hidden', '32', '--seq-len', '64', '--batch', '32', '--optimizer', 'adam', '--lr', '0.01', '--clip-norm', '5', '--val-fraction', '0.1', '--steps', values.steps];
run(['task', 'lag', '--lag', values.lag, '--lines', '3000', '--seed', '1', '--out', 'lag-train.txt']);
run(['task', 'lag', '--lag', values.lag, '--lines', '1000', '--seed', '1000', '--out', 'lag-heldout.txt']);
const heldOut = Array.from(readFileSync(join(dir, 'lag-heldout.txt'), 'utf8'));
// losses[i] is the loss of predicting character i + 1: the recall after the `?` at i is losses[i].
const recallLoss = (losses) => {
  let sum = 0, n = 0;
  heldOut.forEach((ch, i) => { if (ch === '?' && i < losses.length) { sum += losses[i]; n++; } });
  return sum / n;
};

const results = [];
for (const cell of values.cells.split(',')) {
  for (const seed of values.seeds.split(',').map(Number)) {
    const ckpt = `${cell}-seed${seed}.safetensors`;
    const started = performance.now();
    const lines = run(['train', 'lag-train.txt', '--cell', cell, '--seed', String(seed), ...TRAIN, '--out', ckpt, '--json']).trim().split('\n').map((l) => JSON.parse(l));
    const seconds = (performance.now() - started) / 1000;
    const summary = lines.find((l) => l.event === 'summary');
    const ev = JSON.parse(run(['eval', ckpt, 'lag-heldout.txt', '--per-char', '--json']));
    const r = { cell, seed, recallLoss: recallLoss(ev.losses), heldOutLoss: ev.loss, trainLoss: summary.loss, valLoss: summary.valLoss, seconds, charsPerSec: summary.charsPerSec };
    results.push(r);
    console.error(`${cell} seed ${seed}: recall ${r.recallLoss.toFixed(3)} nats, held-out ${r.heldOutLoss.toFixed(3)}, ${seconds.toFixed(0)} s`);
  }
}
writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ lag: Number(values.lag), steps: Number(values.steps), results }, null, 1)}\n`);

console.log('| cell | seed | recall loss (nats) | held-out loss | train loss | val loss | time (s) | chars/s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.cell} | ${r.seed} | ${r.recallLoss.toFixed(3)} | ${r.heldOutLoss.toFixed(3)} | ${r.trainLoss.toFixed(3)} | ${r.valLoss.toFixed(3)} | ${r.seconds.toFixed(0)} | ${Math.round(r.charsPerSec).toLocaleString('en-US')} |`);
console.log('');
for (const cell of [...new Set(results.map((r) => r.cell))]) {
  const mine = results.filter((r) => r.cell === cell);
  console.log(`${cell}: mean recall loss ${(mine.reduce((a, r) => a + r.recallLoss, 0) / mine.length).toFixed(3)} nats over seeds ${mine.map((r) => r.seed).join(', ')}`);
}
