/**
 * RNN Lens: Run Experiment…: what to run (the lag task, Dyck-1, or the three cells on the active
 * file), its lag and steps; the generated text opens in an untitled editor so the user sees what
 * the cells train on. The run itself is ExperimentRun's.
 */

import * as vscode from 'vscode';
import { type TrainSettings } from '../engine/model/config';
import { generateTask } from '../engine/tasks/tasks';
import { type ExperimentTask } from '../protocol/experiment';
import { displayName, readTrainingText } from './inputText';
import { type ExtensionSettings } from './settings';
import { UserError } from './userError';

/**
 * The task runs' settings: issue 17's acceptance settings (docs/experiments.md). Seed 2 because
 * with it the vanilla RNN fails the lag-20 recall and both gated cells learn it (with seeds 1 and
 * 4 the RNN learns it too; the view's sentence says whatever happened).
 */
export const TASK_SETTINGS: Omit<TrainSettings, 'cell'> = {
  hidden: 32, layers: 1, seqLen: 64, batch: 32, optimizer: 'adam', lr: 0.01, clipNorm: 5, clipValue: 0, valFraction: 0.1, seed: 2, forgetBias: 1, gruResetAfter: true,
};
export const DEFAULT_LAG = 20;
export const DEFAULT_STEPS = 3000;
/** Lines of generated training text (72,000 characters at lag 20), and of the held-out text made with another seed. */
export const TASK_LINES = 3000;
export const HELD_OUT_LINES = 300;
export const TEXT_SEED = 1;
export const HELD_OUT_SEED = 1000;
/** Held-out and memory losses are measured every this many steps (and at the last). */
export const EVAL_POINTS = 30;

export interface ExperimentSpec {
  readonly task: ExperimentTask;
  readonly title: string;
  readonly text: string;
  /** Where the training text is (an untitled editor for a task), for opening a cell in the panel. */
  readonly source: { readonly uri: vscode.Uri; readonly fileName: string };
  readonly base: Omit<TrainSettings, 'cell'>;
  readonly steps: number;
  readonly heldOut: string;
  readonly memoryPositions: readonly number[];
  readonly chance: number | null;
}

type Choice = 'lag' | 'dyck1' | 'file';

export async function askExperiment(readSettings: () => { settings: ExtensionSettings }): Promise<ExperimentSpec | undefined> {
  const items: (vscode.QuickPickItem & { choice: Choice })[] = [
    { choice: 'lag', label: vscode.l10n.t('Vanishing gradients: RNN vs LSTM vs GRU on a lag task'), detail: vscode.l10n.t('Each line: a symbol, K random digits, ?, the symbol again. Recalling it needs memory K + 1 steps back.') },
    { choice: 'dyck1', label: vscode.l10n.t('Counting brackets (Dyck-1)'), detail: vscode.l10n.t('Balanced ( ) strings: whether a line may end, or must close, depends on the depth so far.') },
    { choice: 'file', label: vscode.l10n.t('Compare cells on this file'), detail: vscode.l10n.t('RNN, LSTM and GRU on the active editor\'s text with your RNN Lens settings.') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('RNN Lens: Run Experiment') });
  if (!picked) return undefined;
  let lag = DEFAULT_LAG;
  if (picked.choice === 'lag') {
    const answer = await vscode.window.showInputBox({
      title: vscode.l10n.t('RNN Lens: Run Experiment'), prompt: vscode.l10n.t('Lag: how many digits between the symbol and the ? (at 20 with the default seed the RNN fails and the LSTM and GRU learn it)'),
      value: String(DEFAULT_LAG), validateInput: (v) => (wholeIn(v, 1, 200) ? undefined : vscode.l10n.t('Enter a whole number from {0} to {1}.', 1, 200)),
    });
    if (answer === undefined) return undefined;
    lag = Number(answer);
  }
  const steps = await vscode.window.showInputBox({
    title: vscode.l10n.t('RNN Lens: Run Experiment'), prompt: vscode.l10n.t('Training steps for each cell (the three train at once; fewer steps show the start sooner)'),
    value: String(DEFAULT_STEPS), validateInput: (v) => (wholeIn(v, 1, 1_000_000) ? undefined : vscode.l10n.t('Enter a whole number from {0} to {1}.', 1, 1_000_000)),
  });
  if (steps === undefined) return undefined;
  if (picked.choice === 'file') return fileSpec(Number(steps), readSettings().settings);
  return taskSpec(picked.choice, lag, Number(steps));
}

function wholeIn(v: string, min: number, max: number): boolean {
  return /^\s*\d+\s*$/.test(v) && Number(v) >= min && Number(v) <= max;
}

async function taskSpec(choice: 'lag' | 'dyck1', lag: number, steps: number): Promise<ExperimentSpec> {
  const made = generateTask(choice, { lines: TASK_LINES, seed: TEXT_SEED, ...(choice === 'lag' ? { lag } : {}) });
  const heldOut = generateTask(choice, { lines: HELD_OUT_LINES, seed: HELD_OUT_SEED, ...(choice === 'lag' ? { lag } : {}) });
  const document = await vscode.workspace.openTextDocument({ content: made.text, language: 'plaintext' });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.One });
  return {
    task: choice === 'lag' ? { kind: 'lag', lag } : { kind: 'dyck1' },
    title: choice === 'lag' ? vscode.l10n.t('Vanishing gradients at lag {0}', lag) : vscode.l10n.t('Counting brackets (Dyck-1)'),
    text: made.text,
    source: { uri: document.uri, fileName: displayName(document.uri) },
    base: TASK_SETTINGS,
    steps,
    heldOut: heldOut.text,
    memoryPositions: Array.from(heldOut.memoryPositions),
    chance: heldOut.memorylessLoss,
  };
}

async function fileSpec(steps: number, settings: ExtensionSettings): Promise<ExperimentSpec> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) throw new UserError(vscode.l10n.t('Open a text file first: "Compare cells on this file" trains on the active editor\'s text.'));
  const read = await readTrainingText(document.uri, Math.floor(settings.maxFileSizeMB * 1024 * 1024), document);
  const { cell: _cell, ...base } = settings.train;
  const fileName = displayName(document.uri);
  return {
    task: { kind: 'file', fileName }, title: vscode.l10n.t('RNN, LSTM and GRU on {0}', fileName), text: read.text, source: { uri: document.uri, fileName },
    base, steps, heldOut: '', memoryPositions: [], chance: null,
  };
}
