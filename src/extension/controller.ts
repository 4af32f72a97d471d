/**
 * The extension's one object: it owns the current training session and every piece of UI that
 * follows it (status bar, progress notification, context keys, panel, gradient view, timestep
 * cursor, editor highlight, neuron colours, autosave) and implements each command. It only routes
 * and asks: the worker trains, the webviews draw.
 */

import * as vscode from 'vscode';
import { CELL_TYPES, validateSettings, type CellType, type TrainSettings } from '../engine/model/config';
import { checkTrainable } from '../engine/text';
import { InputError } from '../engine/errors';
import { MAX_SAMPLE_LENGTH, type TraceMessage } from '../protocol/worker';
import { sessionInfo, type HostToWebview, type WebviewToHost, type TrainingState as WebviewTrainingState } from '../protocol/webview';
import { Autosave } from './autosave';
import { CONTEXT_KEYS, ContextKeys } from './contextKeys';
import { CursorHighlight } from './cursorHighlight';
import { runGradientCheck, GRADCHECK_TOLERANCE } from './gradientCheck';
import { GradientFlowViewProvider } from './gradientFlowView';
import { displayName, formatMB, readTrainingText } from './inputText';
import { readModelFile, writeFileAtomically } from './modelFiles';
import { MAX_COLORED_CHARS, NeuronColors, TOP_PREDICTIONS, type NeuronSelection } from './neuronColors';
import { showTrainingProgress } from './progressNotification';
import { readSettings, type ExtensionSettings } from './settings';
import { SourceDocument } from './sourceDocument';
import { StatusBar } from './statusBar';
import { TimestepCursor } from './timestepCursor';
import { TrainingPanel } from './trainingPanel';
import { TrainingSession, type StartOptions, type TrainingSource } from './trainingSession';
import { isUserFacing, messageOf, UserError } from './userError';
import { type WorkerFactory } from './workerClient';

const LAST_CELL_KEY = 'rnnLens.lastCell';
/** While training, neuron colours follow the weights at most this often (a pass over the text costs the worker up to ~2 s). */
export const NEURON_RECOLOR_INTERVAL_MS = 30_000;
const CELL_LABELS: Record<CellType, { label: string; detail: string }> = {
  rnn: { label: 'RNN', detail: 'Vanilla recurrent network: h_t = tanh(W_ih x_t + W_hh h_{t-1} + b)' },
  lstm: { label: 'LSTM', detail: 'Long short-term memory: input, forget and output gates around a cell state c_t' },
  gru: { label: 'GRU', detail: 'Gated recurrent unit: reset and update gates, no separate cell state' },
};

/** What the controller needs from the ExtensionContext (a subset, so tests can build one). */
export interface ControllerContext {
  readonly extensionUri: vscode.Uri;
  readonly storageUri: vscode.Uri | undefined;
  readonly globalState: vscode.Memento;
}

export interface ControllerOptions {
  readonly workerFactory: WorkerFactory;
  readonly autosaveIntervalMs?: number;
}

export class RnnLensController implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly contextKeys = new ContextKeys();
  readonly statusBar = new StatusBar();
  readonly cursor = new TimestepCursor();
  readonly highlight = new CursorHighlight();
  readonly neuronColors = new NeuronColors();
  readonly gradientView: GradientFlowViewProvider;
  readonly autosave: Autosave;

  session: TrainingSession | null = null;
  private sourceDocument: SourceDocument | null = null;
  private sessionSubscriptions: vscode.Disposable[] = [];
  private panelSubscriptions: vscode.Disposable[] = [];
  private wiredPanel: TrainingPanel | undefined;
  private selectedUnit: NeuronSelection = { layer: 0, unit: 0 };
  /** The number of the training panel's latest cursor report applied (see the protocol's cursor notes); none from a fresh page. */
  private panelCursorAck: number | undefined;
  private warnedAboutEdits = false;
  /** Neuron colours: a pass is in flight (at most one), another was asked for meanwhile, when the last one was asked for. */
  private recolorInFlight = false;
  private recolorPending = false;
  private lastRecolorAt = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: ControllerContext, private readonly options: ControllerOptions) {
    this.log = vscode.window.createOutputChannel('RNN Lens', { log: true });
    this.gradientView = new GradientFlowViewProvider(context.extensionUri);
    this.autosave = new Autosave(context.storageUri, this.log, options.autosaveIntervalMs);
    this.disposables.push(
      this.log, this.statusBar, this.highlight, this.neuronColors, this.gradientView, this.autosave,
      vscode.window.registerWebviewViewProvider(GradientFlowViewProvider.viewType, this.gradientView),
      this.gradientView.onDidReceiveMessage((m) => this.onWebviewMessage(m, 'gradient')),
      TrainingPanel.registerSerializer(context.extensionUri, (panel) => this.wirePanel(panel)),
      this.cursor.onDidChange(() => this.onCursorMoved()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshEditorDecorations()),
    );
    const tabs = vscode.window.tabGroups;
    if (tabs?.onDidChangeTabs) this.disposables.push(tabs.onDidChangeTabs(() => this.updatePanelFocus()));
    if (tabs?.onDidChangeTabGroups) this.disposables.push(tabs.onDidChangeTabGroups(() => this.updatePanelFocus()));
    this.contextKeys.setSessionState(undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Starting sessions

  /** Train Character Model: on `uri` (from a menu) or the active editor's file. */
  async train(arg?: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new UserError('Open a text file (or right-click one in the Explorer), then run "RNN Lens: Train Character Model".');
    const { settings, adjusted } = this.readSettings();
    // The file is read and checked before any question: a user who picks a cell, or agrees to
    // stop the running session, only to hear the file was empty has been asked for nothing.
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const maxBytes = Math.floor(settings.maxFileSizeMB * 1024 * 1024);
    const read = await readTrainingText(uri, maxBytes, document);
    const fileName = displayName(uri);
    try {
      // The cell does not change what a text needs (its length and variety), so the fallback cell checks it.
      checkTrainable(read.text, settings.train);
    } catch (error) {
      if (error instanceof InputError) throw new UserError(`${fileName}: ${error.message}`);
      throw error;
    }
    if (!(await this.confirmReplacingSession())) return;
    for (const line of adjusted) this.log.warn(line);
    if (settings.workers > 1) this.log.info(`Training data-parallel on ${settings.workers} threads when the batch allows (rnnLens.workers).`);
    const cell = await this.pickCell(settings.train.cell);
    if (!cell) return;
    await this.context.globalState.update(LAST_CELL_KEY, cell);
    const train: TrainSettings = { ...settings.train, cell };
    if (read.truncatedFromBytes !== undefined) {
      const note = `${fileName} is ${formatMB(read.truncatedFromBytes)}; training on its first ${formatMB(read.bytesUsed)} (rnnLens.maxFileSizeMB).`;
      this.log.warn(note);
      void vscode.window.showWarningMessage(`RNN Lens: ${note}`);
    }
    this.log.info(`Training a ${cell.toUpperCase()} on ${uri.toString()} (${read.text.length} UTF-16 units${document?.isDirty ? ', unsaved edits included' : ''}).`);
    await this.startSession({ uri, fileName, text: read.text }, { settings: train, maxSteps: settings.maxSteps, traceEvery: settings.traceEvery });
  }

  /** Load Model...: a safetensors checkpoint, to sample, step and train further (starts paused). */
  async loadModel(arg?: unknown): Promise<void> {
    const picked = arg instanceof vscode.Uri ? [arg] : await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: 'Load Model', filters: { 'RNN Lens model (safetensors)': ['safetensors'] },
    });
    const modelUri = picked?.[0];
    if (!modelUri) return;
    const { bytes, checkpoint } = await readModelFile(modelUri);
    const config = checkpoint.config;
    this.log.info(`Loaded ${displayName(modelUri)}: ${config.cell.toUpperCase()} ${config.layers}x${config.hidden}, vocabulary ${config.vocab.length}${checkpoint.resume ? `, resumable at step ${checkpoint.resume.step}` : ''}.`);
    const textUri = await this.pickTextForModel(modelUri);
    if (!textUri) return;
    if (!(await this.confirmReplacingSession())) return;
    const { settings } = this.readSettings();
    const train: TrainSettings = { ...(checkpoint.resume?.settings ?? settings.train), cell: config.cell, hidden: config.hidden, layers: config.layers, gruResetAfter: config.gruResetAfter };
    const problems = validateSettings(train);
    if (problems.length > 0) throw new UserError(`${displayName(modelUri)} cannot be trained here: ${problems[0]}.`);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === textUri.toString());
    const read = await readTrainingText(textUri, Math.floor(settings.maxFileSizeMB * 1024 * 1024), document);
    await this.startSession(
      { uri: textUri, fileName: displayName(textUri), text: read.text },
      { settings: train, maxSteps: settings.maxSteps, traceEvery: settings.traceEvery, startPaused: true, ...(checkpoint.resume ? { resume: bytes } : { init: bytes }) },
    );
  }

  /** After a reload: offers to continue the autosaved session. */
  async offerResume(): Promise<void> {
    const saved = await this.autosave.pending();
    if (!saved || this.session?.machine.isLive) return;
    const { record, bytes } = saved;
    const choice = await vscode.window.showInformationMessage(
      `RNN Lens: resume training the ${record.cell.toUpperCase()} on ${record.fileName} from step ${record.step}?`, 'Resume', 'Discard',
    );
    if (choice === 'Discard') {
      await this.autosave.discard();
      return;
    }
    if (choice !== 'Resume') return;
    const uri = vscode.Uri.parse(record.file);
    const { settings } = this.readSettings();
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const read = await readTrainingText(uri, Math.floor(settings.maxFileSizeMB * 1024 * 1024), document);
    await this.startSession(
      { uri, fileName: record.fileName, text: read.text },
      { settings: settings.train, maxSteps: settings.maxSteps, traceEvery: settings.traceEvery, resume: bytes },
    );
  }

  private async startSession(source: TrainingSource, options: StartOptions): Promise<void> {
    this.endSessionWiring();
    const session = new TrainingSession(source, this.options.workerFactory, this.log);
    this.session = session;
    this.sourceDocument = new SourceDocument(source);
    this.warnedAboutEdits = false;
    this.cursor.setWindowLength(0);
    this.sessionSubscriptions.push(
      session,
      this.sourceDocument,
      session.onDidChangeState((state) => {
        this.contextKeys.setSessionState(state, session.latestCheckpoint !== null);
        this.updateStatus();
        const progress = session.latestProgress;
        const webviewState = toWebviewState(state);
        if (progress && webviewState) this.postToViews({ type: 'progress', progress: { ...progressInfo(progress), state: webviewState } });
        if (state === 'stopped' || state === 'failed') {
          this.autosave.detach();
          this.clearNeuronColors();
        } else {
          this.maybeRecolor();
        }
      }),
      session.onDidStart((info) => {
        this.postToViews({
          type: 'session',
          session: sessionInfo(source.fileName, info),
        });
        if (info.notice) void vscode.window.showInformationMessage(`RNN Lens: ${info.notice}`);
      }),
      session.onProgress((p) => {
        this.updateStatus();
        this.maybeRecolor();
        this.postToViews({ type: 'progress', progress: progressInfo(p) });
      }),
      session.onStats((s) => this.postToViews({
        type: 'stats', stats: { step: s.step, tensors: s.tensors, gradNorm: s.gradNorm, clipScale: s.clipScale, spectralNorms: s.spectralNorms },
      })),
      session.onTrace((t) => this.onTrace(t)),
      session.onCheckpoint(() => this.contextKeys.setSessionState(session.state, session.latestCheckpoint !== null)),
      session.onProblem((message) => void vscode.window.showErrorMessage(`RNN Lens: ${message}`)),
    );
    this.contextKeys.setSessionState(session.state);
    this.autosave.attach(session);
    try {
      this.showPanel();
    } catch (error) {
      // Training does not depend on the panel: say what went wrong and train anyway.
      this.report(error);
    }
    void showTrainingProgress(session, () => void this.stop());
    this.updateStatus();
    // rnnLens.workers is read at every start, so a changed setting applies to the next session.
    await session.start({ workers: this.readSettings().settings.workers, ...options });
  }

  private endSessionWiring(): void {
    this.neuronColors.clear();
    this.recolorPending = false;
    this.contextKeys.set(CONTEXT_KEYS.neuronColorsShown, false);
    this.contextKeys.set(CONTEXT_KEYS.hasTrace, false);
    this.highlight.clear();
    for (const d of this.sessionSubscriptions.splice(0)) d.dispose();
    this.sourceDocument = null;
  }

  /** One session at a time: asks before stopping a live one. Returns false when the user keeps it. */
  private async confirmReplacingSession(): Promise<boolean> {
    const current = this.session;
    if (!current || !current.machine.isLive) return true;
    const choice = await vscode.window.showWarningMessage(
      `RNN Lens is training on ${current.source.fileName}. Stop that session and start a new one?`, { modal: true }, 'Stop and Start New',
    );
    if (choice !== 'Stop and Start New') return false;
    await current.stop();
    await this.autosave.flush();
    return true;
  }

  private async pickCell(fallback: CellType): Promise<CellType | undefined> {
    const remembered = this.context.globalState.get<string>(LAST_CELL_KEY);
    const preferred = CELL_TYPES.find((c) => c === remembered) ?? fallback;
    const items = [preferred, ...CELL_TYPES.filter((c) => c !== preferred)].map((cell) => ({ ...CELL_LABELS[cell], cell }));
    const picked = await vscode.window.showQuickPick(items, { title: 'RNN Lens: which cell?', placeHolder: 'The architecture to train (other choices come from the rnnLens.* settings)' });
    return picked?.cell;
  }

  private async pickTextForModel(modelUri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const candidates: { label: string; description: string; uri?: vscode.Uri }[] = [];
    if (active && active.toString() !== modelUri.toString()) candidates.push({ label: displayName(active), description: 'the active editor', uri: active });
    if (this.session && this.session.source.uri.toString() !== active?.toString()) candidates.push({ label: this.session.source.fileName, description: 'the current session\'s text', uri: this.session.source.uri });
    candidates.push({ label: 'Choose a file...', description: 'any text file written with the model\'s characters' });
    const picked = await vscode.window.showQuickPick(candidates, { title: 'RNN Lens: which text should the loaded model sample, step and train on?' });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use This Text' });
    return files?.[0];
  }

  private readSettings(): { settings: ExtensionSettings; adjusted: string[] } {
    return readSettings(vscode.workspace.getConfiguration('rnnLens'));
  }

  // -------------------------------------------------------------------------------------------
  // Controlling the session

  private requireLiveSession(): TrainingSession {
    const session = this.session;
    if (!session || !session.machine.isLive) throw new UserError('No training session is running; start one with "RNN Lens: Train Character Model".');
    return session;
  }

  pause(): void {
    const session = this.requireLiveSession();
    if (!session.pause() && session.state !== 'paused') throw new UserError('Training is still starting; pause once it runs.');
  }

  resume(): void {
    const session = this.requireLiveSession();
    if (!session.resume() && session.state !== 'training') throw new UserError('Training is still starting.');
  }

  async stop(): Promise<void> {
    const session = this.session;
    if (!session || !session.machine.isLive) return;
    await session.stop();
    await this.autosave.flush();
    const step = session.latestCheckpoint?.step ?? session.latestProgress?.step ?? 0;
    this.log.info(`Stopped at step ${step}.`);
  }

  async trainOneStep(): Promise<void> {
    const session = this.requireLiveSession();
    if (session.state !== 'paused') throw new UserError('Pause training first ("RNN Lens: Pause Training"), then train one step at a time.');
    const { step, loss } = await session.stepOnce();
    this.log.info(`One step: step ${step}, loss ${loss.toFixed(4)}.`);
  }

  // -------------------------------------------------------------------------------------------
  // The timestep cursor

  moveCursor(move: 'next' | 'previous' | 'first' | 'last' | 'toggle'): void {
    if (this.cursor.length === 0) throw new UserError('There is no trace window yet: start training and wait for the first trace.');
    switch (move) {
      case 'next': return this.cursor.next();
      case 'previous': return this.cursor.previous();
      case 'first': return this.cursor.first();
      case 'last': return this.cursor.last();
      case 'toggle': return this.cursor.toggleDirection();
    }
  }

  async goToTimestep(arg?: unknown): Promise<void> {
    const T = this.cursor.length;
    if (T === 0) throw new UserError('There is no trace window yet: start training and wait for the first trace.');
    let t: number | undefined = typeof arg === 'number' ? arg : undefined;
    if (t === undefined) {
      const answer = await vscode.window.showInputBox({
        title: 'RNN Lens: Go to Timestep', prompt: `A timestep from 0 to ${T - 1}`, value: String(this.cursor.t),
        validateInput: (v) => (/^\s*\d+\s*$/.test(v) && Number(v) < T ? undefined : `Enter a whole number from 0 to ${T - 1}.`),
      });
      if (answer === undefined) return;
      t = Number(answer);
    }
    if (!Number.isInteger(t) || t < 0 || t >= T) throw new UserError(`Timestep ${t} is outside the window (0 to ${T - 1}).`);
    this.cursor.goTo(t);
  }

  private onCursorMoved(): void {
    this.postToViews(this.cursorMessage());
    this.refreshHighlight(true);
  }

  /** The cursor as the views are told it, with the panel's acknowledgement when it has reported moves. */
  private cursorMessage(): HostToWebview {
    const { t, direction } = this.cursor;
    return this.panelCursorAck === undefined ? { type: 'cursor', t, direction } : { type: 'cursor', t, direction, ack: this.panelCursorAck };
  }

  private onTrace(message: TraceMessage): void {
    this.cursor.setWindowLength(message.header.steps);
    this.contextKeys.set(CONTEXT_KEYS.hasTrace, true);
    this.postToViews({ type: 'trace', header: message.header, ids: message.ids, data: message.data });
    this.refreshEditorDecorations();
    this.maybeRecolor();
  }

  private refreshEditorDecorations(): void {
    this.refreshHighlight(false);
    this.neuronColors.apply();
  }

  /** Highlights x_t, the input at the cursor, in the training file (only while training is paused: a running cursor would flicker). */
  private refreshHighlight(reveal: boolean): void {
    const trace = this.session?.latestTrace;
    const doc = this.sourceDocument;
    if (!trace || !doc || this.session?.state !== 'paused') {
      this.highlight.clear();
      return;
    }
    const shown = this.highlight.show(doc, trace.header.position + this.cursor.t, reveal);
    if (!shown && !this.warnedAboutEdits && vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === doc.source.uri.toString())) {
      this.warnedAboutEdits = true;
      this.log.info(`${doc.source.fileName} no longer matches the text training started with; training continues on that snapshot, and the editor highlight is off.`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Panel and gradient view

  showPanel(): void {
    const panel = TrainingPanel.createOrShow(this.context.extensionUri, vscode.ViewColumn.Beside);
    this.wirePanel(panel);
  }

  async showGradientFlow(): Promise<void> {
    await vscode.commands.executeCommand(`${GradientFlowViewProvider.viewType}.focus`);
  }

  private wirePanel(panel: TrainingPanel): void {
    if (this.wiredPanel === panel) return;
    for (const d of this.panelSubscriptions.splice(0)) d.dispose();
    this.wiredPanel = panel;
    this.panelSubscriptions.push(
      panel.onDidReceiveMessage((m) => this.onWebviewMessage(m, 'panel')),
      panel.onDidDispose(() => {
        if (this.wiredPanel === panel) this.wiredPanel = undefined;
        for (const d of this.panelSubscriptions.splice(0)) d.dispose();
        this.updatePanelFocus();
      }),
    );
    for (const message of this.currentViewState()) panel.post(message);
    this.updatePanelFocus();
  }

  /** Everything a freshly opened view needs to show the current session. */
  private currentViewState(): HostToWebview[] {
    const session = this.session;
    if (!session?.info) return [];
    const info = session.info;
    const out: HostToWebview[] = [{
      type: 'session',
      session: sessionInfo(session.source.fileName, info),
    }];
    const state = toWebviewState(session.state);
    if (session.latestProgress && state) out.push({ type: 'progress', progress: { ...progressInfo(session.latestProgress), state } });
    const s = session.latestStats;
    if (s) out.push({ type: 'stats', stats: { step: s.step, tensors: s.tensors, gradNorm: s.gradNorm, clipScale: s.clipScale, spectralNorms: s.spectralNorms } });
    const t = session.latestTrace;
    if (t) out.push({ type: 'trace', header: t.header, ids: t.ids, data: t.data });
    out.push({ type: 'selection', layer: this.selectedUnit.layer, unit: this.selectedUnit.unit });
    out.push(this.cursorMessage());
    return out;
  }

  private postToViews(message: HostToWebview): void {
    TrainingPanel.current?.post(message);
    this.gradientView.post(message);
  }

  /** Messages from either webview (already validated by their classes). */
  onWebviewMessage(message: WebviewToHost, from: 'panel' | 'gradient'): void {
    const run = (work: () => unknown): void => {
      void Promise.resolve().then(work).catch((error) => this.report(error));
    };
    switch (message.type) {
      case 'ready':
        // A freshly loaded page has reported no cursor moves yet.
        if (from === 'panel') this.panelCursorAck = undefined;
        return;
      case 'action':
        switch (message.action) {
          case 'play': return run(() => this.resume());
          case 'pause': return run(() => this.pause());
          case 'step': return run(() => this.trainOneStep());
          case 'stop': return run(() => this.stop());
        }
        return;
      case 'cursor':
        if (from === 'panel' && message.seq !== undefined) this.panelCursorAck = message.seq;
        return this.cursor.set(message.t, message.direction);
      case 'selectUnit': {
        const info = this.session?.info;
        if (info && (message.layer >= info.config.layers || message.unit >= info.config.hidden)) return;
        this.selectedUnit = { layer: message.layer, unit: message.unit };
        this.postToViews({ type: 'selection', layer: message.layer, unit: message.unit });
        if (this.neuronColors.isShown) this.recolor(this.selectedUnit, false);
        return;
      }
    }
  }

  private updatePanelFocus(): void {
    const tab = vscode.window.tabGroups?.activeTabGroup?.activeTab;
    const input = tab?.input as { viewType?: unknown } | undefined;
    const focused = typeof input?.viewType === 'string' && input.viewType.endsWith(TrainingPanel.viewType);
    this.contextKeys.set(CONTEXT_KEYS.panelFocused, focused);
  }

  private updateStatus(): void {
    const session = this.session;
    if (!session) {
      this.statusBar.hide();
      return;
    }
    const p = session.latestProgress;
    this.statusBar.show({
      cell: session.info?.config.cell ?? '', state: session.state, fileName: session.source.fileName,
      ...(p ? { step: p.step, loss: p.loss, valLoss: p.valLoss } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Sampling, saving, neuron colours, gradient check

  async sampleText(): Promise<void> {
    const session = this.requireLiveSession();
    const { settings } = this.readSettings();
    const vocab = session.info?.config.vocab ?? [];
    const length = await vscode.window.showInputBox({
      title: 'RNN Lens: Sample Text (1/3)', prompt: 'How many characters to generate', value: '500',
      validateInput: (v) => (/^\s*\d+\s*$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_SAMPLE_LENGTH ? undefined : `Enter a whole number from 1 to ${MAX_SAMPLE_LENGTH}.`),
    });
    if (length === undefined) return;
    const temperature = await vscode.window.showInputBox({
      title: 'RNN Lens: Sample Text (2/3)', prompt: 'Temperature: 0 always picks the likeliest character; 1 samples the model as is; higher is wilder',
      value: String(settings.temperature),
      validateInput: (v) => (v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) >= 0 && Number(v) <= 10 ? undefined : 'Enter a number from 0 to 10.'),
    });
    if (temperature === undefined) return;
    const known = new Set(vocab);
    const prime = await vscode.window.showInputBox({
      title: 'RNN Lens: Sample Text (3/3)', prompt: 'Prime text the sample continues (optional)', value: '',
      validateInput: (v) => {
        const unknown = [...v].filter((c) => !known.has(c));
        return unknown.length === 0 ? undefined : `The model has never seen ${[...new Set(unknown)].slice(0, 5).map((c) => JSON.stringify(c)).join(', ')}; use characters from the training text.`;
      },
    });
    if (prime === undefined) return;
    const text = await session.sample({
      length: Number(length), temperature: Number(temperature), seed: Math.floor(Math.random() * 2 ** 32),
      ...(prime !== '' ? { prime } : {}),
    });
    this.postToViews({ type: 'sample', text: text.slice(0, 20_000) });
    const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    this.log.info(`Sampled ${text.length} UTF-16 units at temperature ${temperature}.`);
  }

  async saveModel(arg?: unknown): Promise<void> {
    const session = this.session;
    if (!session || (!session.machine.isLive && !session.latestCheckpoint)) throw new UserError('There is no model to save; train one first.');
    const base = session.source.fileName.replace(/\.[^.]*$/, '') || 'model';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.joinPath(session.source.uri, '..');
    const target = arg instanceof vscode.Uri ? arg : await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, `${base}.${session.info?.config.cell ?? 'rnn'}.safetensors`),
      filters: { 'RNN Lens model (safetensors)': ['safetensors'] }, saveLabel: 'Save Model',
    });
    if (!target) return;
    const bytes = session.machine.isLive ? (await session.save()).bytes : session.latestCheckpoint!.bytes;
    await writeFileAtomically(target, bytes);
    this.log.info(`Saved the model to ${target.toString()} (${bytes.length} bytes).`);
    void vscode.window.showInformationMessage(`RNN Lens: saved the model to ${displayName(target)}.`);
  }

  async colorTextByNeuron(arg?: unknown): Promise<void> {
    const session = this.session;
    if (!session?.info || !session.machine.isLive || !this.sourceDocument) {
      throw new UserError('Train a model first: neuron colours show a unit\'s activations over the training file with the current weights.');
    }
    const { layers, hidden } = session.info.config;
    let selection = parseSelection(arg, layers, hidden);
    if (!selection) {
      const current = this.selectedUnit;
      const answer = await vscode.window.showInputBox({
        title: 'RNN Lens: Color Text by Neuron',
        prompt: layers > 1 ? `Layer and unit as "layer:unit" (layers 0-${layers - 1}, units 0-${hidden - 1}; the panel's heatmap selects one too)` : `Hidden unit (0-${hidden - 1}; the panel's heatmap selects one too)`,
        value: layers > 1 ? `${current.layer}:${current.unit}` : String(current.unit),
        validateInput: (v) => (parseSelection(v, layers, hidden) ? undefined : `Enter ${layers > 1 ? 'layer:unit, e.g. 0:12' : 'a unit number'} within the model (${layers} layer(s) of ${hidden} units).`),
      });
      if (answer === undefined) return;
      selection = parseSelection(answer, layers, hidden);
      if (!selection) return;
    }
    this.selectedUnit = selection;
    this.postToViews({ type: 'selection', layer: selection.layer, unit: selection.unit });
    const doc = this.sourceDocument;
    if (doc.matchingEditors().length === 0 && !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === doc.source.uri.toString())) {
      try {
        const document = await vscode.workspace.openTextDocument(doc.source.uri);
        await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.One });
      } catch {
        throw new UserError(`${doc.source.fileName} cannot be opened any more, so there is nothing to colour.`);
      }
    }
    await this.recolor(selection, true);
  }

  /**
   * Colours the text by `selection` with the worker's current weights. One pass at a time: a
   * request made while one is in flight is remembered, and the latest selection is coloured next.
   * `announce` (the command) reveals the text and says what happened; the automatic refreshes
   * (new selection in the panel, new weights) only log.
   */
  private async recolor(selection: NeuronSelection, announce: boolean): Promise<void> {
    const session = this.session;
    const doc = this.sourceDocument;
    if (!session?.info || !doc) return;
    this.neuronColors.select(selection);
    this.contextKeys.set(CONTEXT_KEYS.neuronColorsShown, true);
    if (this.recolorInFlight) {
      this.recolorPending = true;
      return;
    }
    this.recolorInFlight = true;
    this.lastRecolorAt = Date.now();
    try {
      const result = await session.unitActivations({ ...selection, maxChars: MAX_COLORED_CHARS, topK: TOP_PREDICTIONS });
      // Cleared, or another session, while the worker was busy: this answer is for nobody.
      if (this.session !== session || this.sourceDocument !== doc || !this.neuronColors.isShown) return;
      if (this.recolorPending) return; // a newer request follows in finally
      const outcome = this.neuronColors.show(doc, result, session.info.config.vocab);
      const unit = `layer ${result.layer} unit ${result.unit}`;
      if (outcome.kind === 'stale') {
        const note = `${doc.source.fileName} has changed since training started, so its characters no longer line up with the model's; nothing is coloured. Undo the edits or train again to see neuron colours.`;
        this.log.warn(note);
        if (announce) void vscode.window.showWarningMessage(`RNN Lens: ${note}`);
        return;
      }
      const partial = outcome.colored < outcome.total;
      const note = `Coloured ${partial ? `the first ${outcome.colored.toLocaleString('en-US')} of ${outcome.total.toLocaleString('en-US')}` : `all ${outcome.colored.toLocaleString('en-US')}`} characters of ${doc.source.fileName} by ${unit} (weights of step ${result.step}).`;
      this.log.info(note);
      if (announce && partial) void vscode.window.showInformationMessage(`RNN Lens: ${note}${outcome.colored < MAX_COLORED_CHARS ? ' A bigger model reads fewer characters per pass.' : ''}`);
      if (announce) {
        const editor = doc.matchingEditors()[0];
        editor?.revealRange(doc.range(editor.document, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    } catch (error) {
      if (this.session !== session || !session.machine.isLive) return; // the session ended meanwhile: nothing to colour
      if (announce) throw error;
      this.log.warn(`Neuron colours were not refreshed: ${messageOf(error)}`);
    } finally {
      this.recolorInFlight = false;
      if (this.recolorPending) {
        this.recolorPending = false;
        const next = this.neuronColors.selection;
        if (next && this.session === session) void this.recolor(next, false).catch((error) => this.report(error));
      }
    }
  }

  /** New weights since the colours were computed: refresh once paused, or every NEURON_RECOLOR_INTERVAL_MS while training. */
  private maybeRecolor(): void {
    const selection = this.neuronColors.selection;
    const session = this.session;
    if (!selection || !session || this.recolorInFlight) return;
    const shownStep = this.neuronColors.result?.step;
    const step = Math.max(session.latestProgress?.step ?? -1, session.latestTrace?.header.trainingStep ?? -1);
    if (shownStep === undefined || step < 0 || step === shownStep) return;
    const due = session.state === 'paused' || (session.state === 'training' && Date.now() - this.lastRecolorAt >= NEURON_RECOLOR_INTERVAL_MS);
    if (due) void this.recolor(selection, false);
  }

  clearNeuronColors(): void {
    this.neuronColors.clear();
    this.recolorPending = false;
    this.contextKeys.set(CONTEXT_KEYS.neuronColorsShown, false);
  }

  async runGradientCheck(): Promise<void> {
    const { settings } = this.readSettings();
    const cell = this.session?.info?.config.cell ?? settings.train.cell;
    const options = { cell, layers: 2, hidden: 4, gruResetAfter: settings.train.gruResetAfter };
    this.log.info(`Gradient check: ${cell.toUpperCase()}, ${options.layers} layers of ${options.hidden} units, float64 finite differences against BPTT.`);
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `RNN Lens: checking ${cell.toUpperCase()} gradients...` },
      () => runGradientCheck(this.options.workerFactory, options),
    );
    let worst = 0;
    for (const r of results) {
      this.log.info(`  ${r.tensor}: max relative error ${r.maxRelError.toExponential(2)}`);
      worst = Math.max(worst, Number.isFinite(r.maxRelError) ? r.maxRelError : Infinity);
    }
    const verdict = `${cell.toUpperCase()} gradient check over ${results.length} tensors: max relative error ${worst.toExponential(2)}`;
    if (worst < GRADCHECK_TOLERANCE) void vscode.window.showInformationMessage(`RNN Lens: ${verdict}, passed (< ${GRADCHECK_TOLERANCE}).`);
    else void vscode.window.showWarningMessage(`RNN Lens: ${verdict}, FAILED (tolerance ${GRADCHECK_TOLERANCE}); see the RNN Lens log.`);
  }

  // -------------------------------------------------------------------------------------------

  /** Shows an error from a command: user-facing ones as they are, anything else as a bug with the log named. */
  report(error: unknown): void {
    if (isUserFacing(error)) {
      this.log.warn(messageOf(error));
      void vscode.window.showErrorMessage(`RNN Lens: ${messageOf(error)}`);
    } else {
      this.log.error(error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error));
      void vscode.window.showErrorMessage(`RNN Lens: something went wrong (${messageOf(error)}); details are in the RNN Lens log.`);
    }
  }

  /** Ends training (final checkpoint autosaved), within a time limit: used by deactivate. */
  async shutdown(): Promise<void> {
    await Promise.race([this.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 4000))]);
    this.dispose();
  }

  dispose(): void {
    this.endSessionWiring();
    this.session = null;
    for (const d of this.panelSubscriptions.splice(0)) d.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function progressInfo(p: { step: number; loss: number; valLoss: number | null; charsPerSec: number; state: 'training' | 'paused' }) {
  return { step: p.step, loss: p.loss, valLoss: p.valLoss, charsPerSec: p.charsPerSec, state: p.state as WebviewTrainingState };
}

function toWebviewState(state: string): WebviewTrainingState | null {
  return state === 'training' || state === 'paused' || state === 'stopped' || state === 'failed' ? state : null;
}

/** "12" (layer 0) or "1:12"; also accepts {layer, unit}. Null when outside the model. */
export function parseSelection(value: unknown, layers: number, hidden: number): NeuronSelection | null {
  let layer: number;
  let unit: number;
  if (typeof value === 'string') {
    const m = /^\s*(?:(\d+)\s*:\s*)?(\d+)\s*$/.exec(value);
    if (!m) return null;
    layer = m[1] === undefined ? 0 : Number(m[1]);
    unit = Number(m[2]);
  } else if (typeof value === 'object' && value !== null && 'unit' in value) {
    const v = value as { layer?: unknown; unit?: unknown };
    layer = typeof v.layer === 'number' ? v.layer : 0;
    if (typeof v.unit !== 'number') return null;
    unit = v.unit;
  } else {
    return null;
  }
  return Number.isInteger(layer) && Number.isInteger(unit) && layer >= 0 && layer < layers && unit >= 0 && unit < hidden ? { layer, unit } : null;
}
