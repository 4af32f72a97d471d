/**
 * A training run: the text, the model, the optimizer, the B streams and their carried state.
 * Same text, same settings, same seed: the same run, bit for bit (no randomness but the seeded
 * PRNG, and a fixed order of every floating-point operation).
 *
 * One trainStep() = one window of truncated BPTT over all B streams, mean loss over B*T
 * predictions, then applyUpdate (clip + optimizer). The gradient comes from a gradient source
 * (gradientSource.ts): a StreamGroup of all B streams on this thread, or a pool of worker threads
 * passed in `TrainerOptions.pool`. Everything else (the update, checkpoints, traces, sampling,
 * validation, spectral norms) is the same code either way, and reads the same weights.
 */

import { type CheckpointData, type ResumeState } from '../io/checkpointData';
import { validateSettings, type ModelConfig, type TrainSettings } from '../model/config';
import { InputError, type InterruptCheck } from '../errors';
import { heldOutLoss } from '../evaluate';
import { Model } from '../model/model';
import { createOptimizerState, slotNames, type OptimizerState } from './optimizers';
import { tensorViews } from '../model/params';
import { Rng } from '../rng';
import { sampleText, type SampleOptions } from '../sampling';
import { matrixSpectralNorm } from '../analysis/spectral';
import { StreamGroup } from './streamGroup';
import { type GradientPool, type GradientSource } from './gradientSource';
import { streamLength } from './streams';
import { buildVocab, checkTrainable, encodeText, hashIds, splitLengths } from '../text';
import { recordStreamTrace } from '../analysis/trace';
import { type Trace } from '../../protocol/traceLayout';
import { trainingMemory } from './trainingMemory';
import { applyUpdate, type TensorStats, type UpdateResult } from './update';

export type { TensorStats } from './update';
export type { SampleOptions } from '../sampling';

export interface StepStats extends UpdateResult {
  step: number;
  /** Mean cross-entropy (nats) over the B*T predictions of this step. */
  loss: number;
  /** ||g|| over all parameters, before clipping. */
  gradNorm: number;
  /** The norm-clipping factor applied (1 = not clipped). */
  clipScale: number;
  /** Gradient entries clamped by value clipping. */
  valueClipped: number;
  /** Per-tensor norms; EMPTY on steps run with `trainStep({ stats: false })` (every other field is always there). */
  tensors: TensorStats[];
  /** First tensor (parameterSpecs order) with a non-finite gradient, or 'loss'; when set, the weights were NOT updated. */
  nonFinite: string | null;
}

export interface TrainerOptions {
  /** Where the gradients come from; absent: a StreamGroup of all B streams on this thread. */
  readonly pool?: GradientPool;
}

export class Trainer {
  readonly model: Model;
  readonly config: ModelConfig;
  readonly settings: TrainSettings;
  private readonly ids: Int32Array;
  private readonly trainIds: Int32Array;
  private readonly valIds: Int32Array;
  private readonly source: GradientSource;
  private readonly grads: Float32Array;
  private readonly optimizer: OptimizerState;
  private readonly rng: Rng;
  private stepCount = 0;
  private lr: number;
  /** True when the matrix products run on the WebAssembly SIMD kernels (see trainingMemory.ts). */
  readonly simd: boolean;

  private constructor(model: Model, ids: Int32Array, settings: TrainSettings, rng: Rng, options: TrainerOptions) {
    const memory = trainingMemory(model.config, settings.batch, settings.seqLen, settings.optimizer, !options.pool);
    this.model = model.movedTo(memory.params);
    this.simd = memory.simd;
    this.config = model.config;
    this.settings = { ...settings };
    this.ids = ids;
    const { trainLength } = splitLengths(ids.length, settings.valFraction);
    this.trainIds = ids.subarray(0, trainLength);
    this.valIds = ids.subarray(trainLength);
    const streamLen = streamLength(trainLength, settings.batch);
    this.grads = memory.grads;
    this.optimizer = createOptimizerState(settings.optimizer, model.paramCount, memory.slots);
    this.source = options.pool
      ? options.pool.start({ config: this.config, params: this.model.params, trainIds: this.trainIds, streamLen, batch: settings.batch, seqLen: settings.seqLen })
      : new StreamGroup(this.model.net, this.trainIds, streamLen, 0, settings.batch, settings.seqLen, memory.alloc);
    this.rng = rng;
    this.lr = settings.lr;
  }

  /** A new run on `text`; from fresh weights, or from `init`'s weights with fresh optimizer state. */
  static create(text: string, settings: TrainSettings, init?: CheckpointData, options: TrainerOptions = {}): Trainer {
    checkSettings(settings);
    checkTrainable(text, settings);
    const rng = new Rng(settings.seed);
    let model: Model;
    if (init) {
      const c = init.config;
      const differs = (['cell', 'hidden', 'layers', 'gruResetAfter'] as const)
        .filter((k) => c[k] !== settings[k] && (k !== 'gruResetAfter' || c.cell === 'gru'))
        .map((k) => `${k} (${String(c[k])})`);
      if (differs.length > 0) {
        throw new InputError(`The starting checkpoint's ${differs.join(', ')} differ${differs.length === 1 ? 's' : ''} from the settings; make them match or start from scratch.`, 'initDiffers', { what: differs.join(', ') });
      }
      model = Model.fromCheckpoint(init);
    } else {
      const config: ModelConfig = { cell: settings.cell, hidden: settings.hidden, layers: settings.layers, vocab: buildVocab(text), gruResetAfter: settings.gruResetAfter };
      model = Model.init(config, settings.seed, settings.forgetBias, rng);
    }
    const ids = encodeText(text, model.config.vocab);
    return new Trainer(model, ids, settings, rng, options);
  }

  /** Continues a run exactly where toCheckpoint() left it. */
  static resume(text: string, checkpoint: CheckpointData, options: TrainerOptions = {}): Trainer {
    const r = checkpoint.resume;
    if (!r) throw new InputError('This checkpoint holds weights only, no training state to resume; start a new run from it instead.', 'resumeWeightsOnly');
    checkSettings(r.settings);
    checkTrainable(text, r.settings);
    const model = Model.fromCheckpoint(checkpoint);
    const ids = encodeText(text, model.config.vocab);
    if (ids.length !== r.textLength || hashIds(ids) !== r.textHash) {
      throw new InputError(`This checkpoint was trained on a different text (${r.textLength} characters, this one has ${ids.length} or differs); resume with the original file or start a new run.`, 'resumeOtherText', { was: r.textLength, now: ids.length });
    }
    const trainer = new Trainer(model, ids, r.settings, Rng.fromState(r.rng), options);
    try {
      trainer.restore(r);
    } catch (e) {
      void trainer.close();
      throw e;
    }
    return trainer;
  }

  get step(): number {
    return this.stepCount;
  }

  get trainLength(): number {
    return this.trainIds.length;
  }

  get valLength(): number {
    return this.valIds.length;
  }

  get learningRate(): number {
    return this.lr;
  }

  /** The gradient source behind trainStep: its stream positions and carried state are the run's. */
  get streams(): GradientSource {
    return this.source;
  }

  /**
   * One optimizer step. `stats: false` skips the per-tensor norms (`tensors` comes back empty;
   * loss, gradNorm, clipScale, valueClipped and nonFinite are always computed): loops that report
   * only now and then ask for them on the steps they report. The training itself is the same
   * bits either way. `interrupt` may abandon the step (Interrupted) before anything changed.
   */
  trainStep(options: { stats?: boolean; interrupt?: InterruptCheck } = {}): StepStats {
    const { batch, seqLen } = this.settings;
    const n = batch * seqLen;
    this.grads.fill(0);
    const loss = this.source.accumulateGradients(this.grads, 1 / n, options.interrupt) / n;
    const update = applyUpdate(this.model.params, this.grads, this.optimizer, this.model.layout, this.settings, this.lr, Number.isFinite(loss), options.stats ?? true);
    if (update.nonFinite !== null) this.source.resetNonFiniteState();
    this.stepCount++;
    return { step: this.stepCount, loss, ...update };
  }

  /**
   * Mean loss (nats) on the held-out text, read as one stream from a zero state; null without one.
   * Capped at the first MAX_VALIDATION_CHARS characters so a large split never stalls training.
   */
  validationLoss(interrupt?: InterruptCheck): number | null {
    return heldOutLoss(this.model.net, this.valIds, interrupt);
  }

  /** The window that stream `stream` will train on next, with the current weights and its carried state; `interrupt` may abandon it. */
  trace(stream = 0, interrupt?: InterruptCheck): Trace {
    const B = this.settings.batch;
    if (!Number.isInteger(stream) || stream < 0 || stream >= B) throw new InputError(`stream must be between 0 and ${B - 1} (got ${stream}).`);
    const g = this.source;
    return recordStreamTrace(this.model.net, {
      trainIds: this.trainIds,
      streamLen: streamLength(this.trainIds.length, B),
      seqLen: this.settings.seqLen,
      stream,
      position: g.positions[stream],
      trainingStep: this.stepCount,
      carriedH: (l) => g.carriedH(l),
      carriedC: (l) => g.carriedC(l),
    }, interrupt);
  }

  sample(opts: SampleOptions): string {
    return sampleText(this.model, opts);
  }

  /** sigma_max of each layer's fused W_hh [G*H, H]. */
  spectralNorms(): number[] {
    const { hidden: H } = this.config;
    return this.model.layout.layers.map((off) => matrixSpectralNorm(this.model.params, off.wHh, this.model.net.GH, H));
  }

  setLearningRate(lr: number): void {
    if (!Number.isFinite(lr) || lr <= 0) throw new InputError(`The learning rate must be a positive number (got ${lr}).`);
    this.lr = lr;
  }

  toCheckpoint(): CheckpointData {
    const L = this.config.layers;
    const views = (buffer: Float32Array): Map<string, Float32Array> => {
      const out = new Map<string, Float32Array>();
      for (const [name, v] of tensorViews(buffer, this.model.layout)) out.set(name, v.slice());
      return out;
    };
    const slots = new Map<string, ReadonlyMap<string, Float32Array>>();
    for (const [slot, buffer] of this.optimizer.slots) slots.set(slot, views(buffer));
    const carried = new Map<string, Float32Array>();
    for (let l = 0; l < L; l++) {
      carried.set(`h_l${l}`, Float32Array.from(this.source.carriedH(l)));
      if (this.config.cell === 'lstm') carried.set(`c_l${l}`, Float32Array.from(this.source.carriedC(l)));
    }
    const resume: ResumeState = {
      settings: { ...this.settings, lr: this.lr },
      step: this.stepCount,
      optimizer: { kind: this.optimizer.kind, t: this.optimizer.t, slots },
      streamPositions: Array.from(this.source.positions),
      carried,
      rng: this.rng.state(),
      textLength: this.ids.length,
      textHash: hashIds(this.ids),
    };
    return { config: this.config, weights: this.model.weights(), resume };
  }

  /** Ends the threads of a worker pool (nothing to do for the local source); resolves when they have ended. Safe to call twice. */
  close(): Promise<void> {
    return this.source.close?.() ?? Promise.resolve();
  }

  private restore(r: ResumeState): void {
    const layout = this.model.layout;
    if (r.optimizer.kind !== this.optimizer.kind) throw new InputError(`The checkpoint's optimizer state is for ${r.optimizer.kind}, but its settings say ${this.optimizer.kind}.`);
    for (const slot of slotNames(this.optimizer.kind)) {
      const tensors = r.optimizer.slots.get(slot);
      const flat = this.optimizer.slots.get(slot)!;
      layout.specs.forEach((spec, i) => {
        const t = tensors?.get(spec.name);
        if (!t || t.length !== spec.size) throw new InputError(`The checkpoint's optimizer state lacks ${slot} for ${spec.name}; it cannot be resumed exactly.`);
        flat.set(t, layout.offsets[i]);
      });
    }
    this.optimizer.t = r.optimizer.t;
    this.stepCount = r.step;
    this.lr = r.settings.lr;
    const B = this.settings.batch;
    const H = this.config.hidden;
    if (r.streamPositions.length !== B) throw new InputError(`The checkpoint has ${r.streamPositions.length} stream positions for batch ${B}; it is inconsistent.`);
    this.source.positions.set(r.streamPositions);
    for (let l = 0; l < this.config.layers; l++) {
      const names = this.config.cell === 'lstm' ? [`h_l${l}`, `c_l${l}`] : [`h_l${l}`];
      for (const name of names) {
        const v = r.carried.get(name);
        if (!v || v.length !== B * H) throw new InputError(`The checkpoint's carried state ${name} is missing or has the wrong size; it cannot be resumed exactly.`);
        (name.startsWith('h') ? this.source.carriedH(l) : this.source.carriedC(l)).set(v);
      }
    }
  }
}

function checkSettings(settings: TrainSettings): void {
  const problems = validateSettings(settings);
  if (problems.length > 0) throw new InputError(`Invalid settings: ${problems.join('; ')}.`);
}
