/**
 * Generating text: feed a character, read the predicted distribution of the next one, draw from
 * it, feed that back in.
 *
 *   p_i ∝ exp(y_i / temperature)      (temperature 0 means argmax: always the likeliest)
 *   top-k keeps only the k likeliest characters before drawing.
 *
 * The prime text (if any) is read first to set the state; the output is the prime followed by
 * `length` new characters. Without a prime, the first character is drawn uniformly from the
 * vocabulary and counts as one of the `length`; a greedy sample (temperature 0, or top-k 1)
 * starts instead from the vocabulary's first character (the lowest code point, usually the
 * newline), so that it depends on nothing but the model and the held units, never on the seed.
 */

import { forwardWindow } from './model/bptt';
import { layerHolds, type UnitHold } from './analysis/ablation';
import { InputError } from './errors';
import { type Model } from './model/model';
import { Rng } from './rng';
import { buildVocab, describeChar, encodeText } from './text';
import { Workspace } from './model/workspace';

export interface SampleOptions {
  length: number;
  temperature: number;
  topK?: number;
  prime?: string;
  seed: number;
  /** Units held fixed while generating (analysis/ablation.ts); the same seed then gives the sample beside the normal one. */
  holds?: readonly UnitHold[];
}

export function sampleText(model: Model, opts: SampleOptions): string {
  const { vocab } = model.config;
  const V = vocab.length;
  if (!Number.isInteger(opts.length) || opts.length < 0) throw new InputError(`length must be a whole number of characters, 0 or more (got ${opts.length}).`);
  if (!Number.isFinite(opts.temperature) || opts.temperature < 0) throw new InputError(`temperature must be 0 or more (got ${opts.temperature}).`);
  if (opts.topK !== undefined && (!Number.isInteger(opts.topK) || opts.topK < 1)) throw new InputError(`topK must be a whole number of 1 or more (got ${opts.topK}).`);
  const prime = opts.prime ?? '';
  const unknown = buildVocab(prime).filter((ch) => !vocab.includes(ch));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map(describeChar).join(', ');
    throw new InputError(`The prime text has characters the model does not know: ${shown}.`, 'primeUnknownChars', { shown });
  }
  const rng = new Rng(opts.seed);
  const net = model.net;
  const ws = new Workspace(net, 1, 1);
  ws.holds = layerHolds(opts.holds ?? [], model.config);
  ws.resetState();
  const out: string[] = [prime];
  let remaining = opts.length;
  let primeIds = encodeText(prime, vocab);
  if (primeIds.length === 0) {
    if (remaining === 0) return '';
    const first = opts.temperature === 0 || opts.topK === 1 ? 0 : rng.int(V);
    out.push(vocab[first]);
    remaining--;
    primeIds = Int32Array.of(first);
  }
  // Read the prime; the last character's prediction is the first draw.
  for (let i = 0; i < primeIds.length; i++) {
    if (i > 0) ws.carryState();
    ws.ids[0] = primeIds[i];
    forwardWindow(net, ws);
  }
  const logits = ws.probs;
  const weights = new Float64Array(V);
  const order = new Int32Array(V);
  for (; remaining > 0; remaining--) {
    const next = draw(logits, V, opts.temperature, opts.topK, rng, weights, order);
    out.push(vocab[next]);
    if (remaining > 1) {
      ws.carryState();
      ws.ids[0] = next;
      forwardWindow(net, ws);
    }
  }
  return out.join('');
}

/** One draw from softmax(logits / temperature), optionally limited to the top k. */
function draw(logits: ArrayLike<number>, V: number, temperature: number, topK: number | undefined, rng: Rng, weights: Float64Array, order: Int32Array): number {
  let best = 0;
  for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
  if (temperature === 0 || topK === 1) return best;
  let allowed: ((v: number) => boolean) | null = null;
  if (topK !== undefined && topK < V) {
    for (let v = 0; v < V; v++) order[v] = v;
    // Stable: ties keep the lower id, so the same seed always draws the same text.
    const sorted = Array.from(order).sort((a, b) => logits[b] - logits[a] || a - b);
    const keep = new Set(sorted.slice(0, topK));
    allowed = (v) => keep.has(v);
  }
  let total = 0;
  for (let v = 0; v < V; v++) {
    const w = allowed && !allowed(v) ? 0 : Math.exp((logits[v] - logits[best]) / temperature);
    weights[v] = w;
    total += w;
  }
  let u = rng.nextFloat() * total;
  for (let v = 0; v < V; v++) {
    u -= weights[v];
    if (u < 0 && weights[v] > 0) return v;
  }
  return best;
}
