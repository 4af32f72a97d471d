/**
 * One worker's share of a data-parallel run: a replica of the shared weights, the StreamGroup of
 * its streams and its own gradient buffer, all in the worker's own training memory (a SimdArena
 * where available: WebAssembly reaches only its own memory, not the shared buffer). Each step
 * pulls the shared weights into the replica and pushes its gradient back out. Built the same way
 * in every worker from the same text and settings, so the workers agree on the vocabulary, the
 * streams and the parameter layout.
 */

import { validateSettings, type ModelConfig, type TrainSettings } from '../../engine/model/config';
import { InputError } from '../../engine/errors';
import { Model } from '../../engine/model/model';
import { Network } from '../../engine/model/network';
import { paramLayout } from '../../engine/model/params';
import { StreamGroup } from '../../engine/training/streamGroup';
import { streamLength } from '../../engine/training/streams';
import { trainingMemory } from '../../engine/training/trainingMemory';
import { buildVocab, checkTrainable, codePointLength, encodeText, splitLengths } from '../../engine/text';

export function modelConfigFor(text: string, settings: TrainSettings): ModelConfig {
  return { cell: settings.cell, hidden: settings.hidden, layers: settings.layers, vocab: buildVocab(text), gruResetAfter: settings.gruResetAfter };
}

/** Validates the text and settings (InputError on a problem) and returns the model's parameter count. */
export function parameterCountFor(text: string, settings: TrainSettings): number {
  const problems = validateSettings(settings);
  if (problems.length > 0) throw new InputError(`Invalid settings: ${problems[0]}.`);
  checkTrainable(text, settings);
  return paramLayout(modelConfigFor(text, settings)).total;
}

export interface Shard {
  /** The network over this worker's replica of the weights. */
  readonly net: Network;
  readonly group: StreamGroup;
  /** True when its products run on the WebAssembly SIMD kernels. */
  readonly simd: boolean;
  /**
   * One window of this worker's streams with the current shared weights: pulls them into the
   * replica, writes d(sum of its losses * scale)/dW into `sharedGrads` and returns the loss sum.
   */
  accumulate(sharedGrads: Float32Array, scale: number): number;
}

/**
 * Builds worker `index`'s shard over `sharedParams`. Worker 0 also writes the initial weights
 * (the same ones a single Trainer with this seed starts from) into the shared buffer.
 */
export function createShard(
  text: string, settings: TrainSettings, sharedParams: Float32Array, first: number, count: number, isLeader: boolean,
  // A run started from a checkpoint keeps the checkpoint's vocabulary, which need not be this text's.
  config: ModelConfig = modelConfigFor(text, settings),
): Shard {
  const ids = encodeText(text, config.vocab);
  const { trainLength } = splitLengths(codePointLength(text), settings.valFraction);
  const trainIds = ids.subarray(0, trainLength);
  const memory = trainingMemory(config, count, settings.seqLen, null); // the update (and its optimizer) is SummedUpdate's
  const net = new Network(config, memory.params);
  if (isLeader) sharedParams.set(Model.init(config, settings.seed, settings.forgetBias).params);
  const group = new StreamGroup(net, trainIds, streamLength(trainLength, settings.batch), first, count, settings.seqLen, memory.alloc);
  const grads = memory.grads;
  return {
    net,
    group,
    simd: memory.simd,
    accumulate(sharedGrads, scale) {
      memory.params.set(sharedParams);
      grads.fill(0);
      const loss = group.accumulateGradients(grads, scale);
      sharedGrads.set(grads);
      return loss;
    },
  };
}
