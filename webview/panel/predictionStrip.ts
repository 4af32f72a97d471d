/**
 * For each timestep of the window: the input character, the target, the five most probable next
 * characters with their probabilities, and the step's loss. Characters are shown visibly
 * (whitespace and control characters as symbols) and always through textContent.
 */

import { type TraceData } from '../shared/traceData';
import { el } from '../shared/dom';
import { fmt, visibleChar, spokenChar } from '../shared/format';

export class PredictionStrip {
  readonly element: HTMLElement;
  private columns: HTMLElement[] = [];
  private current = -1;

  constructor(private readonly onPick: (t: number) => void) {
    this.element = el('div', { className: 'pred-strip', attrs: { role: 'list', 'aria-label': 'Predictions per timestep' } });
  }

  setTrace(d: TraceData): void {
    this.columns = [];
    for (let t = 0; t < d.T; t++) {
      const target = d.targetChar(t);
      const col = el('div', { className: 'pred-col', attrs: { role: 'listitem', 'data-t': String(t) } });
      col.appendChild(el('div', { className: 'pred-t', text: `t=${t}` }));
      col.appendChild(el('div', { className: 'pred-in', text: visibleChar(d.inputChar(t)), title: `input ${spokenChar(d.inputChar(t))}` }));
      col.appendChild(el('div', { className: 'pred-target', text: `→${visibleChar(target)}`, title: `target ${spokenChar(target)}` }));
      const list = el('ol', { className: 'pred-top' });
      for (const p of d.topK(t, 5)) {
        const bucket = Math.max(0, Math.min(10, Math.round(p.prob * 10)));
        const li = el('li', { className: p.char === target ? 'hit' : '', title: `${spokenChar(p.char)}: p = ${fmt(p.prob, 4)}` }, [
          el('span', { className: 'pc', text: visibleChar(p.char) }),
          el('span', { className: `bar w${bucket}` }),
          el('span', { className: 'pp', text: fmt(p.prob, 2) }),
        ]);
        li.dataset.prob = String(p.prob);
        list.appendChild(li);
      }
      col.appendChild(list);
      const loss = el('div', { className: 'pred-loss', text: `L ${fmt(d.loss(t), 3)}`, title: `loss at t=${t}: -log p(target) = ${fmt(d.loss(t), 5)} nats` });
      loss.dataset.loss = String(d.loss(t));
      col.appendChild(loss);
      col.addEventListener('click', () => this.onPick(t));
      this.columns.push(col);
    }
    this.element.replaceChildren(...this.columns);
    this.current = -1;
  }

  setCursor(t: number, smooth: boolean): void {
    if (this.current === t) return;
    this.columns[this.current]?.classList.remove('current');
    this.current = t;
    const col = this.columns[t];
    if (!col) return;
    col.classList.add('current');
    // Scroll only the strip, never the page.
    const strip = this.element;
    const left = col.offsetLeft - strip.offsetLeft;
    if (left < strip.scrollLeft || left + col.offsetWidth > strip.scrollLeft + strip.clientWidth) {
      strip.scrollTo({ left: left - strip.clientWidth / 2, behavior: smooth ? 'smooth' : 'auto' });
    }
  }
}
