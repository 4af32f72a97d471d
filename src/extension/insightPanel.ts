/**
 * The Insight panel's host side: a webview panel beside the editor that draws the answers of
 * What If…, Why This Prediction? and Ablate Unit. Like the training panel it keeps the latest
 * message of each type and sends them whenever the page may have missed them (pageDelivery.ts),
 * so a hidden panel never builds a backlog.
 */

import * as vscode from 'vscode';
import { parseInsightToHost, type HostToInsight, type InsightToHost } from '../protocol/insight';
import { PageDelivery } from './pageDelivery';
import { html, webviewOptions } from './trainingPanel';

export class InsightPanel implements vscode.Disposable {
  static readonly viewType = 'rnnLens.insightPanel';

  private panel: vscode.WebviewPanel | null = null;
  private delivery: PageDelivery<HostToInsight> | null = null;
  private readonly latest = new Map<HostToInsight['type'], HostToInsight>();
  private readonly messageEmitter = new vscode.EventEmitter<InsightToHost>();
  readonly onDidReceiveMessage = this.messageEmitter.event;
  private panelDisposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Shows the panel (beside the editor, without taking focus) and sends it `message`. */
  show(message?: HostToInsight): void {
    if (message) this.latest.set(message.type, message);
    if (!this.panel) this.create();
    else if (!this.panel.visible) this.panel.reveal(vscode.ViewColumn.Beside, true);
    if (message) this.deliver(message);
  }

  /** Sends to the panel if it exists; kept for its next load either way. */
  post(message: HostToInsight): void {
    this.latest.set(message.type, message);
    this.deliver(message);
  }

  get isOpen(): boolean {
    return this.panel !== null;
  }

  dispose(): void {
    this.panel?.dispose();
    this.messageEmitter.dispose();
  }

  private deliver(message: HostToInsight): void {
    this.delivery?.post(message);
  }

  private create(): void {
    const panel = vscode.window.createWebviewPanel(InsightPanel.viewType, 'RNN Lens Insight', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    const delivery = new PageDelivery(panel, () => this.latest.values());
    this.delivery = delivery;
    delivery.load(() => { panel.webview.html = html(panel.webview, this.extensionUri, 'insight', 'RNN Lens insight'); });
    this.panelDisposables = [
      delivery,
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseInsightToHost(raw);
        if (!message) return;
        if (message.type === 'ready') delivery.pageReady();
        this.messageEmitter.fire(message);
      }),
      panel.onDidChangeViewState(() => delivery.visibilityChanged()),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = null;
          this.delivery = null;
        }
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    ];
  }
}
