/**
 * The extension's one object: it builds the parts that own each concern and routes commands and
 * webview messages to them. It only routes and asks: the worker trains, the webviews draw.
 *
 *   sessionHost.ts       the current session, one at a time; pause, resume, step, stop
 *   sessionStarts.ts     Train Character Model, Load Model, resume after a reload
 *   views.ts             panel, Gradient Flow view, status bar
 *   attentionNotices.ts  notifications for what needs attention (a finished run)
 *   examples.ts          the walkthrough's "hello" example
 *   timestepFollower.ts  the timestep cursor and the editor highlight of x_t
 *   neuronColoring.ts    Color Text by Neuron and keeping the colours current
 *   modelCommands.ts     Sample Text, Save Model As
 *   gradientCheck.ts     Run Gradient Check
 *   autosave.ts          the session's checkpoint in workspace storage
 *   sessionLock.ts       which window owns the session (a reload takes it over, never orphans it)
 */

import * as vscode from 'vscode';
import { type HostToWebview, type WebviewToHost } from '../protocol/webview';
import { Experiments } from './experimentPanel';
import { AttentionNotices } from './attentionNotices';
import { Autosave } from './autosave';
import { ContextKeys } from './contextKeys';
import { CursorHighlight } from './cursorHighlight';
import { trainExample } from './examples';
import { gradientCheckCommand } from './gradientCheck';
import { Insight } from './insight';
import { type GradientFlowViewProvider } from './gradientFlowView';
import { ModelCommands } from './modelCommands';
import { NeuronColoring } from './neuronColoring';
import { NeuronColors } from './neuronColors';
import { readSettings, type ExtensionSettings } from './settings';
import { SessionHost } from './sessionHost';
import { SessionStarts } from './sessionStarts';
import { SessionLock } from './sessionLock';
import { StatusBar } from './statusBar';
import { TimestepCursor } from './timestepCursor';
import { TimestepFollower } from './timestepFollower';
import { type TrainingSession } from './trainingSession';
import { isUserFacing, messageOf } from './userError';
import { sessionViewState } from './viewMessages';
import { Views } from './views';
import { nodeWorkerFactory, type WorkerFactory } from './workerClient';

/** What the controller needs from the ExtensionContext (a subset, so tests can build one). */
export interface ControllerContext {
  readonly extensionUri: vscode.Uri;
  readonly storageUri: vscode.Uri | undefined;
  /** Where the walkthrough's example text is written (any workspace, or none). */
  readonly globalStorageUri?: vscode.Uri;
  readonly globalState: vscode.Memento;
  /** Per-workspace memory (the Find Units features of each training file). */
  readonly workspaceState: vscode.Memento;
}

export interface ControllerOptions {
  readonly workerFactory: WorkerFactory;
  readonly autosaveIntervalMs?: number;
  /** The analysis worker (What If…, Why This Prediction?, Find Units, Ablate); dist/analysisWorker.js when absent. */
  readonly analysisWorkerFactory?: WorkerFactory;
  /** Run Experiment's training threads; dist/experimentWorker.js when absent. */
  readonly experimentWorkerFactory?: WorkerFactory;
  /** The session lock's heartbeat (tests shorten it). */
  readonly heartbeatMs?: number;
}

export class RnnLensController implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly contextKeys = new ContextKeys();
  readonly statusBar = new StatusBar();
  readonly cursor = new TimestepCursor();
  readonly highlight = new CursorHighlight();
  readonly neuronColors = new NeuronColors();
  readonly autosave: Autosave;
  readonly lock: SessionLock;
  readonly sessions: SessionHost;
  readonly views: Views;
  readonly insight: Insight;
  readonly experiments: Experiments;
  private readonly starts: SessionStarts;
  private readonly timesteps: TimestepFollower;
  private readonly coloring: NeuronColoring;
  private readonly models: ModelCommands;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: ControllerContext, private readonly options: ControllerOptions) {
    const log = vscode.window.createOutputChannel('RNN Lens', { log: true });
    this.log = log;
    const { contextKeys } = this;
    const settings = (): { settings: ExtensionSettings; adjusted: string[] } => readSettings(vscode.workspace.getConfiguration('rnnLens'));
    const post = (message: HostToWebview): void => this.views.post(message);
    const report = (error: unknown): void => this.report(error);
    this.autosave = new Autosave(context.storageUri, log, options.autosaveIntervalMs);
    this.sessions = new SessionHost({ log, contextKeys, autosave: this.autosave, workerFactory: options.workerFactory, workers: () => settings().settings.workers });
    this.starts = new SessionStarts({ host: this.sessions, autosave: this.autosave, globalState: context.globalState, log, readSettings: settings });
    this.views = new Views({
      extensionUri: context.extensionUri, host: this.sessions, statusBar: this.statusBar, contextKeys, report,
      onMessage: (m, from) => this.onWebviewMessage(m, from),
      currentState: () => this.currentViewState(),
    });
    this.timesteps = new TimestepFollower({ host: this.sessions, cursor: this.cursor, highlight: this.highlight, contextKeys, log, post });
    this.coloring = new NeuronColoring({ host: this.sessions, neuronColors: this.neuronColors, contextKeys, log, post, report, analysis: () => this.insight.ctx });
    this.models = new ModelCommands({ host: this.sessions, log, readSettings: settings });
    this.insight = new Insight({
      extensionUri: context.extensionUri, host: this.sessions, log, cursor: this.cursor, report,
      colorByUnit: (layer, unit) => this.coloring.colorTextByNeuron({ layer, unit }),
      selectUnit: (layer, unit) => this.coloring.selectFromView(layer, unit),
      clearNeuronColors: () => this.coloring.clear(),
      temperature: () => settings().settings.temperature, workspaceState: context.workspaceState,
      workerFactory: options.analysisWorkerFactory ?? nodeWorkerFactory(vscode.Uri.joinPath(context.extensionUri, 'dist', 'analysisWorker.js').fsPath),
    });
    this.experiments = new Experiments({
      extensionUri: context.extensionUri, log, readSettings: settings, report,
      workerFactory: options.experimentWorkerFactory ?? nodeWorkerFactory(vscode.Uri.joinPath(context.extensionUri, 'dist', 'experimentWorker.js').fsPath),
      openCell: (spec, _cell, bytes) => this.starts.openTrained({ ...spec.source, text: spec.text }, bytes),
    });
    // The order the parts hear of a new session: the cursor takes a trace's window before the
    // colours look at it, and the views come last, showing the panel once everything is wired.
    this.lock = new SessionLock(context.storageUri, log, async (session) => {
      await session.stop();
      await this.autosave.flush();
    }, options.heartbeatMs);
    this.sessions.addFollower(this.lock);
    this.sessions.addFollower(this.timesteps);
    this.sessions.addFollower(this.coloring);
    this.sessions.addFollower(new AttentionNotices({ saveModel: (which) => this.models.saveModel(undefined, which), post, report }));
    this.sessions.addFollower(this.insight);
    this.sessions.addFollower(this.views);
    // The session ends first, while everything it reports to still exists.
    this.disposables.push(this.experiments, this.sessions, this.lock, this.views, this.timesteps, this.coloring, this.insight, log, this.statusBar, this.highlight, this.neuronColors, this.autosave);
    contextKeys.setSessionState(undefined);
  }

  get session(): TrainingSession | null {
    return this.sessions.session;
  }

  get gradientView(): GradientFlowViewProvider {
    return this.views.gradientView;
  }

  // Commands (see commands.ts for their ids).
  train(arg?: unknown): Promise<void> { return this.starts.train(arg); }
  trainExample(arg?: unknown): Promise<void> { return trainExample(this.starts, this.context.globalStorageUri, arg); }
  loadModel(arg?: unknown): Promise<void> { return this.starts.loadModel(arg); }
  /** After activation: a session another extension host still runs here is stopped and saved first (see sessionLock.ts). */
  async offerResume(): Promise<void> {
    await this.lock.takeOver();
    return this.starts.offerResume();
  }
  pause(): void { this.sessions.pause(); }
  resume(): void { this.sessions.resume(); }
  stop(): Promise<void> { return this.sessions.stop(); }
  trainOneStep(): Promise<void> { return this.sessions.trainOneStep(); }
  moveCursor(move: 'next' | 'previous' | 'first' | 'last' | 'toggle'): void { this.timesteps.move(move); }
  goToTimestep(arg?: unknown): Promise<void> { return this.timesteps.goTo(arg); }
  showPanel(): void { this.views.showPanel(); }
  showGradientFlow(): Promise<void> { return this.views.showGradientFlow(); }
  sampleText(): Promise<void> { return this.models.sampleText(); }
  saveModel(arg?: unknown): Promise<void> { return this.models.saveModel(arg); }
  colorTextByNeuron(arg?: unknown): Promise<void> { return this.coloring.colorTextByNeuron(arg); }
  clearNeuronColors(): void { this.coloring.clear(); }
  whatIf(arg?: unknown): Promise<void> { return this.insight.whatIf.run(arg); }
  whyPrediction(arg?: unknown): Promise<void> { return this.insight.why.run(arg); }
  findUnits(): Promise<void> { return this.insight.findUnits.find(); }
  ablateUnit(arg?: unknown): Promise<void> { return this.insight.ablate(arg, false); }
  holdUnitAt(arg?: unknown): Promise<void> { return this.insight.ablate(arg, true); }
  sampleWithUnitHeld(arg?: unknown): Promise<void> { return this.insight.ablation.sample(arg); }
  runExperiment(): Promise<void> { return this.experiments.runExperiment(); }

  runGradientCheck(): Promise<void> {
    const { settings } = readSettings(vscode.workspace.getConfiguration('rnnLens'));
    const cell = this.session?.info?.config.cell ?? settings.train.cell;
    return gradientCheckCommand(this.options.workerFactory, this.log, { cell, gruResetAfter: settings.train.gruResetAfter });
  }

  /** Messages from either webview (already validated by their classes). */
  onWebviewMessage(message: WebviewToHost, from: 'panel' | 'gradient'): void {
    const run = (work: () => unknown): void => {
      void Promise.resolve().then(work).catch((error) => this.report(error));
    };
    switch (message.type) {
      case 'ready':
        if (from === 'panel') this.timesteps.panelReloaded();
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
        return this.timesteps.fromView(message, from);
      case 'selectUnit':
        return this.coloring.selectFromView(message.layer, message.unit);
      case 'unitAction': {
        // The same commands as the palette and Find Units, for the heatmap's selected unit.
        const unit = { state: message.state, layer: message.layer, unit: message.unit };
        return run(() => (message.action === 'sample' ? this.insight.ablation.sample(unit) : this.insight.ablate(unit, message.action === 'hold')));
      }
    }
  }

  /** Shows an error from a command: user-facing ones as they are, anything else as a bug with the log named. */
  report(error: unknown): void {
    if (isUserFacing(error)) {
      this.log.warn(messageOf(error));
      void vscode.window.showErrorMessage(vscode.l10n.t('RNN Lens: {0}', messageOf(error)));
    } else {
      this.log.error(error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error));
      void vscode.window.showErrorMessage(vscode.l10n.t('RNN Lens: something went wrong ({0}); details are in the RNN Lens log.', messageOf(error)));
    }
  }

  /** Ends training (final checkpoint autosaved), within a time limit: used by deactivate. */
  async shutdown(): Promise<void> {
    await Promise.race([this.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 4000))]);
    this.dispose();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Everything a freshly opened view needs: the session's state, then the selection and the cursor. */
  private currentViewState(): HostToWebview[] {
    const state = sessionViewState(this.session);
    return state.length === 0 ? [] : [...state, this.coloring.selectionMessage(), this.timesteps.cursorMessage()];
  }
}
