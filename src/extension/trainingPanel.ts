/**
 * The training panel's host side: creates (or revives) the webview panel, gives it the strict-CSP
 * HTML, and carries typed messages both ways. Messages posted before the page says `ready`, or
 * while it is hidden, are not queued: the latest of each type is kept and sent again when the page
 * may have missed it (pageDelivery.ts; with retainContextWhenHidden off, a hidden page may reload).
 */

import * as vscode from 'vscode';
import { type HostToWebview, type WebviewToHost, LatestMessages, parseWebviewToHost } from '../protocol/webview';
import { PageDelivery } from './pageDelivery';
import { buildWebviewHtml } from './webviewHtml';
import { stringsMessage } from './webviewStrings';

export class TrainingPanel {
  static readonly viewType = 'rnnLens.trainingPanel';
  static current: TrainingPanel | undefined;

  private readonly latest = new LatestMessages();
  private readonly delivery: PageDelivery<HostToWebview>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly messageEmitter = new vscode.EventEmitter<WebviewToHost>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Every valid message from the page, including `ready` (after the buffered state was delivered). */
  readonly onDidReceiveMessage: vscode.Event<WebviewToHost> = this.messageEmitter.event;
  readonly onDidDispose: vscode.Event<void> = this.disposeEmitter.event;

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    this.delivery = new PageDelivery(panel, () => this.latest.all(), { replayWhenShown: false });
    panel.webview.options = webviewOptions(extensionUri);
    this.delivery.load(() => { panel.webview.html = html(panel.webview, extensionUri, 'panel', vscode.l10n.t('RNN Lens training')); });
    this.disposables.push(
      this.delivery,
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => this.delivery.visibilityChanged()),
      panel.onDidDispose(() => this.disposed()),
    );
  }

  /** The editor column the panel is in (undefined when it is not shown). */
  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  static createOrShow(extensionUri: vscode.Uri, column: vscode.ViewColumn): TrainingPanel {
    if (TrainingPanel.current) {
      TrainingPanel.current.panel.reveal(column, true);
      return TrainingPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(TrainingPanel.viewType, 'RNN Lens', { viewColumn: column, preserveFocus: true }, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: false,
    });
    TrainingPanel.current = new TrainingPanel(panel, extensionUri);
    return TrainingPanel.current;
  }

  /** Brings the panel back after a window reload (VS Code keeps its setState state; the session re-sends data). */
  static registerSerializer(extensionUri: vscode.Uri, onRestored: (p: TrainingPanel) => void): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(TrainingPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel): Promise<void> => {
        TrainingPanel.current?.dispose();
        TrainingPanel.current = new TrainingPanel(panel, extensionUri);
        onRestored(TrainingPanel.current);
      },
    });
  }

  post(message: HostToWebview): void {
    this.latest.put(message);
    this.delivery.post(message);
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel.dispose();
  }

  private receive(raw: unknown): void {
    const message = parseWebviewToHost(raw);
    if (!message) return;
    if (message.type === 'ready') this.delivery.pageReady();
    this.messageEmitter.fire(message);
  }

  private disposed(): void {
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
    this.disposeEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.messageEmitter.dispose();
    this.disposeEmitter.dispose();
  }
}

/** Scripts on; resources only from the built webview folder and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The page for one of the two bundles (`panel` or `gradient`): its script and its CSS, vis-network's first when bundled. */
export function html(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: 'panel' | 'gradient' | 'insight' | 'units' | 'experiment', title: string): string {
  const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    title,
    strings: stringsMessage(),
    waiting: vscode.l10n.t('Waiting for a training session…'),
    scriptUri: asset(`${bundle}.js`),
    styleUris: [asset(`${bundle}.css`)],
  });
}
