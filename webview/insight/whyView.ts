/**
 * Why This Prediction?: how much the prediction of the next character leans on each earlier
 * character. Bars over the last characters (one column per character, its label under it) and the
 * whole explained stretch as text tinted by the same scores. `grad` is gradient × input at the
 * character read (signed: orange raised the prediction, blue lowered it); `norm` the size of the
 * whole input gradient (how much any change there would matter).
 */

import { type SaliencyMode, type WhyView } from '../../src/protocol/insight';
import { formatCount, formatProbability, formatValue } from '../../src/protocol/format';
import { fitCanvas } from '../shared/lineChart';
import { el, section, select } from '../shared/dom';
import { type Theme } from '../shared/theme';
import { visibleChar } from '../shared/format';
import { t } from '../shared/strings';

/** Columns in the bar chart at most: the characters nearest the prediction. */
const BAR_CHARS = 96;
/** Narrowest column that still has room for its character under it. */
const MIN_COLUMN_PX = 9;
/** Characters in the tinted text under the bars: enough for a function or a paragraph. */
const TEXT_CHARS = 600;

export class WhySection {
  readonly element: HTMLElement;
  private readonly title = el('p', { className: 'summary', attrs: { id: 'why-title', 'aria-live': 'polite' } });
  private readonly bars = el('canvas', { className: 'chart short', attrs: { id: 'why-bars', role: 'img', 'aria-label': t('insight.why.bars') } });
  private readonly text = el('div', { className: 'why-text', attrs: { id: 'why-text' } });
  private readonly caption = el('p', { className: 'caption' });
  private readonly modeSelect: HTMLLabelElement;
  private view: WhyView | null = null;
  private mode: SaliencyMode = 'grad';

  constructor(onMode: (mode: SaliencyMode) => void) {
    this.modeSelect = select(t('insight.why.score'), [['grad', t('insight.why.score.grad')], ['norm', t('insight.why.score.norm')]], this.mode, (v) => {
      this.mode = v === 'norm' ? 'norm' : 'grad';
      onMode(this.mode);
      this.render();
    });
    this.modeSelect.querySelector('select')!.id = 'why-mode';
    this.element = section('why', t('insight.why.heading'), [this.title, el('div', { className: 'row' }, [this.modeSelect]), this.bars, this.text, this.caption]);
    this.element.hidden = true;
  }

  show(view: WhyView, theme: Theme): void {
    this.view = view;
    this.mode = view.mode;
    this.modeSelect.querySelector('select')!.value = view.mode;
    this.element.hidden = false;
    this.theme = theme;
    this.render();
  }

  private theme: Theme | null = null;

  draw(theme: Theme): void {
    this.theme = theme;
    this.render();
  }

  private scores(): readonly number[] {
    const v = this.view!;
    return this.mode === 'grad' ? v.grad : v.norm;
  }

  private render(): void {
    const view = this.view;
    const theme = this.theme;
    if (!view || !theme) return;
    const scores = this.scores();
    const max = Math.max(1e-12, ...scores.map((s) => Math.abs(s)).filter(Number.isFinite));
    let best = 0;
    scores.forEach((s, i) => { if (Math.abs(s) > Math.abs(scores[best])) best = i; });
    const back = view.t - view.first - best;
    const backText = back === 0 ? t('insight.why.justRead') : t(back === 1 ? 'insight.why.back.one' : 'insight.why.back.many', formatCount(back));
    this.title.textContent = t('insight.why.title', visibleChar(view.target), formatCount(view.t), view.fileName, formatProbability(Math.exp(view.logProb)), formatCount(view.step),
      visibleChar(view.chars[best] ?? '?'), formatCount(view.first + best), backText, this.mode, formatValue(scores[best]));
    const columns = this.drawBars(theme, scores, max);
    const textFirst = Math.max(0, view.chars.length - TEXT_CHARS);
    const where = t('insight.why.where', formatCount(columns), formatCount(view.chars.length - textFirst));
    this.caption.textContent = this.mode === 'grad'
      ? t('insight.why.caption.grad', where)
      : t('insight.why.caption.norm', where);
    this.text.replaceChildren(...view.chars.slice(textFirst).map((ch, j) => {
      const i = textFirst + j;
      const s = scores[i];
      const span = el('span', { className: `why-char${i === view.chars.length - 1 ? ' target' : ''}${ch === '\n' ? ' newline' : ''}`, text: ch === '\n' ? '↵' : visibleChar(ch), title: t('insight.why.charScore', formatCount(view.first + i), this.mode, formatValue(s)) });
      const a = Number.isFinite(s) ? Math.min(1, Math.abs(s) / max) : 0;
      span.style.backgroundColor = s >= 0 ? `rgba(225, 90, 30, ${(0.75 * a).toFixed(3)})` : `rgba(40, 120, 230, ${(0.75 * a).toFixed(3)})`;
      return span;
    }));
    // The end of the text is the part explained: keep it in sight.
    this.text.scrollTop = this.text.scrollHeight;
  }

  /** Returns how many characters got a column: as many as fit with their labels readable. */
  private drawBars(theme: Theme, scores: readonly number[], max: number): number {
    const { w, h, ctx } = fitCanvas(this.bars);
    ctx.clearRect(0, 0, w, h);
    const view = this.view!;
    const n = Math.max(1, Math.min(BAR_CHARS, scores.length, Math.floor((w - 8) / MIN_COLUMN_PX)));
    const first = scores.length - n;
    // A few characters (early in the text) get columns of a readable width, not the whole chart.
    const col = Math.min(24, (w - 8) / n);
    const labelH = 16;
    const signed = this.mode === 'grad';
    const base = signed ? (h - labelH) / 2 : h - labelH - 2;
    const span = signed ? (h - labelH) / 2 - 4 : h - labelH - 8;
    ctx.strokeStyle = theme.grid;
    ctx.beginPath(); ctx.moveTo(4, base); ctx.lineTo(w - 4, base); ctx.stroke();
    ctx.font = `11px ${theme.font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let i = 0; i < n; i++) {
      const s = scores[first + i];
      const x = 4 + i * col;
      const hgt = Number.isFinite(s) ? (Math.abs(s) / max) * span : 0;
      ctx.fillStyle = s >= 0 ? theme.orange : theme.blue;
      ctx.fillRect(x + col * 0.1, s >= 0 ? base - hgt : base, Math.max(1, col * 0.8), hgt);
      const last = first + i === scores.length - 1;
      ctx.fillStyle = last ? theme.focus : theme.foreground;
      ctx.fillText(visibleChar(view.chars[first + i]), x + col / 2, h - labelH + 2);
      if (last) {
        ctx.strokeStyle = theme.focus;
        ctx.setLineDash([3, 2]);
        ctx.strokeRect(x + 0.5, h - labelH + 0.5, col - 1, labelH - 1);
        ctx.setLineDash([]);
      }
    }
    return n;
  }
}
