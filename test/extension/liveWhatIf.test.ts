import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AnalysisClient } from '../../src/extension/analysisClient';
import { type InsightContext } from '../../src/extension/insightContext';
import { editProblem, LiveWhatIf, textEdit } from '../../src/extension/liveWhatIf';
import { checkReplacement } from '../../src/extension/whatIf';
import { type WhatIf } from '../../src/extension/whatIf';
import { type WorkerHandle } from '../../src/extension/workerClient';
import { type HostToAnalysis, type ProbeAnswer } from '../../src/protocol/analysis';
import { type HostToInsight, type WhatIfView } from '../../src/protocol/insight';
import { FakeTextDocument, l10n, Uri } from './fakeVscode';

describe('extension: the edit the live What If probes', () => {
  it('is the one stretch between the shared start and end, in code points', () => {
    assert.equal(textEdit('abc', 'abc'), null);
    assert.deepEqual(textEdit('abcdef', 'abXdef'), { at: 2, removed: 1, removedText: 'c', inserted: 'X', after: 3 });
    assert.deepEqual(textEdit('abcdef', 'abcXdef'), { at: 3, removed: 0, removedText: '', inserted: 'X', after: 3 });
    assert.deepEqual(textEdit('abcdef', 'abef'), { at: 2, removed: 2, removedText: 'cd', inserted: '', after: 2 });
    // An emoji is one character: positions count it once, as the engine does.
    assert.deepEqual(textEdit('😀aa😀b', '😀a😀b'), { at: 2, removed: 1, removedText: 'a', inserted: '', after: 2 });
    assert.deepEqual(textEdit('aaa', 'aaaa'), { at: 3, removed: 0, removedText: '', inserted: 'a', after: 0 });
  });

  it('gets one clear line when the model cannot read it: a character it never saw, a huge paste, nothing after it', () => {
    const vocab = [...'abc \n'];
    assert.equal(editProblem(textEdit('abc abc', 'abc ab c')!, vocab), undefined);
    assert.match(editProblem(textEdit('abc abc', 'abc ☃bc')!, vocab)!, /^Your edit types .*☃.*, which the model never saw in training \(its vocabulary is the 5 characters/);
    assert.match(editProblem(textEdit('abc', `a${'b'.repeat(20_000)}bc`)!, vocab)!, /adds 20,000 characters at once/);
    assert.match(editProblem(textEdit('abc', 'abcab')!, vocab)!, /nothing after it/);
    assert.match(editProblem(textEdit('abc abc', 'abc ☃éüßbc')!, vocab)!, /^Your edit types "☃", "é", "ü" and 1 more, which/);
    // In Korean, as the panel shows it.
    l10n.useBundle(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.ko.json'), 'utf8')));
    try {
      assert.equal(editProblem(textEdit('abc', 'abcab')!, vocab), '편집이 학습한 텍스트의 끝에 있습니다. 그 뒤에 변화가 이어질 텍스트가 없습니다.');
      assert.match(editProblem(textEdit('abc abc', 'abc ☃bc')!, vocab)!, /^편집에 모델이 학습 중에 본 적 없는 문자 "☃"이\(가\) 들어 있습니다\(모델의 어휘는 학습 텍스트의 문자 5개입니다\)/);
    } finally {
      l10n.useBundle(undefined);
    }
  });

  it('What If…\'s input box says what is wrong with the typed replacement, in the display language', () => {
    const vocab = [...'abc \n'];
    assert.equal(checkReplacement('b', 'a', vocab), undefined);
    assert.equal(checkReplacement('bc', 'a', vocab), 'Type exactly one character.');
    assert.equal(checkReplacement('☃', 'a', vocab), '"☃" is not in the model\'s vocabulary (5 characters of the training text).');
    l10n.useBundle(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.ko.json'), 'utf8')));
    try {
      assert.equal(checkReplacement('a', 'a', vocab), '이미 그 자리에 있는 문자입니다. 다른 문자를 입력하세요.');
      assert.equal(checkReplacement('☃', 'a', vocab), '"☃"은(는) 모델의 어휘(학습 텍스트의 문자 5개)에 없습니다.');
    } finally {
      l10n.useBundle(undefined);
    }
  });
});

/** A worker that records what it is sent and answers when told. */
class RecordingWorker implements WorkerHandle {
  readonly sent: HostToAnalysis[] = [];
  private onMessage: (m: unknown) => void = () => {};
  postMessage(message: unknown): void { this.sent.push(message as HostToAnalysis); }
  on(event: string, listener: (x: never) => void): this {
    if (event === 'message') this.onMessage = listener as (m: unknown) => void;
    return this;
  }
  terminate(): Promise<number> { return Promise.resolve(0); }
  answer(replyTo: number, answer: ProbeAnswer): void { this.onMessage({ type: 'result', replyTo, answer }); }
  runs(): Extract<HostToAnalysis, { type: 'run' }>[] { return this.sent.filter((m): m is Extract<HostToAnalysis, { type: 'run' }> => m.type === 'run'); }
  cancels(): number[] { return this.sent.flatMap((m) => (m.type === 'cancel' ? [m.requestId] : [])); }
}

describe('extension: live What If while the training file is edited', () => {
  const SNAPSHOT = 'the cat sat on the mat. the cat sat on the mat.';
  const vocab = [...new Set(SNAPSHOT)].sort();
  const uri = Uri.file('/w/cats.txt');
  const DELAY = 40;
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  function setUp(answered = true) {
    const worker = new RecordingWorker();
    const client = new AnalysisClient(() => worker, { warn: () => {} });
    const panel: HostToInsight[] = [];
    const shown: { view: WhatIfView; marks: readonly (readonly [number, number])[] }[] = [];
    let askedAgain = 0;
    let cleared = 0;
    const document = { source: { uri, text: SNAPSHOT, fileName: 'cats.txt' }, index: { codePointLength: [...SNAPSHOT].length } };
    const session = {};
    const ctx = {
      client,
      panel: { show: (m: HostToInsight) => panel.push(m), post: (m: HostToInsight) => panel.push(m) },
      log: { info: () => {}, warn: () => {} },
      source: {
        current: () => ({ session, document, config: { vocab, cell: 'lstm' } }),
        prepare: async () => {
          client.setText('text:1', SNAPSHOT);
          client.setModel('model:1:7', new Uint8Array(4));
          return { session, document, config: { vocab, cell: 'lstm' }, step: 7 };
        },
      },
    } as unknown as InsightContext;
    const whatIf = {
      hasAnswered: answered,
      show: (_a: ProbeAnswer, view: WhatIfView, _t: unknown, marks: readonly (readonly [number, number])[]) => shown.push({ view, marks }),
      showAsked: () => { askedAgain++; },
      painter: { clear: () => { cleared++; } },
    } as unknown as WhatIf;
    const errors: unknown[] = [];
    const live = new LiveWhatIf(ctx, whatIf, (e) => errors.push(e), DELAY);
    const doc = new FakeTextDocument(uri, SNAPSHOT);
    return { worker, live, doc, panel, shown, errors, counts: () => ({ askedAgain, cleared }) };
  }

  /** A probe answer for `n` steps from `at` of a text of `length` characters. */
  const probe = (at: number, length: number): ProbeAnswer => {
    const n = length - at;
    return { kind: 'probe', at, length, layers: 1, dh: new Float64Array(n).fill(0.5), dc: new Float64Array(n), kl: new Float64Array(n).fill(0.1), top1Changed: new Uint8Array(n), horizon: 3 };
  };

  it('waits for the typing to pause, then probes only the latest edit; a change cancels the probe under way at once', async () => {
    const { worker, live, doc, shown, errors } = setUp();
    doc.edit(SNAPSHOT.replace('cat', 'ct'));
    await wait(DELAY / 4);
    doc.edit(SNAPSHOT.replace('cat', 'caat'));
    assert.ok(live.pending, 'waiting for a pause');
    assert.equal(worker.runs().length, 0, 'nothing runs while the user types');
    await wait(DELAY * 2);
    const runs = worker.runs();
    assert.deepEqual(errors, []);
    assert.equal(runs.length, 1, 'one probe for the pause, of the latest text');
    assert.deepEqual(runs[0].job, { kind: 'probeEdit', at: 6, removed: 0, inserted: [vocab.indexOf('a')], length: [...SNAPSHOT].length });
    // Typing again while it runs: that probe is cancelled at once, the next waits for the pause.
    doc.edit(SNAPSHOT.replace('cat', 'caaat'));
    assert.deepEqual(worker.cancels(), [runs[0].requestId]);
    worker.answer(runs[0].requestId, probe(7, SNAPSHOT.length + 1));
    await wait(DELAY * 2);
    assert.equal(shown.length, 0, 'the cancelled answer is shown to nobody');
    const second = worker.runs()[1];
    assert.deepEqual(second.job, { kind: 'probeEdit', at: 6, removed: 0, inserted: [...'aa'].map((c) => vocab.indexOf(c)), length: [...SNAPSHOT].length });
    worker.answer(second.requestId, probe(8, SNAPSHOT.length + 2));
    await wait(5);
    assert.equal(shown.length, 1);
    assert.equal(shown[0].view.live, true);
    assert.equal(shown[0].view.original, '');
    assert.equal(shown[0].view.replacement, 'aa');
    assert.equal(shown[0].view.step, 7);
    assert.deepEqual(shown[0].marks, [[6, 8]], 'the typed characters are outlined');
    assert.deepEqual(errors, []);
    live.dispose();
  });

  it('an answer for a text edited since is not painted', async () => {
    const { worker, live, doc, shown } = setUp();
    doc.edit(SNAPSHOT.replace('mat', 'hat'));
    await wait(DELAY * 2);
    const run = worker.runs()[0];
    // The document moves on without a change event reaching the live What If yet (it arrives later).
    (doc as unknown as { version: number }).version++;
    worker.answer(run.requestId, probe(19, SNAPSHOT.length));
    await wait(5);
    assert.equal(shown.length, 0);
    live.dispose();
  });

  it('a character the model never saw gets a line in the panel, no probe and no error; undoing every edit shows the asked answer again', async () => {
    const { worker, live, doc, panel, errors, counts } = setUp();
    doc.edit(SNAPSHOT.replace('cat', 'c☃t'));
    await wait(DELAY * 2);
    assert.equal(worker.runs().length, 0);
    const notice = panel.find((m) => m.type === 'whatIfNotice');
    assert.ok(notice && notice.type === 'whatIfNotice' && /types "☃", which the model never saw in training/.test(notice.text), JSON.stringify(panel));
    assert.equal(counts().cleared, 1, 'the echo of an older text is taken off');
    doc.edit(SNAPSHOT);
    await wait(DELAY * 2);
    assert.equal(counts().askedAgain, 1);
    assert.deepEqual(errors, []);
    live.dispose();
  });

  it('does nothing before What If… has answered, or for another file', async () => {
    const { worker, live, doc } = setUp(false);
    doc.edit(SNAPSHOT.replace('cat', 'bat'));
    await wait(DELAY * 2);
    assert.equal(worker.sent.length, 0);
    live.dispose();
    const other = setUp(true);
    new FakeTextDocument(Uri.file('/w/other.txt'), SNAPSHOT).edit(SNAPSHOT.replace('cat', 'bat'));
    await wait(DELAY * 2);
    assert.equal(other.worker.sent.length, 0);
    other.live.dispose();
  });
});

describe('extension: the live edit against a reference that counts code points one by one', () => {
  /** The plain way: spread both texts into code points. */
  function reference(before: string, after: string) {
    if (before === after) return null;
    const a = [...before];
    const b = [...after];
    let p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    let s = 0;
    while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    return { at: p, removed: a.length - p - s, removedText: a.slice(p, a.length - s).join(''), inserted: b.slice(p, b.length - s).join(''), after: s };
  }

  it('agrees on random edits of text with emoji, Hangul and surrogate pairs that share a half', () => {
    const alphabet = ['a', 'b', ' ', '\n', '한', '😀', '😁', '𝒳'];
    let seed = 7;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const word = (n: number): string => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
    for (let k = 0; k < 2000; k++) {
      const before = word(rand(12));
      const chars = [...before];
      const at = rand(chars.length + 1);
      const cut = rand(chars.length - at + 1);
      const after = [...chars.slice(0, at), word(rand(3)), ...chars.slice(at + cut)].join('');
      assert.deepEqual(textEdit(before, after), reference(before, after), `${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    }
  });
});
