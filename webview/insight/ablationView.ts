/**
 * Ablate Unit: what holding one unit fixed did to the loss, summed up: the mean loss with and
 * without the hold, and the change inside and outside each feature of the text ("+0.31 nats
 * inside quotes, +0.01 outside"), which is the evidence for or against "this is a quote cell".
 */

import { type AblationView } from '../../src/protocol/insight';
import { formatCount, formatLoss } from '../../src/protocol/format';
import { el, section } from '../shared/dom';

/** "in-quotes" reads as "inside quotes". */
const regionName = (feature: string): string => feature.replace(/^in-/, '');
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${formatLoss(Math.abs(x))}`;

export class AblationSection {
  readonly element: HTMLElement;
  private readonly summary = el('p', { className: 'summary', attrs: { id: 'ablation-summary', 'aria-live': 'polite' } });
  private readonly table = el('table', { className: 'regions', attrs: { id: 'ablation-regions' } });
  private readonly caption = el('p', { className: 'caption' });

  constructor() {
    this.caption.textContent = 'Loss change = loss with the unit held − loss as trained, of predicting each character, in nats, averaged over the characters inside a feature and over the rest (positive: the model got worse; the feature with the largest difference comes first). The editor paints it on each predicted character: red worse, green better; hover for both losses.';
    this.element = section('ablation', 'Ablate Unit', [this.summary, this.table, this.caption]);
    this.element.hidden = true;
  }

  show(view: AblationView): void {
    this.element.hidden = false;
    const delta = view.meanHeld - view.meanBase;
    const first = view.regions[0];
    const headline = first ? ` ${signed(first.inside)} nats inside ${regionName(first.feature)}, ${signed(first.outside)} outside.` : '';
    this.summary.textContent = `With ${view.unit} (weights of step ${formatCount(view.step)}, ${formatCount(view.chars)} characters of ${view.fileName}): mean loss ${formatLoss(view.meanBase)} → ${formatLoss(view.meanHeld)} nats (${signed(delta)}).${headline}`;
    const head = el('tr', {}, ['predicted character inside', 'characters', 'change inside', 'change outside'].map((t) => el('th', { text: t, attrs: { scope: 'col' } })));
    const rows = view.regions.map((r) => el('tr', {}, [
      el('td', { text: regionName(r.feature) }), el('td', { text: formatCount(r.insideCount) }), el('td', { text: signed(r.inside) }), el('td', { text: signed(r.outside) }),
    ]));
    this.table.replaceChildren(el('thead', {}, [head]), el('tbody', {}, rows));
  }
}
