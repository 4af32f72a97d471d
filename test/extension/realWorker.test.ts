/**
 * The host code with the REAL worker bundle (dist/worker.js) behind it, under the fake vscode:
 * the fake worker used elsewhere cannot drift from the real protocol without this failing.
 */

import { strict as assert } from 'node:assert';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscodeTypes from 'vscode';
import { decodeCheckpoint } from '../../src/engine/io/checkpoint';
import { activate } from '../../src/extension/extension';
import { TrainingPanel } from '../../src/extension/trainingPanel';
import { nodeWorkerFactory } from '../../src/extension/workerClient';
import { fake, FakeTextDocument, Uri } from './fakeVscode';

const root = path.join(__dirname, '..', '..');
const bundle = path.join(root, 'dist', 'worker.js');
const TEXT = 'to be or not to be, that is the question. '.repeat(80);

async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('extension: the host with the real worker bundle (fake vscode)', function () {
  this.timeout(120_000);
  let dir: string;
  const subscriptions: { dispose(): unknown }[] = [];

  before(async function () {
    if (!existsSync(bundle)) {
      const esbuild = require('esbuild') as typeof import('esbuild');
      esbuild.buildSync({ entryPoints: [path.join(root, 'src/worker/trainingWorker.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
    }
    fake.reset();
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rnn-lens-real-'));
  });

  after(async () => {
    TrainingPanel.current?.dispose();
    for (const d of subscriptions.splice(0)) d.dispose();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('trains, pauses, steps, highlights, samples, saves a loadable model and autosaves on stop', async () => {
    const file = Uri.file(path.join(dir, 'hamlet.txt'));
    await fsp.writeFile(file.fsPath, TEXT);
    for (const [k, v] of Object.entries({ hiddenSize: 16, seqLength: 16, batchSize: 4, learningRate: 0.01, traceEvery: 10 })) fake.config.set(`rnnLens.${k}`, v);
    const context = {
      subscriptions, extensionUri: Uri.file(root), storageUri: Uri.file(path.join(dir, 'storage')),
      globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
      workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
    } as unknown as vscodeTypes.ExtensionContext;
    const controller = activate(context, { workerFactory: nodeWorkerFactory(bundle), skipResumeOffer: true });
    const editor = fake.openEditor(new FakeTextDocument(file, TEXT));

    fake.quickPickAnswers.push((items: { cell: string }[]) => items.find((i) => i.cell === 'rnn'));
    await fake.commands.get('rnnLens.train')!(file);
    const session = controller.session!;
    await until('training to run', () => (session.latestProgress?.step ?? 0) > 100);
    assert.equal(session.info?.config.cell, 'rnn');
    assert.match(fake.statusItems[0].text, /^\$\(sync~spin\) RNN step [\d,]+ loss \d/);

    await fake.commands.get('rnnLens.pause')!();
    await until('the pause', () => session.state === 'paused');
    const pausedAt = session.latestProgress!.step;
    await fake.commands.get('rnnLens.trainOneStep')!();
    await until('the trace of the new step', () => session.latestTrace?.header.trainingStep === pausedAt + 1);
    await fake.commands.get('rnnLens.firstTimestep')!();
    await fake.commands.get('rnnLens.nextTimestep')!();
    const highlighted = [...editor.decorations.values()].find((r) => r.length === 1)?.[0] as { start: { character: number } } | undefined;
    const position = session.latestTrace!.header.position + 1;
    assert.equal(highlighted?.start.character, position, 'x_1 of the window is highlighted in the editor (one line of ASCII: offset = position)');

    fake.inputBoxAnswers.push('30', '0', 'to be');
    await fake.commands.get('rnnLens.sampleText')!();
    const sample = fake.shownDocuments.at(-1)!.getText();
    assert.ok(sample.startsWith('to be') && sample.length >= 30, sample);

    const target = Uri.file(path.join(dir, 'model.safetensors'));
    fake.saveDialogAnswers.push(target);
    await fake.commands.get('rnnLens.saveModel')!();
    const saved = decodeCheckpoint(new Uint8Array(await fsp.readFile(target.fsPath)));
    assert.equal(saved.config.cell, 'rnn');
    assert.equal(saved.resume?.step, pausedAt + 1);

    await fake.commands.get('rnnLens.stop')!();
    assert.equal(session.state, 'stopped');
    const autosaved = decodeCheckpoint(new Uint8Array(await fsp.readFile(path.join(dir, 'storage', 'autosave.safetensors'))));
    assert.equal(autosaved.resume?.step, pausedAt + 1);
    assert.deepEqual(fake.messages.filter((m) => m.level === 'error'), []);
  });
});
