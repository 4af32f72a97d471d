/**
 * Initial weights as PyTorch draws them: every tensor of nn.RNN/LSTM/GRU uniform in
 * [-1/sqrt(H), 1/sqrt(H)], and the decoder nn.Linear(H, V) also uniform in ±1/sqrt(H) (its fan-in
 * is H). The LSTM forget-gate biases then start at `forgetBias` so the cell remembers by default
 * (Jozefowicz et al. 2015): the f-block of bias_ih gets forgetBias and that of bias_hh 0, so
 * their sum, the bias the gate actually sees, is forgetBias.
 */

import { type ModelConfig } from './config';
import { type FloatArray } from '../kernels/kernels';
import { type ParamLayout } from './params';
import { Rng } from '../rng';

export function initParameters(params: FloatArray, layout: ParamLayout, config: ModelConfig, rng: Rng, forgetBias: number): void {
  const bound = 1 / Math.sqrt(config.hidden);
  for (let i = 0; i < layout.total; i++) params[i] = rng.uniform(-bound, bound);
  if (config.cell === 'lstm') {
    const H = config.hidden;
    for (const layer of layout.layers) {
      params.fill(forgetBias, layer.bIh + H, layer.bIh + 2 * H);
      params.fill(0, layer.bHh + H, layer.bHh + 2 * H);
    }
  }
}
