// Overfitting and the model of the lowest validation loss, as the extension handles them (fake
// vscode, fake worker): the notification and the panel's notice, Save Model As asking which model,
// and a Stop offering the better one.
import { strict as assert } from 'node:assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscodeTypes from 'vscode';
import { activate } from '../../src/extension/extension';
import { TrainingPanel } from '../../src/extension/trainingPanel';
import { fake, Uri, type FakeWebviewPanel } from './fakeVscode';
import { FakeWorker, settle } from './fakeWorker';

const TEXT = 'the cat sat on the mat. '.repeat(200);
const BEST_BYTES = new Uint8Array([4, 2, 4, 2]);

describe('extension: overfitting and the best model (fake vscode)', () => {
  let dir: string;
  let subscriptions: { dispose(): unknown }[];
  let file: Uri;
  const run = (command: string, ...args: unknown[]): Promise<unknown> => fake.commands.get(command)!(...args) as Promise<unknown>;
  const panel = (): FakeWebviewPanel => fake.panels[fake.panels.length - 1];
  /** The bytes of `target` once written (the save follows a Stop and its autosave). */
  const written = async (target: Uri): Promise<number[]> => {
    for (let i = 0; i < 100; i++) {
      const bytes = await fsp.readFile(target.fsPath).catch(() => null);
      if (bytes) return [...bytes];
      await settle();
    }
    throw new Error(`${target.fsPath} was never written`);
  };
  const notices = (): string[] => panel().webview.posted.filter((m) => (m as { type: string }).type === 'notice').map((m) => (m as { text: string }).text);

  beforeEach(async () => {
    fake.reset();
    FakeWorker.instances.length = 0;
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rnn-lens-best-'));
    file = Uri.file(path.join(dir, 'corpus.txt'));
    await fsp.writeFile(file.fsPath, TEXT);
    subscriptions = [];
    const context = {
      subscriptions, extensionUri: Uri.file('/ext'), storageUri: Uri.file(path.join(dir, 'storage')),
      globalState: { get: (_k: string, f?: unknown) => f, update: async () => {}, keys: () => [] },
      workspaceState: { get: (_k: string, f?: unknown) => f, update: async () => {}, keys: () => [] },
    } as unknown as vscodeTypes.ExtensionContext;
    activate(context, { workerFactory: () => new FakeWorker(), skipResumeOffer: true });
    fake.config.set('rnnLens.hiddenSize', 16);
    fake.quickPickAnswers.push((items: { cell?: string }[]) => items.find((i) => i.cell === 'lstm'));
    await run('rnnLens.train', file);
    await settle();
    panel().webview.receive.fire({ type: 'ready' });
    // Validation at its lowest at step 20 (1.2), then up: the worker keeps that step's checkpoint.
    const w = FakeWorker.last;
    w.progress(1.5);
    w.progress(1.4);
    w.emit({ type: 'bestValidation', step: 20, valLoss: 1.2 });
    w.best = { step: 20, bytes: BEST_BYTES };
    w.progress(1.0); // step 30, validation 1.1... then climbing
    w.progress(0.8);
    w.step = 50;
    w.emit({ type: 'progress', step: 50, loss: 0.7, valLoss: 1.9, valStep: 50, charsPerSec: 1000, state: 'training' });
    await settle();
  });

  afterEach(async () => {
    await settle();
    TrainingPanel.current?.dispose();
    for (const d of subscriptions.splice(0)) d.dispose();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('overfitting: one warning with the numbers and what to do, and a notice in the panel that a new session clears', async () => {
    fake.messageAnswers.push(undefined);
    FakeWorker.last.emit({ type: 'overfitting', step: 50, valLoss: 1.85, trainLoss: 0.72, bestStep: 20, bestValLoss: 1.21, bestTrainLoss: 1.38 });
    await settle();
    const warnings = fake.messages.filter((m) => m.level === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].text, /the LSTM is memorising corpus\.txt rather than learning it \(overfitting\)\. Validation loss 1\.210 at step 20 has risen to 1\.850 at step 50, while the training loss fell from 1\.380 to 0\.7200\. Train a smaller model \(rnnLens\.hiddenSize\), give it more text, or keep the model of step 20/);
    assert.deepEqual(warnings[0].items, ['Stop and Save Best Model...', 'Keep Training']);
    assert.match(notices().at(-1)!, /^Overfitting since step 20: validation loss 1\.210 → 1\.850 while training loss 1\.380 → 0\.7200\./);
    fake.quickPickAnswers.push((items: { cell?: string }[]) => items.find((i) => i.cell === 'gru'));
    fake.messageAnswers.push('Stop and Start New', undefined);
    await run('rnnLens.train', file);
    await settle();
    assert.equal(notices().at(-1), '', 'the new session clears the notice');
  });

  it('"Stop and Save Best Model..." stops and saves the kept checkpoint, without asking which', async () => {
    const target = Uri.file(path.join(dir, 'best.safetensors'));
    fake.messageAnswers.push('Stop and Save Best Model...');
    fake.saveDialogAnswers.push(target);
    FakeWorker.last.emit({ type: 'overfitting', step: 50, valLoss: 1.85, trainLoss: 0.72, bestStep: 20, bestValLoss: 1.21, bestTrainLoss: 1.38 });
    assert.deepEqual(await written(target), [...BEST_BYTES]);
    assert.equal(fake.messages.filter((m) => m.level === 'info' && /stopped at step/.test(m.text)).length, 0, 'no second offer after the Stop');
  });

  it('Save Model As asks which model while the validation loss is above its lowest; the best is asked of the worker', async () => {
    let offered: string[] = [];
    fake.quickPickAnswers.push((items: { label: string; description: string }[]) => {
      offered = items.map((i) => `${i.label}: ${i.description}`);
      return items[0];
    });
    const target = Uri.file(path.join(dir, 'saved.safetensors'));
    fake.saveDialogAnswers.push(target);
    await run('rnnLens.saveModel');
    assert.deepEqual(offered, ['The model of the lowest validation loss: step 20, validation loss 1.200', 'The latest model: step 50, validation loss 1.900']);
    assert.ok(FakeWorker.last.received.some((m) => m.type === 'save' && m.best === true));
    assert.deepEqual([...await fsp.readFile(target.fsPath)], [...BEST_BYTES]);
  });

  it('Stop offers the model of the lowest validation loss, and saves it from the stopped session', async () => {
    const target = Uri.file(path.join(dir, 'after-stop.safetensors'));
    fake.messageAnswers.push('Save Best Model As...');
    fake.saveDialogAnswers.push(target);
    await run('rnnLens.stop');
    assert.deepEqual(await written(target), [...BEST_BYTES]);
    const offer = fake.messages.find((m) => m.level === 'info' && /stopped at step/.test(m.text))!;
    assert.match(offer.text, /stopped at step 50 \(validation loss 1\.900\)\. The lowest validation loss, 1\.200, was at step 20; its model is kept until the next session\./);
  });
});
