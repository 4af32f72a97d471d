/**
 * What each analysis job computes, as a chunked generator over the engine's analyses, with the
 * answer in the protocol's shape. The worker (analysisWorker.ts) drives these a chunk at a time.
 */

import { streamLoss } from '../engine/evaluate';
import { InputError } from '../engine/errors';
import { type Chunked } from '../engine/analysis/chunked';
import { featureList, featureValues } from '../engine/analysis/features';
import { neuronsJob, topUnits } from '../engine/analysis/neurons';
import { editProbeJob, probeJob, replaceAt, type ProbeResult } from '../engine/analysis/probe';
import { saliencyJob } from '../engine/analysis/saliency';
import { binMeans, exactBudget, unitRangeJob, unitSparklinesJob, type UnitStateCache } from '../engine/analysis/unitSeries';
import { checkHolds } from '../engine/analysis/ablation';
import { type Model } from '../engine/model/model';
import { sampleText } from '../engine/sampling';
import { sliceCodePoints } from '../engine/text';
import { type AnalysisAnswer, type AnalysisJob } from '../protocol/analysis';

export interface JobContext {
  readonly model: Model;
  /** The text snapshot and its ids in the model's vocabulary. */
  readonly text: string;
  readonly ids: Int32Array;
  readonly cache: UnitStateCache;
}

function probeAnswer(r: ProbeResult): AnalysisAnswer {
  return { kind: 'probe', at: r.at, length: r.length, layers: r.layers, dh: r.dh, dc: r.dc, kl: r.kl, top1Changed: r.top1Changed, horizon: r.horizon };
}

export function* runJob(job: AnalysisJob, ctx: JobContext): Chunked<AnalysisAnswer> {
  const { model, ids } = ctx;
  const net = model.net;
  const n = ids.length;
  switch (job.kind) {
    case 'probe': {
      const length = Math.min(job.length, n);
      if (job.at >= length) throw new InputError(`Position ${job.at} is past the end of the text (${n} characters).`);
      if (job.replacement >= model.config.vocab.length) throw new InputError('The replacement is not in the model\'s vocabulary.');
      const original = ids.subarray(0, length);
      return probeAnswer(yield* probeJob(net, original, replaceAt(original, job.at, job.replacement), job.at));
    }
    case 'probeEdit': {
      const length = Math.min(job.length, n);
      if (job.at + job.removed > length) throw new InputError(`The edit (${job.removed} characters at ${job.at}) is past the end of the text (${n} characters).`);
      if (job.inserted.some((id) => id >= model.config.vocab.length)) throw new InputError('The edit types a character that is not in the model\'s vocabulary.');
      const original = ids.subarray(0, length);
      const edited = new Int32Array(length - job.removed + job.inserted.length);
      edited.set(original.subarray(0, job.at));
      edited.set(job.inserted, job.at);
      edited.set(original.subarray(job.at + job.removed), job.at + job.inserted.length);
      return probeAnswer(yield* editProbeJob(net, original, edited, job.at));
    }
    case 'saliency': {
      const r = yield* saliencyJob(net, ids, job.t);
      return { kind: 'saliency', t: r.t, target: r.target, logProb: r.logProb, grad: r.grad, norm: r.norm };
    }
    case 'neurons': {
      const chars = Math.min(job.maxChars, n);
      const text = chars < n ? sliceCodePoints(ctx.text, 0, chars) : ctx.text;
      const specs = featureList(job.features.filter((f) => f.pattern !== undefined).map((f) => ({ name: f.name, pattern: f.pattern })))
        .filter((f) => job.features.some((w) => w.name === f.name));
      const report = yield* neuronsJob(net, text, specs);
      const ranked = report.features.map((f) => topUnits(report.units, f.r, job.top));
      const all = ranked.flat();
      const sparks = yield* unitSparklinesJob(net, ids.subarray(0, chars), all, job.bins);
      let k = 0;
      return {
        kind: 'neurons',
        positions: report.positions,
        features: report.features.map((f, i) => ({
          name: f.name,
          spark: binMeans(featureValues(specs[i], text), job.bins),
          units: ranked[i].map((u) => ({ layer: u.layer, state: u.state, unit: u.unit, r: u.r, spark: sparks[k++] })),
        })),
      };
    }
    case 'ablate': {
      checkHolds(job.holds, model.config);
      const chars = Math.min(job.maxChars, n);
      const slice = ids.subarray(0, chars);
      const base = new Float64Array(chars - 1);
      const held = new Float64Array(chars - 1);
      streamLoss(net, slice, undefined, { losses: base });
      yield { done: 1, total: 2 };
      streamLoss(net, slice, undefined, { losses: held, holds: job.holds });
      yield { done: 2, total: 2 };
      return { kind: 'ablate', base, held };
    }
    case 'sampleHeld': {
      checkHolds(job.holds, model.config);
      const options = { length: job.length, temperature: job.temperature, seed: job.seed, prime: job.prime };
      const normal = sampleText(model, options);
      yield { done: 1, total: 2 };
      const held = sampleText(model, { ...options, holds: job.holds });
      return { kind: 'sampleHeld', normal, held };
    }
    case 'unitRange': {
      const { layers, hidden, cell } = model.config;
      if (job.layer >= layers || job.unit >= hidden || (job.state === 'c' && cell !== 'lstm')) throw new InputError('That unit is not in this model.');
      if (job.from >= n) throw new InputError(`Position ${job.from} is past the end of the text (${n} characters).`);
      const r = yield* unitRangeJob(net, ids, job, job.from, job.to, ctx.cache, exactBudget(net), job.topK ?? 0);
      return {
        kind: 'unitRange', from: r.from, values: r.values, loss: r.loss, startedAt: r.startedAt, exact: r.exact,
        topK: r.topK, topIds: r.topIds, topProbs: r.topProbs,
      };
    }
  }
}
