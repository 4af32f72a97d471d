/**
 * Ablation: hold a unit at a fixed value at every timestep and see what the network does without
 * it (the loss per character, a sample). A hold is written `[h:|c:]LAYER:UNIT[=VALUE]`:
 *
 *   h:LAYER:UNIT=VALUE   h_t[UNIT] of layer LAYER is set to VALUE right after the layer's update;
 *   c:LAYER:UNIT=VALUE   (LSTM) c_t[UNIT] is set to VALUE before h_t = o_t * tanh(c_t);
 *
 * the state is h when no prefix is given and VALUE is 0 when none is given. Layers and units are
 * counted from 0, as everywhere else (the panel's "layer 0", the checkpoint's weight_hh_l0). The
 * held value is what the next timestep, the layer above and the decoder see (cells/unitHolds.ts
 * applies it inside the forward loops).
 */

import { type ModelConfig } from '../model/config';
import { InputError } from '../errors';
import { type LayerHolds } from '../cells/unitHolds';

export interface UnitHold {
  readonly state: 'h' | 'c';
  readonly layer: number;
  readonly unit: number;
  readonly value: number;
}

export const HOLD_SYNTAX = '[h:|c:]LAYER:UNIT[=VALUE]';

const SPEC = /^(?:([hc]):)?(\d+):(\d+)(?:=(.*))?$/;

/** Reads one spec (see the top of the file); the message of a bad one says what is expected. */
export function parseHold(spec: string): UnitHold {
  const m = SPEC.exec(spec.trim());
  if (!m) throw new InputError(`${JSON.stringify(spec)} is not a unit to hold; write ${HOLD_SYNTAX}, e.g. 0:12, c:1:5 or h:0:3=0.5`, 'holdSyntax', { spec: JSON.stringify(spec), syntax: HOLD_SYNTAX });
  const value = m[4] === undefined ? 0 : Number(m[4].trim() === '' ? Number.NaN : m[4]);
  if (!Number.isFinite(value)) throw new InputError(`${JSON.stringify(spec)}: the value after = must be a finite number`, 'holdValue', { spec: JSON.stringify(spec) });
  return { state: m[1] === 'c' ? 'c' : 'h', layer: Number(m[2]), unit: Number(m[3]), value };
}

/** The hold written as a spec, e.g. `c:1:5=0.5`. */
export function formatHold(h: UnitHold): string {
  return `${h.state}:${h.layer}:${h.unit}=${h.value}`;
}

/** Refuses holds the model cannot have: a layer or unit out of range, c outside an LSTM, one unit held twice. */
export function checkHolds(holds: readonly UnitHold[], config: ModelConfig): void {
  const seen = new Set<string>();
  for (const h of holds) {
    const name = `${h.state}:${h.layer}:${h.unit}`;
    if (h.layer >= config.layers) throw new InputError(`cannot hold ${name}: the model has ${config.layers} layer${config.layers === 1 ? '' : 's'}, counted from 0 (0 to ${config.layers - 1})`);
    if (h.unit >= config.hidden) throw new InputError(`cannot hold ${name}: each layer has ${config.hidden} units, counted from 0 (0 to ${config.hidden - 1})`);
    if (h.state === 'c' && config.cell !== 'lstm') throw new InputError(`cannot hold ${name}: only an LSTM has a cell state c (this model is ${config.cell.toUpperCase()}); hold h instead`);
    if (seen.has(name)) throw new InputError(`${name} is held twice; give each unit one value`);
    seen.add(name);
  }
}

/** The holds per layer as the cells read them (Workspace.holds); null when nothing is held. */
export function layerHolds(holds: readonly UnitHold[], config: ModelConfig): (LayerHolds | null)[] | null {
  if (holds.length === 0) return null;
  checkHolds(holds, config);
  return Array.from({ length: config.layers }, (_, l) => {
    const pick = (state: 'h' | 'c') => holds.filter((h) => h.layer === l && h.state === state);
    const h = pick('h');
    const c = pick('c');
    if (h.length === 0 && c.length === 0) return null;
    return {
      hUnits: Int32Array.from(h, (x) => x.unit),
      hValues: Float64Array.from(h, (x) => x.value),
      cUnits: Int32Array.from(c, (x) => x.unit),
      cValues: Float64Array.from(c, (x) => x.value),
    };
  });
}
