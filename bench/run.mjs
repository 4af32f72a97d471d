#!/usr/bin/env node
// Runs `rnn-lens bench` on the reference configurations and writes bench/RESULTS.md with the
// machine, the date, every measurement and its ratio to the reference numbers of issue 3, then
// the trace timings (`rnn-lens bench --trace`) of a 3-layer, 256-unit model of each cell.
// `rnn-lens bench` drives the extension's own training worker through its protocol, so every
// figure is of the path the extension runs (rnnLens.workers included).
//
//   node bench/run.mjs [--seconds S] [--configs a,b,c,trace]        (npm run bench builds first)
//
// Every configuration runs on the default kernels (WebAssembly SIMD where the host has it); the
// LSTM runs once more with --kernels scalar, to show what the SIMD kernels add on this machine.
//
// PyTorch is measured in the same run (bench/pytorch_speed.py, one thread, with Debian's
// python3-torch and libopenblas0-pthread) and the "× PyTorch" columns and goals use those figures;
// without it they fall back to the reference numbers of issue 3, and RESULTS.md says which it used.
//
// Each measurement is its own process (`node dist/cli.js bench --json ...`), so one
// configuration's heap and JIT state never colour the next one's figures.
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const seconds = Number(flag('--seconds', '6'));
const wanted = new Set(flag('--configs', 'a,b,c,trace').split(','));
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error('bench/run.mjs: --seconds must be a positive number');
  process.exit(2);
}
if (!existsSync(cli)) {
  console.error('bench/run.mjs: dist/cli.js is missing; run "npm run bench" (it builds first) or "node esbuild.mjs"');
  process.exit(2);
}

/** Training chars/s of the references (issue 3), this 2-core machine. */
const REFERENCE = {
  pytorch: { a: { rnn: 22800, lstm: 7100, gru: 7900 }, b: { rnn: 215000, lstm: 74000, gru: 86000 }, c: { rnn: 46000, lstm: 12700, gru: 17100 } },
  tfjsCpu: { a: { rnn: 700, lstm: 200, gru: 50 }, b: { rnn: 2100, lstm: 790, gru: 520 }, c: { lstm: 110 } },
  tfjsWasm: { a: { rnn: 1900, lstm: 540, gru: 490 }, b: { rnn: 9100, lstm: 2900, gru: 4300 }, c: { rnn: 1900, lstm: 290, gru: 610 } },
};
const PURE_JS_PEAK_GFLOPS = { 1: 5.4, 2: 10.5 };

const CONFIGS = {
  a: { hidden: 128, layers: 1, seqLen: 64, batch: 1, workers: [1] },
  b: { hidden: 128, layers: 1, seqLen: 64, batch: 32, workers: [1, 2] },
  c: { hidden: 256, layers: 2, seqLen: 64, batch: 32, workers: [1, 2] },
};
const CELLS = ['rnn', 'lstm', 'gru'];

/** The trace of issue 14: a 3-layer, 256-unit model, a window of 64 steps, batch 32. */
const TRACE_CONFIG = { hidden: 256, layers: 3, seqLen: 64, batch: 32 };
const TRACE_GOAL_MS = 150;

/**
 * PyTorch's chars/s per config and cell from this run, or null (no python3-torch here): then the
 * reference numbers stand in, and RESULTS.md says so.
 */
function measurePyTorch() {
  const configs = ['a', 'b', 'c'].filter((c) => wanted.has(c));
  if (!configs.length) return null;
  process.stderr.write('PyTorch (bench/pytorch_speed.py, one thread) ...\n');
  try {
    const out = execFileSync('/usr/bin/python3', [path.join(here, 'pytorch_speed.py'), '--seconds', String(seconds), '--configs', configs.join(','), '--text', path.join(here, 'sample.txt')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (error) {
    process.stderr.write(`PyTorch not measured (${String(error.message).split('\n')[0]}); using the reference numbers\n`);
    return null;
  }
}
const pytorchRun = measurePyTorch();
/** What "× PyTorch" divides by: this run's figure when there is one. */
const pytorch = (name, cell) => pytorchRun?.charsPerSec?.[name]?.[cell] ?? REFERENCE.pytorch[name]?.[cell];
const pytorchSource = pytorchRun
  ? `PyTorch ${pytorchRun.torch} measured in this run (bench/pytorch_speed.py: the same model, one-hot input, clipping and Adam, ${pytorchRun.threads} thread)`
  : 'PyTorch 1.13 reference numbers of issue 3 (python3-torch was not available to measure it in this run)';

const results = [];
const traces = [];
const loadBefore = os.loadavg();
function run(name, cfg, cell, workers, scalar) {
  const argv = [cli, 'bench', '--json', '--cell', cell, '--hidden', String(cfg.hidden), '--layers', String(cfg.layers),
    '--seq-len', String(cfg.seqLen), '--batch', String(cfg.batch), '--workers', String(workers), '--seconds', String(seconds)];
  if (scalar) argv.push('--kernels', 'scalar');
  process.stderr.write(`config ${name} ${cell} workers=${workers}${scalar ? ' scalar' : ''} ... `);
  const out = execFileSync(process.execPath, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop());
  results.push({ name, cell, workers, r, reference: scalar });
  process.stderr.write(`${Math.round(r.charsPerSec)} chars/s, ${r.gflops.toFixed(2)} GFLOP/s, ${r.kernels} kernels\n`);
}
for (const [name, cfg] of Object.entries(CONFIGS)) {
  if (!wanted.has(name)) continue;
  for (const cell of CELLS) for (const workers of cfg.workers) run(name, cfg, cell, workers, false);
  run(name, cfg, 'lstm', Math.max(...cfg.workers), true);
}
function runTrace(cell) {
  const c = TRACE_CONFIG;
  const argv = [cli, 'bench', '--trace', '--json', '--cell', cell, '--hidden', String(c.hidden), '--layers', String(c.layers),
    '--seq-len', String(c.seqLen), '--batch', String(c.batch), '--repeats', '7'];
  process.stderr.write(`trace ${cell} ... `);
  const out = execFileSync(process.execPath, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop());
  traces.push({ cell, r });
  process.stderr.write(`${r.traceMs.toFixed(1)} ms\n`);
}
if (wanted.has('trace')) for (const cell of CELLS) runTrace(cell);
const measured = results.filter((x) => !x.reference);

const find = (name, cell, workers) => measured.find((x) => x.name === name && x.cell === cell && x.workers === workers)?.r;
const best = (name, cell) => {
  const rs = measured.filter((x) => x.name === name && x.cell === cell).map((x) => x.r);
  return rs.length ? rs.reduce((a, b) => (b.charsPerSec > a.charsPerSec ? b : a)) : undefined;
};
const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const ratio = (ours, ref) => (ref ? `${fmt(ours / ref, 2)}×` : '–');

const lines = [];
const m = results[0]?.r.machine ?? traces[0]?.r.machine ?? { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: process.platform };
lines.push('# RNN Lens training benchmark', '');
lines.push(`- Date: ${new Date().toISOString()}`);
lines.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${m.platform}, Node ${m.node}`);
lines.push(`- Load average before the run: ${loadBefore.map((x) => x.toFixed(2)).join(', ')} (other processes on this machine share its 2 cores; figures are medians of 5 repeats after a warm-up)`);
lines.push(`- Command: \`npm run bench\` (= \`node esbuild.mjs && node bench/run.mjs --seconds ${seconds}\`; each line: \`rnn-lens bench --json ...\` in its own process, which starts the extension's training worker and drives it through the worker protocol, as the extension does); optimizer Adam, bundled sample text (V = ${results[0]?.r.config.vocab ?? traces[0]?.r.config.vocab ?? '?'})`);
lines.push(`- × PyTorch: ${pytorchSource}.`);
lines.push('- chars/s counts trained characters (forward + backward + clipping + Adam update). GFLOP/s = chars/s × 3·(Σ_l 2·G·H·(in_l + H) + 2·V·H), the one-hot input not counted (see src/cli/bench.ts).', '');
lines.push('## Measurements', '');
lines.push('| config | cell | workers | kernels | chars/s | ms/step | GFLOP/s | peak RSS MB | RSS change MB | event loop p99 ms | × PyTorch | × TF.js cpu | × TF.js wasm |');
lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const { name, cell, workers, r } of results) {
  lines.push(`| ${name} | ${cell} | ${workers} | ${r.kernels} | ${fmt(r.charsPerSec)} | ${fmt(r.msPerStep, 2)} | ${fmt(r.gflops, 2)} | ${fmt(r.peakRssMb, 0)} | ${fmt(r.rssGrowthMb, 1)} | ${fmt(r.eventLoopP99Ms, 2)} | ${ratio(r.charsPerSec, pytorch(name, cell))} | ${ratio(r.charsPerSec, REFERENCE.tfjsCpu[name]?.[cell])} | ${ratio(r.charsPerSec, REFERENCE.tfjsWasm[name]?.[cell])} |`);
}
lines.push('', 'Configs: a = H 128, 1 layer, T 64, B 1; b = same with B 32; c = H 256, 2 layers, T 64, B 32. The `scalar` rows are the same LSTM on the JavaScript kernels (`--kernels scalar`), for comparison; the goals use the others.', '');

if (traces.length) {
  const c = TRACE_CONFIG;
  lines.push('## Traces', '');
  lines.push(`A trace of stream 0's next window (what the panel draws), from the request to its arrival, while paused: H ${c.hidden}, ${c.layers} layers, T ${c.seqLen}, B ${c.batch}, on the training thread (one core). \`rnn-lens bench --trace --json\`, median of 7 after a warm-up.`, '');
  lines.push('| cell | trace ms (median) | each request ms | trace KiB |');
  lines.push('|---|---|---|---|');
  for (const { cell, r } of traces) lines.push(`| ${cell} | ${fmt(r.traceMs, 1)} | ${r.repeatsTraceMs.map((x) => fmt(x, 0)).join(', ')} | ${fmt(r.traceBytes / 1024, 0)} |`);
  lines.push('');
}

lines.push('## Goals', '');
const goal = (ok, text) => lines.push(`- ${ok === undefined ? '(not measured)' : ok ? 'MET' : 'MISSED'}: ${text}`);
for (const [cell, need] of [['rnn', 1.0], ['lstm', 1.3], ['gru', 1.3]]) {
  const r = find('a', cell, 1);
  const ref = pytorch('a', cell);
  goal(r && r.charsPerSec >= need * ref, `config a ${cell} ≥ ${need}× PyTorch (${fmt(need * ref)} chars/s): ${r ? `${fmt(r.charsPerSec)} = ${ratio(r.charsPerSec, ref)}` : '–'}`);
}
for (const cell of CELLS) {
  const r = find('a', cell, 1);
  const ref = pytorch('a', cell);
  goal(r && r.charsPerSec >= 5 * ref, `config a ${cell} ≥ 5× PyTorch (${fmt(5 * ref)} chars/s, issue 14): ${r ? `${fmt(r.charsPerSec)} = ${ratio(r.charsPerSec, ref)}` : '–'}`);
}
for (const cell of CELLS) {
  const r = find('b', cell, 2);
  const ref = pytorch('b', cell);
  goal(r && r.charsPerSec >= 1.5 * ref, `config b ${cell}, 2 workers ≥ 1.5× PyTorch on one thread (${fmt(1.5 * ref)} chars/s, issue 14): ${r ? `${fmt(r.charsPerSec)} = ${ratio(r.charsPerSec, ref)}` : '–'}`);
}
for (const { cell, r } of traces) goal(r.traceMs < TRACE_GOAL_MS, `trace of a ${TRACE_CONFIG.layers}×${TRACE_CONFIG.hidden} ${cell}, T ${TRACE_CONFIG.seqLen}, B ${TRACE_CONFIG.batch} < ${TRACE_GOAL_MS} ms (median, issue 14): ${fmt(r.traceMs, 1)} ms`);
const lstmB2 = find('b', 'lstm', 2);
goal(lstmB2 && lstmB2.charsPerSec >= 15000, `config b LSTM, 2 workers ≥ 15,000 chars/s: ${lstmB2 ? fmt(lstmB2.charsPerSec) : '–'}`);
for (const cell of CELLS) {
  const r = find('b', cell, 2);
  const need = 0.7 * PURE_JS_PEAK_GFLOPS[2];
  goal(r && r.gflops >= need, `config b ${cell}, 2 workers ≥ 70% of the 2-worker pure-JS peak (${fmt(need, 2)} GFLOP/s): ${r ? `${fmt(r.gflops, 2)} GFLOP/s = ${fmt((100 * r.gflops) / PURE_JS_PEAK_GFLOPS[2], 0)}%` : '–'}`);
}
for (const name of ['b', 'c']) {
  for (const cell of CELLS) {
    const one = find(name, cell, 1);
    const two = find(name, cell, 2);
    goal(one && two && two.charsPerSec >= 1.7 * one.charsPerSec, `config ${name} ${cell}: 2 workers ≥ 1.7× one worker: ${one && two ? `${fmt(two.charsPerSec / one.charsPerSec, 2)}×` : '–'}`);
  }
}
for (const name of Object.keys(CONFIGS)) {
  for (const cell of CELLS) {
    const r = best(name, cell);
    if (!r) continue;
    const cpu = REFERENCE.tfjsCpu[name]?.[cell];
    const wasm = REFERENCE.tfjsWasm[name]?.[cell];
    if (cpu) goal(r.charsPerSec >= 30 * cpu, `config ${name} ${cell} ≥ 30× TF.js cpu (${fmt(30 * cpu)} chars/s): ${fmt(r.charsPerSec)} = ${ratio(r.charsPerSec, cpu)}`);
    if (wasm) goal(r.charsPerSec >= 5 * wasm, `config ${name} ${cell} ≥ 5× TF.js wasm (${fmt(5 * wasm)} chars/s): ${fmt(r.charsPerSec)} = ${ratio(r.charsPerSec, wasm)}`);
  }
}
const notSimd = measured.filter((x) => x.r.kernels !== 'simd');
if (notSimd.length) goal(false, `every measured run on the SIMD kernels: ${notSimd.length} ran on the scalar fallback`);
const worstP99 = results.length ? Math.max(...results.map((x) => x.r.eventLoopP99Ms)) : undefined;
goal(worstP99 === undefined ? undefined : worstP99 < 10, `event-loop p99 < 10 ms on every run: worst ${worstP99 === undefined ? '–' : fmt(worstP99, 2)} ms`);
const cRuns = results.filter((x) => x.name === 'c');
if (cRuns.length) {
  const peak = Math.max(...cRuns.map((x) => x.r.peakRssMb));
  const growth = Math.max(...cRuns.map((x) => x.r.rssGrowthMb));
  goal(peak < 400 && growth < 5, `config c peak RSS < 400 MB and no growth with steps: peak ${fmt(peak)} MB, largest change over a measurement ${fmt(growth, 1)} MB`);
}
lines.push('', '(MET/MISSED are computed by bench/run.mjs from the figures above; bench/README.md explains where the time goes and what was tried.)', '');

const target = path.join(here, 'RESULTS.md');
const temp = `${target}.${process.pid}.tmp`;
writeFileSync(temp, lines.join('\n'));
renameSync(temp, target);
console.log(lines.join('\n'));
