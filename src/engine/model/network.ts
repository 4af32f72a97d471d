/**
 * The network as the math sees it: a config, a parameter layout and one flat parameter buffer
 * (Float32Array for training, Float64Array for gradient checks; the same code runs on both).
 */

import { gateCount, type ModelConfig } from './config';
import { type FloatArray } from '../kernels/kernels';
import { paramLayout, type ParamLayout } from './params';

export class Network {
  readonly layout: ParamLayout;
  /** H, V, G and the fused gate width G*H, named once so the loops below read like the formulas. */
  readonly H: number;
  readonly V: number;
  readonly G: number;
  readonly GH: number;
  /** weight_ih_l0 as its own view: the one-hot input is a column gather from it. */
  readonly inputWeights: FloatArray;

  constructor(readonly config: ModelConfig, readonly params: FloatArray) {
    this.layout = paramLayout(config);
    if (params.length !== this.layout.total) throw new Error(`parameter buffer has ${params.length} values, the model needs ${this.layout.total}`);
    this.H = config.hidden;
    this.V = config.vocab.length;
    this.G = gateCount(config.cell);
    this.GH = this.G * this.H;
    const l0 = this.layout.layers[0];
    this.inputWeights = params.subarray(l0.wIh, l0.wIh + this.GH * this.V);
  }

  /** The same architecture over another buffer (e.g. a float64 copy or a worker's replica). */
  withParams(params: FloatArray): Network {
    return new Network(this.config, params);
  }
}
