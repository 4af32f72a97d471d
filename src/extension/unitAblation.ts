/**
 * Ablate Unit, Hold Unit At… and Sample With Unit Held: the test of "this looks like a quote
 * cell". The unit is held at a value at every timestep (engine/analysis/ablation.ts) in the
 * analysis worker; the editor paints how the loss of each predicted character changed (red
 * worse, green better, both losses in a hover), the Insight panel sums the change up inside and
 * outside each feature of the text, and the sample with the unit held opens beside the normal
 * sample drawn with the same seed.
 */

import * as vscode from 'vscode';
import { HOLD_SYNTAX, parseHold } from '../engine/analysis/ablation';
import { BUILTIN_FEATURES, featureValues, type FeatureSpec } from '../engine/analysis/features';
import { describeChar, sliceCodePoints } from '../engine/text';
import { MAX_ANALYSIS_CHARS, type AblateAnswer, type HoldSpec } from '../protocol/analysis';
import { formatCount, formatLoss } from '../protocol/format';
import { type AblationView } from '../protocol/insight';
import { unitName, type UnitRefView } from '../protocol/units';
import { type InsightContext, runWithProgress } from './insightContext';
import { LevelPainter } from './levelPainter';
import { UserError } from './userError';
import { errorText } from './engineErrors';
import { InputError } from '../engine/errors';

/** Characters per held sample. */
export const HELD_SAMPLE_LENGTH = 400;

/** Features whose value is 0 or 1 (line-position is a count, so "inside" means nothing for it). */
const REGION_FEATURES: readonly FeatureSpec[] = BUILTIN_FEATURES.filter((f) => f !== 'line-position').map((name) => ({ name }));

export class UnitAblation implements vscode.Disposable {
  /** Green where holding the unit helped, red where it hurt. */
  readonly painter = new LevelPainter({ light: ['20, 150, 60', '220, 40, 40'], dark: ['60, 200, 100', '255, 80, 80'] });

  constructor(private readonly ctx: InsightContext, private readonly temperature: () => number) {}

  /** Ablate Unit (value 0) or Hold Unit At… (`ask`: the value is asked for); `arg` names the unit or a hold spec. */
  async ablate(arg: unknown, ask: boolean, beforePaint: () => void = () => {}): Promise<void> {
    const hold = await this.pickHold(arg, ask, ask ? vscode.l10n.t('RNN Lens: Hold Unit At…') : vscode.l10n.t('RNN Lens: Ablate Unit'));
    if (!hold) return;
    const prepared = await this.ctx.source.prepare();
    const { document } = prepared;
    const chars = Math.min(MAX_ANALYSIS_CHARS, document.index.codePointLength);
    const name = holdName(hold);
    const answer = await runWithProgress(this.ctx, 'ablate', vscode.l10n.t('Holding {0}', name), { kind: 'ablate', holds: [hold], maxChars: chars }, true);
    if (!answer || answer.kind !== 'ablate') return;
    const text = chars < document.index.codePointLength ? sliceCodePoints(document.source.text, 0, chars) : document.source.text;
    const view = ablationView(answer, text, document.source.fileName, name, prepared.step);
    this.ctx.panel.show(view);
    beforePaint();
    this.paint(answer, name);
    this.ctx.log.info(`Ablate ${name} (weights of step ${prepared.step}): mean loss ${view.meanBase.toFixed(4)} -> ${view.meanHeld.toFixed(4)}.`);
  }

  /** Sample With Unit Held: two samples with one seed, the normal one and the held one, side by side. */
  async sample(arg: unknown): Promise<void> {
    const hold = await this.pickHold(arg, false, vscode.l10n.t('RNN Lens: Sample With Unit Held'));
    if (!hold) return;
    const prepared = await this.ctx.source.prepare();
    const seed = Math.floor(Math.random() * 2 ** 32);
    const temperature = this.temperature();
    const name = holdName(hold);
    const answer = await runWithProgress(this.ctx, 'sample', vscode.l10n.t('Sampling with {0}', name), {
      kind: 'sampleHeld', holds: [hold], length: HELD_SAMPLE_LENGTH, temperature, seed, prime: '',
    }, true);
    if (!answer || answer.kind !== 'sampleHeld') return;
    
    const normal = await vscode.workspace.openTextDocument({ content: `${vscode.l10n.t('RNN Lens sample: the model as trained (seed {0}, temperature {1}, weights of step {2})', seed, temperature, formatCount(prepared.step))}\n\n${answer.normal}`, language: 'plaintext' });
    const normalEditor = await vscode.window.showTextDocument(normal, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    const held = await vscode.workspace.openTextDocument({ content: `${vscode.l10n.t('RNN Lens sample: {0} (same seed {1}, temperature {2}, weights of step {3})', name, seed, temperature, formatCount(prepared.step))}\n\n${answer.held}`, language: 'plaintext' });
    await vscode.window.showTextDocument(held, { preview: false, viewColumn: (normalEditor.viewColumn ?? vscode.ViewColumn.One) + 1, preserveFocus: true });
    this.ctx.log.info(`Sample with ${name}: seed ${seed}; ${answer.normal === answer.held ? 'identical to' : 'differs from'} the normal sample.`);
  }

  clear(): void {
    this.painter.clear();
  }

  dispose(): void {
    this.painter.dispose();
  }

  private paint(answer: AblateAnswer, name: string): void {
    const document = this.ctx.source.current()?.document;
    if (!document) return;
    const delta = answer.held.map((h, i) => h - answer.base[i]);
    let scale = 0;
    for (const d of delta) if (Number.isFinite(d)) scale = Math.max(scale, Math.abs(d));
    // Full colour at the 98th percentile of |change| (at least a fifth of the largest): the typical changes show, not only the few extremes.
    const sorted = Array.from(delta, Math.abs).sort((a, b) => a - b);
    scale = Math.max(sorted[Math.floor(sorted.length * 0.98)] ?? scale, scale / 5);
    const hover = (i: number): string => {
      const predicted = [...document.source.text.slice(document.index.utf16Offset(i + 1), document.index.utf16Offset(i + 2))][0] ?? '';
      const d = delta[i];
      return [
        `**RNN Lens: ${name}**: predicting ${describeChar(predicted)} (character ${formatCount(i + 1)})`,
        `loss as trained ${formatLoss(answer.base[i])} nats, with the unit held ${formatLoss(answer.held[i])} nats: ${d >= 0 ? 'worse' : 'better'} by ${formatLoss(Math.abs(d))}`,
      ].join('  \n');
    };
    // delta[i] is the loss of predicting character i + 1: painted on that character.
    this.painter.paint(document, 1, delta, scale, hover);
  }

  /** The hold from `arg` (a unit from Find Units, or a spec string), else from input boxes; undefined when dismissed. */
  private async pickHold(arg: unknown, askValue: boolean, title: string): Promise<HoldSpec | undefined> {
    const current = this.ctx.source.current();
    if (!current) throw new UserError(vscode.l10n.t('Train a model first (or load one): holding a unit needs the model\'s weights.'));
    const { config } = current;
    let hold: HoldSpec | undefined;
    const outside = (h: HoldSpec): string | undefined => (h.layer >= config.layers || h.unit >= config.hidden || (h.state === 'c' && config.cell !== 'lstm')
      ? (config.cell === 'lstm' ? vscode.l10n.t('Not in this model: {0} layer(s) of {1} units.', config.layers, config.hidden) : vscode.l10n.t('Not in this model: {0} layer(s) of {1} units, h only.', config.layers, config.hidden))
      : undefined);
    if (typeof arg === 'string') hold = parseHold(arg);
    else if (isUnitRef(arg)) hold = { state: arg.state, layer: arg.layer, unit: arg.unit, value: 0 };
    else {
      const check = (v: string): string | undefined => {
        try {
          return outside(parseHold(v));
        } catch (error) {
          if (error instanceof InputError) return errorText(error);
          throw error;
        }
      };
      const answer = await vscode.window.showInputBox({
        title, prompt: vscode.l10n.t('The unit as {0} (layer and unit from 0; h or, for an LSTM, c; Find Units lists candidates)', HOLD_SYNTAX), value: 'h:0:0', validateInput: check,
      });
      if (answer === undefined) return undefined;
      const problem = check(answer);
      if (problem) throw new UserError(problem);
      hold = parseHold(answer);
    }
    // A unit from a view or a command's argument was chosen against another model, perhaps.
    const problem = outside(hold);
    if (problem) throw new UserError(problem);
    if (askValue) {
      const value = await vscode.window.showInputBox({
        title, prompt: hold.state === 'h' && config.cell !== 'rnn' ? vscode.l10n.t('Hold {0} at which value at every character? (h of an LSTM or GRU lies in −1…1)', unitName(hold)) : vscode.l10n.t('Hold {0} at which value at every character? (any finite number)', unitName(hold)), value: '1',
        validateInput: (v) => (v.trim() !== '' && Number.isFinite(Number(v)) && Math.abs(Number(v)) <= 1e6 ? undefined : vscode.l10n.t('Enter a number, e.g. 1 or -0.5.')),
      });
      if (value === undefined) return undefined;
      hold = { ...hold, value: Number(value) };
    }
    return hold;
  }
}

export function holdName(h: HoldSpec): string {
  return vscode.l10n.t('{0} held at {1}', unitName(h), h.value);
}

/** The panel's summary: mean losses, and the mean change inside and outside each 0/1 feature, largest contrast first. */
export function ablationView(answer: AblateAnswer, text: string, fileName: string, unit: string, step: number): AblationView {
  const n = answer.base.length;
  let sumBase = 0;
  let sumHeld = 0;
  for (let i = 0; i < n; i++) {
    sumBase += answer.base[i];
    sumHeld += answer.held[i];
  }
  const regions = REGION_FEATURES.map((spec) => {
    const values = featureValues(spec, text);
    let inSum = 0;
    let inCount = 0;
    let outSum = 0;
    for (let i = 0; i < n; i++) {
      const d = answer.held[i] - answer.base[i];
      // The change at prediction i is the predicted character's (i + 1): inside when that character is.
      if (values[i + 1] > 0) { inSum += d; inCount++; } else outSum += d;
    }
    return { feature: spec.name, inside: inCount > 0 ? inSum / inCount : 0, outside: n - inCount > 0 ? outSum / (n - inCount) : 0, insideCount: inCount };
  });
  // A feature with no character inside (or none outside) contrasts nothing: it goes last.
  const contrast = (r: { inside: number; outside: number; insideCount: number }): number => (r.insideCount > 0 && r.insideCount < n ? Math.abs(r.inside - r.outside) : -1);
  regions.sort((a, b) => contrast(b) - contrast(a));
  return { type: 'ablation', fileName, unit, step, chars: n + 1, meanBase: n > 0 ? sumBase / n : 0, meanHeld: n > 0 ? sumHeld / n : 0, regions };
}

function isUnitRef(v: unknown): v is UnitRefView {
  if (typeof v !== 'object' || v === null) return false;
  const u = v as Partial<UnitRefView>;
  return (u.state === 'h' || u.state === 'c') && Number.isInteger(u.layer) && Number.isInteger(u.unit);
}
