/**
 * Ablate Unit: what holding one unit fixed did to the loss, summed up: the mean loss with and
 * without the hold, and the change inside and outside each feature of the text ("+0.31 nats
 * inside quotes, +0.01 outside"), which is the evidence for or against "this is a quote cell".
 */

import { type AblationView } from '../../src/protocol/insight';
import { formatCount, formatLoss } from '../../src/protocol/format';
import { el, section } from '../shared/dom';
import { t } from '../shared/strings';

/** "in-quotes" reads as "inside quotes". */
const regionName = (feature: string): string => feature.replace(/^in-/, '');
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${formatLoss(Math.abs(x))}`;

export class AblationSection {
  readonly element: HTMLElement;
  private readonly summary = el('p', { className: 'summary', attrs: { id: 'ablation-summary', 'aria-live': 'polite' } });
  private readonly table = el('table', { className: 'regions', attrs: { id: 'ablation-regions' } });
  private readonly caption = el('p', { className: 'caption' });

  constructor() {
    this.caption.textContent = t('insight.ablation.caption');
    this.element = section('ablation', t('insight.ablation.heading'), [this.summary, this.table, this.caption]);
    this.element.hidden = true;
  }

  show(view: AblationView): void {
    this.element.hidden = false;
    const delta = view.meanHeld - view.meanBase;
    const first = view.regions[0];
    const headline = first ? ` ${t('insight.ablation.headline', signed(first.inside), regionName(first.feature), signed(first.outside))}` : '';
    this.summary.textContent = t('insight.ablation.summary', view.unit, formatCount(view.step), formatCount(view.chars), view.fileName, formatLoss(view.meanBase), formatLoss(view.meanHeld), signed(delta)) + headline;
    const head = el('tr', {}, [t('insight.ablation.col.feature'), t('insight.ablation.col.count'), t('insight.ablation.col.inside'), t('insight.ablation.col.outside')].map((text) => el('th', { text, attrs: { scope: 'col' } })));
    const rows = view.regions.map((r) => el('tr', {}, [
      el('td', { text: regionName(r.feature) }), el('td', { text: formatCount(r.insideCount) }), el('td', { text: signed(r.inside) }), el('td', { text: signed(r.outside) }),
    ]));
    this.table.replaceChildren(el('thead', {}, [head]), el('tbody', {}, rows));
  }
}
