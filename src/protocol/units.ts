/**
 * The messages between the host and the Find Units view (webview/units): for each feature of the
 * text (the built-in ones and the user's regular expressions), the units that track it best, with
 * r and a sparkline; and what the user asks of a unit (paint it, select it, ablate it, hold it,
 * sample with it held). Numbers travel as plain arrays; both ends validate.
 *
 * Pure: no `vscode`, no DOM, no Node built-ins, nothing from the engine.
 */

import { isCappedString, isIntegerIn, isNumberIn, isOneOf, isRecord } from './guards';
import { MAX_FEATURES, MAX_SPARK_BINS, MAX_TOP_UNITS, type UnitState } from './analysis';

export interface UnitRefView {
  readonly layer: number;
  readonly state: UnitState;
  readonly unit: number;
}

export interface FoundUnitView extends UnitRefView {
  readonly r: number;
  readonly spark: readonly number[];
}

export interface FeatureView {
  readonly name: string;
  /** The user's regular expression; absent for a built-in feature. */
  readonly pattern?: string;
  /** The feature's own mean value in each stretch of the text (drawn under the units' sparklines). */
  readonly spark: readonly number[];
  readonly units: readonly FoundUnitView[];
}

export interface UnitsResult {
  readonly type: 'units';
  readonly fileName: string;
  readonly step: number;
  readonly cell: string;
  /** Characters read. */
  readonly positions: number;
  readonly features: readonly FeatureView[];
}

export type UnitAction = 'paint' | 'select' | 'ablate' | 'hold' | 'sample';

export type HostToUnits =
  | UnitsResult
  /** What the view shows when there is nothing to list: no model yet, or a job running (`done` of `total`). */
  | { readonly type: 'status'; readonly text: string; readonly hasModel: boolean; readonly done: number; readonly total: number };

export type UnitsToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'find' }
  /** Stop the ranking under way. */
  | { readonly type: 'cancel' }
  | { readonly type: 'addFeature' }
  | { readonly type: 'removeFeature'; readonly name: string }
  | ({ readonly type: 'unit'; readonly action: UnitAction } & UnitRefView);

const isState = (v: unknown): v is UnitState => isOneOf(v, ['h', 'c'] as const);
const isSpark = (v: unknown): v is number[] => Array.isArray(v) && v.length <= MAX_SPARK_BINS && v.every((x) => typeof x === 'number' || x === null);
const isCount = (v: unknown): v is number => isIntegerIn(v, 0, Number.MAX_SAFE_INTEGER);
const isRef = (v: Record<string, unknown>): boolean => isIntegerIn(v.layer, 0, 3) && isState(v.state) && isIntegerIn(v.unit, 0, 4095);
/** JSON carries NaN as null: read it back. */
const nums = (v: readonly (number | null)[]): number[] => v.map((x) => (x === null ? Number.NaN : x));

function isFeature(v: unknown): v is FeatureView {
  return isRecord(v) && isCappedString(v.name, 100) && (v.pattern === undefined || isCappedString(v.pattern, 1000)) && isSpark(v.spark)
    && Array.isArray(v.units) && v.units.length <= MAX_TOP_UNITS
    && v.units.every((u) => isRecord(u) && isRef(u) && isNumberIn(u.r, -1.000001, 1.000001) && isSpark(u.spark));
}

export function parseHostToUnits(v: unknown): HostToUnits | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case 'units': {
      if (!(isCappedString(v.fileName, 1000) && isCount(v.step) && isCappedString(v.cell, 10) && isCount(v.positions)
        && Array.isArray(v.features) && v.features.length <= MAX_FEATURES && v.features.every(isFeature))) return null;
      const features = (v.features as FeatureView[]).map((f) => ({ ...f, spark: nums(f.spark), units: f.units.map((u) => ({ ...u, spark: nums(u.spark) })) }));
      return { ...(v as unknown as UnitsResult), features };
    }
    case 'status':
      return isCappedString(v.text, 500) && typeof v.hasModel === 'boolean' && isNumberIn(v.done, 0, Number.MAX_SAFE_INTEGER) && isNumberIn(v.total, 0, Number.MAX_SAFE_INTEGER)
        ? { type: 'status', text: v.text, hasModel: v.hasModel, done: v.done, total: v.total } : null;
    default:
      return null;
  }
}

export function parseUnitsToHost(v: unknown): UnitsToHost | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case 'ready':
    case 'find':
    case 'cancel':
    case 'addFeature':
      return { type: v.type };
    case 'removeFeature':
      return isCappedString(v.name, 100) ? { type: 'removeFeature', name: v.name } : null;
    case 'unit':
      return isOneOf(v.action, ['paint', 'select', 'ablate', 'hold', 'sample'] as const) && isRef(v)
        ? { type: 'unit', action: v.action, layer: v.layer as number, state: v.state as UnitState, unit: v.unit as number } : null;
    default:
      return null;
  }
}

/** "h 0:12" — how a unit is named everywhere in the UI (the CLI's hold syntax without the value). */
export function unitName(u: UnitRefView): string {
  return `${u.state} ${u.layer}:${u.unit}`;
}
