/**
 * All parameters live in ONE flat buffer (and all gradients in another of the same layout), so
 * clipping and the optimizers are single loops over one array, and a worker can send the whole
 * model as one transfer. Each named tensor is a view at a fixed offset.
 */

import { parameterSpecs, type ModelConfig, type ParamSpec } from './config';
import { type FloatArray } from '../kernels/kernels';

/** Where one layer's four tensors sit in the flat buffer. */
export interface LayerOffsets {
  /** weight_ih_l{k} [G*H, inputSize] */
  readonly wIh: number;
  /** weight_hh_l{k} [G*H, H] */
  readonly wHh: number;
  /** bias_ih_l{k} [G*H] */
  readonly bIh: number;
  /** bias_hh_l{k} [G*H] */
  readonly bHh: number;
  /** V for layer 0 (one-hot characters), H above. */
  readonly inputSize: number;
}

export interface ParamLayout {
  readonly specs: readonly ParamSpec[];
  /** Offset of each tensor, in specs order. */
  readonly offsets: readonly number[];
  /** Total number of parameters. */
  readonly total: number;
  readonly layers: readonly LayerOffsets[];
  /** decoder.weight [V, H] and decoder.bias [V]. */
  readonly decoderWeight: number;
  readonly decoderBias: number;
}

export function paramLayout(config: ModelConfig): ParamLayout {
  const specs = parameterSpecs(config);
  const offsets: number[] = [];
  let total = 0;
  for (const s of specs) {
    offsets.push(total);
    total += s.size;
  }
  const at = (name: string): number => offsets[specs.findIndex((s) => s.name === name)];
  const layers: LayerOffsets[] = [];
  for (let k = 0; k < config.layers; k++) {
    layers.push({
      wIh: at(`rnn.weight_ih_l${k}`),
      wHh: at(`rnn.weight_hh_l${k}`),
      bIh: at(`rnn.bias_ih_l${k}`),
      bHh: at(`rnn.bias_hh_l${k}`),
      inputSize: k === 0 ? config.vocab.length : config.hidden,
    });
  }
  return { specs, offsets, total, layers, decoderWeight: at('decoder.weight'), decoderBias: at('decoder.bias') };
}

/** Named views into a flat buffer (no copies). */
export function tensorViews<A extends FloatArray>(buffer: A, layout: ParamLayout): Map<string, A> {
  const views = new Map<string, A>();
  layout.specs.forEach((s, i) => views.set(s.name, buffer.subarray(layout.offsets[i], layout.offsets[i] + s.size) as A));
  return views;
}

/** A zeroed array of the same precision as `like`. */
export function allocLike(like: FloatArray, length: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}
