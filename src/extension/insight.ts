/**
 * The causal questions of RNN Lens, as one part of the extension: it owns the analysis worker,
 * the Insight panel and the commands that ask (What If…, Why This Prediction?, and the others as they land), and drops
 * what they painted when the session is replaced.
 */

import * as vscode from 'vscode';
import { AnalysisClient } from './analysisClient';
import { AnalysisSource } from './analysisSource';
import { type InsightContext } from './insightContext';
import { InsightPanel } from './insightPanel';
import { type SessionFollower, type SessionHost } from './sessionHost';
import { type TimestepCursor } from './timestepCursor';
import { WhatIf } from './whatIf';
import { WhyPrediction } from './whyPrediction';
import { type WorkerFactory } from './workerClient';

export interface InsightOptions {
  readonly extensionUri: vscode.Uri;
  readonly host: SessionHost;
  readonly log: vscode.LogOutputChannel;
  readonly workerFactory: WorkerFactory;
  readonly cursor: TimestepCursor;
}

export class Insight implements SessionFollower, vscode.Disposable {
  readonly ctx: InsightContext;
  readonly whatIf: WhatIf;
  readonly why: WhyPrediction;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(options: InsightOptions) {
    const client = new AnalysisClient(options.workerFactory, options.log);
    const panel = new InsightPanel(options.extensionUri);
    this.ctx = { client, source: new AnalysisSource(options.host, client), panel, log: options.log };
    this.whatIf = new WhatIf(this.ctx);
    this.why = new WhyPrediction(this.ctx, options.host, options.cursor);
    this.disposables.push(this.whatIf, this.why, panel, { dispose: () => client.dispose() }, panel.onDidReceiveMessage((m) => {
      if (m.type === 'whyMode') this.why.setMode(m.mode);
    }));
  }

  follow(): vscode.Disposable[] {
    return [];
  }

  forget(): void {
    this.whatIf.clear();
    this.why.clear();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
