/**
 * The Gradient Flow view's host side: a WebviewView in its own view container. Like the training
 * panel it keeps the latest message of each type and delivers them when the page says `ready`
 * (first load, or becoming visible again after being hidden), so a hidden view never builds a backlog.
 */

import * as vscode from 'vscode';
import { type HostToWebview, type WebviewToHost, LatestMessages, parseWebviewToHost } from '../protocol/webview';
import { html, webviewOptions } from './trainingPanel';

export class GradientFlowViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'rnnLens.gradientFlow';

  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly latest = new LatestMessages();
  private readonly messageEmitter = new vscode.EventEmitter<WebviewToHost>();
  private viewDisposables: vscode.Disposable[] = [];
  readonly onDidReceiveMessage: vscode.Event<WebviewToHost> = this.messageEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables) d.dispose();
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = html(view.webview, this.extensionUri, 'gradient', vscode.l10n.t('RNN Lens gradient flow'));
    this.viewDisposables = [
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (!view.visible) this.ready = false;
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
        this.ready = false;
      }),
    ];
  }

  post(message: HostToWebview): void {
    this.latest.put(message);
    if (this.view && this.ready && this.view.visible) void this.view.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.viewDisposables) d.dispose();
    this.messageEmitter.dispose();
  }

  private receive(raw: unknown): void {
    const message = parseWebviewToHost(raw);
    if (!message || !this.view) return;
    if (message.type === 'ready') {
      this.ready = true;
      for (const m of this.latest.all()) void this.view.webview.postMessage(m);
    }
    this.messageEmitter.fire(message);
  }
}
