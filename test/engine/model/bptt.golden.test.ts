import * as assert from 'node:assert/strict';
import { parameterSpecs } from '../../../src/engine/model/config';
import { backwardWindow, forwardWindow, windowLoss } from '../../../src/engine/model/bptt';
import { Network } from '../../../src/engine/model/network';
import { paramLayout } from '../../../src/engine/model/params';
import { encodeText } from '../../../src/engine/text';
import { trainingMemory } from '../../../src/engine/training/trainingMemory';
import { Workspace } from '../../../src/engine/model/workspace';
import { goldenCases, relToMax, weightMap } from '../golden';

describe('BPTT against PyTorch golden forward cases (float32)', () => {
  const cases = goldenCases('forward');
  it('finds the golden files', () => assert.ok(cases.length >= 7, `found ${cases.length} forward cases`));
  // Training memory is a SimdArena (WebAssembly SIMD kernels, float32 sums); plain arrays run the scalar kernels.
  for (const c of cases) for (const memory of ['scalar', 'SIMD'] as const) {
    it(`${c.name}: logits, loss, every gradient, final states (${memory} kernels)`, () => {
      const layout = paramLayout(c.config);
      const ids = encodeText(c.text, c.config.vocab);
      const T = ids.length - 1;
      const simd = memory === 'SIMD' ? trainingMemory(c.config, 1, T, null) : null;
      if (simd) assert.ok(simd.simd, 'no SIMD arena on this host');
      const params = simd ? simd.params : new Float32Array(layout.total);
      const weights = weightMap(c);
      layout.specs.forEach((s, i) => params.set(weights.get(s.name)!, layout.offsets[i]));
      const net = new Network(c.config, params);
      const ws = new Workspace(net, 1, T, simd?.alloc);
      ws.ids.set(ids.subarray(0, T));
      ws.targets.set(ids.subarray(1));
      forwardWindow(net, ws);
      const V = net.V;
      const logits = Float32Array.from(ws.probs);
      const logitErr = relToMax(logits, c.expected.logits!.data);
      assert.ok(logitErr < 1e-5, `logits error ${logitErr}`);
      assert.equal(logits.length, T * V);
      const loss = windowLoss(net, ws, 1 / T) / T;
      assert.ok(Math.abs(loss - c.expected.loss!) / c.expected.loss! < 1e-5, `loss ${loss} vs ${c.expected.loss}`);
      const grads = simd ? simd.grads : new Float32Array(layout.total);
      backwardWindow(net, ws, grads);
      for (const [i, spec] of parameterSpecs(c.config).entries()) {
        const g = grads.subarray(layout.offsets[i], layout.offsets[i] + spec.size);
        const err = relToMax(g, c.expected.grads![spec.name].data);
        assert.ok(err < 1e-4, `${spec.name} gradient error ${err}`);
      }
      const H = c.config.hidden;
      for (let l = 0; l < c.config.layers; l++) {
        const hT = ws.layers[l].hs.subarray(T * H, (T + 1) * H);
        assert.ok(relToMax(hT, c.expected.hT![l].data) < 1e-5, `hT layer ${l}`);
        if (c.expected.cT) {
          const cT = ws.layers[l].cs.subarray(T * H, (T + 1) * H);
          assert.ok(relToMax(cT, c.expected.cT[l].data) < 1e-5, `cT layer ${l}`);
        }
      }
    });
  }
});
