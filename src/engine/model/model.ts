/**
 * A model without training state: the architecture and its float32 weights. This is what
 * sampling, evaluation and `rnn-lens info` need; the Trainer owns one and updates it in place.
 */

import { CELL_TYPES, type ModelConfig } from './config';
import { type CheckpointData } from '../io/checkpointData';
import { InputError } from '../errors';
import { initParameters } from './init';
import { Network } from './network';
import { paramLayout, tensorViews, type ParamLayout } from './params';
import { Rng } from '../rng';

export class Model {
  readonly layout: ParamLayout;
  readonly paramCount: number;
  /** The math's view of this model (shares `params`). */
  readonly net: Network;

  private constructor(readonly config: ModelConfig, readonly params: Float32Array) {
    this.net = new Network(config, params);
    this.layout = this.net.layout;
    this.paramCount = this.layout.total;
  }

  /** Fresh PyTorch-style initial weights from a seed (see init.ts). */
  static init(config: ModelConfig, seed: number, forgetBias: number, rng: Rng = new Rng(seed)): Model {
    checkConfig(config);
    const params = new Float32Array(paramLayout(config).total);
    const model = new Model(config, params);
    initParameters(params, model.layout, config, rng, forgetBias);
    return model;
  }

  static fromCheckpoint(data: CheckpointData): Model {
    checkConfig(data.config);
    const layout = paramLayout(data.config);
    const params = new Float32Array(layout.total);
    layout.specs.forEach((spec, i) => {
      const w = data.weights.get(spec.name);
      if (!w) throw new InputError(`The checkpoint has no tensor ${spec.name}; it does not match its own configuration.`);
      if (w.length !== spec.size) throw new InputError(`The checkpoint tensor ${spec.name} has ${w.length} values, expected ${spec.size} (shape [${spec.shape.join(', ')}]).`);
      params.set(w, layout.offsets[i]);
    });
    return new Model(data.config, params);
  }

  /** The same model with its weights copied into `params` (e.g. memory the SIMD kernels can reach). */
  movedTo(params: Float32Array): Model {
    params.set(this.params);
    return new Model(this.config, params);
  }

  /** Copies of every tensor by PyTorch name, in parameterSpecs order. */
  weights(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, view] of tensorViews(this.params, this.layout)) out.set(name, view.slice());
    return out;
  }
}

function checkConfig(config: ModelConfig): void {
  if (!CELL_TYPES.includes(config.cell)) throw new InputError(`Unknown cell type ${String(config.cell)}; expected one of ${CELL_TYPES.join(', ')}.`);
  if (!Number.isInteger(config.hidden) || config.hidden < 1) throw new InputError(`hidden must be a positive whole number (got ${config.hidden}).`);
  if (!Number.isInteger(config.layers) || config.layers < 1 || config.layers > 4) throw new InputError(`layers must be between 1 and 4 (got ${config.layers}).`);
  if (config.vocab.length < 2) throw new InputError('The vocabulary needs at least 2 characters.');
}
