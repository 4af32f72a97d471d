/**
 * Units held at a fixed value during the forward pass (ablation: "what if this unit were off?";
 * the specs and their checks are in analysis/ablation.ts). The cells call holdUnits at the two
 * places the semantics name:
 *
 *   h: right after the layer's update at step t, h_t[unit] = value for every stream;
 *   c: (LSTM) after c_t = f c_{t-1} + i g and before h_t = o tanh(c_t), c_t[unit] = value.
 *
 * The held value is then what the next step, the layer above and the decoder read. Only the
 * forward pass knows about holds: a backward pass through a held unit is not its derivative.
 * A pass that holds nothing (training, always) pays one null test per layer and step.
 */

import { type FloatArray } from '../kernels/kernels';

/** One layer's held units: indices and values, h and c apart. */
export interface LayerHolds {
  readonly hUnits: Int32Array;
  readonly hValues: Float64Array;
  /** LSTM only (empty otherwise). */
  readonly cUnits: Int32Array;
  readonly cValues: Float64Array;
}

/** buf[base + b*H + units[i]] = values[i] for each of the B streams of one step. */
export function holdUnits(buf: FloatArray, base: number, B: number, H: number, units: Int32Array, values: Float64Array): void {
  for (let b = 0; b < B; b++) {
    const row = base + b * H;
    for (let i = 0; i < units.length; i++) buf[row + units[i]] = values[i];
  }
}
