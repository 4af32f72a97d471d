/**
 * The Run Experiment view: one webview panel showing the current run's three cells side by side
 * (webview/experiment/). A new run replaces the previous one (its workers are stopped). The page
 * gets the whole state, at most a few times a second while training, and again whenever it may
 * have missed it (pageDelivery.ts).
 */

import * as vscode from 'vscode';
import { type CellType } from '../engine/model/config';
import { parseExperimentViewToHost, type ExperimentViewState } from '../protocol/experiment';
import { askExperiment, type ExperimentSpec } from './experimentCommand';
import { ExperimentRun } from './experimentRun';
import { PageDelivery } from './pageDelivery';
import { type ExtensionSettings } from './settings';
import { html, webviewOptions } from './trainingPanel';
import { UserError } from './userError';
import { type WorkerFactory } from './workerClient';

/** The view is redrawn at most this often while the cells train. */
const POST_INTERVAL_MS = 250;

export interface ExperimentsOptions {
  readonly extensionUri: vscode.Uri;
  readonly workerFactory: WorkerFactory;
  readonly log: vscode.LogOutputChannel;
  readonly readSettings: () => { settings: ExtensionSettings };
  /** Opens a trained cell in the training panel (paused, at its last step). */
  readonly openCell: (spec: ExperimentSpec, cell: CellType, checkpoint: Uint8Array) => Promise<void>;
  readonly report: (error: unknown) => void;
}

export class Experiments implements vscode.Disposable {
  static readonly viewType = 'rnnLens.experimentPanel';

  private panel: vscode.WebviewPanel | null = null;
  private delivery: PageDelivery<ExperimentViewState> | null = null;
  private current: ExperimentRun | null = null;
  private runDisposable: vscode.Disposable | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private panelDisposables: vscode.Disposable[] = [];

  constructor(private readonly options: ExperimentsOptions) {}

  /** RNN Lens: Run Experiment…: asks what to run, then trains the three cells and shows them. */
  async runExperiment(): Promise<void> {
    const spec = await askExperiment(this.options.readSettings);
    if (!spec) return;
    this.start(spec);
  }

  get run(): ExperimentRun | null {
    return this.current;
  }

  dispose(): void {
    this.stopRun();
    this.panel?.dispose();
  }

  private start(spec: ExperimentSpec): void {
    this.stopRun();
    const run = new ExperimentRun(spec, this.options.workerFactory, this.options.log);
    this.current = run;
    this.runDisposable = run.onDidChange(() => this.schedule());
    if (!this.panel) this.create();
    else this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.panel!.title = vscode.l10n.t('RNN Lens Experiment: {0}', spec.title);
    this.deliver();
  }

  private stopRun(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.runDisposable?.dispose();
    this.current?.dispose();
    this.current = null;
  }

  private schedule(): void {
    if (this.timer) return;
    // The last change (a cell finishing) is never held back behind the throttle's window for long.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.deliver();
    }, POST_INTERVAL_MS);
  }

  private deliver(): void {
    if (this.current) this.delivery?.post(this.current.state());
  }

  private async openCell(cell: CellType): Promise<void> {
    const run = this.current;
    const bytes = run?.checkpoint(cell);
    if (!run || !bytes) throw new UserError(vscode.l10n.t('The {0} has not finished training yet.', cell.toUpperCase()));
    await this.options.openCell(run.spec, cell, bytes);
  }

  private create(): void {
    const panel = vscode.window.createWebviewPanel(Experiments.viewType, vscode.l10n.t('RNN Lens Experiment'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      ...webviewOptions(this.options.extensionUri),
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    // The page's whole state is the run's state, computed when sent.
    const delivery = new PageDelivery<ExperimentViewState>(panel, () => (this.current ? [this.current.state()] : []));
    this.delivery = delivery;
    delivery.load(() => { panel.webview.html = html(panel.webview, this.options.extensionUri, 'experiment', vscode.l10n.t('RNN Lens experiment')); });
    this.panelDisposables = [
      delivery,
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseExperimentViewToHost(raw);
        if (!message) return;
        if (message.type === 'ready') {
          delivery.pageReady();
        } else {
          this.openCell(message.cell).catch((error: unknown) => this.options.report(error));
        }
      }),
      panel.onDidChangeViewState(() => delivery.visibilityChanged()),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = null;
          this.delivery = null;
        }
        // Closing the view ends the run: nothing else shows its results.
        this.stopRun();
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    ];
  }
}
