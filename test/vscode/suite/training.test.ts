// A short training session through the real extension, in the real extension host: the command
// starts the worker and opens the panel, the host's event loop stays free while the worker trains
// at full speed, and Sample Text opens an untitled document with generated text.
import * as assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './extensionId';

const PANEL_VIEW_TYPE = 'rnnLens.trainingPanel';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function trainingPanelOpen(): boolean {
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) =>
    t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PANEL_VIEW_TYPE)));
}

/**
 * Runs a command that asks questions through quick picks or input boxes, accepting the proposed
 * answer of each (the first cell in the list, default length, temperature and prime) until `done`.
 */
async function runAccepting(command: string, args: unknown[], done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  let failure: unknown;
  let settledAt = 0;
  void Promise.resolve(vscode.commands.executeCommand(command, ...args)).then(
    () => { settledAt = Date.now(); }, (e) => { failure = e; });
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (failure) throw failure;
    if (settledAt && Date.now() - settledAt > 3000) throw new Error(`${command} finished, but ${what} did not happen (see the RNN Lens log)`);
    if (Date.now() > deadline) throw new Error(`${command}: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(400);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
}

/** The status bar text through the extension's exported API ("$(sync~spin) LSTM step 120 loss 2.310"). */
function statusText(): string {
  const api = vscode.extensions.getExtension(EXTENSION_ID)?.exports as { statusBar?: { text?: string } } | undefined;
  return api?.statusBar?.text ?? '';
}
const stepOf = (text: string) => Number((/step ([\d,]+)/.exec(text)?.[1] ?? 'NaN').replace(/,/g, ''));

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (status bar: "${statusText()}")`);
    await sleep(200);
  }
}

function sampleFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the in-host run needs the samples/ workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

describe('Training through the real extension', function () {
  this.timeout(120_000);

  after(async () => {
    await vscode.commands.executeCommand('rnnLens.stop').then(undefined, () => undefined);
  });

  it('Train Character Model starts a session, opens the training panel, and the steps advance', async () => {
    await runAccepting('rnnLens.train', [sampleFile('prose.txt')], trainingPanelOpen, 'the training panel opening');
    const first = stepOf(await until('a step in the status bar', () => /step \d+/.test(statusText()) && statusText()));
    await until('the step to advance', () => stepOf(statusText()) > first);
  });

  // The delay is a figure to report (the goal is p99 under 10 ms), not a timed assertion: on a shared
  // 2-core machine it moves with whatever else runs (7.1 ms and 10.0 ms on two idle CI runs; over
  // 100 ms under load). What is asserted is that it was measured over real training.
  it('measures the extension host event loop delay while the worker trains (reported; the goal is p99 under 10 ms)', async () => {
    assert.ok(trainingPanelOpen(), 'no training session (the previous test failed)');
    await sleep(1000); // past start-up: the worker is compiling and running at full speed now
    const before = stepOf(statusText());
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    await sleep(4000);
    delay.disable();
    const p99Ms = delay.percentile(99) / 1e6;
    console.log(`extension host event-loop delay while training: p50 ${(delay.percentile(50) / 1e6).toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms, max ${(delay.max / 1e6).toFixed(2)} ms (goal: p99 under 10 ms)`);
    assert.ok(delay.count > 100, `too few samples of the event loop (${delay.count})`);
    assert.ok(Number.isFinite(p99Ms) && p99Ms > 0, `no p99 (${p99Ms})`);
    assert.ok(stepOf(statusText()) > before, 'the worker trained while the delay was measured');
  });

  it('Pause Training stops the steps, then Sample Text... opens an untitled document with generated text', async () => {
    await vscode.commands.executeCommand('rnnLens.pause');
    await until('the status bar to show the session paused', () => !statusText().includes('~spin') && statusText());
    const pausedAt = stepOf(statusText());
    await sleep(1000);
    assert.equal(stepOf(statusText()), pausedAt, 'steps continued after Pause Training');
    const before = new Set(vscode.workspace.textDocuments);
    const sampleDoc = () => vscode.workspace.textDocuments.find((d) => !before.has(d) && d.isUntitled && d.getText().length > 0);
    await runAccepting('rnnLens.sampleText', [], () => sampleDoc() !== undefined, 'an untitled document with the sample');
    const text = sampleDoc()?.getText() ?? '';
    assert.ok(text.length >= 10, `the sample has only ${text.length} characters`);
  });
});
