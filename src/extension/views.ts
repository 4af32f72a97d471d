/**
 * The session's views: the training panel and the Gradient Flow view (both told every update)
 * and the status bar item. No progress notification: it covered the panel for the whole session
 * (see attentionNotices.ts for what does warrant one). It wires a panel when one is created or
 * restored after a reload, replays the current state to it, and keeps the "panel focused"
 * context key (the panel's keybindings) true only while the panel is the active tab.
 */

import * as vscode from 'vscode';
import { type HostToWebview, type WebviewToHost } from '../protocol/webview';
import { CONTEXT_KEYS, type ContextKeys } from './contextKeys';
import { GradientFlowViewProvider } from './gradientFlowView';
import { type SessionFollower, type SessionHost } from './sessionHost';
import { type StatusBar } from './statusBar';
import { TrainingPanel } from './trainingPanel';
import { type TrainingSession } from './trainingSession';
import { progressMessage, sessionMessage, statsMessage, toWebviewState } from './viewMessages';

export interface ViewsOptions {
  readonly extensionUri: vscode.Uri;
  readonly host: SessionHost;
  readonly statusBar: StatusBar;
  readonly contextKeys: ContextKeys;
  /** Messages from either webview (already validated). */
  readonly onMessage: (message: WebviewToHost, from: 'panel' | 'gradient') => void;
  /** Everything a freshly opened view needs to show the current session. */
  readonly currentState: () => HostToWebview[];
  readonly report: (error: unknown) => void;
}

export class Views implements SessionFollower, vscode.Disposable {
  readonly gradientView: GradientFlowViewProvider;
  private wiredPanel: TrainingPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: ViewsOptions) {
    // Opened late or shown again, the view gets the session's whole record of statistics over training.
    this.gradientView = new GradientFlowViewProvider(options.extensionUri, () => {
      const session = options.host.session;
      return session?.info ? [session.series.statsMessage()] : [];
    });
    this.disposables.push(
      this.gradientView,
      vscode.window.registerWebviewViewProvider(GradientFlowViewProvider.viewType, this.gradientView),
      this.gradientView.onDidReceiveMessage((m) => options.onMessage(m, 'gradient')),
      TrainingPanel.registerSerializer(options.extensionUri, (panel) => this.wirePanel(panel)),
    );
    const tabs = vscode.window.tabGroups;
    if (tabs?.onDidChangeTabs) this.disposables.push(tabs.onDidChangeTabs(() => this.updatePanelFocus()));
    if (tabs?.onDidChangeTabGroups) this.disposables.push(tabs.onDidChangeTabGroups(() => this.updatePanelFocus()));
  }

  /** Follows the session's reports into the views, then shows the panel and the status. */
  follow(session: TrainingSession): vscode.Disposable[] {
    const subscriptions = [
      session.onDidChangeState((state) => {
        this.updateStatus();
        const progress = session.latestProgress;
        const webviewState = toWebviewState(state);
        if (progress && webviewState) this.post(progressMessage(progress, webviewState));
      }),
      session.onDidStart(() => {
        const message = sessionMessage(session);
        if (message) this.post(message);
        // The session's own curves and timeline replace the last session's (empty, or a loaded checkpoint's history).
        this.post(session.series.historyMessage());
        this.post(session.series.samplesMessage());
        this.post(session.series.statsMessage());
        this.post({ type: 'notice', text: '' });
      }),
      session.activity.onDidChange((activity) => {
        this.updateStatus();
        this.post({ type: 'activity', activity, fileName: session.source.fileName });
      }),
      session.onSample(() => this.post(session.series.samplesMessage())),
      session.onProgress((p) => {
        this.updateStatus();
        this.post(progressMessage(p));
      }),
      session.onStats((s) => this.post(statsMessage(s))),
    ];
    try {
      this.showPanel();
    } catch (error) {
      // Training does not depend on the panel: say what went wrong and train anyway.
      this.options.report(error);
    }
    this.updateStatus();
    return subscriptions;
  }

  forget(): void {
    // The views keep showing the last session until the next one says otherwise.
  }

  post(message: HostToWebview): void {
    TrainingPanel.current?.post(message);
    this.gradientView.post(message);
  }

  showPanel(): void {
    const panel = TrainingPanel.createOrShow(this.options.extensionUri, vscode.ViewColumn.Beside);
    this.wirePanel(panel);
  }

  async showGradientFlow(): Promise<void> {
    await vscode.commands.executeCommand(`${GradientFlowViewProvider.viewType}.focus`);
  }

  updateStatus(): void {
    this.options.statusBar.showSession(this.options.host.session);
  }

  dispose(): void {
    for (const d of this.panelSubscriptions.splice(0)) d.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private wirePanel(panel: TrainingPanel): void {
    if (this.wiredPanel === panel) return;
    for (const d of this.panelSubscriptions.splice(0)) d.dispose();
    this.wiredPanel = panel;
    this.panelSubscriptions.push(
      panel.onDidReceiveMessage((m) => {
        // A (re)loaded page was handed the latest messages; the series it gets whole, as they are now.
        const session = this.options.host.session;
        if (m.type === 'ready' && session?.info) {
          panel.post(session.series.historyMessage());
          panel.post(session.series.samplesMessage());
        }
        // What is under way, or that nothing is: until it hears, a freshly loaded page claims nothing (not "no session" while a model starts).
        if (m.type === 'ready') panel.post({ type: 'activity', activity: session?.machine.isLive ? session.activity.activity : null, fileName: session?.source.fileName ?? '' });
        this.options.onMessage(m, 'panel');
      }),
      panel.onDidDispose(() => {
        if (this.wiredPanel === panel) this.wiredPanel = undefined;
        for (const d of this.panelSubscriptions.splice(0)) d.dispose();
        this.updatePanelFocus();
      }),
    );
    for (const message of this.options.currentState()) panel.post(message);
    this.updatePanelFocus();
  }

  private updatePanelFocus(): void {
    const tab = vscode.window.tabGroups?.activeTabGroup?.activeTab;
    const input = tab?.input as { viewType?: unknown } | undefined;
    const focused = typeof input?.viewType === 'string' && input.viewType.endsWith(TrainingPanel.viewType);
    this.options.contextKeys.set(CONTEXT_KEYS.panelFocused, focused);
  }
}
