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

export class WhatIfSection {
  readonly element: HTMLElement;
  private readonly title = el('p', { className: 'summary', attrs: { id: 'whatif-title' } });
  private readonly horizon = el('p', { className: 'horizon', attrs: { id: 'whatif-horizon', 'aria-live': 'polite' } });
  private readonly stateChart = el('canvas', { className: 'chart', attrs: { id: 'whatif-state', role: 'img', 'aria-label': 'State distance per layer against distance from the edit' } });
  private readonly klChart = el('canvas', { className: 'chart short', attrs: { id: 'whatif-kl', role: 'img', 'aria-label': 'KL divergence of the predictions against distance from the edit' } });
  private readonly caption = el('p', { className: 'caption' });
  private readonly twin = el('p', { className: 'sr-only', attrs: { id: 'whatif-twin' } });
  /** Why the live What If has no answer for the latest edit; the charts of an older text are hidden meanwhile. */
  private readonly notice = el('p', { className: 'notice', attrs: { id: 'whatif-notice', 'aria-live': 'polite' } });
  private readonly answer = el('div', {}, [this.title, this.horizon, this.stateChart, this.klChart, this.caption, this.twin]);
  private view: WhatIfView | null = null;

  constructor() {
    this.element = section('whatif', 'What If…', [this.notice, this.answer]);
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
    const model = `${view.cell.toUpperCase()}, weights of step ${formatCount(view.step)}; ${formatCount(n)} characters read after it`;
    this.title.textContent = view.live
      ? `${view.fileName}, your unsaved edit: ${describeEdit(view.original, view.replacement)}, compared with the text as trained (${model})`
      : `${view.fileName}, character ${formatCount(view.at)}: ${visibleChar(view.original)} → ${visibleChar(view.replacement)} (${model})`;
    this.horizon.textContent = `The network noticed the change for ${formatCount(view.horizon)} character${view.horizon === 1 ? '' : 's'}; the top prediction changed at ${formatCount(changed)} of them.`;
    const shown = shownLength(view);
    const sameLength = [...view.original].length === [...view.replacement].length;
    const origin = !view.live ? 'characters after the edited one (0 = the edited character itself)'
      : sameLength ? `characters from your edit on (0 = its first changed character, ${formatCount(view.at)} in the file)` : `characters after your edit (0 = the first one after it, ${formatCount(view.at)} in the file)`;
    this.caption.textContent = `x: ${origin}, the first ${formatCount(shown)} of the ${formatCount(n)} read (after them the top layer's state distance stays under 1% of its peak). ‖h′ − h‖ is how far each layer's state moved; KL(p‖p′) how far the prediction of the next character moved, in nats. The red dashed line is the horizon; ▼ marks where the likeliest next character changed.`;
    const peak = Math.max(0, ...view.kl.filter(Number.isFinite));
    this.twin.textContent = `Largest KL ${formatValue(peak)} nats. ` + view.dh.map((d, l) => `Layer ${l}: largest state distance ${formatValue(Math.max(0, ...d))}.`).join(' ');
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
    const series: Series[] = view.dh.map((y, l) => ({ label: `‖h′ − h‖ layer ${l}`, color: colors[l % 4], x, y: cut(y) }));
    view.dc.forEach((y, l) => series.push({ label: `‖c′ − c‖ layer ${l}`, color: colors[l % 4], x, y: cut(y), dash: [4, 3] }));
    const horizonMark = { x: view.horizon, color: theme.red, kind: 'line' as const };
    drawLineChart(this.stateChart, theme, series, { xIntegerTicks: true, markers: [horizonMark] });
    const events = view.top1Changed.slice(0, n).flatMap((c, i) => (c ? [{ x: i, color: theme.orange, kind: 'event' as const }] : []));
    drawLineChart(this.klChart, theme, [{ label: 'KL(p‖p′), nats', color: theme.red, x, y: cut(view.kl) }], { xIntegerTicks: true, markers: [...events, horizonMark] });
  }
}

/** "(" → "[", typed "ab", deleted "c", each character made visible (spaces as they are, quotes around). */
function describeEdit(removed: string, inserted: string): string {
  const show = (s: string): string => `“${[...s].map((c) => (c === ' ' ? c : visibleChar(c))).join('')}”`;
  if (removed && inserted) return `${show(removed)} → ${show(inserted)}`;
  return inserted ? `typed ${show(inserted)}` : `deleted ${show(removed)}`;
}

/** Characters charted: three horizons and at least 40 (or all read, if fewer), and every change of the top prediction. */
export function shownLength(view: WhatIfView): number {
  let lastChange = 0;
  view.top1Changed.forEach((c, i) => { if (c) lastChange = i; });
  return Math.min(view.kl.length, Math.max(40, 3 * (view.horizon + 1), lastChange + 5));
}
