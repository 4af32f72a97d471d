// Trains a few hundred steps on the main thread with no workers, for `node --cpu-prof`:
//   node --require tsx/cjs --cpu-prof --cpu-prof-dir=/tmp/prof bench/profileStep.ts lstm 128 1 64 1 [blocks]
// Prints ms/step of the fastest block of steps after a warm-up: on a machine shared with other
// processes the minimum is the figure least disturbed by them.
// (Add --no-liftoff when profiling: under the profiler V8 runs WebAssembly on its baseline compiler.)
import { applyUpdate } from '../src/engine/training/update';
import { benchSetup } from './setup';

const [cell = 'lstm', hidden = '128', layers = '1', seqLen = '64', batch = '1', blocksArg = '40'] = process.argv.slice(2);
const { settings, net, group, params, grads, optimizer } = benchSetup({ cell, hidden: +hidden, layers: +layers, seqLen: +seqLen, batch: +batch });
const scale = 1 / (settings.batch * settings.seqLen);
const step = (): void => {
  grads.fill(0);
  const loss = group.accumulateGradients(grads, scale);
  applyUpdate(params, grads, optimizer, net.layout, settings, settings.lr, Number.isFinite(loss), false); // no per-tensor stats, as the bench workers
};
const t0 = performance.now();
let warm = 0;
while (performance.now() - t0 < 1500 || warm < 5) { step(); warm++; }
const perBlock = Math.max(1, Math.round((warm / (performance.now() - t0)) * 60)); // ~60 ms blocks
let best = Infinity;
let bestCpu = Infinity;
for (let b = 0; b < +blocksArg; b++) {
  const s0 = performance.now();
  const c0 = process.cpuUsage();
  for (let s = 0; s < perBlock; s++) step();
  best = Math.min(best, (performance.now() - s0) / perBlock);
  const c = process.cpuUsage(c0);
  bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000 / perBlock);
}
console.log(`${cell} H=${hidden} L=${layers} T=${seqLen} B=${batch}: best ${best.toFixed(3)} ms/step, ${((settings.seqLen * settings.batch) / best * 1000).toFixed(0)} chars/s; best CPU time ${bestCpu.toFixed(3)} ms/step, ${((settings.seqLen * settings.batch) / bestCpu * 1000).toFixed(0)} chars/s`);
