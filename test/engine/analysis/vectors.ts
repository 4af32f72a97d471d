// Loads the PyTorch reference values of the analysis engine (test/fixtures/analysis, made by
// scripts/pytorch/make_analysis_vectors.py, which states every definition) and builds the models
// they were made with.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ModelConfig } from '../../../src/engine/model/config';
import { Model } from '../../../src/engine/model/model';
import { type Tensor } from '../golden';

export const VECTORS_DIR = resolve(__dirname, '../../fixtures/analysis');

export interface HoldVector { spec: string; state: 'h' | 'c'; layer: number; unit: number; value: number }
export interface AnalysisCase {
  name: string;
  config: ModelConfig;
  text: string;
  weights: Record<string, Tensor>;
  probe: { at: number; replace: number; length: number; horizon: number; steps: { t: number; dh: number[]; dc?: number[]; kl: number; top1Changed: boolean }[] }[];
  saliency: { t: number; logProb: number; grad: number[]; norm: number[] }[];
  neurons: { name: string; units: { layer: number; state: 'h' | 'c'; unit: number; r: number }[] }[];
  ablation: { holds: HoldVector[]; losses: number[]; prime: number; sample: number[]; minMargin: number }[];
}

export function analysisCases(): AnalysisCase[] {
  return readdirSync(VECTORS_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => ({
    name: f.replace(/\.json$/, ''),
    ...(JSON.parse(readFileSync(join(VECTORS_DIR, f), 'utf8')) as Omit<AnalysisCase, 'name'>),
  }));
}

export function caseModel(c: AnalysisCase): Model {
  const weights = new Map(Object.entries(c.weights).map(([k, t]) => [k, Float32Array.from(t.data)]));
  return Model.fromCheckpoint({ config: c.config, weights });
}

/** max |a - b| over max |b|: the error relative to the largest reference entry. */
export { relToMax } from '../golden';
