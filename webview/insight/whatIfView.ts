/**
 * What If…: how far the network's state and prediction move apart after one character of the
 * text is replaced, against the distance from the edit. Two charts share the x axis: the state
 * distance per layer (h, and c for an LSTM) and KL(p‖p′) of the next-character distributions,
 * with a mark where the likeliest next character changed; the horizon is said in words.
 */

import { type WhatIfView } from '../../src/protocol/insight';
import { formatCount, formatValue } from '../../src/protocol/format';
import { drawLineChart, type Series } from '../shared/lineChart';
import { el, section } from '../shared/dom';
import { type Theme } from '../shared/theme';
import { visibleChar } from '../shared/format';
import { t } from '../shared/strings';

export class WhatIfSection {
  readonly element: HTMLElement;
  private readonly title = el('p', { className: 'summary', attrs: { id: 'whatif-title' } });
  private readonly horizon = el('p', { className: 'horizon', attrs: { id: 'whatif-horizon', 'aria-live': 'polite' } });
  private readonly stateChart = el('canvas', { className: 'chart', attrs: { id: 'whatif-state', role: 'img', 'aria-label': t('insight.whatIf.stateChart') } });
  private readonly klChart = el('canvas', { className: 'chart short', attrs: { id: 'whatif-kl', role: 'img', 'aria-label': t('insight.whatIf.klChart') } });
  private readonly caption = el('p', { className: 'caption' });
  private readonly twin = el('p', { className: 'sr-only', attrs: { id: 'whatif-twin' } });
  /** Why the live What If has no answer for the latest edit; the charts of an older text are hidden meanwhile. */
  private readonly notice = el('p', { className: 'notice', attrs: { id: 'whatif-notice', 'aria-live': 'polite' } });
  private readonly answer = el('div', {}, [this.title, this.horizon, this.stateChart, this.klChart, this.caption, this.twin]);
  private view: WhatIfView | null = null;

  constructor() {
    this.element = section('whatif', t('insight.whatIf.heading'), [this.notice, this.answer]);
    this.element.hidden = true;
    this.notice.hidden = true;
  }

  showNotice(text: string): void {
    this.element.hidden = false;
    this.notice.textContent = text;
    this.notice.hidden = false;
    this.answer.hidden = true;
  }

  show(view: WhatIfView, theme: Theme): void {
    this.view = view;
    this.element.hidden = false;
    this.notice.hidden = true;
    this.answer.hidden = false;
    const n = view.kl.length;
    const changed = view.top1Changed.reduce((s, x) => s + (x ? 1 : 0), 0);
    const model = t('insight.whatIf.model', view.cell.toUpperCase(), formatCount(view.step), formatCount(n));
    this.title.textContent = view.live
      ? t('insight.whatIf.title.live', view.fileName, describeEdit(view.original, view.replacement), model)
      : t('insight.whatIf.title', view.fileName, formatCount(view.at), visibleChar(view.original), visibleChar(view.replacement), model);
    this.horizon.textContent = t(view.horizon === 1 ? 'insight.whatIf.horizon.one' : 'insight.whatIf.horizon.many', formatCount(view.horizon), formatCount(changed));
    const shown = shownLength(view);
    const sameLength = [...view.original].length === [...view.replacement].length;
    const origin = !view.live ? t('insight.whatIf.origin.edited')
      : sameLength ? t('insight.whatIf.origin.liveSame', formatCount(view.at)) : t('insight.whatIf.origin.liveAfter', formatCount(view.at));
    this.caption.textContent = t('insight.whatIf.caption', formatCount(shown), formatCount(n), origin);
    const peak = Math.max(0, ...view.kl.filter(Number.isFinite));
    this.twin.textContent = [t('insight.whatIf.largestKl', formatValue(peak)), ...view.dh.map((d, l) => t('insight.whatIf.layerPeak', l, formatValue(Math.max(0, ...d))))].join(' ');
    this.draw(theme);
  }

  draw(theme: Theme): void {
    const view = this.view;
    if (!view) return;
    // Zoomed to the echo: past three horizons every curve lies flat on zero, and drawing all
    // 2,000 characters would squeeze the part worth reading into the first few pixels.
    const n = shownLength(view);
    const x = Array.from({ length: n }, (_, i) => i);
    const cut = (y: readonly number[]): readonly number[] => y.slice(0, n);
    const colors = [theme.blue, theme.green, theme.orange, theme.purple];
    const series: Series[] = view.dh.map((y, l) => ({ label: t('insight.whatIf.series.h', l), color: colors[l % 4], x, y: cut(y) }));
    view.dc.forEach((y, l) => series.push({ label: t('insight.whatIf.series.c', l), color: colors[l % 4], x, y: cut(y), dash: [4, 3] }));
    const horizonMark = { x: view.horizon, color: theme.red, kind: 'line' as const };
    drawLineChart(this.stateChart, theme, series, { xIntegerTicks: true, markers: [horizonMark] });
    const events = view.top1Changed.slice(0, n).flatMap((c, i) => (c ? [{ x: i, color: theme.orange, kind: 'event' as const }] : []));
    drawLineChart(this.klChart, theme, [{ label: t('insight.whatIf.series.kl'), color: theme.red, x, y: cut(view.kl) }], { xIntegerTicks: true, markers: [...events, horizonMark] });
  }
}

/** "(" → "[", typed "ab", deleted "c", each character made visible (spaces as they are, quotes around). */
function describeEdit(removed: string, inserted: string): string {
  const show = (s: string): string => `“${[...s].map((c) => (c === ' ' ? c : visibleChar(c))).join('')}”`;
  if (removed && inserted) return `${show(removed)} → ${show(inserted)}`;
  return inserted ? t('insight.whatIf.typed', show(inserted)) : t('insight.whatIf.deleted', show(removed));
}

/** Characters charted: three horizons and at least 40 (or all read, if fewer), and every change of the top prediction. */
export function shownLength(view: WhatIfView): number {
  let lastChange = 0;
  view.top1Changed.forEach((c, i) => { if (c) lastChange = i; });
  return Math.min(view.kl.length, Math.max(40, 3 * (view.horizon + 1), lastChange + 5));
}
