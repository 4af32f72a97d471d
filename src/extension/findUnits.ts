/**
 * Find Units: a view (in the RNN Lens container, beside Gradient Flow) that ranks every unit of the
 * model against features of the training text (engine/analysis/features.ts: in-quotes, in-brackets,
 * line-position, whitespace, and the user's regular expressions) in the analysis worker, and lists
 * the best units per feature with r and a sparkline. A unit's buttons hand it to Color Text by
 * Neuron, the heatmap's selection, Ablate Unit, Hold Unit At… or Sample With Unit Held.
 */

import * as vscode from 'vscode';
import { BUILTIN_FEATURES, parseFeature, type FeatureSpec } from '../engine/analysis/features';
import { MAX_ANALYSIS_CHARS, MAX_FEATURES, type NeuronsAnswer } from '../protocol/analysis';
import { parseUnitsToHost, type HostToUnits, type UnitRefView, type UnitsResult, type UnitsToHost } from '../protocol/units';
import { type FeatureStore } from './featureStore';
import { type InsightContext, runWithProgress } from './insightContext';
import { attachView, type PageDelivery } from './pageDelivery';
import { html, webviewOptions } from './trainingPanel';
import { UserError } from './userError';
import { errorText } from './engineErrors';
import { InputError } from '../engine/errors';

/** Units listed per feature. */
export const UNITS_PER_FEATURE = 5;
/** Points per sparkline. */
export const SPARK_BINS = 60;

export interface FindUnitsActions {
  /** A unit's button: what to do with it. */
  readonly paint: (unit: UnitRefView) => Promise<void>;
  readonly select: (unit: UnitRefView) => void;
  readonly ablate: (unit: UnitRefView, ask: boolean) => Promise<void>;
  readonly sample: (unit: UnitRefView) => Promise<void>;
  readonly report: (error: unknown) => void;
}

export class FindUnitsView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'rnnLens.findUnits';

  private view: vscode.WebviewView | undefined;
  private delivery: PageDelivery<HostToUnits> | undefined;
  private status: HostToUnits = { type: 'status', text: '', hasModel: false, done: 0, total: 0 };
  private result: UnitsResult | null = null;
  /** The user's regex features for `customFile` (the training file's URI), kept in `store`. */
  private custom: FeatureSpec[] = [];
  private customFile: string | null = null;
  private viewDisposables: vscode.Disposable[] = [];
  /** The user stopped the ranking under way (the view's Cancel). */
  private stopped = false;

  constructor(
    private readonly extensionUri: vscode.Uri, private readonly ctx: InsightContext, private readonly actions: FindUnitsActions,
    private readonly store: FeatureStore,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables) d.dispose();
    this.view = view;
    // The page's state is the latest status (a job's progress included) and the list, in that order.
    const attached = attachView<HostToUnits>(view, webviewOptions(this.extensionUri), () => (this.result ? [this.status, this.result] : [this.status]),
      () => html(view.webview, this.extensionUri, 'units', vscode.l10n.t('RNN Lens find units')),
      (raw) => {
        const message = parseUnitsToHost(raw);
        if (message) void this.receive(message).catch((error) => this.actions.report(error));
      },
      () => {
        if (this.view !== view) return;
        this.view = undefined;
        this.delivery = undefined;
      });
    this.delivery = attached.delivery;
    this.viewDisposables = attached.disposables;
  }

  /** Says whether there is a model to ask about (the buttons follow); a new session drops the old list. */
  refresh(sessionChanged = false): void {
    if (sessionChanged) this.result = null;
    this.loadCustom();
    const hasModel = this.ctx.source.current() !== null;
    this.deliver({ type: 'status', hasModel, done: 0, total: 0, text: hasModel ? (this.result ? '' : vscode.l10n.t('Find Units ranks every unit against each feature of the training text.')) : vscode.l10n.t('Train a model (or load one) to find the units that track quotes, brackets, line position or your own patterns.') });
    if (this.result) this.deliver(this.result);
  }

  /** Ranks the units and shows the list; the view is revealed first when asked from the palette. */
  async find(): Promise<void> {
    const current = this.ctx.source.current();
    if (!current) throw new UserError(vscode.l10n.t('Train a model first (or load one): Find Units reads the training file with the model\'s weights.'));
    this.loadCustom();
    // Show the list being made. Always asked for: `visible` can be stale while the sidebar switches
    // containers, and a view that only believes it is shown never loads its page.
    await vscode.commands.executeCommand(`${FindUnitsView.viewType}.focus`);
    const prepared = await this.ctx.source.prepare();
    const features = [...BUILTIN_FEATURES.map((name) => ({ name })), ...this.custom];
    const post = (done: number, total: number): void => this.deliver({ type: 'status', text: total > 0 ? vscode.l10n.t('Ranking the units…') : '', hasModel: true, done, total });
    post(0, 1);
    this.stopped = false;
    const answer = await runWithProgress(this.ctx, 'findUnits', vscode.l10n.t('Finding units'), {
      kind: 'neurons', features, top: UNITS_PER_FEATURE, maxChars: Math.min(MAX_ANALYSIS_CHARS, prepared.document.index.codePointLength), bins: SPARK_BINS,
    }, false, post);
    post(0, 0);
    if (!answer || answer.kind !== 'neurons') {
      if (this.stopped) this.deliver({ type: 'status', text: vscode.l10n.t('Stopped. Find Units ranks the units again from the start.'), hasModel: true, done: 0, total: 0 });
      return;
    }
    this.result = unitsResult(answer, prepared.document.source.fileName, prepared.step, prepared.config.cell, this.custom);
    this.deliver(this.result);
    const best = answer.features.map((f) => `${f.name}: ${f.units[0] ? `${f.units[0].state} ${f.units[0].layer}:${f.units[0].unit} r=${f.units[0].r.toFixed(3)}` : 'none'}`).join('; ');
    this.ctx.log.info(`Find Units (weights of step ${prepared.step}, ${answer.positions} characters): ${best}.`);
  }

  /** Add Feature Regex…: NAME=REGEX, checked here with the regex's own error; the list is ranked again. */
  async addFeature(): Promise<void> {
    this.loadCustom();
    if (this.custom.length + BUILTIN_FEATURES.length >= MAX_FEATURES) throw new UserError(vscode.l10n.t('At most {0} features; remove one first.', MAX_FEATURES));
    const taken = new Set<string>([...BUILTIN_FEATURES, ...this.custom.map((f) => f.name)]);
    const check = (v: string): string | undefined => {
      try {
        const f = parseFeature(v);
        return taken.has(f.name) ? vscode.l10n.t('There is already a feature called {0}.', f.name) : undefined;
      } catch (error) {
        if (error instanceof InputError) return errorText(error);
        throw error;
      }
    };
    const answer = await vscode.window.showInputBox({
      title: vscode.l10n.t('RNN Lens: Add a Feature'), prompt: vscode.l10n.t('NAME=REGEX: the feature is 1 inside the matches (JavaScript syntax, flags gu), 0 elsewhere'), value: 'digits=[0-9]+', validateInput: check,
    });
    if (answer === undefined) return;
    const problem = check(answer);
    if (problem) throw new UserError(problem);
    this.custom.push(parseFeature(answer));
    this.saveCustom();
    await this.find();
  }

  /** The features the user added for this file (tests, the view's labels). */
  get customFeatures(): readonly FeatureSpec[] {
    return this.custom;
  }

  /** The saved features of the session's file, read again when the session's file changes. */
  private loadCustom(): void {
    const file = this.ctx.source.current()?.document.source.uri.toString() ?? null;
    if (file === null || file === this.customFile) return;
    this.customFile = file;
    this.custom = this.store.load(file);
  }

  private saveCustom(): void {
    if (this.customFile === null) return;
    void Promise.resolve(this.store.save(this.customFile, this.custom)).catch((error) => this.ctx.log.warn(`Could not keep the Find Units features: ${String(error)}`));
  }

  dispose(): void {
    for (const d of this.viewDisposables) d.dispose();
  }

  private async receive(message: UnitsToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.delivery?.pageReady();
        return;
      case 'find':
        return this.find();
      case 'cancel':
        this.stopped = true;
        this.ctx.client.cancel('findUnits');
        return;
      case 'addFeature':
        return this.addFeature();
      case 'removeFeature': {
        const i = this.custom.findIndex((f) => f.name === message.name);
        if (i >= 0) this.custom.splice(i, 1);
        this.saveCustom();
        return this.find();
      }
      case 'unit': {
        const unit = { layer: message.layer, state: message.state, unit: message.unit };
        switch (message.action) {
          case 'paint': return this.actions.paint(unit);
          case 'select': return this.actions.select(unit);
          case 'ablate': return this.actions.ablate(unit, false);
          case 'hold': return this.actions.ablate(unit, true);
          case 'sample': return this.actions.sample(unit);
        }
      }
    }
  }

  /** Keeps a status as the latest (a list is kept by whoever set `result`) and sends it if the page can take it. */
  private deliver(message: HostToUnits): void {
    if (message.type === 'status') this.status = message;
    this.delivery?.post(message);
  }
}

export function unitsResult(answer: NeuronsAnswer, fileName: string, step: number, cell: string, custom: readonly FeatureSpec[]): UnitsResult {
  return {
    type: 'units', fileName, step, cell, positions: answer.positions,
    features: answer.features.map((f) => {
      const pattern = custom.find((c) => c.name === f.name)?.pattern;
      return {
        name: f.name, ...(pattern !== undefined ? { pattern } : {}), spark: Array.from(f.spark),
        units: f.units.map((u) => ({ layer: u.layer, state: u.state, unit: u.unit, r: u.r, spark: Array.from(u.spark) })),
      };
    }),
  };
}
