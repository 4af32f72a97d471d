/**
 * For each timestep of the window: the input character, the target, the five most probable next
 * characters with their probabilities, and the step's loss. Characters are shown visibly
 * (whitespace and control characters as symbols) and always through textContent.
 */

import { type TraceData } from '../shared/traceData';
import { el } from '../shared/dom';
import { visibleChar } from '../shared/format';
import { spokenChar } from '../shared/spokenChar';
import { formatLoss, formatProbability } from '../../src/protocol/format';
import { elementSize } from '../shared/elementSize';
import { t } from '../shared/strings';

/** The narrowest a column gets, and the gap between columns (as in panel.css). */
const MIN_COLUMN = 104, GAP = 10;

export class PredictionStrip {
  readonly element: HTMLElement;
  private columns: HTMLElement[] = [];
  private current = -1;
  /** Distance between neighbouring columns (fixed by the CSS), measured once. */
  private pitch = 0;
  private scrollLeft = 0;

  constructor(private readonly onPick: (t: number) => void) {
    this.element = el('div', { className: 'pred-strip', attrs: { role: 'list', tabindex: '0', 'aria-label': t('panel.pred.aria') } });
    this.element.addEventListener('scroll', () => { this.scrollLeft = this.element.scrollLeft; }, { passive: true });
  }

  setTrace(d: TraceData): void {
    this.columns = [];
    for (let step = 0; step < d.T; step++) {
      const target = d.targetChar(step);
      const col = el('div', { className: 'pred-col', attrs: { role: 'listitem', 'data-t': String(step) } });
      col.appendChild(el('div', { className: 'pred-t', text: `t=${step}` }));
      col.appendChild(el('div', { className: 'pred-in', text: visibleChar(d.inputChar(step)), title: t('panel.pred.input', spokenChar(d.inputChar(step))) }));
      col.appendChild(el('div', { className: 'pred-target', text: `→${visibleChar(target)}`, title: t('panel.pred.target', spokenChar(target)) }));
      const list = el('ol', { className: 'pred-top' });
      for (const p of d.topK(step, 5)) {
        const bucket = Math.max(0, Math.min(10, Math.round(p.prob * 10)));
        const li = el('li', { className: p.char === target ? 'hit' : '', title: `${spokenChar(p.char)}: p = ${formatProbability(p.prob)}` }, [
          el('span', { className: 'pc', text: visibleChar(p.char) }),
          el('span', { className: `bar w${bucket}` }),
          el('span', { className: 'pp', text: formatProbability(p.prob) }),
        ]);
        li.dataset.prob = String(p.prob);
        list.appendChild(li);
      }
      col.appendChild(list);
      const loss = el('div', { className: 'pred-loss', text: `L ${formatLoss(d.loss(step))}`, title: t('panel.pred.loss', step, formatLoss(d.loss(step))) });
      loss.dataset.loss = String(d.loss(step));
      col.appendChild(loss);
      col.addEventListener('click', () => this.onPick(step));
      this.columns.push(col);
    }
    this.element.replaceChildren(...this.columns);
    this.current = -1;
  }

  /**
   * Sizes the columns so a whole number of them fills the strip's width (at least MIN_COLUMN px
   * each): with scroll snapping at column starts, no column is ever cut at either edge.
   */
  resize(): void {
    const width = elementSize(this.element).width;
    if (!(width > 0)) return;
    const n = Math.max(1, Math.floor((width + GAP) / (MIN_COLUMN + GAP)));
    const col = (width - (n - 1) * GAP) / n;
    this.element.style.setProperty('--pred-col', `${Math.floor(col * 100) / 100}px`);
    this.pitch = 0;
    this.element.dataset.columnsShown = String(n);
  }

  setCursor(t: number, smooth: boolean): void {
    if (this.current === t) return;
    const col = this.columns[t];
    // Scroll only the strip, never the page. The geometry comes from caches (the column pitch is
    // measured once, the strip's width by a ResizeObserver, its scroll position from scroll
    // events), and the scroll comes before the class changes, so a cursor move does not force a
    // layout in the middle of the frame.
    if (col) {
      const pitch = this.columnPitch();
      const left = t * pitch, width = elementSize(this.element).width;
      if (left < this.scrollLeft - 1 || left + pitch > this.scrollLeft + width + GAP + 1) {
        // Whole columns only: scroll to a column's start, the cursor's column in the middle.
        const shown = Math.max(1, Math.round((width + GAP) / pitch));
        this.scrollLeft = Math.max(0, (t - Math.floor((shown - 1) / 2)) * pitch);
        this.element.scrollTo({ left: this.scrollLeft, behavior: smooth ? 'smooth' : 'auto' });
      }
    }
    this.columns[this.current]?.classList.remove('current');
    this.columns[this.current]?.removeAttribute('aria-current');
    this.current = t;
    if (!col) return;
    col.classList.add('current');
    col.setAttribute('aria-current', 'step');
  }

  private columnPitch(): number {
    if (this.pitch === 0 && this.columns.length > 1) this.pitch = this.columns[1].offsetLeft - this.columns[0].offsetLeft;
    return this.pitch || MIN_COLUMN + GAP;
  }
}
