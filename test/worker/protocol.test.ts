import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS } from '../../src/engine/model/config';
import {
  PendingRequests, exactBytes, transferablesOf, validateHostToWorker, validateWorkerToHost,
} from '../../src/protocol/worker';
import { fakeTrace } from '../extension/fakeWorker';

describe('protocol: host <-> worker messages', () => {
  it('accepts well-formed host -> worker messages and rejects everything else', () => {
    const start = { type: 'start', text: 'abc', settings: DEFAULT_SETTINGS, fileName: 'a.txt', maxSteps: 0, traceEvery: 10 };
    assert.ok(validateHostToWorker(start));
    assert.equal(validateHostToWorker({ ...start, settings: { ...DEFAULT_SETTINGS, hidden: 0 } }), null, 'settings out of bounds');
    assert.equal(validateHostToWorker({ ...start, maxSteps: -1 }), null);
    assert.equal(validateHostToWorker({ ...start, init: [1, 2, 3] }), null, 'checkpoint bytes must be a Uint8Array');
    assert.deepEqual(validateHostToWorker({ type: 'pause', extra: 'ignored' }), { type: 'pause' });
    assert.ok(validateHostToWorker({ type: 'sample', requestId: 1, length: 10, temperature: 0.5, seed: 3 }));
    assert.equal(validateHostToWorker({ type: 'sample', requestId: 1, length: 10, temperature: NaN, seed: 3 }), null);
    assert.equal(validateHostToWorker({ type: 'sample', requestId: 1, length: 10, temperature: 1, seed: 3, prime: 'x'.repeat(20_000) }), null, 'capped strings');
    assert.equal(validateHostToWorker({ type: 'gradcheck', requestId: 1, cell: 'transformer', layers: 1, hidden: 3 }), null);
    for (const junk of [null, 42, 'pause', [], { type: 'eval' }, { type: 'step' }]) assert.equal(validateHostToWorker(junk), null);
    assert.ok(validateHostToWorker({ type: 'unitActivations', requestId: 1, layer: 0, unit: 5, maxChars: 200_000, topK: 5 }));
    assert.equal(validateHostToWorker({ type: 'unitActivations', requestId: 1, layer: 0, unit: -1, maxChars: 10, topK: 5 }), null);
    assert.equal(validateHostToWorker({ type: 'unitActivations', requestId: 1, layer: 0, unit: 0, maxChars: 10, topK: 0 }), null);
  });

  it('accepts well-formed worker -> host messages, checks numbers and traces, and rejects the rest', () => {
    assert.ok(validateWorkerToHost({ type: 'progress', step: 3, loss: 1.2, valLoss: null, charsPerSec: 10, state: 'training' }));
    assert.equal(validateWorkerToHost({ type: 'progress', step: 3, loss: Infinity, valLoss: null, charsPerSec: 10, state: 'training' }), null);
    assert.equal(validateWorkerToHost({ type: 'progress', step: 1.5, loss: 1, valLoss: null, charsPerSec: 10, state: 'training' }), null);
    assert.equal(validateWorkerToHost({ type: 'progress', step: 3, loss: 1, valLoss: null, charsPerSec: 10, state: 'dancing' }), null);
    const trace = fakeTrace(4, 0);
    assert.ok(validateWorkerToHost({ type: 'trace', ...trace }));
    assert.equal(validateWorkerToHost({ type: 'trace', ...trace, data: trace.data.subarray(1) }), null, 'sizes must match the header');
    assert.equal(validateWorkerToHost({ type: 'trace', header: null, ids: trace.ids, data: trace.data }), null);
    assert.ok(validateWorkerToHost({ type: 'nonFinite', step: 4, tensor: 'loss' }));
    assert.ok(validateWorkerToHost({ type: 'error', message: 'bad', kind: 'input', replyTo: 2 }));
    assert.equal(validateWorkerToHost({ type: 'error', message: 'x'.repeat(20_000), kind: 'input' }), null);
    assert.equal(validateWorkerToHost({ type: 'stopped', reason: 'bored', step: 1 }), null);
    assert.equal(validateWorkerToHost({ type: 'checkpoint', reason: 'final', step: 1, bytes: new Float32Array(2) }), null);
    for (const junk of [undefined, 'ready', { type: 'rm -rf' }]) assert.equal(validateWorkerToHost(junk), null);
    const n = 3;
    const acts = {
      type: 'unitActivations', replyTo: 2, step: 9, layer: 0, unit: 1, topK: 2, totalChars: 10,
      h: new Float32Array(n), c: new Float32Array(0), topIds: new Int32Array(n * 2), topProbs: new Float32Array(n * 2), loss: new Float32Array(n),
    };
    assert.ok(validateWorkerToHost(acts));
    assert.equal(validateWorkerToHost({ ...acts, topIds: new Int32Array(5) }), null, 'n * topK predictions');
    assert.equal(validateWorkerToHost({ ...acts, loss: [0, 0, 0] }), null, 'typed arrays only');
    assert.equal(validateWorkerToHost({ ...acts, totalChars: 2 }), null, 'no more characters than the text has');
    assert.deepEqual(transferablesOf(validateWorkerToHost(acts)!), [acts.h, acts.c, acts.topIds, acts.topProbs, acts.loss].map((a) => a.buffer));
  });

  it('lists exactly the buffers to transfer, each owned outright', () => {
    const trace = fakeTrace(4, 0);
    assert.deepEqual(transferablesOf({ type: 'trace', ...trace }), [trace.ids.buffer, trace.data.buffer]);
    assert.deepEqual(transferablesOf({ type: 'pause' }), []);
    const pooled = Buffer.from('abc'); // lives in Node's shared allocation pool
    const own = exactBytes(pooled);
    assert.notEqual(own.buffer, pooled.buffer);
    assert.equal(own.buffer.byteLength, 3);
    const exact = new Uint8Array(3);
    assert.equal(exactBytes(exact), exact, 'no copy when the bytes already own their buffer');
  });

  it('matches replies to requests by id, fails them on close, and times out', async () => {
    const pending = new PendingRequests<string>();
    const a = pending.open();
    const b = pending.open();
    assert.notEqual(a.id, b.id);
    assert.ok(pending.settle(b.id, 'second'));
    assert.equal(await b.reply, 'second');
    assert.equal(pending.settle(b.id, 'again'), false, 'a reply is used once');
    pending.failAll(new Error('worker gone'));
    await assert.rejects(a.reply, /worker gone/);
    const c = pending.open(1);
    await assert.rejects(c.reply, /No answer from the training worker/);
    assert.equal(pending.size, 0);
  });
});
