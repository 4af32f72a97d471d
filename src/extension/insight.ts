/**
 * The causal questions of RNN Lens, as one part of the extension: it owns the analysis worker,
 * the Insight panel, the Find Units view and the commands that ask (What If…, Why This Prediction?,
 * Find Units, Ablate Unit, Hold Unit At…, Sample With Unit Held), and drops what they painted when
 * the session is replaced.
 */

import * as vscode from 'vscode';
import { AnalysisClient } from './analysisClient';
import { AnalysisSource } from './analysisSource';
import { CellStatePainter } from './cellStatePainter';
import { FeatureStore, type FeatureMemento } from './featureStore';
import { FindUnitsView } from './findUnits';
import { type InsightContext } from './insightContext';
import { InsightPanel } from './insightPanel';
import { LiveWhatIf } from './liveWhatIf';
import { type SessionFollower, type SessionHost } from './sessionHost';
import { type TimestepCursor } from './timestepCursor';
import { type TrainingSession } from './trainingSession';
import { UnitAblation } from './unitAblation';
import { WhatIf } from './whatIf';
import { WhyPrediction } from './whyPrediction';
import { type WorkerFactory } from './workerClient';

export interface InsightOptions {
  readonly extensionUri: vscode.Uri;
  readonly host: SessionHost;
  readonly log: vscode.LogOutputChannel;
  readonly workerFactory: WorkerFactory;
  /** Where the user's Find Units features are kept per training file (the workspace's state). */
  readonly workspaceState: FeatureMemento;
  readonly cursor: TimestepCursor;
  /** Color Text by Neuron and the heatmap's selection (neuronColoring.ts), for Find Units' h units. */
  readonly colorByUnit: (layer: number, unit: number) => Promise<void>;
  readonly selectUnit: (layer: number, unit: number) => void;
  readonly clearNeuronColors: () => void;
  readonly temperature: () => number;
  readonly report: (error: unknown) => void;
}

export class Insight implements SessionFollower, vscode.Disposable {
  readonly ctx: InsightContext;
  readonly whatIf: WhatIf;
  readonly liveWhatIf: LiveWhatIf;
  readonly why: WhyPrediction;
  readonly ablation: UnitAblation;
  readonly findUnits: FindUnitsView;
  private readonly cellPainter: CellStatePainter;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: InsightOptions) {
    const client = new AnalysisClient(options.workerFactory, options.log);
    const panel = new InsightPanel(options.extensionUri);
    this.ctx = { client, source: new AnalysisSource(options.host, client), panel, log: options.log };
    this.whatIf = new WhatIf(this.ctx);
    this.liveWhatIf = new LiveWhatIf(this.ctx, this.whatIf, options.report);
    this.why = new WhyPrediction(this.ctx, options.host, options.cursor);
    this.ablation = new UnitAblation(this.ctx, options.temperature);
    this.cellPainter = new CellStatePainter(this.ctx);
    this.findUnits = new FindUnitsView(options.extensionUri, this.ctx, {
      // h is what Color Text by Neuron and the heatmap show; an LSTM's c is painted from the analysis worker.
      paint: (u) => {
        this.ablation.clear();
        if (u.state === 'h') {
          this.cellPainter.clear();
          return options.colorByUnit(u.layer, u.unit);
        }
        options.clearNeuronColors();
        return this.cellPainter.paint(u);
      },
      select: (u) => options.selectUnit(u.layer, u.unit),
      ablate: (u, ask) => this.ablate(u, ask),
      sample: (u) => this.ablation.sample(u),
      report: options.report,
    }, new FeatureStore(options.workspaceState));
    this.disposables.push(
      this.ablation, this.cellPainter, this.findUnits,
      vscode.window.registerWebviewViewProvider(FindUnitsView.viewType, this.findUnits),
    );
    this.disposables.push(this.liveWhatIf, this.whatIf, this.why, panel, { dispose: () => client.dispose() }, panel.onDidReceiveMessage((m) => {
      if (m.type === 'whyMode') this.why.setMode(m.mode);
    }));
  }

  /** Ablate Unit / Hold Unit At…: the loss change is painted alone, not over a unit's colours. */
  ablate(arg: unknown, ask: boolean): Promise<void> {
    return this.ablation.ablate(arg, ask, () => {
      this.cellPainter.clear();
      this.options.clearNeuronColors();
    });
  }

  follow(session: TrainingSession): vscode.Disposable[] {
    this.findUnits.refresh(true);
    return [session.onDidChangeState(() => this.findUnits.refresh())];
  }

  forget(): void {
    this.liveWhatIf.cancel();
    this.whatIf.clear();
    this.why.clear();
    this.ablation.clear();
    this.cellPainter.clear();
    this.findUnits.refresh(true);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
