import * as assert from 'node:assert/strict';
import { referenceWindow, type ReferenceWindow } from '../../../src/engine/cells/reference';
import { backwardWindow, forwardWindow, windowLoss } from '../../../src/engine/model/bptt';
import { type CellType, type ModelConfig } from '../../../src/engine/model/config';
import { initParameters } from '../../../src/engine/model/init';
import { Network } from '../../../src/engine/model/network';
import { paramLayout, tensorViews } from '../../../src/engine/model/params';
import { Rng } from '../../../src/engine/rng';
import { encodeText } from '../../../src/engine/text';
import { trainingMemory } from '../../../src/engine/training/trainingMemory';
import { Workspace } from '../../../src/engine/model/workspace';
import { goldenCases, relToMax, weightMap } from '../golden';

const VARIANTS: { cell: CellType; resetAfter: boolean; label: string }[] = [
  { cell: 'rnn', resetAfter: true, label: 'rnn' },
  { cell: 'lstm', resetAfter: true, label: 'lstm' },
  { cell: 'gru', resetAfter: true, label: 'gru' },
  { cell: 'gru', resetAfter: false, label: 'gru (Cho)' },
];

/** Largest |a - b| relative to the largest |b|. */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const err = relToMax(actual, expected);
  assert.ok(err <= tolerance, `${what}: relative error ${err}`);
}

describe('the reference cells (the lecture\'s formulas, one step at a time)', () => {
  it('reproduce PyTorch\'s golden logits, loss, gradients and final states', () => {
    const cases = goldenCases('forward');
    assert.ok(cases.length >= 7);
    for (const c of cases) {
      const ids = encodeText(c.text, c.config.vocab);
      const T = ids.length - 1;
      const zeros = Array.from({ length: c.config.layers }, () => new Float64Array(c.config.hidden));
      const ref = referenceWindow(c.config, weightMap(c), ids.subarray(0, T), ids.subarray(1), zeros, zeros);
      const V = c.config.vocab.length;
      const logits = new Float64Array(T * V);
      ref.logits.forEach((y, t) => logits.set(y, t * V));
      close(logits, c.expected.logits!.data, 1e-5, `${c.name} logits`);
      assert.ok(Math.abs(ref.loss - c.expected.loss!) < 1e-5 * c.expected.loss!, `${c.name} loss`);
      for (const [name, g] of ref.grads) close(g, c.expected.grads![name].data, 1e-4, `${c.name} ${name}`);
      for (let l = 0; l < c.config.layers; l++) {
        close(ref.h[T - 1][l], c.expected.hT![l].data, 1e-5, `${c.name} hT layer ${l}`);
        if (c.expected.cT) close(ref.c[T - 1][l], c.expected.cT[l].data, 1e-5, `${c.name} cT layer ${l}`);
      }
    }
  });
});

describe('the fast cells against the reference cells', () => {
  /** A random network (weights scaled up so no gradient is tiny), B streams with their own starting states. */
  function setup(cell: CellType, resetAfter: boolean, seed: number) {
    const rng = new Rng(seed);
    const config: ModelConfig = { cell, hidden: 6, layers: 3, vocab: ['a', 'b', 'c', 'd', 'e'], gruResetAfter: resetAfter };
    const layout = paramLayout(config);
    const params = new Float64Array(layout.total);
    initParameters(params, layout, config, rng, 1);
    for (let i = 0; i < params.length; i++) params[i] *= 2;
    const B = 3;
    const T = 5;
    const H = config.hidden;
    const ids = Int32Array.from({ length: T * B }, () => rng.int(5));
    const targets = Int32Array.from({ length: T * B }, () => rng.int(5));
    const state = (): Float64Array => Float64Array.from({ length: B * H }, () => rng.uniform(-0.8, 0.8));
    const h0 = Array.from({ length: config.layers }, state);
    const c0 = Array.from({ length: config.layers }, () => (cell === 'lstm' ? state() : new Float64Array(B * H)));
    return { config, layout, params, B, T, H, ids, targets, h0, c0 };
  }

  /** Stream b's window as the reference sees it (rows are time-major: row t*B + b). */
  function referenceOf(s: ReturnType<typeof setup>, b: number): ReferenceWindow {
    const { B, T, H } = s;
    const column = (a: Int32Array): number[] => Array.from({ length: T }, (_, t) => a[t * B + b]);
    const slice = (x: Float64Array[]): Float64Array[] => x.map((v) => v.slice(b * H, (b + 1) * H));
    const weights = new Map<string, Float64Array>([...tensorViews(s.params, s.layout)]);
    return referenceWindow(s.config, weights, column(s.ids), column(s.targets), slice(s.h0), slice(s.c0));
  }

  for (const v of VARIANTS) {
    for (const precision of ['float64', 'float32 (SIMD)'] as const) {
      it(`${v.label}, ${precision}: states, logits, loss, dL/dh, dL/dc and every gradient`, () => {
        const s = setup(v.cell, v.resetAfter, 5);
        const { config, B, T, H } = s;
        const f32 = precision !== 'float64';
        const memory = f32 ? trainingMemory(config, B, T, null) : null;
        const params = memory ? memory.params : s.params;
        if (memory) params.set(s.params);
        const net = new Network(config, params);
        const ws = new Workspace(net, B, T, memory?.alloc);
        ws.ids.set(s.ids);
        ws.targets.set(s.targets);
        ws.layers.forEach((lb, l) => { lb.hs.set(s.h0[l]); if (lb.cs.length) lb.cs.set(s.c0[l]); });
        forwardWindow(net, ws);
        const loss = windowLoss(net, ws, 1 / (B * T)) / (B * T);
        const grads = memory ? memory.grads : new Float64Array(s.layout.total);
        backwardWindow(net, ws, grads);

        const tol = f32 ? 2e-5 : 1e-12;
        const refs = Array.from({ length: B }, (_, b) => referenceOf(s, b));
        const V = config.vocab.length;
        // The fast loss is the mean over B*T predictions: the mean of the streams' means.
        assert.ok(Math.abs(loss - refs.reduce((a, r) => a + r.loss, 0) / B) <= tol * loss, `loss ${loss}`);
        for (let b = 0; b < B; b++) {
          const r = refs[b];
          for (let t = 0; t < T; t++) {
            // softmax leaves probabilities in ws.probs; compare the reference's logits through the same softmax
            const y = r.logits[t];
            const max = Math.max(...y);
            const e = y.map((x) => Math.exp(x - max));
            const sum = e.reduce((a, x) => a + x, 0);
            close(ws.probs.subarray((t * B + b) * V, (t * B + b + 1) * V), e.map((x) => x / sum), tol, `probs t=${t} b=${b}`);
            for (let l = 0; l < config.layers; l++) {
              const lb = ws.layers[l];
              const row = (t * B + b) * H;
              close(lb.hs.subarray(row + B * H, row + B * H + H), r.h[t][l], tol, `h layer ${l} t=${t} b=${b}`);
              if (v.cell === 'lstm') close(lb.cs.subarray(row + B * H, row + B * H + H), r.c[t][l], tol, `c layer ${l} t=${t} b=${b}`);
              // The fast backward's dL/dh is of the mean over all B streams: 1/B of the stream's own.
              close(lb.dH.subarray(row, row + H).map((x) => x * B), r.dh[l][t], 10 * tol, `dL/dh layer ${l} t=${t} b=${b}`);
              if (v.cell === 'lstm') close(lb.dC.subarray(row, row + H).map((x) => x * B), r.dc[l][t], 10 * tol, `dL/dc layer ${l} t=${t} b=${b}`);
            }
          }
        }
        for (const [name, g] of tensorViews(grads, s.layout)) {
          const want = new Float64Array(g.length);
          for (const r of refs) r.grads.get(name)!.forEach((x, i) => { want[i] += x / B; });
          close(g, want, 10 * tol, `gradient of ${name}`);
        }
      });
    }
  }
});
