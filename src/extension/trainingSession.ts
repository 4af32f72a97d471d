/**
 * One training session: the worker that trains, the state machine that says what it is doing,
 * and the latest of everything it reported (so a panel opened late, or a command, can use it).
 * The session only routes: all arithmetic happens in the worker.
 */

import * as vscode from 'vscode';
import {
  PendingRequests, RequestFailedError,
  type OverfittingMessage, type ProgressMessage, type StartMessage, type StartedMessage, type StatsMessage, type TraceMessage, type UnitActivationsMessage, type WorkerToHost,
} from '../protocol/worker';
import { type LossHistory } from '../engine/io/sessionRecord';
import { type TrainingSample } from '../protocol/webview';
import { SessionSeries } from './sessionSeries';
import { SessionActivityTracker } from './sessionActivity';
import { SessionStateMachine, type SessionState } from './sessionState';
import { WorkerClient, type WorkerFactory } from './workerClient';
import { codeText, nonFiniteText, workerErrorText } from './engineErrors';

/** Where the training text came from. `text` is the snapshot: later edits to the file do not reach the session. */
export interface TrainingSource {
  readonly uri: vscode.Uri;
  readonly fileName: string;
  readonly text: string;
}

/** What starting a session needs besides the text snapshot: the worker's start message, less what the session fills in. */
export type StartOptions = Omit<StartMessage, 'type' | 'text' | 'fileName'>;

export interface CheckpointEvent {
  readonly bytes: Uint8Array;
  readonly step: number;
  readonly reason: 'request' | 'autosave' | 'final' | 'best';
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** How long a stop may take before the worker is ended regardless. */
export const STOP_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 120_000;
/** Building a model takes well under a second; a start that has not answered in this long never will (e.g. a start message the worker refused as malformed). */
export const START_TIMEOUT_MS = 60_000;

type Reply = WorkerToHost & { replyTo?: number };

export class TrainingSession implements vscode.Disposable {
  readonly machine = new SessionStateMachine();
  /** The session's loss curves and samples, kept whole for every view (see sessionSeries.ts). */
  readonly series: SessionSeries;
  /** What is under way that the state does not say: the start's steps, a pause not yet confirmed. */
  readonly activity = new SessionActivityTracker();
  private client: WorkerClient | null = null;
  private readonly requests = new PendingRequests<Reply>();
  private failure: string | null = null;

  info: StartedMessage | null = null;
  latestProgress: ProgressMessage | null = null;
  /** The last speed measured while training, in chars/s (0 before any): what a paused session says it ran at. */
  trainingRate = 0;
  latestStats: StatsMessage | null = null;
  latestTrace: TraceMessage | null = null;
  /** The last checkpoint the worker sent (autosave or final); survives the worker. */
  latestCheckpoint: CheckpointEvent | null = null;
  /** The lowest validation loss measured and its step (the worker keeps its checkpoint); its bytes once the session has ended. */
  bestValidation: { step: number; valLoss: number } | null = null;
  bestCheckpoint: CheckpointEvent | null = null;
  overfitting: OverfittingMessage | null = null;

  private readonly stateEmitter = new vscode.EventEmitter<SessionState>();
  private readonly startedEmitter = new vscode.EventEmitter<StartedMessage>();
  private readonly progressEmitter = new vscode.EventEmitter<ProgressMessage>();
  private readonly statsEmitter = new vscode.EventEmitter<StatsMessage>();
  private readonly traceEmitter = new vscode.EventEmitter<TraceMessage>();
  private readonly checkpointEmitter = new vscode.EventEmitter<CheckpointEvent>();
  private readonly problemEmitter = new vscode.EventEmitter<string>();
  private readonly stepLimitEmitter = new vscode.EventEmitter<number>();
  private readonly sampleEmitter = new vscode.EventEmitter<TrainingSample>();
  private readonly overfitEmitter = new vscode.EventEmitter<OverfittingMessage>();

  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidStart = this.startedEmitter.event;
  readonly onProgress = this.progressEmitter.event;
  readonly onStats = this.statsEmitter.event;
  readonly onTrace = this.traceEmitter.event;
  readonly onCheckpoint = this.checkpointEmitter.event;
  /** A sentence for the user: a failure, a non-finite loss, a worker error outside any request. */
  readonly onProblem = this.problemEmitter.event;
  /** Training paused by itself at rnnLens.maxSteps (the step is given): a finished run. */
  readonly onDidReachStepLimit = this.stepLimitEmitter.event;
  /** A sample joined the timeline (taken while training, or by Sample Text). */
  readonly onSample = this.sampleEmitter.event;
  /** Validation rising while training falls (said once per session). */
  readonly onOverfitting = this.overfitEmitter.event;

  private readonly stateSubscription: { dispose(): void };
  private startWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private stopWaiters: (() => void)[] = [];

  constructor(
    readonly source: TrainingSource,
    private readonly workerFactory: WorkerFactory,
    private readonly log: Logger,
    private readonly timeouts: { readonly stopMs?: number; readonly startMs?: number } = {},
    /** The loaded checkpoint's own loss history, which this session's curves continue. */
    history?: LossHistory,
  ) {
    this.series = new SessionSeries(history);
    this.stateSubscription = this.machine.onDidChange((state, previous) => {
      this.log.info(`Session ${previous} -> ${state}${this.series.stats.steps.length > 0 ? ` (statistics over training kept for ${this.series.stats.steps.length} steps)` : ''}`);
      this.stateEmitter.fire(state);
    });
  }

  get state(): SessionState { return this.machine.state; }

  /** Why the session failed (null unless state is 'failed'). */
  get failureReason(): string | null { return this.failure; }

  /** Starts the worker and training; resolves once the model is built (rejects with the user-facing reason otherwise). */
  start(options: StartOptions): Promise<void> {
    if (!this.machine.apply('start')) return Promise.reject(new Error('This session has already been started.'));
    this.activity.starting();
    const started = new Promise<void>((resolve, reject) => { this.startWaiter = { resolve, reject }; });
    const startMs = this.timeouts.startMs ?? START_TIMEOUT_MS;
    const timer = setTimeout(() => {
      if (this.state === 'starting') this.fail(`The training worker did not build the model within ${Math.round(startMs / 1000)} s.`);
    }, startMs);
    void started.then(() => clearTimeout(timer), () => clearTimeout(timer));
    try {
      this.client = new WorkerClient(this.workerFactory, {
        message: (m) => this.onMessage(m),
        died: (reason, code, args) => this.fail(codeText(code, args) ?? reason),
      });
    } catch (error) {
      this.fail(vscode.l10n.t('Could not start the training worker: {0}', error instanceof Error ? error.message.split('\n')[0] : String(error)));
      return started;
    }
    this.client.send({
      type: 'start', text: this.source.text, settings: options.settings, fileName: this.source.fileName,
      maxSteps: options.maxSteps, traceEvery: options.traceEvery,
      // Copies: the transfer detaches what is sent, and the caller may still need its bytes (e.g. an autosave).
      ...(options.init ? { init: new Uint8Array(options.init) } : {}),
      ...(options.resume ? { resume: new Uint8Array(options.resume) } : {}),
      ...(options.startPaused ? { startPaused: true } : {}),
      ...(options.workers !== undefined && options.workers > 1 ? { workers: options.workers } : {}),
      ...(options.samples ? { samples: options.samples } : {}),
    });
    return started;
  }

  pause(): boolean {
    if (this.state !== 'training') return false;
    this.activity.pausing();
    this.client?.send({ type: 'pause' });
    return true;
  }

  resume(): boolean {
    if (this.state !== 'paused') return false;
    this.client?.send({ type: 'resume' });
    return true;
  }

  /** Exactly one optimizer step (paused sessions only); a fresh trace follows. */
  async stepOnce(): Promise<{ step: number; loss: number }> {
    if (this.state !== 'paused') throw new RequestFailedError(vscode.l10n.t('Pause training before stepping one step at a time.'));
    const reply = await this.request((requestId) => ({ type: 'step', requestId }));
    if (reply.type !== 'stepped') throw new RequestFailedError('The worker answered a step with something else.');
    return { step: reply.step, loss: reply.loss };
  }

  requestTrace(stream?: number): void {
    if (this.machine.isLive) this.client?.send({ type: 'requestTrace', ...(stream !== undefined ? { stream } : {}) });
  }

  /** Sample Text: the generated text, which also joins the session's timeline, stamped with the step. */
  async sample(options: { length: number; temperature: number; topK?: number; prime?: string; seed: number }): Promise<string> {
    const reply = await this.request((requestId) => ({ type: 'sample', requestId, ...options }));
    if (reply.type !== 'sample') throw new RequestFailedError('The worker answered a sample request with something else.');
    const p = this.latestProgress;
    this.addSample({ step: p?.step ?? this.info?.step ?? 0, loss: p?.loss ?? null, temperature: options.temperature, text: reply.text.slice(0, 2000), origin: 'command' });
    return reply.text;
  }

  private addSample(sample: TrainingSample): void {
    this.series.addSample(sample);
    this.sampleEmitter.fire(sample);
  }

  /** One unit's activation (and predictions, loss) at each of the first `maxChars` characters, with the current weights. */
  async unitActivations(request: { layer: number; unit: number; maxChars: number; topK: number }): Promise<UnitActivationsMessage> {
    const reply = await this.request((requestId) => ({ type: 'unitActivations', requestId, ...request }));
    if (reply.type !== 'unitActivations') throw new RequestFailedError('The worker answered a neuron-colour request with something else.');
    return reply;
  }

  /** The current model and training state as checkpoint bytes (`best`: the lowest validation loss's), and the step they were taken at. */
  async save(best = false): Promise<{ bytes: Uint8Array; step: number }> {
    const reply = await this.request((requestId) => ({ type: 'save', requestId, ...(best ? { best } : {}) }));
    if (reply.type !== 'checkpoint') throw new RequestFailedError('The worker answered a save request with something else.');
    return { bytes: reply.bytes, step: reply.step };
  }

  /** Stops training; the worker sends its final checkpoint first. Resolves when the session has ended. */
  stop(): Promise<void> {
    if (this.machine.isFinished || this.state === 'idle') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (this.state !== 'stopping') {
      this.activity.ended();
      this.machine.apply('stop');
      this.client?.send({ type: 'stop' });
      const stopMs = this.timeouts.stopMs ?? STOP_TIMEOUT_MS;
      const timer = setTimeout(() => {
        if (!this.machine.isFinished) {
          this.log.warn(`The worker did not stop within ${Math.round(stopMs / 1000)} s; ending it.`);
          this.finish('stopped');
        }
      }, stopMs);
      void done.then(() => clearTimeout(timer));
    }
    return done;
  }

  dispose(): void {
    if (!this.machine.isFinished) this.finish('stopped');
    this.stateSubscription.dispose();
    this.activity.dispose();
    for (const e of [this.stateEmitter, this.startedEmitter, this.progressEmitter, this.statsEmitter, this.traceEmitter, this.checkpointEmitter, this.problemEmitter, this.stepLimitEmitter, this.sampleEmitter, this.overfitEmitter]) e.dispose();
  }

  private request(build: (requestId: number) => Parameters<WorkerClient['send']>[0]): Promise<Reply> {
    if (!this.client?.isAlive || !this.machine.isLive) return Promise.reject(new RequestFailedError(vscode.l10n.t('There is no running training session; start one with "Train Character Model".')));
    const { id, reply } = this.requests.open(REQUEST_TIMEOUT_MS);
    this.client.send(build(id));
    return reply;
  }

  private onMessage(message: WorkerToHost): void {
    if ('replyTo' in message && message.replyTo !== undefined) {
      if (message.type === 'error') this.requests.fail(message.replyTo, new RequestFailedError(message.message, message.code, message.args));
      else this.requests.settle(message.replyTo, message);
      if (message.type !== 'checkpoint') return;
    }
    this.activity.workerMessage(message);
    switch (message.type) {
      case 'started': {
        this.info = message;
        this.log.info(`Model built: ${message.config.cell.toUpperCase()} ${message.config.layers}x${message.config.hidden}, vocabulary ${message.config.vocab.length}, ${message.paramCount} parameters; ${message.trainLength} training and ${message.valLength} validation characters.`);
        if (message.notice) this.log.warn(message.notice);
        this.machine.apply(message.state === 'paused' ? 'startedPaused' : 'startedTraining');
        this.startedEmitter.fire(message);
        this.startWaiter?.resolve();
        this.startWaiter = null;
        return;
      }
      case 'state':
        if (message.reason === 'maxSteps') this.log.info(`Reached the step limit (${message.step}); paused.`);
        this.machine.apply(message.state === 'paused' ? 'pause' : 'resume');
        if (message.reason === 'maxSteps') this.stepLimitEmitter.fire(message.step);
        return;
      case 'stats':
        this.latestStats = message;
        this.series.addStats(message);
        this.statsEmitter.fire(message);
        return;
      case 'progress':
        this.latestProgress = message;
        this.series.addProgress(message);
        if (message.state === 'training' && message.charsPerSec > 0) this.trainingRate = message.charsPerSec;
        this.progressEmitter.fire(message);
        return;
      case 'trace':
        this.latestTrace = message;
        this.traceEmitter.fire(message);
        return;
      case 'checkpoint': {
        const event: CheckpointEvent = { bytes: message.bytes, step: message.step, reason: message.reason };
        if (message.reason === 'best') this.bestCheckpoint = event;
        else if (message.reason !== 'request') this.latestCheckpoint = event;
        this.checkpointEmitter.fire(event);
        return;
      }
      case 'nonFinite':
        this.failure = nonFiniteText(message.step, message.tensor);
        this.log.error(this.failure);
        this.problemEmitter.fire(this.failure);
        return;
      case 'error':
        this.log.error(message.message);
        if (this.state === 'starting') {
          this.startWaiter?.reject(new RequestFailedError(message.message, message.code, message.args));
          this.startWaiter = null;
          this.fail(workerErrorText(message), false);
        } else {
          this.problemEmitter.fire(workerErrorText(message));
        }
        return;
      case 'stopped':
        if (message.reason === 'requested') this.finish('stopped');
        else this.finish('failed', this.failure ?? vscode.l10n.t('Training stopped after an error in the worker.'));
        return;
      case 'trainingSample':
        this.addSample({ step: message.step, loss: message.loss, temperature: message.temperature, text: message.text, origin: 'training' });
        return;
      case 'bestValidation':
        this.bestValidation = { step: message.step, valLoss: message.valLoss };
        return;
      case 'overfitting':
        this.overfitting = message;
        this.overfitEmitter.fire(message);
        return;
      case 'ready':
      case 'building':
      case 'stepped':
      case 'sample':
      case 'gradcheck':
      case 'unitActivations':
        return; // replies to requests that are no longer waiting
    }
  }

  /**
   * The worker died or could not start. While starting, the caller of start() gets the reason
   * through the rejected promise, so it is not announced a second time.
   */
  private fail(reason: string, announce = this.state !== 'starting'): void {
    if (this.machine.isFinished) return;
    this.log.error(reason);
    if (announce) this.problemEmitter.fire(reason);
    this.finish('failed', reason);
  }

  private finish(outcome: 'stopped' | 'failed', reason?: string): void {
    if (this.machine.isFinished) return;
    if (outcome === 'failed') this.failure = reason ?? this.failure ?? 'Training failed.';
    this.activity.ended();
    this.machine.apply(outcome === 'failed' ? 'fail' : 'stopped');
    const error = new RequestFailedError(outcome === 'failed' ? this.failure ?? vscode.l10n.t('Training failed.') : vscode.l10n.t('The training session has ended.'));
    this.requests.failAll(error);
    this.startWaiter?.reject(error);
    this.startWaiter = null;
    void this.client?.terminate();
    for (const resolve of this.stopWaiters.splice(0)) resolve();
  }
}
