/**
 * The `rnnLens.*` settings, read and validated again in code: package.json declares the same
 * bounds, but settings.json is hand-editable, so a value outside them is clamped to the nearest
 * allowed one (and the caller is told, to log it) rather than reaching the engine.
 */

import { MAX_WORKERS } from '../protocol/worker';
import { CELL_TYPES, DEFAULT_SETTINGS, OPTIMIZER_KINDS, SETTING_BOUNDS, type CellType, type OptimizerKind, type TrainSettings } from '../engine/model/config';

/** Bounds of the settings that exist only in the extension (the rest come from SETTING_BOUNDS). */
export const EXTENSION_BOUNDS = {
  maxSteps: { min: 0, max: 1e9, integer: true },
  temperature: { min: 0, max: 10, integer: false },
  traceEvery: { min: 0, max: 1e6, integer: true },
  sampleEvery: { min: 0, max: 1e6, integer: true },
  sampleLength: { min: 10, max: 2000, integer: true },
  workers: { min: 1, max: MAX_WORKERS, integer: true },
  // The CLI refuses texts over 32 MB: beyond that the engine's per-character arrays outgrow the worker heap.
  maxFileSizeMB: { min: 1, max: 32, integer: false },
} as const;

export const EXTENSION_DEFAULTS = {
  maxSteps: 20000,
  temperature: 0.8,
  traceEvery: 25,
  sampleEvery: 250,
  sampleLength: 200,
  workers: 1,
  maxFileSizeMB: 10,
} as const;

/** Setting name (after `rnnLens.`) -> the TrainSettings field it fills. */
export const TRAIN_SETTING_KEYS = {
  hiddenSize: 'hidden',
  layers: 'layers',
  seqLength: 'seqLen',
  batchSize: 'batch',
  learningRate: 'lr',
  clipNorm: 'clipNorm',
  clipValue: 'clipValue',
  valFraction: 'valFraction',
  seed: 'seed',
} as const satisfies Record<string, keyof typeof SETTING_BOUNDS>;

export interface ExtensionSettings {
  readonly train: TrainSettings;
  readonly maxSteps: number;
  readonly temperature: number;
  readonly traceEvery: number;
  readonly sampleEvery: number;
  readonly sampleLength: number;
  readonly workers: number;
  readonly maxFileSizeMB: number;
}

/** What the settings reader needs from `vscode.WorkspaceConfiguration`. */
export interface SettingsSource {
  get<T>(section: string): T | undefined;
}

export function clampNumber(value: unknown, bounds: { min: number; max: number; integer: boolean }, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  const v = bounds.integer ? Math.round(value) : value;
  return Math.min(bounds.max, Math.max(bounds.min, v));
}

/**
 * Reads every setting, clamping numbers into their bounds. `adjusted` lists each value that had
 * to change, as a sentence for the log.
 */
export function readSettings(config: SettingsSource): { settings: ExtensionSettings; adjusted: string[] } {
  const adjusted: string[] = [];
  const num = (key: string, bounds: { min: number; max: number; integer: boolean }, fallback: number): number => {
    const raw = config.get<unknown>(key);
    if (raw === undefined || raw === null) return fallback;
    const v = clampNumber(raw, bounds, fallback);
    if (v !== raw) adjusted.push(`rnnLens.${key}: ${JSON.stringify(raw)} is outside ${bounds.min}..${bounds.max}${bounds.integer ? ' (whole numbers)' : ''}; using ${v}.`);
    return v;
  };
  const pick = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
    const raw = config.get<unknown>(key);
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw === 'string' && (options as readonly string[]).includes(raw)) return raw as T;
    adjusted.push(`rnnLens.${key}: ${JSON.stringify(raw)} is not one of ${options.join(', ')}; using ${fallback}.`);
    return fallback;
  };

  const train: TrainSettings = { ...DEFAULT_SETTINGS };
  train.cell = pick<CellType>('cell', CELL_TYPES, DEFAULT_SETTINGS.cell);
  train.optimizer = pick<OptimizerKind>('optimizer', OPTIMIZER_KINDS, DEFAULT_SETTINGS.optimizer);
  for (const [key, field] of Object.entries(TRAIN_SETTING_KEYS)) {
    train[field] = num(key, SETTING_BOUNDS[field], DEFAULT_SETTINGS[field]);
  }
  const b = EXTENSION_BOUNDS;
  const d = EXTENSION_DEFAULTS;
  return {
    settings: {
      train,
      maxSteps: num('maxSteps', b.maxSteps, d.maxSteps),
      temperature: num('temperature', b.temperature, d.temperature),
      traceEvery: num('traceEvery', b.traceEvery, d.traceEvery),
      sampleEvery: num('sampleEvery', b.sampleEvery, d.sampleEvery),
      sampleLength: num('sampleLength', b.sampleLength, d.sampleLength),
      workers: num('workers', b.workers, d.workers),
      maxFileSizeMB: num('maxFileSizeMB', b.maxFileSizeMB, d.maxFileSizeMB),
    },
    adjusted,
  };
}
