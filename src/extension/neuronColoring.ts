/**
 * Color Text by Neuron as a command and as something that stays current: which unit is selected
 * (by the command or the panel's heatmap), colouring what the editors show by it (the feed asks
 * the analysis worker for the visible stretches, neuronColorFeed.ts), and refreshing the colours
 * when the weights move on. The painting itself is NeuronColors' (neuronColors.ts).
 */

import * as vscode from 'vscode';
import { type HostToWebview } from '../protocol/webview';
import { CONTEXT_KEYS, type ContextKeys } from './contextKeys';
import { type AnalysisClient } from './analysisClient';
import { type AnalysisSource } from './analysisSource';
import { NeuronColorFeed } from './neuronColorFeed';
import { type NeuronColors, type NeuronSelection } from './neuronColors';
import { type SessionFollower, type SessionHost } from './sessionHost';
import { type TrainingSession } from './trainingSession';
import { messageOf, UserError } from './userError';

/** While training, neuron colours follow the weights at most this often (each refresh takes a checkpoint of the weights). */
export const NEURON_RECOLOR_INTERVAL_MS = 30_000;

export interface NeuronColoringOptions {
  readonly host: SessionHost;
  readonly neuronColors: NeuronColors;
  readonly contextKeys: ContextKeys;
  readonly log: vscode.LogOutputChannel;
  readonly post: (message: HostToWebview) => void;
  readonly report: (error: unknown) => void;
  /** The analysis worker's client and the source of its text and weights (the Insight part's). */
  readonly analysis: () => { readonly client: AnalysisClient; readonly source: AnalysisSource };
}

export class NeuronColoring implements SessionFollower, vscode.Disposable {
  private selectedUnit: NeuronSelection = { layer: 0, unit: 0 };
  /** A pass is in flight (at most one), another was asked for meanwhile, when the last one was asked for. */
  private lastRecolorAt = 0;
  private readonly subscription: vscode.Disposable;
  private readonly feed: NeuronColorFeed;

  constructor(private readonly options: NeuronColoringOptions) {
    this.subscription = vscode.window.onDidChangeVisibleTextEditors(() => options.neuronColors.apply());
    this.feed = new NeuronColorFeed({ neuronColors: options.neuronColors, analysis: options.analysis, log: options.log });
  }

  follow(session: TrainingSession): vscode.Disposable[] {
    return [
      session.onDidChangeState((state) => {
        if (state === 'stopped' || state === 'failed') this.clear();
        else this.maybeRecolor();
      }),
      session.onProgress(() => this.maybeRecolor()),
      session.onTrace(() => {
        this.options.neuronColors.apply();
        this.maybeRecolor();
      }),
    ];
  }

  forget(): void {
    this.clear();
  }

  /** The unit the views show as selected. */
  selectionMessage(): HostToWebview {
    return { type: 'selection', layer: this.selectedUnit.layer, unit: this.selectedUnit.unit };
  }

  /** The panel's heatmap selected a unit: the views follow, and so do the colours if shown. */
  selectFromView(layer: number, unit: number): void {
    const info = this.options.host.session?.info;
    if (info && (layer >= info.config.layers || unit >= info.config.hidden)) return;
    this.selectedUnit = { layer, unit };
    this.options.post(this.selectionMessage());
    if (this.options.neuronColors.isShown) void this.recolor(this.selectedUnit, false);
  }

  /** Color Text by Neuron...: `arg` names the unit ("12", "1:12" or {layer, unit}); otherwise asks. */
  async colorTextByNeuron(arg?: unknown): Promise<void> {
    const { host } = this.options;
    const session = host.session;
    if (!session?.info || !session.machine.isLive || !host.sourceDocument) {
      throw new UserError(vscode.l10n.t('Train a model first: neuron colours show a unit\'s activations over the training file with the current weights.'));
    }
    const { layers, hidden } = session.info.config;
    let selection = parseSelection(arg, layers, hidden);
    if (!selection) {
      const current = this.selectedUnit;
      const answer = await vscode.window.showInputBox({
        title: vscode.l10n.t('RNN Lens: Color Text by Neuron'),
        prompt: layers > 1
          ? vscode.l10n.t('Layer and unit as "layer:unit" (layers 0-{0}, units 0-{1}; the panel\'s heatmap selects one too)', layers - 1, hidden - 1)
          : vscode.l10n.t('Hidden unit (0-{0}; the panel\'s heatmap selects one too)', hidden - 1),
        value: layers > 1 ? `${current.layer}:${current.unit}` : String(current.unit),
        validateInput: (v) => (parseSelection(v, layers, hidden) ? undefined : layers > 1
          ? vscode.l10n.t('Enter layer:unit, e.g. 0:12, within the model ({0} layers of {1} units).', layers, hidden)
          : vscode.l10n.t('Enter a unit number within the model (0 to {0}).', hidden - 1)),
      });
      if (answer === undefined) return;
      selection = parseSelection(answer, layers, hidden);
      if (!selection) return;
    }
    this.selectedUnit = selection;
    this.options.post(this.selectionMessage());
    const doc = host.sourceDocument;
    if (doc.matchingEditors().length === 0 && !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === doc.source.uri.toString())) {
      try {
        const document = await vscode.workspace.openTextDocument(doc.source.uri);
        await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.One });
      } catch {
        throw new UserError(vscode.l10n.t('{0} cannot be opened any more, so there is nothing to colour.', doc.source.fileName));
      }
    }
    await this.recolor(selection, true);
  }

  clear(): void {
    this.feed.stop();
    this.options.neuronColors.clear();
    this.options.contextKeys.set(CONTEXT_KEYS.neuronColorsShown, false);
  }

  dispose(): void {
    this.subscription.dispose();
    this.feed.dispose();
  }

  /**
   * Colours what the editors show by `selection`, with the current weights (the feed extends it as
   * the user scrolls). `announce` (the command) shows errors and a changed file; the automatic
   * refreshes (new selection in the panel, new weights) only log.
   */
  private async recolor(selection: NeuronSelection, announce: boolean): Promise<void> {
    const { host, neuronColors, log } = this.options;
    const session = host.session;
    const doc = host.sourceDocument;
    if (!session?.info || !doc) return;
    neuronColors.select(selection);
    this.options.contextKeys.set(CONTEXT_KEYS.neuronColorsShown, true);
    this.lastRecolorAt = Date.now();
    try {
      await this.feed.refresh(announce);
      if (host.session !== session || !neuronColors.isShown) return;
      if (this.feed.stale) {
        const note = vscode.l10n.t('{0} has changed since training started, so its characters no longer line up with the model\'s; nothing is coloured. Undo the edits or train again to see neuron colours.', doc.source.fileName);
        log.warn(note);
        if (announce) void vscode.window.showWarningMessage(vscode.l10n.t('RNN Lens: {0}', note));
      }
    } catch (error) {
      if (host.session !== session || !session.machine.isLive) return; // the session ended meanwhile: nothing to colour
      if (announce) throw error;
      log.warn(`Neuron colours were not refreshed: ${messageOf(error)}`);
    }
  }

  /** New weights since the colours were computed: refresh once paused, or every NEURON_RECOLOR_INTERVAL_MS while training. */
  private maybeRecolor(): void {
    const selection = this.options.neuronColors.selection;
    const session = this.options.host.session;
    if (!selection || !session) return;
    const shownStep = this.feed.step;
    const step = Math.max(session.latestProgress?.step ?? -1, session.latestTrace?.header.trainingStep ?? -1);
    if (shownStep === undefined || step < 0 || step === shownStep) return;
    const due = session.state === 'paused' || (session.state === 'training' && Date.now() - this.lastRecolorAt >= NEURON_RECOLOR_INTERVAL_MS);
    if (due) void this.recolor(selection, false);
  }
}

/** "12" (layer 0) or "1:12"; also accepts {layer, unit}. Null when outside the model. */
export function parseSelection(value: unknown, layers: number, hidden: number): NeuronSelection | null {
  let layer: number;
  let unit: number;
  if (typeof value === 'string') {
    const m = /^\s*(?:(\d+)\s*:\s*)?(\d+)\s*$/.exec(value);
    if (!m) return null;
    layer = m[1] === undefined ? 0 : Number(m[1]);
    unit = Number(m[2]);
  } else if (typeof value === 'object' && value !== null && 'unit' in value) {
    const v = value as { layer?: unknown; unit?: unknown };
    layer = typeof v.layer === 'number' ? v.layer : 0;
    if (typeof v.unit !== 'number') return null;
    unit = v.unit;
  } else {
    return null;
  }
  return Number.isInteger(layer) && Number.isInteger(unit) && layer >= 0 && layer < layers && unit >= 0 && unit < hidden ? { layer, unit } : null;
}
