import { strict as assert } from 'node:assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscodeTypes from 'vscode';
import { encodeCheckpoint } from '../../src/engine/io/checkpoint';
import { withSessionRecord } from '../../src/engine/io/sessionRecord';
import { textHash } from '../../src/extension/checkpointRecords';
import { Model } from '../../src/engine/model/model';
import { activate } from '../../src/extension/extension';
import { COMMAND_IDS } from '../../src/extension/commands';
import { type RnnLensController } from '../../src/extension/controller';
import { TrainingPanel } from '../../src/extension/trainingPanel';
import { fake, FakeTextDocument, Uri, type FakeTextEditor, type FakeWebviewPanel } from './fakeVscode';
import { FakeWorker, fakeActivation, settle, type FakeWorkerOptions } from './fakeWorker';
import { FakeAnalysisWorker } from './fakeAnalysisWorker';
import { SCROLL_DEBOUNCE_MS } from '../../src/extension/neuronColorFeed';
import { formatValue } from '../../src/protocol/format';

const TEXT = 'the cat sat on the mat. '.repeat(200);

interface Harness {
  dir: string;
  controller: RnnLensController;
  subscriptions: { dispose(): unknown }[];
  file: Uri;
  memento: Map<string, unknown>;
}

let harness: Harness;
let workerOptions: FakeWorkerOptions = {};

async function setUp(options: { storage?: boolean; text?: string; autosaveIntervalMs?: number } = {}): Promise<Harness> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rnn-lens-ext-'));
  const file = Uri.file(path.join(dir, 'corpus.txt'));
  await fsp.writeFile(file.fsPath, options.text ?? TEXT);
  const memento = new Map<string, unknown>();
  const subscriptions: { dispose(): unknown }[] = [];
  const context = {
    subscriptions,
    extensionUri: Uri.file('/ext'),
    storageUri: options.storage === false ? undefined : Uri.file(path.join(dir, 'storage')),
    globalState: {
      get: (key: string, fallback?: unknown) => (memento.has(key) ? memento.get(key) : fallback),
      update: async (key: string, value: unknown) => { memento.set(key, value); },
      keys: () => [...memento.keys()],
    },
    workspaceState: {
      get: (key: string, fallback?: unknown) => (memento.has(`ws:${key}`) ? memento.get(`ws:${key}`) : fallback),
      update: async (key: string, value: unknown) => { memento.set(`ws:${key}`, value); },
      keys: () => [...memento.keys()].filter((k) => k.startsWith('ws:')).map((k) => k.slice(3)),
    },
  } as unknown as vscodeTypes.ExtensionContext;
  const controller = activate(context, {
    workerFactory: () => new FakeWorker(workerOptions), analysisWorkerFactory: () => new FakeAnalysisWorker(), skipResumeOffer: true, autosaveIntervalMs: options.autosaveIntervalMs,
  });
  return { dir, controller, subscriptions, file, memento };
}

async function tearDown(h: Harness): Promise<void> {
  await h.controller.autosave.flush();
  TrainingPanel.current?.dispose();
  for (const d of h.subscriptions.splice(0)) d.dispose();
  await fsp.rm(h.dir, { recursive: true, force: true });
}

const run = (command: string, ...args: unknown[]): Promise<unknown> => fake.commands.get(command)!(...args) as Promise<unknown>;
const errors = (): string[] => fake.messages.filter((m) => m.level === 'error').map((m) => m.text);
const panel = (): FakeWebviewPanel => fake.panels[fake.panels.length - 1];
const posted = (type: string): Record<string, unknown>[] => panel().webview.posted.filter((m) => (m as { type: string }).type === type) as Record<string, unknown>[];

/** Ranges the neuron-colour decoration types (the ones with light and dark variants) hold in `editor`. */
function neuronRanges(editor: FakeTextEditor): number {
  let n = 0;
  for (const [type, ranges] of editor.decorations) if (!type.disposed && type.options.light) n += ranges.length;
  return n;
}

/** Where-the-colours-end markers (decoration types with text before or after the character) in `editor`. */
function markers(editor: FakeTextEditor): number {
  let n = 0;
  for (const [type, ranges] of editor.decorations) if (!type.disposed && (type.options.after || type.options.before)) n += ranges.length;
  return n;
}

/** Right-click -> Train Character Model, choosing the first cell offered. */
async function train(h: Harness, uri: Uri = h.file): Promise<void> {
  // The first cell at the settings' size (a small text puts smaller models first: see the test of that).
  fake.quickPickAnswers.push((items: { cell?: string; hidden?: number }[]) => items.find((i) => i.cell && i.hidden === undefined));
  await run('rnnLens.train', uri);
  await settle();
}

describe('extension: activation, commands and the session UI (fake vscode)', () => {
  beforeEach(async () => {
    fake.reset();
    FakeWorker.instances.length = 0;
    FakeAnalysisWorker.instances.length = 0;
    workerOptions = {};
    harness = await setUp();
  });
  afterEach(async () => tearDown(harness));

  it('activation registers every command, the gradient view, the panel serializer and sets the context keys', () => {
    assert.deepEqual([...fake.commands.keys()].sort(), [...COMMAND_IDS].sort());
    assert.ok(fake.viewProviders.has('rnnLens.gradientFlow'));
    assert.ok(fake.serializers.has('rnnLens.trainingPanel'));
    assert.equal(fake.context.get('rnnLens.hasSession'), false);
    assert.equal(FakeWorker.instances.length, 0, 'the worker is created lazily');
  });

  it('disposal releases every command, provider, status item, decoration type and the worker', async () => {
    await train(harness);
    const worker = FakeWorker.last;
    for (const d of harness.subscriptions.splice(0)) d.dispose();
    assert.equal(fake.commands.size, 0);
    assert.equal(fake.viewProviders.size, 0);
    assert.equal(fake.serializers.size, 0);
    assert.ok(fake.statusItems.every((s) => s.disposed));
    assert.ok(fake.decorationTypes.every((d) => d.disposed));
    assert.ok(fake.logs.every((l) => l.disposed));
    assert.ok(worker.terminated);
  });

  it('Train Character Model: quick pick, snapshot to the worker, panel, status bar, progress, context keys', async () => {
    let offered: (string | undefined)[] = [];
    fake.quickPickAnswers.push((items: { cell?: string; hidden?: number }[]) => {
      const asSet = items.filter((i) => i.cell && i.hidden === undefined);
      offered = asSet.map((i) => i.cell);
      return asSet.find((i) => i.cell === 'gru');
    });
    await run('rnnLens.train', harness.file);
    await settle();
    assert.deepEqual(offered, ['lstm', 'rnn', 'gru'], 'the default cell first');
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.text === TEXT && start.settings.cell === 'gru' && start.fileName === 'corpus.txt');
    assert.equal(harness.memento.get('rnnLens.lastCell'), 'gru', 'the choice is remembered');
    assert.equal(fake.context.get('rnnLens.hasSession'), true);
    assert.equal(fake.context.get('rnnLens.isTraining'), true);
    assert.equal(fake.context.get('rnnLens.hasTrace'), true);
    assert.equal(panel().viewType, 'rnnLens.trainingPanel');
    assert.equal(fake.progress.length, 0, 'no progress notification over the panel: the session lives in the status bar');

    FakeWorker.last.progress(2.5);
    assert.match(fake.statusItems[0].text, /^\$\(sync~spin\) GRU step 10 loss 2\.500 · 1,000 chars\/s$/);
    assert.match(fake.statusItems[0].tooltip as string, /training on corpus\.txt; val 2\.600; 1,000 chars\/s/);
    assert.equal(fake.statusItems[0].command, 'rnnLens.showPanel');

    // The panel says ready and receives the current state; live messages follow.
    panel().webview.receive.fire({ type: 'ready' });
    assert.ok(posted('session').length >= 1 && posted('trace').length >= 1 && posted('progress').length >= 1);
    FakeWorker.last.progress(2.0);
    assert.equal((posted('progress').at(-1)!.progress as { loss: number }).loss, 2.0);

    // The second time, the remembered cell is offered first.
    fake.quickPickAnswers.push((items: { cell: string }[]) => {
      offered = items.map((i) => i.cell);
      return undefined;
    });
    fake.messageAnswers.push('Stop and Start New');
    await run('rnnLens.train', harness.file);
    assert.equal(offered[0], 'gru');
  });

  it('starting another session asks first, and keeps the current one when declined', async () => {
    await train(harness);
    fake.messageAnswers.push(undefined);
    await run('rnnLens.train', harness.file);
    assert.match(fake.messages.at(-1)!.text, /Stop that session and start a new one/);
    assert.equal(FakeWorker.instances.length, 1);
    assert.equal(harness.controller.session?.state, 'training');
  });

  it('uses the editor\'s current text, unsaved edits included', async () => {
    const doc = new FakeTextDocument(harness.file, `${TEXT}unsaved!`);
    doc.isDirty = true;
    fake.openEditor(doc);
    fake.quickPickAnswers.push((items: { cell: string }[]) => items[0]);
    await run('rnnLens.train');
    await settle();
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.text.endsWith('unsaved!'));
  });

  it('Find Units lists the regex features saved for the training file (workspace state, as after a window reload)', async () => {
    harness.memento.set(`ws:rnnLens.findUnits.features:${harness.file.toString()}`, [{ name: 'vowels', pattern: '[aeiou]' }]);
    assert.deepEqual(harness.controller.insight.findUnits.customFeatures, [], 'nothing before a session names the file');
    await train(harness);
    assert.deepEqual(harness.controller.insight.findUnits.customFeatures, [{ name: 'vowels', pattern: '[aeiou]' }]);
  });

  it('pause, one step, the timestep cursor with the editor highlight, resume and stop', async () => {
    const editor = fake.openEditor(new FakeTextDocument(harness.file, TEXT));
    await train(harness);
    panel().webview.receive.fire({ type: 'ready' });
    await run('rnnLens.pause');
    await settle();
    assert.equal(fake.context.get('rnnLens.isPaused'), true);
    assert.match(fake.statusItems[0].text, /^\$\(debug-pause\)/);

    const before = FakeWorker.last.step;
    await run('rnnLens.trainOneStep');
    await settle();
    assert.equal(FakeWorker.last.step, before + 1);
    assert.equal(FakeWorker.last.received.filter((m) => m.type === 'step').length, 1);

    await run('rnnLens.firstTimestep');
    await run('rnnLens.nextTimestep');
    await run('rnnLens.nextTimestep');
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 2, direction: 'forward' });
    // x_2 of a window at position 0 is the third character of the file, on the soft highlight of the window's 8 characters.
    const spans = [...editor.decorations.values()].filter((r) => r.length === 1)
      .map((r) => r[0] as { start: { character: number }; end: { character: number } }).map((r) => [r.start.character, r.end.character]);
    assert.deepEqual(spans.sort((a, b) => a[1] - b[1]), [[2, 3], [0, 8]]);
    // Revealed with its line from the start (no centring sideways), then the character itself with the least scroll.
    const [line, char] = editor.revealed.slice(-2);
    assert.deepEqual([line.start.character, line.end.character], [0, 3], 'revealed with its line from the start: no sideways scroll');
    assert.deepEqual([char.start.character, char.end.character], [2, 3], 'and the character itself, in case it lies beyond the editor\'s width');

    await run('rnnLens.toggleBackward');
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 2, direction: 'backward' });
    await run('rnnLens.nextTimestep');
    assert.equal(harness.controller.cursor.t, 1, 'backward: next goes towards t = 0');
    await run('rnnLens.lastTimestep');
    assert.equal(harness.controller.cursor.t, 0);
    fake.inputBoxAnswers.push('5');
    await run('rnnLens.goToTimestep');
    assert.equal(harness.controller.cursor.t, 5);
    fake.inputBoxAnswers.push('99');
    await run('rnnLens.goToTimestep');
    assert.match(fake.inputValidation.at(-1)!, /from 0 to 7/);
    assert.equal(harness.controller.cursor.t, 5);
    await run('rnnLens.previousTimestep');
    assert.equal(harness.controller.cursor.t, 6);

    // The panel can move the cursor too; the host owns it and tells both views.
    panel().webview.receive.fire({ type: 'cursor', t: 3, direction: 'forward' });
    assert.equal(harness.controller.cursor.t, 3);

    await run('rnnLens.resume');
    await settle();
    assert.equal(fake.context.get('rnnLens.isTraining'), true);
    await run('rnnLens.stop');
    assert.equal(harness.controller.session?.state, 'stopped');
    assert.equal(fake.context.get('rnnLens.hasSession'), false);
    assert.equal(fake.context.get('rnnLens.hasModel'), true, 'a stopped session that left a checkpoint can still be saved');
    assert.match(fake.statusItems[0].text, /^\$\(check\)/);
    assert.equal(fake.progress.length, 0);
  });

  it('stamps cursor messages with the panel\'s latest numbered report, so the page can tell echoes of older ones', async () => {
    await train(harness);
    panel().webview.receive.fire({ type: 'ready' });
    await run('rnnLens.pause');
    await settle();
    await run('rnnLens.firstTimestep');
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 0, direction: 'forward' }, 'no report yet: nothing to acknowledge');
    // The page stepped twice before hearing back: each answer names the report it answers.
    panel().webview.receive.fire({ type: 'cursor', t: 1, direction: 'forward', seq: 1 });
    panel().webview.receive.fire({ type: 'cursor', t: 2, direction: 'forward', seq: 2 });
    assert.deepEqual(posted('cursor').slice(-2), [
      { type: 'cursor', t: 1, direction: 'forward', ack: 1 },
      { type: 'cursor', t: 2, direction: 'forward', ack: 2 },
    ]);
    // Host moves and the Gradient Flow view's (unnumbered) moves carry the panel's latest number.
    await run('rnnLens.lastTimestep');
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 7, direction: 'forward', ack: 2 });
    harness.controller.onWebviewMessage({ type: 'cursor', t: 4, direction: 'backward' }, 'gradient');
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 4, direction: 'backward', ack: 2 });
    // A report the host clamps is answered with where the cursor really is.
    panel().webview.receive.fire({ type: 'cursor', t: 99, direction: 'forward', seq: 3 });
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 7, direction: 'forward', ack: 3 });
    // A reloaded page counts from 1 again: it has reported nothing yet.
    panel().webview.receive.fire({ type: 'ready' });
    await run('rnnLens.firstTimestep');
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 0, direction: 'forward' });
  });

  it('the panel buttons drive the session', async () => {
    await train(harness);
    panel().webview.receive.fire({ type: 'action', action: 'pause' });
    await settle();
    assert.equal(harness.controller.session?.state, 'paused');
    panel().webview.receive.fire({ type: 'action', action: 'step' });
    await settle();
    assert.equal(FakeWorker.last.received.filter((m) => m.type === 'step').length, 1);
    panel().webview.receive.fire({ type: 'action', action: 'play' });
    await settle();
    assert.equal(harness.controller.session?.state, 'training');
    panel().webview.receive.fire({ type: 'action', action: 'stop' });
    await settle();
    assert.equal(harness.controller.session?.state, 'stopped');
  });

  it('the heatmap\'s unit actions run Hold Unit At… and Ablate Unit on that unit', async () => {
    await train(harness);
    const { config } = harness.controller.session!.info!;
    assert.equal(config.cell, 'lstm', 'the first cell offered');
    const prompts: string[] = [];
    const ask = (_: unknown, o: { prompt?: string }): undefined => { prompts.push(o.prompt ?? ''); return undefined; };
    fake.inputBoxAnswers.push(ask, ask);
    panel().webview.receive.fire({ type: 'unitAction', action: 'hold', state: 'h', layer: 0, unit: 2 });
    await settle();
    panel().webview.receive.fire({ type: 'unitAction', action: 'hold', state: 'c', layer: 0, unit: 1 });
    await settle();
    assert.deepEqual(errors(), []);
    assert.match(prompts[0] ?? '', /^Hold h 0:2 at which value/, 'the value is asked for the heatmap\'s unit, not the unit itself');
    assert.match(prompts[1] ?? '', /^Hold c 0:1 at which value/);
    panel().webview.receive.fire({ type: 'unitAction', action: 'ablate', state: 'h', layer: 0, unit: config.hidden });
    await settle();
    assert.equal(errors().at(-1), `RNN Lens: Not in this model: 1 layer(s) of ${config.hidden} units.`);
  });

  it('no notification while training or paused; a finished run (the step limit) says so once, with the numbers', async () => {
    await train(harness);
    FakeWorker.last.progress(2.0);
    await run('rnnLens.pause');
    await settle();
    assert.equal(fake.progress.length, 0);
    assert.deepEqual(fake.messages, [], 'nothing shown while training or paused');
    assert.match(fake.statusItems[0].text, /step \d+ loss 1\.500 · paused$/);
    await run('rnnLens.resume');
    await settle();
    fake.messageAnswers.push('Keep Training');
    FakeWorker.last.emit({ type: 'progress', step: 500, loss: 1.25, valLoss: 1.5, valStep: 480, charsPerSec: 0, state: 'paused' });
    FakeWorker.last.emit({ type: 'state', state: 'paused', step: 500, reason: 'maxSteps' });
    const resumesBefore = FakeWorker.last.received.filter((m) => m.type === 'resume').length;
    await settle();
    const shown = fake.messages as { text: string; items: string[] }[];
    assert.equal(shown.length, 1);
    assert.match(shown[0].text, /corpus\.txt reached its step limit \(rnnLens\.maxSteps, 500 steps\) and paused: loss 1\.250, val 1\.500 at step 480/);
    assert.deepEqual(shown[0].items, ['Keep Training', 'Save Model As...']);
    assert.equal(FakeWorker.last.received.filter((m) => m.type === 'resume').length, resumesBefore + 1, 'Keep Training resumed');
    assert.match(fake.statusItems[0].tooltip as string, /val 1\.500 at step 480/);
  });

  it('Next Timestep at the end of the pass says so; a new session starts forward at t = 0', async () => {
    await train(harness);
    panel().webview.receive.fire({ type: 'ready' });
    await run('rnnLens.pause');
    await settle();
    await run('rnnLens.firstTimestep');
    await run('rnnLens.toggleBackward');
    await run('rnnLens.nextTimestep');
    assert.equal(harness.controller.cursor.t, 0);
    assert.match(fake.statusMessages.at(-1)!, /t = 0: the backward pass ends here \(BPTT runs from t = 7 back to t = 0\)/);
    assert.match(posted('announce').at(-1)!.text as string, /the backward pass ends here/);
    await run('rnnLens.lastTimestep'); // backward: the last step BPTT computes is t = 0
    await run('rnnLens.toggleBackward');
    await run('rnnLens.lastTimestep');
    await run('rnnLens.nextTimestep');
    assert.match(fake.statusMessages.at(-1)!, /t = 7: the forward pass ends here/);
    await run('rnnLens.toggleBackward');
    assert.equal(harness.controller.cursor.direction, 'backward');
    fake.messageAnswers.push('Stop and Start New');
    await train(harness);
    assert.deepEqual(harness.controller.cursor.position, { t: 0, direction: 'forward' });
    assert.deepEqual(posted('cursor').at(-1), { type: 'cursor', t: 0, direction: 'forward' });
  });

  it('Train One Step while training says to pause first', async () => {
    await train(harness);
    await run('rnnLens.trainOneStep');
    assert.match(errors().at(-1)!, /Pause training first/);
  });

  it('Sample Text asks length, temperature and prime and opens an untitled document', async () => {
    await train(harness);
    fake.inputBoxAnswers.push('5', '0.5', 'ab ');
    await run('rnnLens.sampleText');
    const sample = FakeWorker.last.received.find((m) => m.type === 'sample');
    assert.ok(sample && sample.type === 'sample' && sample.length === 5 && sample.temperature === 0.5 && sample.prime === 'ab ');
    const doc = fake.shownDocuments.at(-1)!;
    assert.equal(doc.uri.scheme, 'untitled');
    assert.equal(fake.shownColumns.at(-1), 1, 'in the source text\'s group (column One when it is not shown), never Beside the panel');
    assert.equal(doc.getText(), 'ab abc a');
  });

  it('Sample Text refuses a prime with characters the model has never seen', async () => {
    await train(harness);
    fake.inputBoxAnswers.push('5', '1', 'zebra');
    await run('rnnLens.sampleText');
    assert.match(fake.inputValidation.at(-1)!, /never seen "z"/);
    assert.equal(FakeWorker.last.received.filter((m) => m.type === 'sample').length, 0);
  });

  it('Save Model As writes atomically (no temporary file left) and autosave keeps the final checkpoint', async () => {
    await train(harness);
    const target = Uri.file(path.join(harness.dir, 'out', 'model.safetensors'));
    await fsp.mkdir(path.dirname(target.fsPath));
    fake.saveDialogAnswers.push(target);
    await run('rnnLens.saveModel');
    assert.deepEqual([...await fsp.readFile(target.fsPath)], [1, 2, 3, FakeWorker.last.step & 255]);
    assert.deepEqual(await fsp.readdir(path.dirname(target.fsPath)), ['model.safetensors']);

    await run('rnnLens.stop');
    const storage = path.join(harness.dir, 'storage');
    assert.deepEqual((await fsp.readdir(storage)).sort(), ['autosave.json', 'autosave.safetensors']);
    assert.deepEqual([...await fsp.readFile(path.join(storage, 'autosave.safetensors'))], [9, 9, 9]);
    const record = JSON.parse(await fsp.readFile(path.join(storage, 'autosave.json'), 'utf8'));
    assert.equal(record.fileName, 'corpus.txt');
  });

  it('autosaves periodically while training, atomically into workspace storage', async () => {
    await tearDown(harness);
    fake.reset();
    harness = await setUp({ autosaveIntervalMs: 5 });
    await train(harness);
    FakeWorker.last.progress();
    const storage = path.join(harness.dir, 'storage');
    for (let i = 0; i < 200 && !(await fsp.readdir(storage).catch(() => [] as string[])).includes('autosave.json'); i++) await new Promise((r) => setTimeout(r, 5));
    await harness.controller.autosave.flush();
    assert.deepEqual((await fsp.readdir(storage)).sort(), ['autosave.json', 'autosave.safetensors'], 'no temporary files left behind');
    assert.deepEqual([...await fsp.readFile(path.join(storage, 'autosave.safetensors'))], [1, 2, 3, FakeWorker.last.step & 255], 'a periodic save, not the final one');
    assert.ok(FakeWorker.last.received.some((m) => m.type === 'save'));
  });

  it('autosaves when the session pauses (a reload while paused can resume it), once per step', async () => {
    const storage = path.join(harness.dir, 'storage');
    await train(harness);
    FakeWorker.last.progress();
    await run('rnnLens.pause');
    for (let i = 0; i < 200 && !(await fsp.readdir(storage).catch(() => [] as string[])).includes('autosave.json'); i++) await new Promise((r) => setTimeout(r, 5));
    await harness.controller.autosave.flush();
    assert.deepEqual((await fsp.readdir(storage)).sort(), ['autosave.json', 'autosave.safetensors'], 'saved at the pause, long before the periodic save');
    assert.equal(FakeWorker.last.received.filter((m) => m.type === 'save').length, 1);
  });

  it('after a reload, offers to resume the autosaved session and resumes from its bytes', async () => {
    await train(harness);
    await run('rnnLens.stop');
    fake.messageAnswers.push('Resume');
    await harness.controller.offerResume();
    await settle();
    assert.match(fake.messages.find((m) => /resume training/.test(m.text))!.text, /corpus\.txt from step/);
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.resume && [...start.resume].join() === '9,9,9');
  });

  it('Load Model: a corrupt file gets a clear message; a real one starts a paused session on a chosen text', async () => {
    const corrupt = Uri.file(path.join(harness.dir, 'broken.safetensors'));
    await fsp.writeFile(corrupt.fsPath, Buffer.from('definitely not safetensors'));
    await run('rnnLens.loadModel', corrupt);
    assert.match(errors().at(-1)!, /broken\.safetensors is not a usable RNN Lens model: /);
    assert.equal(FakeWorker.instances.length, 0);

    const vocab = [...new Set(TEXT)].sort();
    const model = Model.init({ cell: 'gru', hidden: 4, layers: 1, vocab, gruResetAfter: true }, 1, 1);
    const good = Uri.file(path.join(harness.dir, 'good.safetensors'));
    await fsp.writeFile(good.fsPath, encodeCheckpoint({ config: model.config, weights: model.weights() }));
    fake.quickPickAnswers.push((items: { label: string }[]) => items.find((i) => i.label === 'Choose a file...'));
    fake.openDialogAnswers.push([harness.file]);
    await run('rnnLens.loadModel', good);
    await settle();
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.init && start.startPaused && start.settings.cell === 'gru' && start.settings.hidden === 4);
    assert.equal(harness.controller.session?.state, 'paused');
  });

  it('samples taken while training join the session\'s timeline with their step and loss; a new session starts its own', async () => {
    fake.config.set('rnnLens.sampleEvery', 100);
    fake.config.set('rnnLens.sampleLength', 50);
    await train(harness);
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start');
    assert.deepEqual(start.samples, { every: 100, length: 50, temperature: 0.8 });
    panel().webview.receive.fire({ type: 'ready' });
    FakeWorker.last.emit({ type: 'trainingSample', step: 0, loss: null, temperature: 0.8, text: 'xq zzk' });
    FakeWorker.last.emit({ type: 'trainingSample', step: 100, loss: 2.25, temperature: 0.8, text: 'the cat' });
    const timeline = posted('samples').at(-1)!;
    assert.deepEqual((timeline.samples as { step: number; loss: number | null; text: string }[]).map((x) => [x.step, x.loss, x.text]), [[0, null, 'xq zzk'], [100, 2.25, 'the cat']]);
    // Sample Text joins the timeline too, stamped with the step it was taken at.
    fake.inputBoxAnswers.push('5', '0.5', '');
    await run('rnnLens.sampleText');
    const last = (posted('samples').at(-1)!.samples as { origin: string }[]).at(-1)!;
    assert.equal(last.origin, 'command');
    fake.messageAnswers.push('Stop and Start New');
    await train(harness);
    assert.deepEqual(posted('samples').at(-1)!.samples, [], 'a new session starts with an empty timeline');
    assert.notEqual(posted('samples').at(-1)!.session, timeline.session);
    assert.deepEqual(posted('history').at(-1)!.steps, [], 'and empty curves');
  });

  it('the host keeps the whole series: validation only where measured, and a view opened late gets all of it', async () => {
    await train(harness);
    const w = FakeWorker.last;
    w.emit({ type: 'progress', step: 10, loss: 4, valLoss: 4.5, valStep: 0, charsPerSec: 10, state: 'training' });
    w.emit({ type: 'progress', step: 20, loss: 3.5, valLoss: 4.5, valStep: 0, charsPerSec: 10, state: 'training' });
    w.emit({ type: 'progress', step: 30, loss: 3, valLoss: 3.9, valStep: 30, charsPerSec: 10, state: 'training' });
    // The panel's page (re)loads only now: it is sent the whole history, not just the latest point.
    panel().webview.receive.fire({ type: 'ready' });
    const history = posted('history').at(-1)!;
    assert.deepEqual(history.steps, [10, 20, 30]);
    assert.deepEqual(history.valSteps, [0, 30], 'validation at the steps it was measured, once each');
    assert.deepEqual(history.valLoss, [4.5, 3.9]);
  });

  it('Load Model offers the text the model was trained on first and continues its loss history', async () => {
    const vocab = [...new Set(TEXT)].sort();
    const model = Model.init({ cell: 'gru', hidden: 4, layers: 1, vocab, gruResetAfter: true }, 1, 1);
    const other = Uri.file(path.join(harness.dir, 'other.txt'));
    await fsp.writeFile(other.fsPath, TEXT);
    fake.openEditor(new FakeTextDocument(other, TEXT));
    const bytes = withSessionRecord(encodeCheckpoint({ config: model.config, weights: model.weights() }), {
      source: { path: harness.file.toString(), hash: textHash(TEXT), length: TEXT.length },
      history: { steps: [10, 20], loss: [3, 2.5], valSteps: [20], valLoss: [2.75] },
    });
    const good = Uri.file(path.join(harness.dir, 'good.safetensors'));
    await fsp.writeFile(good.fsPath, bytes);
    let offered: { label: string; description: string }[] = [];
    fake.quickPickAnswers.push((items: { label: string; description: string }[]) => { offered = items; return items[0]; });
    await run('rnnLens.loadModel', good);
    await settle();
    assert.deepEqual(offered.map((i) => [i.label, i.description]).slice(0, 2), [['corpus.txt', 'the text this model was trained on'], ['other.txt', 'the active editor']]);
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.text === TEXT);
    panel().webview.receive.fire({ type: 'ready' });
    const history = posted('history').at(-1)!;
    assert.deepEqual([history.steps, history.loss, history.valSteps], [[10, 20], [3, 2.5], [20]]);
  });

  it('Color Text by Neuron colours the characters the editor shows from the analysis worker, in 21 levels, with hovers; Clear removes them', async () => {
    const doc = new FakeTextDocument(harness.file, TEXT);
    const editor = fake.openEditor(doc);
    await train(harness);
    fake.inputBoxAnswers.push('1');
    await run('rnnLens.colorTextByNeuron');
    await settle();
    const analysis = FakeAnalysisWorker.last!;
    const request = analysis.received.find((m) => m.type === 'run');
    assert.ok(request && request.type === 'run' && request.job.kind === 'unitRange' && request.job.unit === 1 && request.job.layer === 0 && request.job.topK === 5);
    assert.deepEqual(analysis.ranges, [[0, TEXT.length]], 'the whole (short) file is visible: one stretch');
    // One decoration type per level, 21 in all; each character gets the level of its activation.
    const types = fake.decorationTypes.filter((t) => editor.decorations.has(t) && t.options.light);
    assert.equal(types.length, 21);
    const levelOf = new Map(types.map((t, i) => [t, i - 10]));
    const colouredLevel = new Array<number>(TEXT.length).fill(0);
    let ranges = 0;
    for (const [type, list] of editor.decorations) {
      if (!levelOf.has(type as never)) continue;
      for (const r of list as unknown as { start: { character: number }; end: { character: number } }[]) {
        ranges++;
        for (let i = r.start.character; i < r.end.character; i++) colouredLevel[i] = levelOf.get(type as never)!;
      }
    }
    const expected = [...TEXT].map((_, i) => Math.round(fakeActivation(1, FakeWorker.last.step, i) * 10) || 0);
    assert.deepEqual(colouredLevel, expected, 'every character of the file, not just the trace window');
    assert.ok(ranges < TEXT.length / 2, `neighbours of one level share a range (${ranges} ranges for ${TEXT.length} characters)`);
    assert.ok(levelOf.size === 21 && new Set(expected).size > 10, 'a spread of levels, both signs');
    assert.equal(fake.context.get('rnnLens.neuronColorsShown'), true);
    assert.match(fake.log(), /Neuron colours: characters 0-4800 of corpus\.txt by layer 0 unit 1/);
    assert.equal(markers(editor), 0, 'the whole file is coloured: no end marker');

    // The hover reads the stored arrays for the character under the mouse, and says how.
    assert.equal(fake.hoverProviders.length, 1);
    const hover = await fake.hoverProviders[0].provider.provideHover(doc as never, { line: 0, character: 2000 } as never, undefined as never) as unknown as { contents: { value: string } };
    assert.match(hover.contents.value, /layer 0 unit 1, character 2,000/);
    assert.match(hover.contents.value, new RegExp(`h = ${formatValue(fakeActivation(1, FakeWorker.last.step, 2000)).replace('.', '\\.')}`));
    assert.match(hover.contents.value, /predictions: ' ' p 0\.25, "a" p 0\.25/);
    assert.match(hover.contents.value, /loss on the actual next character: 1\.386 nats/);
    assert.match(hover.contents.value, /background thread, from the exact state.*Only the lines you look at are coloured; scrolling colours more/);
    const other = new FakeTextDocument(Uri.file(path.join(harness.dir, 'other.txt')), TEXT);
    assert.equal(fake.hoverProviders[0].provider.provideHover(other as never, { line: 0, character: 1 } as never, undefined as never), undefined, 'only the training file');

    fake.inputBoxAnswers.push('7');
    await run('rnnLens.colorTextByNeuron');
    assert.match(fake.inputValidation.at(-1)!, /within the model/);
    await run('rnnLens.clearNeuronColors');
    assert.equal(editor.decoratedCount(), 0);
    assert.equal(fake.hoverProviders.length, 0);
    assert.equal(fake.context.get('rnnLens.neuronColorsShown'), false);
  });

  it('neuron colours follow the panel\'s unit selection and new weights (on pause, after a step), and go when the session ends', async () => {
    const editor = fake.openEditor(new FakeTextDocument(harness.file, TEXT));
    await train(harness);
    const requests = () => (FakeAnalysisWorker.last?.received ?? []).flatMap((m) => (m.type === 'run' && m.job.kind === 'unitRange' ? [m.job] : []));
    panel().webview.receive.fire({ type: 'selectUnit', layer: 0, unit: 2 });
    await settle();
    assert.equal(requests().length, 0, 'selecting a unit does not colour the text until asked');
    await run('rnnLens.colorTextByNeuron', { layer: 0, unit: 0 });
    await settle();
    panel().webview.receive.fire({ type: 'selectUnit', layer: 0, unit: 2 });
    await settle(10);
    assert.deepEqual(requests().map((r) => r.unit), [0, 2], 'the heatmap selection recolours');
    assert.match(fake.log(), /by layer 0 unit 2/);
    await run('rnnLens.pause');
    await settle(10);
    assert.equal(requests().length, 3, 'pausing brings new weights');
    await run('rnnLens.trainOneStep');
    await settle(10);
    assert.equal(requests().length, 4, 'so does a step');
    assert.equal(harness.controller.neuronColors.coverage?.step, FakeWorker.last.step);
    assert.ok(neuronRanges(editor) > 0);
    await run('rnnLens.stop');
    await settle();
    assert.equal(neuronRanges(editor), 0, 'the session ended');
    assert.equal(fake.context.get('rnnLens.neuronColorsShown'), false);
    assert.equal(fake.hoverProviders.length, 0);
  });

  it('neuron colours of a long file follow the scrolling: the visible stretch is read, a marker shows where the colours end; an edited file is refused', async () => {
    const long = 'the cat sat on the mat.\n'.repeat(4000); // 96,000 characters
    await tearDown(harness);
    harness = await setUp({ text: long });
    const doc = new FakeTextDocument(harness.file, long);
    const editor = fake.openEditor(doc);
    editor.scrollTo(0, 2400);
    await train(harness);
    await run('rnnLens.colorTextByNeuron', '0');
    await settle(10);
    const analysis = FakeAnalysisWorker.last!;
    assert.deepEqual(analysis.ranges, [[0, 2401], [2401, 4401]], 'the visible lines, then the margin below them');
    assert.equal(markers(editor), 1, 'one marker where the colours end');
    const hover = fake.hoverProviders[0].provider;
    assert.equal(hover.provideHover(doc as never, doc.positionAt(50_000) as never, undefined as never), undefined, 'no hover where nothing is coloured');

    // Scrolling to the end reads the end (not everything before it) once the scrolling settles.
    editor.scrollTo(long.length - 2400, long.length);
    editor.scrollTo(long.length - 2000, long.length);
    await new Promise((r) => setTimeout(r, SCROLL_DEBOUNCE_MS + 50));
    await settle(10);
    const after = analysis.ranges.slice(2);
    assert.deepEqual(after[0], [long.length - 2000, long.length], 'one request for where the scrolling stopped');
    assert.ok(after.every(([a]) => a >= long.length - 4000), `nothing far before the end is read: ${JSON.stringify(after)}`);
    assert.ok(hover.provideHover(doc as never, doc.positionAt(long.length - 100) as never, undefined as never), 'coloured at the end');
    assert.equal(markers(editor), 2, 'the end of the first stretch and the start of the last one');
    const levels = fake.decorationTypes.filter((t) => t.options.light && !t.disposed);
    const lastRange = levels.flatMap((t) => [...(editor.decorations.get(t) ?? [])] as unknown as { end: { line: number } }[]).reduce((m, r) => Math.max(m, r.end.line), 0);
    assert.ok(lastRange >= doc.lineCount - 3, `colours reach the last lines (line ${lastRange} of ${doc.lineCount})`);

    doc.edit(`X${long}`);
    assert.equal(hover.provideHover(doc as never, { line: 0, character: 10 } as never, undefined as never), undefined, 'no hover on an edited file');
    await run('rnnLens.colorTextByNeuron', '1');
    await settle(10);
    assert.equal(neuronRanges(editor), 0, 'nothing is coloured rather than misplaced');
    assert.match(fake.messages.filter((m) => m.level === 'warning').at(-1)!.text, /corpus\.txt has changed since training started/);
  });

  it('stepping with the file not shown opens it beside the panel (never over it) and highlights the cursor there', async () => {
    await train(harness);
    panel().webview.receive.fire({ type: 'ready' });
    await run('rnnLens.pause');
    await settle();
    assert.equal(fake.shownDocuments.length, 0);
    await run('rnnLens.nextTimestep');
    // The file is read from disk first: wait for it (up to 5 s on a busy machine).
    for (let i = 0; i < 250 && fake.shownDocuments.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.shownDocuments.at(-1)?.uri.toString(), harness.file.toString());
    assert.notEqual(fake.shownColumns.at(-1), -2, 'not Beside: a third column would squeeze the panel');
    const editor = fake.editors.find((e) => e.document.uri.toString() === harness.file.toString())!;
    await settle();
    assert.ok(editor.decoratedCount() >= 1, 'the cursor highlighted in the opened editor');
  });

  it('an edit to the file during training keeps the snapshot and turns the highlight off', async () => {
    const doc = new FakeTextDocument(harness.file, TEXT);
    const editor = fake.openEditor(doc);
    await train(harness);
    await run('rnnLens.pause');
    await settle();
    doc.edit(`X${TEXT}`);
    await run('rnnLens.nextTimestep');
    assert.equal(editor.decoratedCount(), 0);
    assert.equal(harness.controller.session?.state, 'paused');
    assert.match(fake.log(), /no longer matches the text training started with/);
    await fsp.rm(harness.file.fsPath);
    await run('rnnLens.trainOneStep');
    assert.equal(harness.controller.session?.state, 'paused', 'deleting the file does not disturb training');
  });

  it('Run Gradient Check runs in a worker of its own and reports in the log and a message', async () => {
    await run('rnnLens.runGradientCheck');
    assert.equal(FakeWorker.instances.length, 1);
    assert.ok(FakeWorker.last.terminated);
    assert.match(fake.messages.at(-1)!.text, /gradient check over 2 tensors: max relative error 1\.00e-9, passed/);
    assert.match(fake.log(), /rnn\.weight_hh_l0: max relative error 1\.00e-9/);
  });

  it('a worker crash shows one clear message and resets the session keys', async () => {
    await train(harness);
    FakeWorker.last.crash(new Error('kaboom'));
    await settle();
    assert.deepEqual(errors(), ['RNN Lens: The training worker crashed: kaboom']);
    assert.equal(fake.context.get('rnnLens.hasSession'), false);
    assert.match(fake.statusItems[0].text, /^\$\(error\)/);
  });

  it('a non-finite loss shows the step and the tensor', async () => {
    await train(harness);
    FakeWorker.last.emit({ type: 'nonFinite', step: 7, tensor: 'loss' });
    FakeWorker.last.emit({ type: 'stopped', reason: 'nonFinite', step: 6 });
    await settle();
    assert.match(errors().at(-1)!, /stopped at step 7: the loss became non-finite/);
  });

  it('every command without a session answers with a message or does nothing, never an unhandled error', async () => {
    for (const id of COMMAND_IDS) await run(id);
    await settle();
    for (const text of errors()) {
      assert.ok(!/something went wrong/.test(text), `${text} should be a user-facing message`);
      assert.ok(!/\n/.test(text), 'one line');
    }
    assert.ok(errors().some((e) => /Open a text file/.test(e)), 'train without an editor says what to do');
    assert.ok(errors().some((e) => /No training session is running/.test(e)));
    assert.ok(errors().some((e) => /no trace window yet/.test(e)));
  });

  it('commands ignore arguments of the wrong kind', async () => {
    await run('rnnLens.train', { not: 'a uri' });
    assert.match(errors().at(-1)!, /Open a text file/);
    await run('rnnLens.goToTimestep', 'seven');
    assert.match(errors().at(-1)!, /no trace window yet/);
  });
});

describe('extension: bad input to Train Character Model', () => {
  beforeEach(async () => {
    fake.reset();
    FakeWorker.instances.length = 0;
    workerOptions = {};
    harness = await setUp();
  });
  afterEach(async () => tearDown(harness));

  const cases: [string, string | Uint8Array, RegExp][] = [
    ['empty.txt', '', /empty\.txt: The file is empty/],
    ['binary.bin', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]), /binary\.bin: The file looks binary \(NUL byte at offset 4\)/],
    ['latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x61]), /latin1\.txt: The file is not valid UTF-8 \(bad byte .* at offset \d\); save it as UTF-8/],
    ['same.txt', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', /same\.txt: .*fewer than 2 distinct characters/],
    ['short.txt', 'hello world', /short\.txt: The text is too short: 11 characters/],
  ];
  for (const [name, content, expected] of cases) {
    it(`refuses ${name} with a clear message`, async () => {
      const uri = Uri.file(path.join(harness.dir, name));
      await fsp.writeFile(uri.fsPath, content);
      await train(harness, uri);
      assert.match(errors().at(-1)!, expected);
      assert.equal(FakeWorker.instances.length, 0, 'no worker was started');
    });
  }

  it('refuses a bad file before asking anything: no cell quick pick, the running session keeps training', async () => {
    await train(harness);
    const running = harness.controller.session;
    assert.equal(running?.state, 'training');
    const empty = Uri.file(path.join(harness.dir, 'empty.txt'));
    await fsp.writeFile(empty.fsPath, '');
    const asked: string[] = [];
    fake.quickPickAnswers.push(() => { asked.push('cell'); return undefined; });
    await run('rnnLens.train', empty);
    await settle();
    assert.match(errors().at(-1)!, /empty\.txt: The file is empty/);
    assert.deepEqual(asked, [], 'the cell was asked for a file that cannot be trained on');
    assert.equal(fake.quickPickAnswers.length, 1);
    assert.ok(!fake.messages.some((m) => /Stop that session/.test(m.text)), 'asked to stop the running session for nothing');
    assert.equal(harness.controller.session, running);
    assert.equal(running?.state, 'training');
  });

  it('refuses a folder', async () => {
    await train(harness, Uri.file(harness.dir));
    assert.match(errors().at(-1)!, /is a folder; right-click a text file/);
  });

  it('refuses a file that is gone', async () => {
    await train(harness, Uri.file(path.join(harness.dir, 'missing.txt')));
    assert.match(errors().at(-1)!, /missing\.txt cannot be read/);
  });

  it('trains on the first part of a file over rnnLens.maxFileSizeMB and says so', async () => {
    fake.config.set('rnnLens.maxFileSizeMB', 1);
    const big = Uri.file(path.join(harness.dir, 'big.txt'));
    // 3-byte characters, so the 1 MB cut falls inside one and must back up to a boundary.
    await fsp.writeFile(big.fsPath, 'ab한글 '.repeat(150_000));
    await train(harness, big);
    assert.match(fake.messages.find((m) => m.level === 'warning')!.text, /big\.txt is 1\.[0-9] MB; training on its first 1\.0 MB/);
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start');
    assert.ok(Buffer.byteLength(start.text) <= 1024 * 1024);
    assert.ok(!start.text.includes('\ufffd'), 'no character was cut in half');
  });

  it('a text small for the model: the quick pick proposes fewer hidden units first and says why; picking one trains it', async () => {
    fake.config.set('rnnLens.hiddenSize', 256);
    let rows: { label: string; cell?: string; hidden?: number; description?: string; detail?: string; kind?: number }[] = [];
    let placeHolder = '';
    fake.quickPickAnswers.push((items: typeof rows, options: { placeHolder: string }) => {
      rows = items;
      placeHolder = options.placeHolder;
      return items[0];
    });
    await run('rnnLens.train', harness.file);
    await settle();
    // 4,320 training characters, 11 distinct: an LSTM of 256 units has 278,283 parameters (64x).
    assert.equal(placeHolder, 'corpus.txt is small for 256 hidden units: smaller models first');
    const proposed = rows.slice(0, rows.findIndex((r) => r.kind === -1));
    assert.deepEqual(proposed.map((r) => [r.cell, r.hidden]), [['lstm', 48], ['rnn', 96], ['gru', 48]]);
    // A short label, the numbers beside it, and why in the detail line.
    assert.equal(proposed[0].label, 'LSTM, 48 hidden units');
    assert.match(proposed[0].description!, /^suggested: 12,\d{3} parameters$/);
    assert.equal(proposed[0].detail, '256 units would have 278,283 parameters, 64× the 4,320 training characters');
    assert.deepEqual(rows.filter((r) => r.hidden === undefined && r.cell).map((r) => r.cell), ['lstm', 'rnn', 'gru'], 'the settings\' size stays on offer');
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.settings.cell === 'lstm' && start.settings.hidden === 48);
  });

  it('a text large enough for the model: no proposal, the cells as the settings say', async () => {
    fake.config.set('rnnLens.hiddenSize', 16);
    let rows: { cell?: string; hidden?: number }[] = [];
    fake.quickPickAnswers.push((items: typeof rows) => { rows = items; return items[0]; });
    await run('rnnLens.train', harness.file);
    await settle();
    assert.deepEqual(rows.map((r) => [r.cell, r.hidden]), [['lstm', undefined], ['rnn', undefined], ['gru', undefined]]);
  });

  it('clamps out-of-range settings and logs what it changed', async () => {
    fake.config.set('rnnLens.hiddenSize', 100000);
    fake.config.set('rnnLens.optimizer', 'lbfgs');
    await train(harness);
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.settings.hidden === 1024 && start.settings.optimizer === 'adam');
    assert.match(fake.log(), /rnnLens\.hiddenSize: 100000 is outside 1\.\.1024/);
  });

  it('a session the worker refuses shows the worker\'s message', async () => {
    workerOptions = { startError: 'The text has characters outside the model\'s vocabulary: "é".' };
    await train(harness);
    assert.match(errors().at(-1)!, /outside the model's vocabulary/);
    assert.equal(fake.context.get('rnnLens.hasSession'), false);
  });

  it('works without workspace storage (no folder open): training runs, autosave is off', async () => {
    await tearDown(harness);
    fake.reset();
    harness = await setUp({ storage: false });
    await train(harness);
    assert.equal(harness.controller.session?.state, 'training');
    assert.match(fake.log(), /Autosave is off/);
  });
});
