/**
 * The BUILT analysis worker (dist/analysisWorker.js) through worker_threads, as the host runs it:
 * its answers equal the engine's own functions on the same checkpoint, it reports progress,
 * cancels between chunks, and refuses jobs for weights it no longer holds.
 */

import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runChunked } from '../../src/engine/analysis/chunked';
import { editProbeJob, probeJob, replaceAt } from '../../src/engine/analysis/probe';
import { saliencyJob } from '../../src/engine/analysis/saliency';
import { unitRangeJob, UnitStateCache } from '../../src/engine/analysis/unitSeries';
import { encodeCheckpoint } from '../../src/engine/io/checkpoint';
import { Model } from '../../src/engine/model/model';
import { streamLoss } from '../../src/engine/evaluate';
import { buildVocab, encodeText } from '../../src/engine/text';
import { validateAnalysisToHost, type AnalysisAnswer, type AnalysisJob, type AnalysisToHost } from '../../src/protocol/analysis';

const bundle = path.join(__dirname, '..', '..', 'dist', 'analysisWorker.js');
const TEXT = 'She said "hello (world)" and left. {a: [1, 2]} "quoted (text)" here.\n'.repeat(40);

class Analysis {
  readonly worker = new Worker(bundle);
  readonly inbox: AnalysisToHost[] = [];
  private next = 1;
  constructor() {
    this.worker.on('message', (raw) => {
      const m = validateAnalysisToHost(raw);
      assert.ok(m, `invalid message ${JSON.stringify(raw).slice(0, 200)}`);
      this.inbox.push(m);
    });
  }
  run(job: AnalysisJob, modelKey = 'm1'): { id: number; answer: Promise<AnalysisToHost> } {
    const id = this.next++;
    this.worker.postMessage({ type: 'run', requestId: id, textKey: 't1', modelKey, job });
    const answer = new Promise<AnalysisToHost>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${job.kind}`)), 30_000);
      const poll = (): void => {
        const m = this.inbox.find((x) => x.type !== 'ready' && x.type !== 'progress' && x.replyTo === id);
        if (m) { clearTimeout(timer); resolve(m); } else setTimeout(poll, 5);
      };
      poll();
    });
    return { id, answer };
  }
  async result(job: AnalysisJob): Promise<AnalysisAnswer> {
    const m = await this.run(job).answer;
    assert.equal(m.type, 'result', JSON.stringify(m));
    return (m as Extract<AnalysisToHost, { type: 'result' }>).answer;
  }
}

describe('analysis worker bundle (dist/analysisWorker.js)', function () {
  this.timeout(60_000);
  let a: Analysis;
  let model: Model;
  let ids: Int32Array;

  before(function () {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
    const config = { cell: 'lstm' as const, hidden: 12, layers: 2, vocab: buildVocab(TEXT), gruResetAfter: true };
    model = Model.init(config, 3, 1);
    ids = encodeText(TEXT, config.vocab);
    a = new Analysis();
    a.worker.postMessage({ type: 'text', textKey: 't1', text: TEXT });
    const bytes = encodeCheckpoint({ config, weights: model.weights() });
    a.worker.postMessage({ type: 'model', modelKey: 'm1', checkpoint: bytes }, [bytes.buffer as ArrayBuffer]);
  });

  after(async () => {
    await a?.worker.terminate();
  });

  it('answers a probe exactly as the engine does, with progress on the way', async () => {
    const at = 10;
    const replacement = model.config.vocab.indexOf('x');
    const r = await a.result({ kind: 'probe', at, replacement, length: 600 });
    assert.equal(r.kind, 'probe');
    const original = ids.subarray(0, 600);
    const want = runChunked(probeJob(model.net, original, replaceAt(original, at, replacement), at));
    assert.deepEqual(Array.from((r as { kl: Float64Array }).kl), Array.from(want.kl));
    assert.deepEqual(Array.from((r as { dc: Float64Array }).dc), Array.from(want.dc));
    assert.equal((r as { horizon: number }).horizon, want.horizon);
    assert.ok(a.inbox.some((m) => m.type === 'progress'), 'no progress reported');
  });

  it('answers the probe of an edit (live What If) as the engine does, and refuses one past the text or outside the vocabulary', async () => {
    const x = model.config.vocab.indexOf('x');
    const r = await a.result({ kind: 'probeEdit', at: 40, removed: 2, inserted: [x, x, x], length: 500 });
    const original = ids.subarray(0, 500);
    const edited = Int32Array.from([...original.subarray(0, 40), x, x, x, ...original.subarray(42)]);
    const want = runChunked(editProbeJob(model.net, original, edited, 40));
    assert.equal(r.kind, 'probe');
    const got = r as { at: number; length: number; kl: Float64Array; dh: Float64Array };
    assert.equal(got.at, want.at);
    assert.equal(got.length, 501);
    assert.deepEqual(Array.from(got.kl), Array.from(want.kl));
    assert.deepEqual(Array.from(got.dh), Array.from(want.dh));
    const past = await a.run({ kind: 'probeEdit', at: 499, removed: 1, inserted: [], length: 500 }).answer;
    assert.ok(past.type === 'error' && past.kind === 'input' && /nothing after it/.test(past.message), JSON.stringify(past));
    const unknown = await a.run({ kind: 'probeEdit', at: 10, removed: 0, inserted: [model.config.vocab.length], length: 500 }).answer;
    assert.ok(unknown.type === 'error' && unknown.kind === 'input' && /vocabulary/.test(unknown.message), JSON.stringify(unknown));
  });

  it('answers saliency, ablation and a unit range as the engine does', async () => {
    const s = await a.result({ kind: 'saliency', t: 300 });
    const want = runChunked(saliencyJob(model.net, ids, 300));
    assert.deepEqual(Array.from((s as { grad: Float64Array }).grad), Array.from(want.grad));

    const ab = await a.result({ kind: 'ablate', holds: [{ state: 'c', layer: 1, unit: 3, value: 0 }], maxChars: 500 });
    const base = new Float64Array(499);
    const held = new Float64Array(499);
    streamLoss(model.net, ids.subarray(0, 500), undefined, { losses: base });
    streamLoss(model.net, ids.subarray(0, 500), undefined, { losses: held, holds: [{ state: 'c', layer: 1, unit: 3, value: 0 }] });
    assert.deepEqual(Array.from((ab as { base: Float64Array }).base), Array.from(base));
    assert.deepEqual(Array.from((ab as { held: Float64Array }).held), Array.from(held));
    assert.notDeepEqual(base, held);

    const u = await a.result({ kind: 'unitRange', layer: 0, state: 'h', unit: 2, from: 1000, to: 1100 });
    const range = runChunked(unitRangeJob(model.net, ids, { layer: 0, state: 'h', unit: 2 }, 1000, 1100, new UnitStateCache(), 1e9));
    assert.deepEqual(Array.from((u as { values: Float32Array }).values), Array.from(range.values));
    assert.equal((u as { exact: boolean }).exact, true);
  });

  it('finds units for the built-in features and a regex, with sparklines', async () => {
    const r = await a.result({ kind: 'neurons', features: [{ name: 'in-quotes' }, { name: 'in-brackets' }, { name: 'digits', pattern: '[0-9]' }], top: 3, maxChars: 2000, bins: 40 });
    assert.equal(r.kind, 'neurons');
    const f = (r as Extract<AnalysisAnswer, { kind: 'neurons' }>).features;
    assert.deepEqual(f.map((x) => x.name), ['in-quotes', 'in-brackets', 'digits']);
    for (const x of f) {
      assert.equal(x.units.length, 3);
      assert.equal(x.spark.length, 40);
      assert.ok(Math.abs(x.units[0].r) >= Math.abs(x.units[2].r));
      assert.equal(x.units[0].spark.length, 40);
    }
  });

  it('samples with and without a held unit from the same seed', async () => {
    const r = await a.result({ kind: 'sampleHeld', holds: [{ state: 'h', layer: 1, unit: 0, value: 1 }], length: 80, temperature: 0, seed: 5, prime: 'She' });
    const s = r as Extract<AnalysisAnswer, { kind: 'sampleHeld' }>;
    assert.ok(s.normal.startsWith('She') && s.held.startsWith('She'));
    assert.equal([...s.normal].length, 83);
  });

  it('stops a cancelled job at its next chunk and refuses weights it does not hold', async () => {
    const { id, answer } = a.run({ kind: 'probe', at: 5, replacement: 0, length: TEXT.length });
    a.worker.postMessage({ type: 'cancel', requestId: id });
    const m = await answer;
    assert.equal(m.type, 'error');
    assert.equal((m as { kind: string }).kind, 'cancelled');
    const stale = await a.run({ kind: 'saliency', t: 5 }, 'm0').answer;
    assert.equal(stale.type, 'error');
    assert.match((stale as { message: string }).message, /no longer current/);
  });
});
