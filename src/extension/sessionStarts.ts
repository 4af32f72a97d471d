/**
 * The three ways a session begins: Train Character Model on a text, Load Model (a checkpoint and
 * the text it should sample, step and train on), and resuming the autosaved session after a
 * reload. Each reads and checks its text before asking anything, then hands the session host a
 * source and start options.
 */

import * as vscode from 'vscode';
import { errorText } from './engineErrors';
import { CELL_TYPES, validateSettings, type CellType, type TrainSettings } from '../engine/model/config';
import { checkTrainable } from '../engine/text';
import { InputError } from '../engine/errors';
import { type SessionRecord } from '../engine/io/sessionRecord';
import { type StartOptions } from './trainingSession';
import { type Autosave } from './autosave';
import { formatCount } from '../protocol/format';
import { readSessionRecord, textHash } from './checkpointRecords';
import { displayName, formatMB, readTrainingText } from './inputText';
import { readModelFile } from './modelFiles';
import { decodeCheckpoint } from '../engine/io/checkpoint';
import { type ExtensionSettings } from './settings';
import { cellChoices, type CellChoice } from './cellChoices';
import { type SessionHost } from './sessionHost';
import { UserError } from './userError';

const LAST_CELL_KEY = 'rnnLens.lastCell';
export interface SessionStartsOptions {
  readonly host: SessionHost;
  readonly autosave: Autosave;
  readonly globalState: vscode.Memento;
  readonly log: vscode.LogOutputChannel;
  readonly readSettings: () => { settings: ExtensionSettings; adjusted: string[] };
}

/**
 * A start decided in advance (the walkthrough's examples): the cell, without the quick pick, and
 * settings that override the user's (a small model whose unrolled graph fits on screen).
 */
export interface TrainPreset {
  readonly cell: CellType;
  readonly settings?: Partial<Omit<TrainSettings, 'cell'>>;
  readonly maxSteps?: number;
}

export class SessionStarts {
  constructor(private readonly options: SessionStartsOptions) {}

  /** Train Character Model: on `uri` (from a menu) or the active editor's file; `preset` skips the questions. */
  async train(arg?: unknown, preset?: TrainPreset): Promise<void> {
    const { host, log } = this.options;
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new UserError(vscode.l10n.t('Open a text file (or right-click one in the Explorer), then run "RNN Lens: {0}".', vscode.l10n.t('Train Character Model')));
    const read0 = this.options.readSettings();
    const { adjusted } = read0;
    const settings = preset
      ? { ...read0.settings, train: { ...read0.settings.train, ...preset.settings, cell: preset.cell }, maxSteps: preset.maxSteps ?? read0.settings.maxSteps }
      : read0.settings;
    // The file is read and checked before any question: a user who picks a cell, or agrees to
    // stop the running session, only to hear the file was empty has been asked for nothing.
    const document = openDocument(uri);
    const maxBytes = Math.floor(settings.maxFileSizeMB * 1024 * 1024);
    const read = await readTrainingText(uri, maxBytes, document);
    const fileName = displayName(uri);
    try {
      // The cell does not change what a text needs (its length and variety), so the fallback cell checks it.
      checkTrainable(read.text, settings.train);
    } catch (error) {
      if (error instanceof InputError) throw new UserError(vscode.l10n.t('{0}: {1}', fileName, errorText(error)));
      throw error;
    }
    if (!(await host.confirmReplacing())) return;
    for (const line of adjusted) log.warn(line);
    if (settings.workers > 1) log.info(`Training data-parallel on ${settings.workers} threads when the batch allows (rnnLens.workers).`);
    const choice: { cell?: CellType; hidden?: number } | undefined = preset ? { cell: preset.cell } : await this.pickCell(read.text, fileName, settings.train);
    if (!choice?.cell) return;
    const { cell } = choice;
    // The walkthrough's choice is not the user's: the quick pick keeps offering theirs first.
    if (!preset) await this.options.globalState.update(LAST_CELL_KEY, cell);
    const train: TrainSettings = { ...settings.train, cell, ...(choice.hidden !== undefined ? { hidden: choice.hidden } : {}) };
    if (choice.hidden !== undefined) log.info(`Training ${choice.hidden} hidden units rather than rnnLens.hiddenSize ${settings.train.hidden}: the text is small for that many.`);
    if (read.truncatedFromBytes !== undefined) {
      const note = vscode.l10n.t('{0} is {1}; training on its first {2} (rnnLens.maxFileSizeMB).', fileName, formatMB(read.truncatedFromBytes), formatMB(read.bytesUsed));
      log.warn(note);
      void vscode.window.showWarningMessage(vscode.l10n.t('RNN Lens: {0}', note));
    }
    log.info(`Training a ${cell.toUpperCase()} on ${uri.toString()} (${read.text.length} UTF-16 units${document?.isDirty ? ', unsaved edits included' : ''}).`);
    await host.start({ uri, fileName, text: read.text }, { settings: train, ...runOptions(settings) });
  }

  /** Load Model...: a safetensors checkpoint, to sample, step and train further (starts paused). */
  async loadModel(arg?: unknown): Promise<void> {
    const { host, log } = this.options;
    const picked = arg instanceof vscode.Uri ? [arg] : await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: vscode.l10n.t('Load Model'), filters: { [vscode.l10n.t('RNN Lens model (safetensors)')]: ['safetensors'] },
    });
    const modelUri = picked?.[0];
    if (!modelUri) return;
    const { bytes, checkpoint } = await readModelFile(modelUri);
    const config = checkpoint.config;
    log.info(`Loaded ${displayName(modelUri)}: ${config.cell.toUpperCase()} ${config.layers}x${config.hidden}, vocabulary ${config.vocab.length}${checkpoint.resume ? `, resumable at step ${checkpoint.resume.step}` : ''}.`);
    const record = readSessionRecord(bytes);
    const textUri = await this.pickTextForModel(modelUri, record);
    if (!textUri) return;
    if (!(await host.confirmReplacing())) return;
    const { settings } = this.options.readSettings();
    const train: TrainSettings = { ...(checkpoint.resume?.settings ?? settings.train), cell: config.cell, hidden: config.hidden, layers: config.layers, gruResetAfter: config.gruResetAfter };
    const problems = validateSettings(train);
    if (problems.length > 0) throw new UserError(vscode.l10n.t('{0} cannot be trained here: {1}.', displayName(modelUri), problems[0]));
    const read = await readTrainingText(textUri, Math.floor(settings.maxFileSizeMB * 1024 * 1024), openDocument(textUri));
    // The curves continue the model's own history when it is the text that history was made on.
    const sameText = record?.source !== undefined && record.source.hash === textHash(read.text);
    await host.start(
      { uri: textUri, fileName: displayName(textUri), text: read.text },
      { settings: train, ...runOptions(settings), startPaused: true, ...(checkpoint.resume ? { resume: bytes } : { init: bytes }) },
      sameText ? record?.history : undefined,
    );
  }

  /**
   * A cell trained by Run Experiment, opened in the training panel at its last step, paused, to
   * step through (and train further) on the text it learned from.
   */
  async openTrained(source: { uri: vscode.Uri; fileName: string; text: string }, bytes: Uint8Array): Promise<void> {
    const { host, log } = this.options;
    if (!(await host.confirmReplacing())) return;
    const { settings } = this.options.readSettings();
    const checkpoint = decodeCheckpoint(bytes);
    const train = checkpoint.resume?.settings;
    if (!train) throw new UserError(vscode.l10n.t('The experiment\'s checkpoint has no training state.'));
    log.info(`Opening the experiment's ${train.cell.toUpperCase()} at step ${checkpoint.resume!.step} on ${source.fileName}.`);
    await host.start(source, { settings: train, maxSteps: settings.maxSteps, traceEvery: settings.traceEvery, startPaused: true, resume: bytes });
  }

  /** After a reload: offers to continue the autosaved session. */
  async offerResume(): Promise<void> {
    const { host, autosave } = this.options;
    const saved = await autosave.pending();
    if (!saved || host.session?.machine.isLive) return;
    const { record, bytes } = saved;
    const resume = vscode.l10n.t('Resume');
    const discard = vscode.l10n.t('Discard');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('RNN Lens: resume training the {0} on {1} from step {2}?', record.cell.toUpperCase(), record.fileName, formatCount(record.step)), resume, discard,
    );
    if (choice === discard) {
      await autosave.discard();
      return;
    }
    if (choice !== resume) return;
    const uri = vscode.Uri.parse(record.file);
    const { settings } = this.options.readSettings();
    const read = await readTrainingText(uri, Math.floor(settings.maxFileSizeMB * 1024 * 1024), openDocument(uri));
    await host.start(
      { uri, fileName: record.fileName, text: read.text },
      { settings: settings.train, ...runOptions(settings), resume: bytes },
      readSessionRecord(bytes)?.history,
    );
  }

  private async pickCell(text: string, fileName: string, train: TrainSettings): Promise<CellChoice | undefined> {
    const remembered = this.options.globalState.get<string>(LAST_CELL_KEY);
    const preferred = CELL_TYPES.find((c) => c === remembered) ?? train.cell;
    const { items, placeHolder } = cellChoices(text, fileName, train, preferred);
    return vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('RNN Lens: which cell?'), placeHolder: placeHolder ?? vscode.l10n.t('The architecture to train (other choices come from the rnnLens.* settings)'),
    });
  }

  /** Which text: the one the model was trained on first (when the checkpoint says and it still exists), then the open ones. */
  private async pickTextForModel(modelUri: vscode.Uri, record: SessionRecord | null): Promise<vscode.Uri | undefined> {
    const session = this.options.host.session;
    const active = vscode.window.activeTextEditor?.document.uri;
    const candidates: { label: string; description: string; uri?: vscode.Uri }[] = [];
    const seen = new Set<string>([modelUri.toString()]);
    const offer = (uri: vscode.Uri, description: string): void => {
      if (seen.has(uri.toString())) return;
      seen.add(uri.toString());
      candidates.push({ label: displayName(uri), description, uri });
    };
    const trained = record?.source ? await this.trainedText(record.source) : undefined;
    if (trained) offer(trained.uri, trained.description);
    if (active) offer(active, vscode.l10n.t('the active editor'));
    if (session) offer(session.source.uri, vscode.l10n.t('the current session\'s text'));
    candidates.push({ label: vscode.l10n.t('Choose a file...'), description: vscode.l10n.t('any text file written with the model\'s characters') });
    const picked = await vscode.window.showQuickPick(candidates, { title: vscode.l10n.t('RNN Lens: which text should the loaded model sample, step and train on?') });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Use This Text') });
    return files?.[0];
  }

  /** The text a checkpoint names as its own, if it can still be read, and whether it still holds what was trained on. */
  private async trainedText(source: { path: string; hash: string }): Promise<{ uri: vscode.Uri; description: string } | undefined> {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(source.path, true);
    } catch {
      return undefined;
    }
    try {
      const { settings } = this.options.readSettings();
      const read = await readTrainingText(uri, Math.floor(settings.maxFileSizeMB * 1024 * 1024), openDocument(uri));
      const same = textHash(read.text) === source.hash;
      return { uri, description: same ? vscode.l10n.t('the text this model was trained on') : vscode.l10n.t('the text this model was trained on (changed since)') };
    } catch {
      return undefined; // moved or deleted: not offered
    }
  }
}

/** What a session is started with besides its settings: the step limit, traces and samples while training. */
function runOptions(settings: ExtensionSettings): Omit<StartOptions, 'settings'> {
  return {
    maxSteps: settings.maxSteps, traceEvery: settings.traceEvery,
    ...(settings.sampleEvery > 0 ? { samples: { every: settings.sampleEvery, length: settings.sampleLength, temperature: settings.temperature } } : {}),
  };
}

/** The open document of `uri`, if any: its text (unsaved edits included) is what gets trained on. */
function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}
