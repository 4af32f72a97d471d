/** The walkthrough: its steps in the manifest, and the "hello" example its first step trains. */

import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscodeTypes from 'vscode';
import { activate } from '../../src/extension/extension';
import { HELLO_TEXT } from '../../src/extension/examples';
import { TrainingPanel } from '../../src/extension/trainingPanel';
import { fake, Uri } from './fakeVscode';
import { FakeWorker, settle } from './fakeWorker';
import { localizedManifest } from './localizedManifest';
import { COMMAND_IDS } from '../../src/extension/commands';

const root = path.join(__dirname, '..', '..');

describe('walkthrough: the lecture, hands on', () => {
  let dir: string;
  let subscriptions: { dispose(): unknown }[];
  let memento: Map<string, unknown>;

  beforeEach(async () => {
    fake.reset();
    FakeWorker.instances.length = 0;
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rnn-lens-walk-'));
    subscriptions = [];
    memento = new Map();
    const context = {
      subscriptions, extensionUri: Uri.file('/ext'), storageUri: Uri.file(path.join(dir, 'storage')),
      globalStorageUri: Uri.file(path.join(dir, 'global')),
      globalState: { get: (k: string) => memento.get(k), update: async (k: string, v: unknown) => { memento.set(k, v); }, keys: () => [...memento.keys()] },
      workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
    } as unknown as vscodeTypes.ExtensionContext;
    activate(context, { workerFactory: () => new FakeWorker(), skipResumeOffer: true });
  });

  afterEach(async () => {
    TrainingPanel.current?.dispose();
    for (const d of subscriptions.splice(0)) d.dispose();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const run = (command: string, ...args: unknown[]): Promise<unknown> => fake.commands.get(command)!(...args) as Promise<unknown>;

  it('has 5 to 8 steps in both languages, each with a button that runs a declared command and a page of its own', () => {
    for (const language of [undefined, 'ko']) {
      const manifest = localizedManifest(language);
      const [walkthrough] = manifest.contributes.walkthroughs;
      assert.ok(walkthrough.steps.length >= 5 && walkthrough.steps.length <= 8);
      for (const step of walkthrough.steps) {
        const buttons = [...(step.description as string).matchAll(/\]\(command:([\w.]+)(\?[^)]*)?\)/g)].map((m) => m[1]);
        assert.ok(buttons.length > 0, `${step.id} has a button`);
        for (const b of buttons) assert.ok((COMMAND_IDS as string[]).includes(b), `${step.id}: ${b} is one of our commands`);
        assert.ok(step.completionEvents.every((e: string) => buttons.includes(e.replace('onCommand:', ''))), `${step.id} completes by its buttons`);
        const page = readFileSync(path.join(root, step.media.markdown), 'utf8');
        assert.ok(page.length > 300, `${step.media.markdown} says something`);
        if (language === 'ko') assert.match(page, /[가-힣]/, `${step.media.markdown} is in Korean`);
      }
    }
  });

  it('the first step writes the "hello" example to global storage and trains a small vanilla RNN on it without asking', async () => {
    let asked = false;
    fake.quickPickAnswers.push(() => { asked = true; return undefined; });
    await run('rnnLens.trainExample', 'rnn');
    await settle();
    assert.deepEqual(fake.messages.filter((m) => m.level === 'error').map((m) => m.text), []);
    const file = path.join(dir, 'global', 'hello.txt');
    assert.equal(readFileSync(file, 'utf8'), HELLO_TEXT);
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start');
    assert.equal(start.text, HELLO_TEXT);
    assert.equal(start.fileName, 'hello.txt');
    assert.deepEqual([start.settings.cell, start.settings.hidden, start.settings.seqLen, start.settings.layers], ['rnn', 16, 16, 1]);
    assert.equal(start.maxSteps, 1500, 'it pauses by itself');
    assert.equal(asked, false, 'no question asked');
    assert.equal(memento.get('rnnLens.lastCell'), undefined, 'the user\'s own cell choice is left alone');
    assert.ok(fake.shownDocuments.some((d) => d.uri.fsPath === file), 'the text is open in an editor');
  });

  it('the LSTM step trains an LSTM on the same text (the command URI passes ["lstm"])', async () => {
    await run('rnnLens.trainExample', ['lstm']);
    await settle();
    const start = FakeWorker.last.received[0];
    assert.ok(start.type === 'start' && start.settings.cell === 'lstm' && start.text === HELLO_TEXT);
  });
});
