// Trains a few hundred steps on the main thread with no workers, for `node --cpu-prof`:
//   node --require tsx/cjs --cpu-prof --cpu-prof-dir=/tmp/prof bench/profileStep.ts lstm 128 1 64 1 [blocks]
// Prints ms/step of the fastest block of steps after a warm-up: on a machine shared with other
// processes the minimum is the figure least disturbed by them.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type CellType, type TrainSettings } from '../src/engine/config';
import { paramLayout } from '../src/engine/params';
import { applyUpdate } from '../src/engine/update';
import { createShard, modelConfigFor } from '../src/worker/parallel/shard';

const [cell = 'lstm', hidden = '128', layers = '1', seqLen = '64', batch = '1', blocksArg = '40'] = process.argv.slice(2);
const text = readFileSync(path.join(__dirname, 'sample.txt'), 'utf8').repeat(50);
const settings: TrainSettings = { ...DEFAULT_SETTINGS, cell: cell as CellType, hidden: +hidden, layers: +layers, seqLen: +seqLen, batch: +batch, valFraction: 0 };
const params = new Float32Array(paramLayout(modelConfigFor(text, settings)).total);
const shard = createShard(text, settings, params, 0, settings.batch, true);
const grads = new Float32Array(params.length);
const scale = 1 / (settings.batch * settings.seqLen);
const step = (): void => {
  grads.fill(0);
  const loss = shard.group.accumulateGradients(grads, scale);
  applyUpdate(params, grads, shard.optimizer!, shard.net.layout, settings, settings.lr, Number.isFinite(loss), false); // no per-tensor stats, as the bench workers
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
