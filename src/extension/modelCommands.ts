/**
 * What can be done with the session's weights besides training them: Sample Text (generated text
 * in a new document, and its start in the panel) and Save Model As (a safetensors checkpoint
 * written atomically).
 */

import * as vscode from 'vscode';
import { MAX_SAMPLE_LENGTH } from '../protocol/worker';
import { withRecordOf } from './checkpointRecords';
import { displayName } from './inputText';
import { writeFileAtomically } from './modelFiles';
import { type ExtensionSettings } from './settings';
import { type SessionHost } from './sessionHost';
import { UserError } from './userError';
import { pickModelToSave } from './bestModel';
import { type TrainingSession } from './trainingSession';

export interface ModelCommandsOptions {
  readonly host: SessionHost;
  readonly log: vscode.LogOutputChannel;
  readonly readSettings: () => { settings: ExtensionSettings };
}

export class ModelCommands {
  constructor(private readonly options: ModelCommandsOptions) {}

  /** Sample Text...: asks length, temperature and an optional prime, then opens the sample. */
  async sampleText(): Promise<void> {
    const session = this.options.host.requireLive();
    const { settings } = this.options.readSettings();
    const vocab = session.info?.config.vocab ?? [];
    const length = await vscode.window.showInputBox({
      title: vscode.l10n.t('RNN Lens: Sample Text (1/3)'), prompt: vscode.l10n.t('How many characters to generate'), value: '500',
      validateInput: (v) => (/^\s*\d+\s*$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_SAMPLE_LENGTH ? undefined : vscode.l10n.t('Enter a whole number from 1 to {0}.', MAX_SAMPLE_LENGTH)),
    });
    if (length === undefined) return;
    const temperature = await vscode.window.showInputBox({
      title: vscode.l10n.t('RNN Lens: Sample Text (2/3)'), prompt: vscode.l10n.t('Temperature: 0 always picks the likeliest character; 1 samples the model as is; higher is wilder'),
      value: String(settings.temperature),
      validateInput: (v) => (v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) >= 0 && Number(v) <= 10 ? undefined : vscode.l10n.t('Enter a number from 0 to 10.')),
    });
    if (temperature === undefined) return;
    const known = new Set(vocab);
    const prime = await vscode.window.showInputBox({
      title: vscode.l10n.t('RNN Lens: Sample Text (3/3)'), prompt: vscode.l10n.t('Prime text the sample continues (optional)'), value: '',
      validateInput: (v) => {
        const unknown = [...v].filter((c) => !known.has(c));
        return unknown.length === 0 ? undefined : vscode.l10n.t('The model has never seen {0}; use characters from the training text.', [...new Set(unknown)].slice(0, 5).map((c) => JSON.stringify(c)).join(', '));
      },
    });
    if (prime === undefined) return;
    const text = await session.sample({
      length: Number(length), temperature: Number(temperature), seed: Math.floor(Math.random() * 2 ** 32),
      ...(prime !== '' ? { prime } : {}),
    });
    const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    // In the group of the source text (the panel opened beside it): Beside would open a third
    // column and squeeze the panel, or cover it.
    const source = session.source.uri.toString();
    const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === source)?.viewColumn ?? vscode.ViewColumn.One;
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: column });
    this.options.log.info(`Sampled ${text.length} UTF-16 units at temperature ${temperature}.`);
  }

  /**
   * Save Model As...: to `arg` when a command passes a uri, otherwise where the user picks. When
   * the validation loss has risen since its lowest, the user picks that model or the latest
   * (`which.best` decides without asking; `which.session`: a session already replaced).
   */
  async saveModel(arg?: unknown, which: { session?: TrainingSession; best?: boolean } = {}): Promise<void> {
    const session = which.session ?? this.options.host.session;
    if (!session || (!session.machine.isLive && !session.latestCheckpoint)) throw new UserError(vscode.l10n.t('There is no model to save; train one first.'));
    const best = which.best ?? (arg instanceof vscode.Uri ? false : await pickModelToSave(session));
    if (best === undefined) return;
    const base = session.source.fileName.replace(/\.[^.]*$/, '') || 'model';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.joinPath(session.source.uri, '..');
    const target = arg instanceof vscode.Uri ? arg : await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, `${base}.${session.info?.config.cell ?? 'rnn'}.safetensors`),
      filters: { [vscode.l10n.t('RNN Lens model (safetensors)')]: ['safetensors'] }, saveLabel: vscode.l10n.t('Save Model'),
    });
    if (!target) return;
    const kept = best && !session.machine.isLive ? session.bestCheckpoint ?? session.latestCheckpoint! : session.latestCheckpoint!;
    const bytes = withRecordOf(session, session.machine.isLive ? (await session.save(best)).bytes : kept.bytes);
    await writeFileAtomically(target, bytes);
    this.options.log.info(`Saved the model to ${target.toString()} (${bytes.length} bytes).`);
    void vscode.window.showInformationMessage(vscode.l10n.t('RNN Lens: saved the model to {0}.', displayName(target)));
  }
}
