/**
 * What a model is and how it is trained: the vocabulary of the small language every part of
 * RNN Lens speaks (engine, worker, CLI, extension, webviews). Pure data and pure functions.
 *
 * Parameter names and layouts are PyTorch's (`nn.RNN` / `nn.LSTM` / `nn.GRU` under the prefix
 * `rnn.`, plus an `nn.Linear` decoder), so a checkpoint moves between RNN Lens and PyTorch as is.
 */

export type CellType = 'rnn' | 'lstm' | 'gru';
export const CELL_TYPES: readonly CellType[] = ['rnn', 'lstm', 'gru'];

export type OptimizerKind = 'sgd' | 'adagrad' | 'adam';
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['sgd', 'adagrad', 'adam'];

/** The architecture, exactly what the checkpoint's `rnn_lens` metadata records. */
export interface ModelConfig {
  readonly cell: CellType;
  /** Hidden units per layer (H). */
  readonly hidden: number;
  /** Stacked layers (1 to 4). */
  readonly layers: number;
  /** One string per code point, sorted by code point value; its length is V. */
  readonly vocab: readonly string[];
  /** GRU only: true = PyTorch form (r multiplies W_hn h + b_hn), false = Cho et al. 2014 (r multiplies h). */
  readonly gruResetAfter: boolean;
}

/** Gates stacked in the fused weight matrices: rnn 1 (tanh), lstm 4 (i, f, g, o), gru 3 (r, z, n). */
export function gateCount(cell: CellType): number {
  return cell === 'rnn' ? 1 : cell === 'lstm' ? 4 : 3;
}

/** Names of the stacked gate blocks, in PyTorch's order. */
export function gateNames(cell: CellType): readonly string[] {
  return cell === 'rnn' ? ['tanh'] : cell === 'lstm' ? ['i', 'f', 'g', 'o'] : ['r', 'z', 'n'];
}

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
}

/**
 * Every parameter tensor in PyTorch state_dict order: per layer k
 * `rnn.weight_ih_l{k}` [G*H, in], `rnn.weight_hh_l{k}` [G*H, H], `rnn.bias_ih_l{k}` [G*H],
 * `rnn.bias_hh_l{k}` [G*H] (in = V for layer 0, H above), then `decoder.weight` [V, H] and
 * `decoder.bias` [V].
 */
export function parameterSpecs(config: ModelConfig): ParamSpec[] {
  const G = gateCount(config.cell);
  const H = config.hidden;
  const V = config.vocab.length;
  const specs: ParamSpec[] = [];
  const add = (name: string, shape: number[]): void => {
    specs.push({ name, shape, size: shape.reduce((a, b) => a * b, 1) });
  };
  for (let k = 0; k < config.layers; k++) {
    const inputSize = k === 0 ? V : H;
    add(`rnn.weight_ih_l${k}`, [G * H, inputSize]);
    add(`rnn.weight_hh_l${k}`, [G * H, H]);
    add(`rnn.bias_ih_l${k}`, [G * H]);
    add(`rnn.bias_hh_l${k}`, [G * H]);
  }
  add('decoder.weight', [V, H]);
  add('decoder.bias', [V]);
  return specs;
}

/** Everything a training run is set up with. The CLI flags and the `rnnLens.*` settings map onto this. */
export interface TrainSettings {
  cell: CellType;
  hidden: number;
  layers: number;
  /** Truncated-BPTT window length T. */
  seqLen: number;
  /** Parallel streams B. */
  batch: number;
  optimizer: OptimizerKind;
  lr: number;
  /** Global L2-norm clipping threshold; 0 turns it off. */
  clipNorm: number;
  /** Element-wise clipping to [-clipValue, clipValue] (min-char-rnn uses 5); 0 turns it off. */
  clipValue: number;
  /** The last fraction of the text held out for validation (0 to 0.5). */
  valFraction: number;
  seed: number;
  /** Initial value of the LSTM forget-gate biases (bias_ih and bias_hh f-blocks summed give this). */
  forgetBias: number;
  gruResetAfter: boolean;
}

export const DEFAULT_SETTINGS: Readonly<TrainSettings> = {
  cell: 'lstm',
  hidden: 128,
  layers: 1,
  seqLen: 64,
  batch: 16,
  optimizer: 'adam',
  lr: 0.002,
  clipNorm: 5,
  clipValue: 0,
  valFraction: 0.1,
  seed: 1,
  forgetBias: 1,
  gruResetAfter: true,
};

/**
 * Most distinct characters a model may have. The decoder and every trace step carry V values, so
 * a text of many distinct characters (a CJK corpus has tens of thousands) trains, and one of random
 * code points is refused rather than built into a model no view can show.
 */
export const MAX_VOCAB = 200_000;

/** Inclusive bounds for every numeric setting; the CLI and the extension both validate against these. */
export const SETTING_BOUNDS = {
  hidden: { min: 1, max: 1024, integer: true },
  layers: { min: 1, max: 4, integer: true },
  seqLen: { min: 1, max: 1024, integer: true },
  batch: { min: 1, max: 512, integer: true },
  lr: { min: 1e-7, max: 10, integer: false },
  clipNorm: { min: 0, max: 1e6, integer: false },
  clipValue: { min: 0, max: 1e6, integer: false },
  valFraction: { min: 0, max: 0.5, integer: false },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  forgetBias: { min: -10, max: 10, integer: false },
} as const;

export type NumericSetting = keyof typeof SETTING_BOUNDS;

/**
 * Checks a settings object field by field. Returns the list of problems as sentences a user can
 * act on (empty when valid); never throws.
 */
export function validateSettings(s: TrainSettings): string[] {
  const problems: string[] = [];
  if (!CELL_TYPES.includes(s.cell)) problems.push(`cell must be one of ${CELL_TYPES.join(', ')} (got ${String(s.cell)})`);
  if (!OPTIMIZER_KINDS.includes(s.optimizer)) problems.push(`optimizer must be one of ${OPTIMIZER_KINDS.join(', ')} (got ${String(s.optimizer)})`);
  for (const key of Object.keys(SETTING_BOUNDS) as NumericSetting[]) {
    const b = SETTING_BOUNDS[key];
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${key} must be a number (got ${String(v)})`);
    else if (b.integer && !Number.isInteger(v)) problems.push(`${key} must be a whole number (got ${v})`);
    else if (v < b.min || v > b.max) problems.push(`${key} must be between ${b.min} and ${b.max} (got ${v})`);
  }
  if (typeof s.gruResetAfter !== 'boolean') problems.push('gruResetAfter must be true or false');
  return problems;
}
