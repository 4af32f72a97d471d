/**
 * The current training session, one at a time: starting it with its text document, handing it
 * to the parts of the UI that follow it, asking before a live one is replaced, and the commands
 * that control it (pause, resume, one step, stop).
 */

import * as vscode from 'vscode';
import { type Autosave } from './autosave';
import { type ContextKeys } from './contextKeys';
import { SourceDocument } from './sourceDocument';
import { TrainingSession, type StartOptions, type TrainingSource } from './trainingSession';
import { UserError } from './userError';
import { type WorkerFactory } from './workerClient';
import { formatCount, formatLoss } from '../protocol/format';
import { type LossHistory } from '../engine/io/sessionRecord';

/** A part of the UI that shows something of the current session (views, cursor, neuron colours). */
export interface SessionFollower {
  /** Subscribes to a new session's events; what it returns is disposed when the session is replaced. */
  follow(session: TrainingSession, document: SourceDocument): vscode.Disposable[];
  /** The session is being replaced (or the extension ends): drop what was shown for it. */
  forget(): void;
}

export interface SessionHostOptions {
  readonly log: vscode.LogOutputChannel;
  readonly contextKeys: ContextKeys;
  readonly autosave: Autosave;
  readonly workerFactory: WorkerFactory;
  /** rnnLens.workers, read at every start so a changed setting applies to the next session. */
  readonly workers: () => number;
}

export class SessionHost implements vscode.Disposable {
  session: TrainingSession | null = null;
  /** The session's text snapshot matched against the editors showing its file. */
  sourceDocument: SourceDocument | null = null;
  private readonly followers: SessionFollower[] = [];
  private subscriptions: vscode.Disposable[] = [];

  constructor(private readonly options: SessionHostOptions) {}

  /** Followers are told about each new session in the order they were added. */
  addFollower(follower: SessionFollower): void {
    this.followers.push(follower);
  }

  /** Replaces the current session (ask first with confirmReplacing) and starts training. */
  async start(source: TrainingSource, startOptions: StartOptions, history?: LossHistory): Promise<void> {
    this.endWiring();
    const { log, contextKeys, autosave } = this.options;
    const session = new TrainingSession(source, this.options.workerFactory, log, {}, history);
    const document = new SourceDocument(source);
    this.session = session;
    this.sourceDocument = document;
    this.subscriptions.push(
      session,
      document,
      session.onDidChangeState((state) => {
        contextKeys.setSessionState(state, session.latestCheckpoint !== null);
        if (state === 'stopped' || state === 'failed') autosave.detach();
      }),
      session.onDidStart((info) => {
        if (info.notice) void vscode.window.showInformationMessage(vscode.l10n.t('RNN Lens: {0}', info.notice));
      }),
      session.onCheckpoint(() => contextKeys.setSessionState(session.state, session.latestCheckpoint !== null)),
      session.onProblem((message) => void vscode.window.showErrorMessage(vscode.l10n.t('RNN Lens: {0}', message))),
    );
    contextKeys.setSessionState(session.state);
    autosave.attach(session);
    for (const follower of this.followers) this.subscriptions.push(...follower.follow(session, document));
    await session.start({ workers: this.options.workers(), ...startOptions });
  }

  /** One session at a time: asks before stopping a live one. Returns false when the user keeps it. */
  async confirmReplacing(): Promise<boolean> {
    const current = this.session;
    if (!current || !current.machine.isLive) return true;
    // Say what is true: a paused session is not "training".
    const replace = vscode.l10n.t('Stop and Start New');
    const file = current.source.fileName;
    const step = formatCount(current.latestProgress?.step ?? 0);
    const question = current.state === 'paused' ? vscode.l10n.t('RNN Lens has a paused session on {0} at step {1}. Stop that session and start a new one?', file, step)
      : current.state === 'starting' ? vscode.l10n.t('RNN Lens is starting a session on {0}. Stop that session and start a new one?', file)
        : vscode.l10n.t('RNN Lens is training on {0} (step {1}). Stop that session and start a new one?', file, step);
    const choice = await vscode.window.showWarningMessage(
      question, { modal: true }, replace,
    );
    if (choice !== replace) return false;
    await current.stop();
    await this.options.autosave.flush();
    return true;
  }

  requireLive(): TrainingSession {
    const session = this.session;
    if (!session || !session.machine.isLive) throw new UserError(vscode.l10n.t('No training session is running; start one with "RNN Lens: {0}".', vscode.l10n.t('Train Character Model')));
    return session;
  }

  pause(): void {
    const session = this.requireLive();
    if (!session.pause() && session.state !== 'paused') throw new UserError(vscode.l10n.t('Training is still starting; pause once it runs.'));
  }

  resume(): void {
    const session = this.requireLive();
    if (!session.resume() && session.state !== 'training') throw new UserError(vscode.l10n.t('Training is still starting.'));
  }

  /** Ends training; the worker's final checkpoint is autosaved before this resolves. */
  async stop(): Promise<void> {
    const session = this.session;
    if (!session || !session.machine.isLive) return;
    await session.stop();
    await this.options.autosave.flush();
    const step = session.latestCheckpoint?.step ?? session.latestProgress?.step ?? 0;
    this.options.log.info(`Stopped at step ${step}.`);
  }

  async trainOneStep(): Promise<void> {
    const session = this.requireLive();
    if (session.state !== 'paused') throw new UserError(vscode.l10n.t('Pause training first ("RNN Lens: {0}"), then train one step at a time.', vscode.l10n.t('Pause Training')));
    const { step, loss } = await session.stepOnce();
    this.options.log.info(`One step: step ${step}, loss ${formatLoss(loss)}.`);
  }

  dispose(): void {
    this.endWiring();
    this.session = null;
  }

  private endWiring(): void {
    for (const follower of this.followers) follower.forget();
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.sourceDocument = null;
  }
}
