// Times the phases of one training step (forward, loss, backward, update) on the main thread;
// prints the fastest time of each over 400 steps after a warm-up. Run:
//   node --require tsx/cjs bench/phases.ts lstm 1      (cell, streams B; H=128, T=64)
import { applyUpdate } from '../src/engine/training/update';
import { forwardWindow, windowLoss, backwardWindow } from '../src/engine/model/bptt';
import { fillWindow } from '../src/engine/training/streams';
import { benchSetup } from './setup';
const [cell = 'lstm', batch = '1'] = process.argv.slice(2);
const { settings, net, group: g, params, grads, optimizer } = benchSetup({ cell, batch: +batch });
const ws = g.ws;
const best = [Infinity, Infinity, Infinity, Infinity];
for (let it = 0; it < 600; it++) {
  g.wrapExhausted();
  fillWindow(ws.ids, ws.targets, g.trainIds, g.streamLen, g.first, g.count, g.positions, g.seqLen);
  grads.fill(0);
  const t0 = performance.now();
  forwardWindow(net, ws);
  const t1 = performance.now();
  const loss = windowLoss(net, ws, 1 / ws.rows);
  const t2 = performance.now();
  backwardWindow(net, ws, grads);
  const t3 = performance.now();
  applyUpdate(params, grads, optimizer, net.layout, settings, settings.lr, Number.isFinite(loss), false); // no per-tensor stats, as the bench workers
  const t4 = performance.now();
  ws.carryState();
  for (let b = 0; b < g.count; b++) g.positions[b] += g.seqLen;
  if (it > 200) { const d = [t1 - t0, t2 - t1, t3 - t2, t4 - t3]; d.forEach((x, i) => { best[i] = Math.min(best[i], x); }); }
}
console.log(`${cell} B=${batch} best ms: forward ${best[0].toFixed(3)} loss ${best[1].toFixed(3)} backward ${best[2].toFixed(3)} update ${best[3].toFixed(3)} sum ${best.reduce((a, b) => a + b).toFixed(3)}`);
