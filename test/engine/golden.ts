// Loads the PyTorch golden vectors (their README states every convention): the copy committed in
// test/fixtures/golden, so that a fresh clone tests against them, and the shared folder the
// vectors come from (or $RNN_LENS_GOLDEN), which may hold cases the copy lacks.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ModelConfig } from '../../src/engine/model/config';

export const GOLDEN_DIR = resolve(__dirname, '../fixtures/golden');
const SHARED_GOLDEN_DIR = process.env.RNN_LENS_GOLDEN ?? '/work/shared/golden';

export interface Tensor { shape: number[]; data: number[] }
export interface GoldenCase {
  name: string;
  kind: 'forward' | 'train';
  config: ModelConfig & { format: string };
  text: string;
  weights: Record<string, Tensor>;
  train?: { batch: number; seqLen: number; steps: number; optimizer: 'sgd' | 'adagrad' | 'adam'; lr: number; clipNorm: number; valFraction: number };
  expected: {
    logits?: Tensor; loss?: number; grads?: Record<string, Tensor>; hT?: Tensor[]; cT?: Tensor[];
    losses?: number[]; weightsAfter?: Record<string, Tensor>;
  };
}

/** Every case of `kind`, by name; a case in both folders is read from the shared one. */
export function goldenCases(kind: 'forward' | 'train'): GoldenCase[] {
  const files = new Map<string, string>();
  for (const dir of [GOLDEN_DIR, SHARED_GOLDEN_DIR]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.json')) files.set(f, join(dir, f));
  }
  return [...files.keys()]
    .sort()
    .map((f) => JSON.parse(readFileSync(files.get(f)!, 'utf8')) as GoldenCase)
    .filter((c) => c.kind === kind)
    .map((c) => ({ ...c, config: { ...c.config, gruResetAfter: c.config.gruResetAfter ?? true } }));
}

export function weightMap(c: GoldenCase): Map<string, Float32Array> {
  const m = new Map<string, Float32Array>();
  for (const [k, t] of Object.entries(c.weights)) m.set(k, Float32Array.from(t.data));
  return m;
}

/** max |a - b| / max |b|: error relative to the largest entry of the reference tensor. */
export function relToMax(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let maxRef = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
  }
  return maxDiff / Math.max(maxRef, 1e-30);
}

/** Largest element-wise relative error |a - b| / max(|b|, floor). */
export function maxRel(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor));
  return m;
}
