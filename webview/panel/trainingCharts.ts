/**
 * What happens over training: the loss curves (train and validation; smoothing; log scale) and
 * gate saturation per gate and layer. The loss curves are the host's (a `history` message
 * replaces them whole) continued by each progress report; validation is drawn only at the steps
 * it was measured. Kept (capped) in the webview state so a reload keeps them.
 */

import { type ProgressInfo } from '../../src/protocol/webview';
import { type Theme } from '../shared/theme';
import { drawLineChart, smooth, type Series } from '../shared/lineChart';
import { el, checkbox } from '../shared/dom';
import { formatCount, formatLoss, formatTick, formatValue } from '../../src/protocol/format';
import { t } from '../shared/strings';

export interface TrainingHistory {
  steps: number[];
  loss: number[];
  valSteps: number[];
  valLoss: number[];
  /** The host's number of the session these curves belong to (0: none yet). */
  session: number;
  /** Saturation series: label -> [step, fraction] pairs. */
  saturation: Record<string, [number, number][]>;
  smoothing: number;
  logScale: boolean;
}

export const MAX_POINTS = 2000;

export function emptyHistory(): TrainingHistory {
  return { steps: [], loss: [], valSteps: [], valLoss: [], session: 0, saturation: {}, smoothing: 0.6, logScale: false };
}

/** Keeps a history under MAX_POINTS by dropping every other old point (the curve's shape survives). */
function thin<T>(xs: T[], ys: T[]): void {
  if (xs.length <= MAX_POINTS) return;
  const keepX: T[] = [], keepY: T[] = [];
  for (let i = 0; i < xs.length; i++) if (i % 2 === 0 || i >= xs.length - MAX_POINTS / 4) { keepX.push(xs[i]); keepY.push(ys[i]); }
  xs.splice(0, xs.length, ...keepX);
  ys.splice(0, ys.length, ...keepY);
}

export class TrainingCharts {
  readonly lossElement: HTMLElement;
  readonly saturationElement: HTMLElement;
  private readonly lossCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('panel.loss.aria') } });
  private readonly lossText = el('p', { className: 'caption', attrs: { id: 'loss-text' } });
  private readonly satCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('panel.saturation.aria') } });
  private readonly satText = el('p', { className: 'caption', attrs: { id: 'saturation-text' } });

  constructor(private theme: Theme, readonly history: TrainingHistory, private readonly onChange: () => void) {
    const slider = el('input', { attrs: { type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': t('panel.smoothing.aria') } });
    slider.value = String(history.smoothing);
    slider.addEventListener('input', () => { history.smoothing = Number(slider.value); this.onChange(); });
    this.lossElement = el('div', {}, [
      el('div', { className: 'row controls' }, [
        el('label', { className: 'control' }, [document.createTextNode(`${t('panel.smoothing')} `), slider]),
        checkbox(t('panel.logScale'), history.logScale, (v) => { history.logScale = v; this.onChange(); }),
      ]),
      this.lossCanvas, this.lossText,
    ]);
    this.saturationElement = el('div', {}, [this.satCanvas, this.satText]);
  }

  setTheme(theme: Theme): void { this.theme = theme; }

  /** What learning has to beat: ln V, the loss of a uniform guess, and the text's unigram entropy. */
  private baselines: { uniform: number; unigram: number } | null = null;

  setBaselines(vocabSize: number, unigramEntropy: number): void {
    this.baselines = { uniform: Math.log(vocabSize), unigram: unigramEntropy };
  }

  addProgress(p: ProgressInfo): void {
    const h = this.history;
    if (h.steps.length > 0 && p.step < h.steps[h.steps.length - 1]) {
      // A new run (or a restart from an earlier checkpoint): start the curves afresh.
      h.steps.length = 0; h.loss.length = 0; h.valSteps.length = 0; h.valLoss.length = 0; h.saturation = {};
    }
    if (h.steps.length === 0 || p.step > h.steps[h.steps.length - 1]) {
      h.steps.push(p.step);
      h.loss.push(p.loss);
      thin(h.steps, h.loss);
    }
    // Validation is measured less often than progress is reported: a point only where it was measured.
    const valAt = p.valStep ?? p.step;
    if (p.valLoss !== null && valAt <= p.step && (h.valSteps.length === 0 || h.valSteps[h.valSteps.length - 1] < valAt)) {
      h.valSteps.push(valAt);
      h.valLoss.push(p.valLoss);
      thin(h.valSteps, h.valLoss);
    }
  }

  /** The host's curves of a session, whole: they replace ours (a new session also starts its own saturation). */
  setHistory(m: { session: number; steps: readonly number[]; loss: readonly number[]; valSteps: readonly number[]; valLoss: readonly number[] }): void {
    const h = this.history;
    if (h.session !== m.session) h.saturation = {};
    h.session = m.session;
    h.steps = [...m.steps]; h.loss = [...m.loss]; h.valSteps = [...m.valSteps]; h.valLoss = [...m.valLoss];
    thin(h.steps, h.loss);
    thin(h.valSteps, h.valLoss);
  }

  /** One point per gate and layer at a training step (from a stats message or computed from a trace). */
  addSaturation(step: number, gateNames: readonly string[], perLayer: readonly (readonly number[])[]): void {
    perLayer.forEach((row, l) => row.forEach((f, g) => {
      const key = `${gateNames[g] ?? g} L${l}`;
      const s = (this.history.saturation[key] ??= []);
      if (s.length > 0 && s[s.length - 1][0] >= step) { if (s[s.length - 1][0] === step) s[s.length - 1][1] = f; return; }
      s.push([step, f]);
      if (s.length > MAX_POINTS) s.splice(0, s.length - MAX_POINTS);
    }));
  }

  draw(): void {
    const h = this.history;
    const th = this.theme;
    const series: Series[] = [
      { label: t('panel.loss.smoothed', formatTick(h.smoothing)), color: th.blue, x: h.steps, y: smooth(h.loss, h.smoothing) },
      { label: t('panel.loss.validation'), color: th.orange, x: h.valSteps, y: h.valLoss, dots: h.valSteps.length < 60 },
    ];
    if (h.smoothing > 0) series.unshift({ label: t('panel.loss.raw'), color: th.grid, x: h.steps, y: h.loss });
    const b = this.baselines;
    const hlines = b ? [
      { y: b.uniform, color: th.muted, label: t('panel.loss.uniform', formatLoss(b.uniform)), shortLabel: t('panel.loss.uniform.short', formatLoss(b.uniform)) },
      { y: b.unigram, color: th.purple, label: t('panel.loss.unigram', formatLoss(b.unigram)), shortLabel: t('panel.loss.unigram.short', formatLoss(b.unigram)) },
    ] : [];
    drawLineChart(this.lossCanvas, th, series, { logY: h.logScale, xLabel: t('panel.step.x'), emptyText: t('panel.loss.empty'), xIntegerTicks: true, hlines: h.steps.length ? hlines : [] });
    const last = h.loss.length ? h.loss[h.loss.length - 1] : NaN;
    const lastVal = h.valLoss.length ? h.valLoss[h.valLoss.length - 1] : NaN;
    this.lossText.textContent = h.steps.length
      ? (h.valLoss.length
        ? t('panel.loss.textVal', formatCount(h.steps[h.steps.length - 1]), formatLoss(last), formatLoss(lastVal), formatCount(h.steps.length))
        : t('panel.loss.text', formatCount(h.steps[h.steps.length - 1]), formatLoss(last), formatCount(h.steps.length)))
      : t('panel.loss.none');
    if (b && h.steps.length) {
      this.lossText.textContent += ` ${t('panel.loss.baselines', formatLoss(b.uniform), formatCount(Math.exp(b.uniform)), formatLoss(b.unigram))}`;
    }
    const palette = [th.blue, th.red, th.green, th.orange, th.purple, th.yellow];
    const keys = Object.keys(h.saturation);
    const sat: Series[] = keys.map((k, i) => ({
      label: k, color: palette[i % palette.length], dash: Number(k.slice(k.lastIndexOf('L') + 1)) > 0 ? [4, 3] : undefined,
      x: h.saturation[k].map((p) => p[0]), y: h.saturation[k].map((p) => p[1]), dots: h.saturation[k].length < 40,
    }));
    drawLineChart(this.satCanvas, th, sat, { xLabel: t('panel.step.x'), emptyText: t('panel.saturation.empty'), xIntegerTicks: true });
    this.satText.textContent = keys.length
      ? t('panel.saturation.text', keys.map((k) => `${k} ${formatValue(h.saturation[k][h.saturation[k].length - 1][1])}`).join(', '))
      : '';
  }
}
