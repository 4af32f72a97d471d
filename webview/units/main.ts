/**
 * The Find Units view's page: for each feature of the training text, the units whose activation
 * follows it best (|Pearson r| over every position), each with a sparkline of the unit over the
 * text drawn against the feature's own, and buttons that paint the unit over the editor text,
 * select it in the heatmap, switch it off (Ablate), hold it at a value, or sample with it held.
 * Everything shown comes from validated host messages; names and patterns go in through textContent.
 */

import './units.css';
import { parseHostToUnits, unitName, type FeatureView, type FoundUnitView, type HostToUnits, type UnitAction } from '../../src/protocol/units';
import { formatCount } from '../../src/protocol/format';
import { button, el } from '../shared/dom';
import { t } from '../shared/strings';
import { postToHost } from './host';

const app = document.getElementById('app')!;
app.replaceChildren();

const status = el('p', { className: 'status', attrs: { id: 'units-status', 'aria-live': 'polite' } });
const findButton = button(t('units.find'), t('units.find.title'), () => postToHost({ type: 'find' }), 'primary');
findButton.id = 'units-find';
const cancelButton = button(t('units.cancel'), t('units.cancel.title'), () => postToHost({ type: 'cancel' }));
cancelButton.id = 'units-cancel';
cancelButton.hidden = true;
const addButton = button(t('units.add'), t('units.add.title'), () => postToHost({ type: 'addFeature' }));
addButton.id = 'units-add';
const list = el('div', { attrs: { id: 'units-list' } });
const legend = el('p', { className: 'caption', text: t('units.legend') });
legend.hidden = true;
app.append(el('div', { className: 'toolbar' }, [findButton, cancelButton, addButton]), status, list, legend);

const SVG = 'http://www.w3.org/2000/svg';
const SPARK_W = 120;
const SPARK_H = 22;

/** The unit's line over the feature's shaded area, each scaled to its own range. */
function sparkline(unit: readonly number[], feature: readonly number[], label: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${SPARK_W} ${SPARK_H}`);
  svg.setAttribute('width', String(SPARK_W));
  svg.setAttribute('height', String(SPARK_H));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.classList.add('spark');
  const points = (ys: readonly number[]): string[] => {
    const finite = ys.filter(Number.isFinite);
    const lo = Math.min(...finite);
    const hi = Math.max(...finite);
    const span = hi > lo ? hi - lo : 1;
    return ys.map((y, i) => `${((i + 0.5) * SPARK_W / ys.length).toFixed(1)},${(SPARK_H - 2 - ((Number.isFinite(y) ? y : lo) - lo) / span * (SPARK_H - 4)).toFixed(1)}`);
  };
  if (feature.length > 1) {
    const area = document.createElementNS(SVG, 'polygon');
    area.setAttribute('points', [`0,${SPARK_H}`, ...points(feature), `${SPARK_W},${SPARK_H}`].join(' '));
    area.classList.add('feature');
    svg.appendChild(area);
  }
  if (unit.length > 1) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points(unit).join(' '));
    line.classList.add('unit');
    svg.appendChild(line);
  }
  return svg;
}

function unitRow(feature: FeatureView, u: FoundUnitView): HTMLElement {
  const name = unitName(u);
  const act = (action: UnitAction) => () => postToHost({ type: 'unit', action, layer: u.layer, state: u.state, unit: u.unit });
  const actions: [string, UnitAction, string][] = [
    [t('units.paint'), 'paint', t('units.paint.title', name)],
    [t('units.heatmap'), 'select', t('units.heatmap.title', name)],
    [t('units.ablate'), 'ablate', t('units.ablate.title', name)],
    [t('units.hold'), 'hold', t('units.hold.title', name)],
    [t('units.sample'), 'sample', t('units.sample.title', name)],
  ];
  return el('div', { className: 'unit-row', attrs: { 'data-unit': name, 'data-feature': feature.name } }, [
    el('span', { className: 'unit-name', text: name, title: t(u.state === 'h' ? 'units.unit.h' : 'units.unit.c', u.layer, u.unit) }),
    el('span', { className: `unit-r${Math.abs(u.r) >= 0.5 ? ' strong' : ''}`, text: `r ${u.r >= 0 ? '+' : '−'}${Math.abs(u.r).toFixed(2)}` }),
    sparkline(u.spark, feature.spark, t('units.spark', name, feature.name)),
    el('span', { className: 'unit-actions' }, actions.map(([label, action, title]) => {
      const b = button(label, title, act(action), 'link');
      b.dataset.action = action;
      return b;
    })),
  ]);
}

function featureBlock(f: FeatureView): HTMLElement {
  const head = el('div', { className: 'feature-head' }, [
    el('h3', { text: f.name }),
    el('span', { className: 'caption', text: f.pattern !== undefined ? `/${f.pattern}/gu` : t('units.builtIn') }),
  ]);
  if (f.pattern !== undefined) head.appendChild(button(t('units.remove'), t('units.remove.title', f.name), () => postToHost({ type: 'removeFeature', name: f.name }), 'link'));
  const rows = f.units.length > 0 ? f.units.map((u) => unitRow(f, u)) : [el('p', { className: 'caption', text: t('units.constant') })];
  return el('section', { className: 'feature', attrs: { 'data-feature': f.name } }, [head, ...rows]);
}

function receive(message: HostToUnits): void {
  if (message.type === 'status') {
    const progress = message.total > 0 ? ` ${Math.round((100 * message.done) / message.total)}%` : '';
    status.textContent = `${message.text}${progress}`;
    findButton.disabled = !message.hasModel;
    // A ranking under way can be stopped (a long text takes a while).
    cancelButton.hidden = message.total === 0;
    addButton.disabled = !message.hasModel;
    if (!message.hasModel) {
      list.replaceChildren();
      legend.hidden = true;
    }
    return;
  }
  status.textContent = t('units.found', message.cell.toUpperCase(), formatCount(message.step), formatCount(message.features.length), formatCount(message.positions), message.fileName);
  list.replaceChildren(...message.features.map(featureBlock));
  legend.hidden = false;
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostToUnits(event.data);
  if (message) receive(message);
});

postToHost({ type: 'ready' });
