/**
 * What an analysis reads: the current session's text snapshot and a snapshot of its weights,
 * loaded into the analysis worker. The weights come from the training worker (a checkpoint taken
 * between two steps), or, once training has stopped, from the last checkpoint it left; a paused
 * session's weights are fetched once per step, a training one's at every analysis.
 */

import * as vscode from 'vscode';
import { type ModelConfig } from '../engine/model/config';
import { type AnalysisClient } from './analysisClient';
import { type SessionHost } from './sessionHost';
import { type SourceDocument } from './sourceDocument';
import { type TrainingSession } from './trainingSession';
import { UserError } from './userError';

export interface Prepared {
  readonly session: TrainingSession;
  readonly document: SourceDocument;
  readonly config: ModelConfig;
  /** The optimizer step of the weights analysed. */
  readonly step: number;
}

export class AnalysisSource {
  private readonly serials = new WeakMap<TrainingSession, number>();
  private nextSerial = 1;
  private loadedStep: { session: TrainingSession; step: number } | null = null;

  constructor(private readonly host: SessionHost, private readonly client: AnalysisClient) {}

  /** The session and file an analysis would read, without fetching weights (null when there is no model). */
  current(): { session: TrainingSession; document: SourceDocument; config: ModelConfig } | null {
    const session = this.host.session;
    const document = this.host.sourceDocument;
    const config = session?.info?.config;
    if (!session || !document || !config) return null;
    if (!session.machine.isLive && !session.latestCheckpoint) return null;
    return { session, document, config };
  }

  /** Loads the text and the current weights into the worker. */
  async prepare(): Promise<Prepared> {
    const current = this.current();
    if (!current) throw new UserError(vscode.l10n.t('Train a model first (or load one): the analyses read the training file with the model\'s weights.'));
    const { session, document } = current;
    let serial = this.serials.get(session);
    if (serial === undefined) {
      serial = this.nextSerial++;
      this.serials.set(session, serial);
    }
    this.client.setText(`text:${serial}`, document.source.text);
    // A step taken while paused is known from its trace before any progress report names it.
    const known = Math.max(session.latestProgress?.step ?? session.info?.step ?? 0, session.latestTrace?.header.trainingStep ?? 0);
    const loaded = this.loadedStep;
    const reuse = loaded && loaded.session === session && this.client.loaded.modelKey === `model:${serial}:${loaded.step}`
      && (session.state === 'paused' ? loaded.step === known : !session.machine.isLive && loaded.step === session.latestCheckpoint?.step);
    if (reuse) return { ...current, step: loaded.step };
    let snapshot: { bytes: Uint8Array; step: number };
    if (session.machine.isLive) snapshot = await session.save();
    else snapshot = session.latestCheckpoint!;
    this.client.setModel(`model:${serial}:${snapshot.step}`, snapshot.bytes);
    this.loadedStep = { session, step: snapshot.step };
    return { ...current, step: snapshot.step };
  }
}
