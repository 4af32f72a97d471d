/**
 * What a checkpoint holds, independent of how it is stored. `safetensors.ts` turns bytes into
 * tensors; `checkpoint.ts` turns tensors and metadata into this (validating everything); the
 * trainer turns this into a running model and back.
 */

import { type ModelConfig, type TrainSettings, type OptimizerKind } from '../model/config';

/** Everything needed to continue a run exactly where it stopped, bit for bit. */
export interface ResumeState {
  readonly settings: TrainSettings;
  /** Optimizer steps taken so far. */
  readonly step: number;
  readonly optimizer: {
    readonly kind: OptimizerKind;
    /** Adam's step counter t (the one in the bias corrections). */
    readonly t: number;
    /** Per-parameter state by slot and parameter name, e.g. slot 'm' / 'v' (adam), 'sum' (adagrad); sgd has none. */
    readonly slots: ReadonlyMap<string, ReadonlyMap<string, Float32Array>>;
  };
  /** Where each of the B streams will read next, as an offset (in code points) from the stream's start. */
  readonly streamPositions: readonly number[];
  /** The carried (detached) state per layer: h [B, H], and c [B, H] for LSTM. Keys 'h_l0', 'c_l0', ... */
  readonly carried: ReadonlyMap<string, Float32Array>;
  /** The PRNG's internal state words (uint32). */
  readonly rng: readonly number[];
  /** Length in code points and a hash of the training text, so resuming on another text is refused. */
  readonly textLength: number;
  readonly textHash: string;
}

export interface CheckpointData {
  readonly config: ModelConfig;
  /** Every parameter tensor by PyTorch name (see parameterSpecs), float32. */
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** Present in checkpoints written by a training run; absent in plain exported or PyTorch-made ones. */
  readonly resume?: ResumeState;
}
