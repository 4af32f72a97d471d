// The training state the in-process bench helpers share: a model, its gradient and the
// StreamGroup of all B streams, placed exactly as a Trainer places them (trainingMemory.ts: one
// SIMD arena where available), with the pieces exposed so each phase can be timed on its own.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type CellType, type TrainSettings } from '../src/engine/model/config';
import { Model } from '../src/engine/model/model';
import { Network } from '../src/engine/model/network';
import { createOptimizerState } from '../src/engine/training/optimizers';
import { setSimdEnabled } from '../src/engine/kernels/simd/simdArena';
import { StreamGroup } from '../src/engine/training/streamGroup';
import { streamLength } from '../src/engine/training/streams';
import { encodeText } from '../src/engine/text';
import { trainingMemory } from '../src/engine/training/trainingMemory';
import { modelConfigFor } from '../src/worker/parallel/shard';

export function benchSetup(o: { cell: string; hidden?: number; layers?: number; seqLen?: number; batch: number }) {
  // RNN_LENS_KERNELS=scalar times the JavaScript kernels instead.
  if (process.env.RNN_LENS_KERNELS === 'scalar') setSimdEnabled(false);
  const text = readFileSync(path.join(__dirname, 'sample.txt'), 'utf8').repeat(50);
  const settings: TrainSettings = {
    ...DEFAULT_SETTINGS, cell: o.cell as CellType, hidden: o.hidden ?? DEFAULT_SETTINGS.hidden, layers: o.layers ?? DEFAULT_SETTINGS.layers,
    seqLen: o.seqLen ?? DEFAULT_SETTINGS.seqLen, batch: o.batch, valFraction: 0,
  };
  const config = modelConfigFor(text, settings);
  const memory = trainingMemory(config, settings.batch, settings.seqLen, settings.optimizer);
  memory.params.set(Model.init(config, settings.seed, settings.forgetBias).params);
  const net = new Network(config, memory.params);
  const ids = encodeText(text, config.vocab);
  const group = new StreamGroup(net, ids, streamLength(ids.length, settings.batch), 0, settings.batch, settings.seqLen, memory.alloc);
  const optimizer = createOptimizerState(settings.optimizer, memory.params.length, memory.slots);
  return { settings, net, group, params: memory.params, grads: memory.grads, optimizer, simd: memory.simd };
}
