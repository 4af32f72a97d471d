// A/B timing of one training step with the per-tensor statistics of applyUpdate on and off,
// interleaved in one process so that load from other
// processes hits every variant alike. Prints the best (least disturbed) ms/step of each over
// many short blocks. Run:
//   node --require tsx/cjs bench/abStep.ts lstm [B] [blocks]
import { applyUpdate } from '../src/engine/training/update';
import { windowGradients } from '../src/engine/model/bptt';
import { fillWindow } from '../src/engine/training/streams';
import { type Workspace } from '../src/engine/model/workspace';
import { benchSetup } from './setup';

const [cell = 'lstm', batch = '1', blocks = '60'] = process.argv.slice(2);
const { settings, net, group: g, params, grads, optimizer } = benchSetup({ cell, batch: +batch });
const ws = g.ws;
const variants: Array<[string, Workspace, boolean]> = [['with stats', ws, true], ['stats off', ws, false]];
const step = (ws: Workspace, stats: boolean): void => {
  fillWindow(ws.ids, ws.targets, g.trainIds, g.streamLen, g.first, g.count, g.positions, g.seqLen);
  grads.fill(0);
  const loss = windowGradients(net, ws, grads, 1 / ws.rows);
  applyUpdate(params, grads, optimizer, net.layout, settings, settings.lr, Number.isFinite(loss), stats);
};
const best = variants.map(() => Infinity);
for (let b = 0; b < +blocks; b++) {
  variants.forEach(([, ws, stats], v) => {
    const t0 = performance.now();
    for (let s = 0; s < 10; s++) step(ws, stats);
    if (b >= 5) best[v] = Math.min(best[v], (performance.now() - t0) / 10);
  });
}
console.log(`${cell} B=${batch}: ` + variants.map(([name], v) => `${name} ${best[v].toFixed(3)} ms/step`).join(', '));
