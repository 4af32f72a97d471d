/**
 * The Gradient Flow view's host side: a WebviewView in its own view container. Like the training
 * panel it keeps the latest message of each type and sends them whenever the page may have missed
 * them (pageDelivery.ts), so a hidden view never builds a backlog.
 */

import * as vscode from 'vscode';
import { type HostToWebview, type WebviewToHost, LatestMessages, parseWebviewToHost } from '../protocol/webview';
import { attachView, type PageDelivery } from './pageDelivery';
import { html, webviewOptions } from './trainingPanel';

export class GradientFlowViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'rnnLens.gradientFlow';

  private view: vscode.WebviewView | undefined;
  private delivery: PageDelivery<HostToWebview> | undefined;
  private readonly latest = new LatestMessages();
  private readonly messageEmitter = new vscode.EventEmitter<WebviewToHost>();
  private viewDisposables: vscode.Disposable[] = [];
  readonly onDidReceiveMessage: vscode.Event<WebviewToHost> = this.messageEmitter.event;

  /** `whole`: what the page gets whole each time it (re)loads or shows again, in replay order (the session's statistics over training). */
  constructor(private readonly extensionUri: vscode.Uri, private readonly whole: () => HostToWebview[] = () => []) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables) d.dispose();
    this.view = view;
    // The whole record takes its place among the latest (before the latest `stats`), so the page never draws a partial history first.
    const attached = attachView(view, webviewOptions(this.extensionUri), () => { for (const m of this.whole()) this.latest.put(m); return this.latest.all(); },
      () => html(view.webview, this.extensionUri, 'gradient', vscode.l10n.t('RNN Lens gradient flow')),
      (raw) => this.receive(raw),
      () => {
        if (this.view !== view) return;
        this.view = undefined;
        this.delivery = undefined;
      });
    this.delivery = attached.delivery;
    this.viewDisposables = attached.disposables;
  }

  post(message: HostToWebview): void {
    this.latest.put(message);
    this.delivery?.post(message);
  }

  dispose(): void {
    for (const d of this.viewDisposables) d.dispose();
    this.messageEmitter.dispose();
  }

  private receive(raw: unknown): void {
    const message = parseWebviewToHost(raw);
    if (!message || !this.view) return;
    if (message.type === 'ready') this.delivery?.pageReady();
    this.messageEmitter.fire(message);
  }
}
