import * as assert from 'node:assert/strict';
import { forwardWindow, windowLoss, backwardWindow } from '../../../src/engine/model/bptt';
import { DEFAULT_SETTINGS, type CellType, type ModelConfig, type TrainSettings } from '../../../src/engine/model/config';
import { initParameters } from '../../../src/engine/model/init';
import { Network } from '../../../src/engine/model/network';
import { paramLayout } from '../../../src/engine/model/params';
import { Rng } from '../../../src/engine/rng';
import { largestSingularValues, matrixSpectralNorm, powerIteration, type BatchedLinearMap, type LinearMap } from '../../../src/engine/analysis/spectral';
import { layerStepJacobians, stepJacobianMatrix } from '../../../src/engine/analysis/jacobian';
import { recordTrace } from '../../../src/engine/analysis/trace';
import { checkTrace, traceSection, traceLayout } from '../../../src/protocol/traceLayout';
import { Trainer } from '../../../src/engine/training/trainer';
import { Workspace } from '../../../src/engine/model/workspace';
import { itemizedGradientNorms } from '../../../src/engine/analysis/itemizedBackward';
import { sumSquares } from '../../../src/engine/kernels/tensorOps';

const TEXT = 'to be or not to be, that is the question. '.repeat(20);
const VARIANTS: { cell: CellType; resetAfter: boolean; label: string }[] = [
  { cell: 'rnn', resetAfter: true, label: 'rnn' },
  { cell: 'lstm', resetAfter: true, label: 'lstm' },
  { cell: 'gru', resetAfter: true, label: 'gru' },
  { cell: 'gru', resetAfter: false, label: 'gru (Cho)' },
];

function settings(over: Partial<TrainSettings> = {}): TrainSettings {
  return { ...DEFAULT_SETTINGS, cell: 'lstm', hidden: 10, layers: 2, seqLen: 7, batch: 3, lr: 0.01, seed: 2, ...over };
}

/** A float64 network with random weights (scaled up so gradients are not tiny) and a window on it. */
function tinyNet(cell: CellType, resetAfter: boolean, layers: number, H: number, seed = 11) {
  const rng = new Rng(seed);
  const config: ModelConfig = { cell, hidden: H, layers, vocab: ['a', 'b', 'c', 'd'], gruResetAfter: resetAfter };
  const layout = paramLayout(config);
  const params = new Float64Array(layout.total);
  initParameters(params, layout, config, rng, 1);
  for (let i = 0; i < params.length; i++) params[i] *= 2.5;
  const net = new Network(config, params);
  const T = 6;
  const inputs = Int32Array.from({ length: T }, () => rng.int(4));
  const targets = Int32Array.from({ length: T }, () => rng.int(4));
  const h0 = Array.from({ length: layers }, () => Float64Array.from({ length: H }, () => rng.uniform(-0.5, 0.5)));
  const c0 = Array.from({ length: layers }, () => Float64Array.from({ length: H }, () => (cell === 'lstm' ? rng.uniform(-0.5, 0.5) : 0)));
  return { net, T, inputs, targets, h0, c0 };
}

/** Runs a window of the tiny net from a given state; returns the workspace after forward + loss (scale 1/T of the FULL window). */
function run(net: Network, inputs: Int32Array, targets: Int32Array, h0: Float64Array[], c0: Float64Array[], fullT: number): Workspace {
  const ws = new Workspace(net, 1, inputs.length);
  ws.ids.set(inputs);
  ws.targets.set(targets);
  ws.layers.forEach((lb, l) => { lb.hs.set(h0[l]); if (lb.cs.length) lb.cs.set(c0[l]); });
  forwardWindow(net, ws);
  windowLoss(net, ws, 1 / fullT);
  return ws;
}

/**
 * The reference for the itemized gradients (the trace's old path): backpropagate only the loss
 * term L_t / T, one backward pass per source. Needs forwardWindow and windowLoss done on ws;
 * afterwards each layer's dH holds d(L_t/T)/dh_k for every step k (zero for k > t).
 */
function backwardSingleLoss(net: Network, ws: Workspace, t: number): void {
  const V = net.V;
  const T = ws.steps;
  ws.dLogits.fill(0);
  for (let v = 0; v < V; v++) ws.dLogits[t * V + v] = ws.probs[t * V + v] / T;
  ws.dLogits[t * V + ws.targets[t]] -= 1 / T;
  backwardWindow(net, ws, null);
}

describe('trace', () => {
  it('has a consistent layout, the carried state as h0, and probabilities that sum to 1', () => {
    const t = Trainer.create(TEXT, settings());
    for (let i = 0; i < 4; i++) t.trainStep();
    const trace = t.trace(2);
    assert.equal(checkTrace(trace), null);
    assert.equal(trace.header.trainingStep, 4);
    assert.equal(trace.header.stream, 2);
    assert.equal(trace.header.position, 4 * 7);
    assert.equal(trace.header.carriedState, true);
    const h0 = traceSection(trace, 'h0');
    assert.deepEqual(Array.from(h0.subarray(0, 10)), Array.from(t.streams.carriedH(0).subarray(20, 30)));
    const probs = traceSection(trace, 'probs');
    const V = trace.header.vocab.length;
    for (let r = 0; r < 7; r++) {
      let s = 0;
      for (let v = 0; v < V; v++) s += probs[r * V + v];
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
    const loss = traceSection(trace, 'loss');
    assert.ok(Math.abs(trace.header.meanLoss - loss.reduce((a, b) => a + b, 0) / 7) < 1e-5);
    const itemized = traceSection(trace, 'itemized');
    for (let l = 0; l < 2; l++) for (let r = 0; r < 7; r++) for (let k = r + 1; k < 7; k++) assert.equal(itemized[(l * 7 + r) * 7 + k], 0);
    assert.ok(traceSection(trace, 'gradNorms').every((g) => g > 0));
    assert.ok(traceSection(trace, 'jacobian').every((g) => g > 0 && Number.isFinite(g)));
    assert.equal(traceLayout({ cell: 'lstm', layers: 2, hidden: 10, vocabSize: V, steps: 7, paramCount: 10 }).total, trace.data.length);
  });

  for (const v of VARIANTS) {
    it(`${v.label}: trace() changes no training state (training after a trace is bit-identical)`, () => {
      const s = settings({ cell: v.cell, gruResetAfter: v.resetAfter });
      const a = Trainer.create(TEXT, s);
      const b = Trainer.create(TEXT, s);
      for (let i = 0; i < 5; i++) { a.trainStep(); b.trainStep(); }
      a.trace(0); a.trace(1);
      for (let i = 0; i < 5; i++) assert.equal(a.trainStep().loss, b.trainStep().loss);
      assert.deepEqual(Array.from(a.model.params), Array.from(b.model.params));
    });

    it(`${v.label}: itemized contributions sum (as vectors) to dL/dh, and match finite differences`, () => {
      const { net, T, inputs, targets, h0, c0 } = tinyNet(v.cell, v.resetAfter, 2, 3);
      const H = 3;
      const ws = run(net, inputs, targets, h0, c0, T);
      backwardWindow(net, ws, new Float64Array(net.layout.total));
      const dh = ws.layers.map((lb) => Float64Array.from(lb.dH));
      const sum = ws.layers.map(() => new Float64Array(T * H));
      const perT: Float64Array[][] = [];
      for (let t = 0; t < T; t++) {
        backwardSingleLoss(net, ws, t);
        perT.push(ws.layers.map((lb) => Float64Array.from(lb.dH)));
        ws.layers.forEach((lb, l) => { for (let i = 0; i < T * H; i++) sum[l][i] += lb.dH[i]; });
      }
      for (let l = 0; l < 2; l++) for (let i = 0; i < T * H; i++) assert.ok(Math.abs(sum[l][i] - dh[l][i]) < 1e-12, `layer ${l} entry ${i}`);

      // Finite differences on the top layer (a lower layer's h_k also feeds the layer above at step k,
      // which a replay from k+1 cannot perturb): perturb h_k and replay the window from step k+1.
      const top = 1;
      const eps = 1e-6;
      const full = run(net, inputs, targets, h0, c0, T);
      for (const [k, t] of [[0, 3], [2, 5], [4, 5]]) {
        const stateAt = (l: number, which: 'hs' | 'cs'): Float64Array => Float64Array.from(full.layers[l][which].subarray((k + 1) * H, (k + 2) * H));
        for (let i = 0; i < H; i++) {
          const lossWith = (delta: number): number => {
            const hk = [stateAt(0, 'hs'), stateAt(1, 'hs')];
            const ck = v.cell === 'lstm' ? [stateAt(0, 'cs'), stateAt(1, 'cs')] : [new Float64Array(H), new Float64Array(H)];
            hk[top][i] += delta;
            const sub = run(net, inputs.subarray(k + 1), targets.subarray(k + 1), hk, ck, T);
            return sub.rowLoss[t - k - 1] / T;
          };
          const numeric = (lossWith(eps) - lossWith(-eps)) / (2 * eps);
          const analytic = perT[t][top][k * H + i];
          assert.ok(Math.abs(numeric - analytic) < 1e-7 * Math.max(1, Math.abs(analytic)), `k=${k} t=${t} i=${i}: ${numeric} vs ${analytic}`);
        }
      }
    });

    it(`${v.label}: the batched itemized backward equals one backward pass per source`, () => {
      const H = 5;
      const L = 3;
      const { net, T, inputs, targets, h0, c0 } = tinyNet(v.cell, v.resetAfter, L, H, 17);
      const ws = run(net, inputs, targets, h0, c0, T);
      const batched = new Float32Array(L * T * T);
      itemizedGradientNorms(net, ws, batched, 0);
      // The same in chunks of 4 streams (then 2: T = 6), as long windows of wide layers run.
      const chunked = new Float32Array(L * T * T);
      itemizedGradientNorms(net, ws, chunked, 0, 4 * T * H);
      assert.deepEqual(Array.from(chunked), Array.from(batched));
      const reference = new Float32Array(L * T * T);
      for (let t = 0; t < T; t++) {
        backwardSingleLoss(net, ws, t);
        for (let l = 0; l < L; l++) for (let k = 0; k <= t; k++) reference[(l * T + t) * T + k] = Math.sqrt(sumSquares(ws.layers[l].dH, k * H, H));
      }
      for (let i = 0; i < batched.length; i++) {
        assert.ok(Math.abs(batched[i] - reference[i]) <= 1e-6 * Math.abs(reference[i]), `entry ${i}: ${batched[i]} vs ${reference[i]}`);
      }
      assert.ok(reference.some((x) => x > 0));
    });

    it(`${v.label}: in float32 (its buffers in a SIMD arena) the itemized norms follow float64`, () => {
      const H = 12;
      const L = 2;
      const { net, T, inputs, targets, h0, c0 } = tinyNet(v.cell, v.resetAfter, L, H, 23);
      const want = new Float32Array(L * T * T);
      itemizedGradientNorms(net, run(net, inputs, targets, h0, c0, T), want, 0);
      const net32 = net.withParams(Float32Array.from(net.params));
      const got = new Float32Array(L * T * T);
      itemizedGradientNorms(net32, run(net32, inputs, targets, h0, c0, T), got, 0);
      const max = Math.max(...want);
      assert.ok(max > 0);
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * max, `entry ${i}: ${got[i]} vs ${want[i]}`);
    });

    it(`${v.label}: a float32 trace in reused memory equals the same trace in fresh memory, with another model's trace in between`, () => {
      const { net, inputs, targets, h0, c0 } = tinyNet(v.cell, v.resetAfter, 2, 12, 31);
      const options = { inputs, targets, h0, c0, trainingStep: 0, stream: 0, position: 0, carriedState: false };
      // The same config object reuses the trace's memory; another model's replaces it.
      const net32 = net.withParams(Float32Array.from(net.params));
      const first = recordTrace(net32, options).data;
      const again = recordTrace(net32, options).data;
      const other = tinyNet(v.cell, v.resetAfter, 3, 8, 5);
      recordTrace(other.net.withParams(Float32Array.from(other.net.params)), { ...options, h0: other.h0, c0: other.c0 });
      const afterOther = recordTrace(net32, options).data;
      // Changed weights must reach the reused copy: the trace of changed weights differs.
      const changed = Float32Array.from(net.params, (w) => w * 0.5);
      net32.params.set(changed);
      const scaled = recordTrace(net32, options).data;
      const fresh = recordTrace(new Network({ ...net.config }, changed), options).data;
      assert.deepEqual(again, first);
      assert.deepEqual(afterOther, first);
      assert.notDeepEqual(scaled, first);
      assert.deepEqual(scaled, fresh);
    });

    it(`${v.label}: a float32 trace (SIMD arenas) has the float64 trace's Jacobian norms`, () => {
      const { net, inputs, targets, h0, c0 } = tinyNet(v.cell, v.resetAfter, 2, 12, 31);
      const net32 = net.withParams(Float32Array.from(net.params));
      const options = { inputs, targets, h0, c0, trainingStep: 0, stream: 0, position: 0, carriedState: false };
      const want = traceSection(recordTrace(net, options), 'jacobian');
      const got = traceSection(recordTrace(net32, options), 'jacobian');
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 * want[i], `entry ${i}: ${got[i]} vs ${want[i]}`);
    });

    for (const H of [4, 12]) it(`${v.label}: ||dh_t/dh_{t-1}|| matches the singular value of a finite-difference Jacobian (H = ${H})`, () => {
      const { net, T, inputs, targets, h0, c0 } = tinyNet(v.cell, v.resetAfter, 1, H, 5);
      const trace = recordTrace(net, { inputs, targets, h0, c0, trainingStep: 0, stream: 0, position: 0, carriedState: false });
      const jac = traceSection(trace, 'jacobian');
      const full = run(net, inputs, targets, h0, c0, T);
      const eps = 1e-6;
      for (let t = 0; t < T; t++) {
        const J = new Float64Array(H * H);
        const hPrev = Float64Array.from(full.layers[0].hs.subarray(t * H, (t + 1) * H));
        const cPrev = v.cell === 'lstm' ? Float64Array.from(full.layers[0].cs.subarray(t * H, (t + 1) * H)) : new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const step = (delta: number): Float64Array => {
            const h = Float64Array.from(hPrev);
            h[j] += delta;
            const ws = run(net, inputs.subarray(t, t + 1), targets.subarray(t, t + 1), [h], [cPrev], 1);
            return Float64Array.from(ws.layers[0].hs.subarray(H, 2 * H));
          };
          const plus = step(eps);
          const minus = step(-eps);
          for (let i = 0; i < H; i++) J[i * H + j] = (plus[i] - minus[i]) / (2 * eps);
        }
        const sigma = matrixSpectralNorm(J, 0, H, H);
        assert.ok(Math.abs(jac[t] - sigma) < 1e-5 * Math.max(1, sigma), `t=${t}: trace ${jac[t]} vs ${sigma}`);
      }
    });
  }

  it('the formed step Jacobians (rnn, lstm, reset-after gru) equal the implicit ones', () => {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      const H = 7;
      const { net, inputs, targets, h0, c0, T } = tinyNet(cell, true, 2, H, 23);
      const ws = run(net, inputs, targets, h0, c0, T);
      const rng = new Rng(4);
      for (let l = 0; l < 2; l++) {
        const implicit = layerStepJacobians(net, ws, l);
        const J = new Float64Array(H * H);
        for (let t = 0; t < T; t++) {
          stepJacobianMatrix(net, ws, l, t, J);
          const x = Float64Array.from({ length: H }, () => rng.uniform(-1, 1));
          const viaW = new Float64Array(H);
          const viaWT = new Float64Array(H);
          implicit.apply(Int32Array.of(t), 1, x, viaW);
          implicit.applyT(Int32Array.of(t), 1, x, viaWT);
          for (let i = 0; i < H; i++) {
            let Jx = 0;
            let JTx = 0;
            for (let j = 0; j < H; j++) { Jx += J[i * H + j] * x[j]; JTx += J[j * H + i] * x[j]; }
            assert.ok(Math.abs(Jx - viaW[i]) < 1e-12 && Math.abs(JTx - viaWT[i]) < 1e-12, `${cell} layer ${l} step ${t} row ${i}`);
          }
        }
      }
    }
    const cho = tinyNet('gru', false, 1, 3);
    assert.throws(() => stepJacobianMatrix(cho.net, run(cho.net, cho.inputs, cho.targets, cho.h0, cho.c0, cho.T), 0, 0, new Float64Array(9)));
  });

  it('Lanczos finds sigma_max of matrices with known singular values, several at once, and its singular vectors', () => {
    const rng = new Rng(31);
    /** Columns of a random orthogonal n x n matrix (Gram-Schmidt). */
    const orthogonal = (n: number): Float64Array[] => {
      const basis: Float64Array[] = [];
      while (basis.length < n) {
        const v = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
        for (let pass = 0; pass < 2; pass++) for (const b of basis) { let d = 0; for (let i = 0; i < n; i++) d += b[i] * v[i]; for (let i = 0; i < n; i++) v[i] -= d * b[i]; }
        let norm = 0;
        for (let i = 0; i < n; i++) norm += v[i] * v[i];
        basis.push(v.map((x) => x / Math.sqrt(norm)));
      }
      return basis;
    };
    const rows = 30;
    const cols = 20;
    const count = 3;
    const mats: Float64Array[] = [];
    const sigmas = [1.7, 0.9, 3.2];
    for (let m = 0; m < count; m++) {
      const U = orthogonal(rows);
      const W = orthogonal(cols);
      // A = sum_i s_i u_i w_i^T with s_0 = sigma_max and the rest spread below it (the top two 2% apart).
      const s = Array.from({ length: cols }, (_, i) => (i === 0 ? sigmas[m] : i === 1 ? 0.98 * sigmas[m] : rng.uniform(0, 0.9 * sigmas[m])));
      const A = new Float64Array(rows * cols);
      for (let i = 0; i < cols; i++) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) A[r * cols + c] += s[i] * U[i][r] * W[i][c];
      mats.push(A);
    }
    const op: BatchedLinearMap = {
      count, rows, cols,
      apply: (ops, n, x, out) => { for (let r = 0; r < n; r++) for (let i = 0; i < rows; i++) { let a = 0; for (let c = 0; c < cols; c++) a += mats[ops[r]][i * cols + c] * x[r * cols + c]; out[r * rows + i] = a; } },
      applyT: (ops, n, u, out) => { for (let r = 0; r < n; r++) for (let c = 0; c < cols; c++) { let a = 0; for (let i = 0; i < rows; i++) a += mats[ops[r]][i * cols + c] * u[r * rows + i]; out[r * cols + c] = a; } },
      alloc: (n) => new Float64Array(n),
    };
    const vectors: Float64Array[] = [];
    const found = largestSingularValues(op, { tolerance: 1e-12, vectors });
    for (let m = 0; m < count; m++) {
      assert.ok(Math.abs(found[m] - sigmas[m]) < 1e-9 * sigmas[m], `${found[m]} vs ${sigmas[m]}`);
      assert.ok(Math.abs(matrixSpectralNorm(mats[m], 0, rows, cols) - sigmas[m]) < 1e-9 * sigmas[m]);
      const Av = new Float64Array(rows);
      op.apply(Int32Array.of(m), 1, vectors[m], Av);
      assert.ok(Math.abs(Math.hypot(...Av) - sigmas[m]) < 1e-6 * sigmas[m]);
    }
    // A warm start from the answer converges at once.
    let products = 0;
    const counting: BatchedLinearMap = { ...op, apply: (ops, n, x, out) => { products += n; op.apply(ops, n, x, out); } };
    const again = largestSingularValues(counting, { tolerance: 1e-6, starts: vectors });
    for (let m = 0; m < count; m++) assert.ok(Math.abs(again[m] - sigmas[m]) < 1e-9 * sigmas[m]);
    assert.ok(products <= 3 * count, `${products} products`);
  });

  it('Lanczos and power iteration agree with the closed form for 2x2 matrices', () => {
    const rng = new Rng(9);
    for (let n = 0; n < 20; n++) {
      const [a, b, c, d] = [0, 0, 0, 0].map(() => rng.uniform(-2, 2));
      const S = a * a + b * b + c * c + d * d;
      const det = a * d - b * c;
      const exact = Math.sqrt((S + Math.sqrt(Math.max(0, S * S - 4 * det * det))) / 2);
      const est = matrixSpectralNorm(Float64Array.of(a, b, c, d), 0, 2, 2);
      assert.ok(Math.abs(est - exact) < 1e-7 * exact, `${est} vs ${exact}`);
      const apply: LinearMap = (x, out) => { out[0] = a * x[0] + b * x[1]; out[1] = c * x[0] + d * x[1]; };
      const applyT: LinearMap = (u, out) => { out[0] = a * u[0] + c * u[1]; out[1] = b * u[0] + d * u[1]; };
      const power = powerIteration(apply, applyT, 2, 2, { maxIterations: 10000, tolerance: 1e-14 }).sigma;
      assert.ok(Math.abs(power - exact) < 1e-6 * exact, `${power} vs ${exact}`);
    }
  });

  describe('what each step sends back to h_{t-1} (dhPrev) and the GRU reset gate gradient (dReset)', () => {
    /** The window's mean loss from a given state (float64). */
    const meanLoss = (net: Network, w: ReturnType<typeof tinyNet>, h0: Float64Array[], c0: Float64Array[]): number => {
      const ws = run(net, w.inputs, w.targets, h0, c0, w.T);
      let s = 0;
      for (let t = 0; t < w.T; t++) s += ws.rowLoss[t];
      return s / w.T;
    };
    const windowOf = (w: ReturnType<typeof tinyNet>) => ({ inputs: w.inputs, targets: w.targets, h0: w.h0, c0: w.c0, trainingStep: 0, stream: 0, position: 0, carriedState: true });
    const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 2e-5 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);

    for (const v of VARIANTS) {
      it(`${v.label}: dhPrev at t = 0 is dL/dh0 by finite differences, in every layer`, () => {
        const w = tinyNet(v.cell, v.resetAfter, 3, 5);
        const trace = recordTrace(w.net, windowOf(w));
        const dhPrev = traceSection(trace, 'dhPrev');
        const H = 5, T = w.T, eps = 1e-6;
        for (let l = 0; l < 3; l++) {
          for (let i = 0; i < H; i++) {
            const plus = w.h0.map((x) => Float64Array.from(x)), minus = w.h0.map((x) => Float64Array.from(x));
            plus[l][i] += eps; minus[l][i] -= eps;
            const numeric = (meanLoss(w.net, w, plus, w.c0) - meanLoss(w.net, w, minus, w.c0)) / (2 * eps);
            close(dhPrev[(l * T + 0) * H + i], numeric, `layer ${l} unit ${i}`);
          }
        }
      });

      it(`${v.label}: dL/dh_{t-1} from the engine's backward pass is dhPrev_t plus the decoder's part (top layer)`, () => {
        const w = tinyNet(v.cell, v.resetAfter, 2, 5);
        const trace = recordTrace(w.net, windowOf(w));
        const dh = traceSection(trace, 'dh'), dhPrev = traceSection(trace, 'dhPrev'), probs = traceSection(trace, 'probs');
        const { H, V } = w.net;
        const T = w.T, top = 1;
        const dec = w.net.layout.decoderWeight;
        for (let t = 1; t < T; t++) {
          for (let j = 0; j < H; j++) {
            // What the loss at t-1 sends into h_{t-1} through the decoder: W_hy^T (p - onehot(target)) / T.
            let fromAbove = 0;
            for (let k = 0; k < V; k++) fromAbove += w.net.params[dec + k * H + j] * (probs[(t - 1) * V + k] - (k === w.targets[t - 1] ? 1 : 0)) / T;
            close(dh[(top * T + t - 1) * H + j], dhPrev[(top * T + t) * H + j] + fromAbove, `t ${t} unit ${j}`);
          }
        }
        if (v.cell !== 'gru') assert.equal(traceSection(trace, 'dReset').length, 0, 'dReset is for the GRU only');
      });
    }

    for (const v of VARIANTS) {
      it(`${v.label}: a float32 trace (SIMD arenas) has the float64 trace's dhPrev and dReset`, () => {
        const { net, inputs, targets, h0, c0 } = tinyNet(v.cell, v.resetAfter, 2, 12, 31);
        const options = { inputs, targets, h0, c0, trainingStep: 0, stream: 0, position: 0, carriedState: false };
        const want = recordTrace(net, options), got = recordTrace(net.withParams(Float32Array.from(net.params)), options);
        for (const section of ['dhPrev', 'dReset'] as const) {
          const a = traceSection(got, section), b = traceSection(want, section);
          assert.equal(a.length, b.length);
          let scale = 0;
          for (const x of b) scale = Math.max(scale, Math.abs(x));
          for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-4 * scale, `${section} entry ${i}: ${a[i]} vs ${b[i]}`);
        }
      });
    }

    for (const resetAfter of [true, false]) {
      it(`gru (${resetAfter ? 'reset-after' : 'Cho'}): dReset summed through sigma' over the window is the gradient of the reset bias (finite differences)`, () => {
        const w = tinyNet('gru', resetAfter, 2, 5);
        const trace = recordTrace(w.net, windowOf(w));
        const dReset = traceSection(trace, 'dReset'), gates = traceSection(trace, 'gates');
        const H = 5, T = w.T, G = 3, eps = 1e-6;
        for (let l = 0; l < 2; l++) {
          const bias = w.net.layout.layers[l].bHh;
          for (let j = 0; j < H; j++) {
            let analytic = 0;
            for (let t = 0; t < T; t++) {
              const r = gates[((l * T + t) * G + 0) * H + j];
              analytic += dReset[(l * T + t) * H + j] * r * (1 - r);
            }
            const saved = w.net.params[bias + j];
            w.net.params[bias + j] = saved + eps;
            const plus = meanLoss(w.net, w, w.h0, w.c0);
            w.net.params[bias + j] = saved - eps;
            const minus = meanLoss(w.net, w, w.h0, w.c0);
            w.net.params[bias + j] = saved;
            close(analytic, (plus - minus) / (2 * eps), `layer ${l} unit ${j}`);
          }
        }
      });
    }
  });
});
