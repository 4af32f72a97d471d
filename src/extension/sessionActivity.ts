/**
 * What a session is doing that its state does not say (protocol/webview.ts SessionActivity), so
 * that the panel and the status bar tell one truthful story while a big model starts ("reading
 * text", "building the model", "first step") and from the moment Pause is asked until the worker
 * confirms it ("pausing…"), rather than "no session" or a Pause that seems to do nothing.
 */

import * as vscode from 'vscode';
import { type SessionActivity } from '../protocol/webview';
import { type WorkerToHost } from '../protocol/worker';

export class SessionActivityTracker implements vscode.Disposable {
  private current: SessionActivity | null = null;
  private readonly emitter = new vscode.EventEmitter<SessionActivity | null>();
  readonly onDidChange = this.emitter.event;

  get activity(): SessionActivity | null {
    return this.current;
  }

  /** The worker is being started and handed the text. */
  starting(): void { this.set('reading'); }
  /** Pause was asked; the worker has not confirmed yet. */
  pausing(): void { this.set('pausing'); }
  /** The session ended (or was stopped while starting): nothing is under way any more. */
  ended(): void { this.set(null); }

  /** Called with every worker message before the session acts on it. */
  workerMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'building': return this.set(this.current === 'reading' ? 'building' : this.current);
      case 'started': return this.set(message.state === 'training' ? 'firstStep' : null);
      // The first numbers of the first step (a loaded, paused session reports at once).
      case 'progress': if (this.current === 'firstStep') this.set(null); return;
      case 'state': if (this.current === 'pausing' || this.current === 'firstStep') this.set(null); return;
      default: return;
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }

  private set(activity: SessionActivity | null): void {
    if (activity === this.current) return;
    this.current = activity;
    this.emitter.fire(activity);
  }
}
