/**
 * The Run Experiment page: the three cells side by side. Two charts overlay them (training loss;
 * the loss at the memory positions, or the held-out loss, with the memoryless chance level), one
 * card per cell gives its figures and opens it in the training panel, and a sentence says what
 * happened. Everything comes from validated host messages; all text goes in through textContent.
 */

import './experiment.css';
import { parseHostToExperimentView, type ExperimentCellView, type ExperimentViewState } from '../../src/protocol/experiment';
import { formatCount, formatLoss, formatValue } from '../../src/protocol/format';
import { button, el } from '../shared/dom';
import { drawLineChart, type Series } from '../shared/lineChart';
import { readTheme, watchTheme, type Theme } from '../shared/theme';
import { postToHost } from './host';

let theme: Theme = readTheme();
let state: ExperimentViewState | null = null;

const app = document.getElementById('app')!;
app.replaceChildren();
app.setAttribute('aria-busy', 'false');

const title = el('h1', { text: 'RNN Lens' });
const settingsLine = el('p', { className: 'settings-line caption' });
const sentence = el('p', { className: 'sentence', attrs: { id: 'experiment-sentence', 'aria-live': 'polite' } });
const lossTitle = el('h2');
const memoryTitle = el('h2');
const lossCanvas = el('canvas', { className: 'chart', attrs: { id: 'experiment-loss', role: 'img' } });
const memoryCanvas = el('canvas', { className: 'chart', attrs: { id: 'experiment-memory', role: 'img' } });
const charts = el('div', { className: 'charts' }, [el('div', {}, [lossTitle, lossCanvas]), el('div', {}, [memoryTitle, memoryCanvas])]);
const cells = el('div', { className: 'cells', attrs: { id: 'experiment-cells' } });
app.append(title, settingsLine, sentence, charts, cells);

type CellType = ExperimentCellView['cell'];

const NAMES: Record<CellType, string> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };

function colorOf(cell: CellType): string {
  return cell === 'rnn' ? theme.red : cell === 'lstm' ? theme.blue : theme.green;
}

function draw(): void {
  if (!state) return;
  const s = state;
  const series = (y: (c: ExperimentCellView) => number[]): Series[] => s.cells.map((c) => ({
    label: NAMES[c.cell], color: colorOf(c.cell), x: c.points.map((p) => p.step), y: y(c), dots: c.points.length < 12,
  }));
  drawLineChart(lossCanvas, theme, series((c) => c.points.map((p) => p.loss)), { xLabel: s.labels.steps, emptyText: s.labels.waiting });
  drawLineChart(memoryCanvas, theme, series((c) => c.points.map((p) => p.memoryLoss ?? p.heldOutLoss)), {
    xLabel: s.labels.steps, emptyText: s.labels.waiting, ...(s.chance !== null ? { hline: { y: s.chance, color: theme.muted } } : {}),
  });
  lossCanvas.setAttribute('aria-label', s.labels.lossChart);
  memoryCanvas.setAttribute('aria-label', s.memoryTitle);
}

function card(c: ExperimentCellView, s: ExperimentViewState): HTMLElement {
  const last = c.points[c.points.length - 1];
  const status = c.status === 'training' ? `${s.labels.training} ${last ? `${formatCount(last.step)} / ${formatCount(s.totalSteps)}` : ''}` : c.status === 'failed' ? s.labels.failed : '';
  const rows: [string, string][] = [];
  if (last) rows.push([s.chance !== null ? s.memoryTitle.split(':')[0] : s.labels.lossChart, formatLoss(last.memoryLoss ?? last.heldOutLoss)]);
  if (c.result) {
    rows.push([s.labels.horizon, formatCount(c.result.horizon)], [s.labels.memorySpan, formatValue(c.result.memorySpan)]);
    rows.push([s.labels.params, formatCount(c.result.params)], [s.labels.time, `${formatValue(c.result.seconds)} s`]);
  }
  const dl = el('dl', {}, rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  const heading = el('h2', {}, [el('span', { className: `swatch ${c.cell}` }), document.createTextNode(NAMES[c.cell]), el('span', { className: 'status', text: status })]);
  const children: Node[] = [heading, dl];
  if (c.error) children.push(el('p', { className: 'error', text: c.error }));
  if (c.status === 'done') children.push(button(s.labels.open, `${s.labels.open}: ${NAMES[c.cell]}`, () => postToHost({ type: 'openCell', cell: c.cell })));
  return el('section', { className: 'card cell-card', attrs: { 'data-cell': c.cell, 'data-status': c.status } }, children);
}

function render(s: ExperimentViewState): void {
  state = s;
  title.textContent = s.title;
  settingsLine.textContent = s.settingsLine;
  sentence.textContent = s.sentence;
  lossTitle.textContent = s.labels.lossChart;
  memoryTitle.textContent = s.chance !== null ? `${s.memoryTitle} (${s.labels.chance} ${formatLoss(s.chance)})` : s.memoryTitle;
  cells.replaceChildren(...s.cells.map((c) => card(c, s)));
  document.body.dataset.finished = String(s.cells.every((c) => c.status !== 'training'));
  draw();
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostToExperimentView(event.data);
  if (message) render(message);
});
watchTheme((t) => {
  theme = t;
  draw();
});
window.addEventListener('resize', draw);
postToHost({ type: 'ready' });
