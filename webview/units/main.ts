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
import { postToHost } from './host';

const app = document.getElementById('app')!;
app.replaceChildren();

const status = el('p', { className: 'status', attrs: { id: 'units-status', 'aria-live': 'polite' } });
const findButton = button('Find Units', 'Rank every unit against each feature of the training text (runs in the analysis worker)', () => postToHost({ type: 'find' }), 'primary');
findButton.id = 'units-find';
const cancelButton = button('Cancel', 'Stop ranking the units', () => postToHost({ type: 'cancel' }));
cancelButton.id = 'units-cancel';
cancelButton.hidden = true;
const addButton = button('Add Regex…', 'Add a feature of your own: 1 inside the matches of a regular expression, 0 elsewhere', () => postToHost({ type: 'addFeature' }));
addButton.id = 'units-add';
const list = el('div', { attrs: { id: 'units-list' } });
const legend = el('p', { className: 'caption', text: 'r: Pearson correlation of the unit with the feature over every character read (±1 = follows it exactly). Sparklines: the unit (line) against the feature (shaded), each in its own range, from the start of the text to the end. Paint colours the editor text by the unit; Heatmap selects it in the training panel; Ablate holds it at 0 and paints the loss change; Hold… asks for the value; Sample generates with it held beside a normal sample of the same seed.' });
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
    ['Paint', 'paint', `Colour the editor text by ${name}`],
    ['Heatmap', 'select', `Select ${name} in the training panel's heatmap`],
    ['Ablate', 'ablate', `Hold ${name} at 0 over the text and paint how the loss changes`],
    ['Hold…', 'hold', `Hold ${name} at a value you choose and paint how the loss changes`],
    ['Sample', 'sample', `Generate text with ${name} held at 0, beside a normal sample with the same seed`],
  ];
  return el('div', { className: 'unit-row', attrs: { 'data-unit': name, 'data-feature': feature.name } }, [
    el('span', { className: 'unit-name', text: name, title: `layer ${u.layer}, ${u.state === 'h' ? 'hidden state h' : 'cell state c'}, unit ${u.unit}` }),
    el('span', { className: `unit-r${Math.abs(u.r) >= 0.5 ? ' strong' : ''}`, text: `r ${u.r >= 0 ? '+' : '−'}${Math.abs(u.r).toFixed(2)}` }),
    sparkline(u.spark, feature.spark, `${name} over the text against ${feature.name}`),
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
    el('span', { className: 'caption', text: f.pattern !== undefined ? `/${f.pattern}/gu` : 'built in' }),
  ]);
  if (f.pattern !== undefined) head.appendChild(button('Remove', `Remove the feature ${f.name}`, () => postToHost({ type: 'removeFeature', name: f.name }), 'link'));
  const rows = f.units.length > 0 ? f.units.map((u) => unitRow(f, u)) : [el('p', { className: 'caption', text: 'Constant over the text read: no unit can follow it.' })];
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
  status.textContent = `Units of the ${message.cell.toUpperCase()} (weights of step ${formatCount(message.step)}) against ${formatCount(message.features.length)} features of the first ${formatCount(message.positions)} characters of ${message.fileName}.`;
  list.replaceChildren(...message.features.map(featureBlock));
  legend.hidden = false;
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostToUnits(event.data);
  if (message) receive(message);
});

postToHost({ type: 'ready' });
