import * as assert from 'node:assert/strict';
import { runChunked } from '../../../src/engine/analysis/chunked';
import { saliencyJob } from '../../../src/engine/analysis/saliency';
import { forwardWindow } from '../../../src/engine/model/bptt';
import { type Network } from '../../../src/engine/model/network';
import { Workspace } from '../../../src/engine/model/workspace';
import { setSimdEnabled } from '../../../src/engine/kernels/simd/simdArena';
import { encodeText } from '../../../src/engine/text';
import { analysisCases, caseModel, relToMax } from './vectors';

describe('saliency against PyTorch autograd (float32 engine, float64 reference)', () => {
  after(() => setSimdEnabled(true));
  for (const kernels of ['SIMD', 'scalar'] as const) {
    for (const c of analysisCases()) {
      it(`${c.name}: log p, and d log p / d x_k (grad, norm) for every k (${kernels} kernels)`, () => {
        setSimdEnabled(kernels === 'SIMD');
        const ids = encodeText(c.text, c.config.vocab);
        for (const s of c.saliency) {
          const r = runChunked(saliencyJob(caseModel(c).net, ids, s.t));
          assert.equal(r.target, ids[s.t + 1]);
          assert.ok(Math.abs(r.logProb - s.logProb) <= 1e-5 * Math.abs(s.logProb), `logProb ${r.logProb} vs ${s.logProb}`);
          assert.equal(r.grad.length, s.t + 1);
          const errGrad = relToMax(r.grad, s.grad);
          const errNorm = relToMax(r.norm, s.norm);
          assert.ok(errGrad < 1e-4 && errNorm < 1e-4, `T = ${s.t}: grad ${errGrad}, norm ${errNorm}`);
        }
      });
    }
  }

  for (const name of ['lstm-l2', 'gru-cho-l2', 'rnn-l2']) {
    it(`${name}: past one window (256 steps) the gradient still equals central differences (float64)`, () => {
      setSimdEnabled(true);
      const c = analysisCases().find((x) => x.name === name)!;
      const net = caseModel(c).net;
      const net64 = net.withParams(Float64Array.from(net.params));
      const ids = encodeText(c.text.repeat(8), c.config.vocab);
      const T = 260;
      const r64 = runChunked(saliencyJob(net64, ids, T));
      const eps = 1e-5;
      for (const k of [0, 200, 250, 254, 255, 256, 257, 259, 260]) {
        const fd = (logProbWithInput(net64, ids, T, k, eps) - logProbWithInput(net64, ids, T, k, -eps)) / (2 * eps);
        assert.ok(Math.abs(fd - r64.grad[k]) <= 1e-10 + 1e-5 * Math.abs(fd), `k = ${k}: finite difference ${fd}, backward ${r64.grad[k]}`);
      }
      // float32 over several windows agrees with float64 as closely as in one window.
      const r32 = runChunked(saliencyJob(net, ids, T));
      assert.ok(relToMax(r32.grad, r64.grad) < 1e-4 && relToMax(r32.norm, r64.norm) < 1e-4);
    });
  }

  it('refuses a position without a next character', () => {
    const c = analysisCases()[0];
    const ids = encodeText(c.text, c.config.vocab);
    assert.throws(() => runChunked(saliencyJob(caseModel(c).net, ids, ids.length - 1)), /between 0 and/);
    assert.throws(() => runChunked(saliencyJob(caseModel(c).net, ids, -1)), /between 0 and/);
  });
});

/**
 * log p_T(ids[T + 1]) when the one-hot x_k holds 1 + delta at its character: layer 0's input
 * path at step k gets delta * W_ih0[:, x_k] more, done by shifting b_ih0 for that step alone.
 */
function logProbWithInput(net: Network, ids: Int32Array, T: number, k: number, delta: number): number {
  const ws = new Workspace(net, 1, 1);
  ws.resetState();
  const { bIh, wIh } = net.layout.layers[0];
  const p = net.params;
  const bias = p.slice(bIh, bIh + net.GH);
  for (let t = 0; t <= T; t++) {
    if (t > 0) ws.carryState();
    ws.ids[0] = ids[t];
    if (t === k) for (let g = 0; g < net.GH; g++) p[bIh + g] += delta * p[wIh + g * net.V + ids[t]];
    forwardWindow(net, ws);
    p.set(bias, bIh);
  }
  let max = -Infinity;
  for (let v = 0; v < net.V; v++) max = Math.max(max, ws.probs[v]);
  let sum = 0;
  for (let v = 0; v < net.V; v++) sum += Math.exp(ws.probs[v] - max);
  return ws.probs[ids[T + 1]] - max - Math.log(sum);
}
