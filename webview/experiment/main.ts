/**
 * The Run Experiment page: the three cells side by side. Two charts overlay them (training loss;
 * the loss at the memory positions, or the held-out loss, with the memoryless chance level), one
 * card per cell gives its figures and opens it in the training panel, and a sentence says what
 * happened. Everything comes from validated host messages (data only); the words are the page's
 * own (t()), the sentence's too; all text goes in through textContent.
 */

import './experiment.css';
import { parseHostToExperimentView, type ExperimentCellView, type ExperimentViewState } from '../../src/protocol/experiment';
import { sentenceOfState } from '../../src/protocol/experimentSummary';
import { formatCount, formatLoss, formatTick, formatValue } from '../../src/protocol/format';
import { button, el } from '../shared/dom';
import { drawLineChart, type Series } from '../shared/lineChart';
import { t } from '../shared/strings';
import { readTheme, watchTheme, type Theme } from '../shared/theme';
import { postToHost } from './host';

let theme: Theme = readTheme();
let state: ExperimentViewState | null = null;

const app = document.getElementById('app')!;
app.replaceChildren();
app.setAttribute('aria-busy', 'false');

const heading = el('h1');
const settings = el('p', { className: 'settings-line caption' });
const sentence = el('p', { className: 'sentence', attrs: { id: 'experiment-sentence', 'aria-live': 'polite' } });
const lossTitle = el('h2');
const memoryTitleEl = el('h2');
const lossCanvas = el('canvas', { className: 'chart', attrs: { id: 'experiment-loss', role: 'img' } });
const memoryCanvas = el('canvas', { className: 'chart', attrs: { id: 'experiment-memory', role: 'img' } });
const charts = el('div', { className: 'charts' }, [el('div', {}, [lossTitle, lossCanvas]), el('div', {}, [memoryTitleEl, memoryCanvas])]);
const cells = el('div', { className: 'cells', attrs: { id: 'experiment-cells' } });
app.append(heading, settings, sentence, charts, cells);

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
  drawLineChart(lossCanvas, theme, series((c) => c.points.map((p) => p.loss)), { xLabel: t('experiment.steps'), emptyText: t('experiment.waiting') });
  drawLineChart(memoryCanvas, theme, series((c) => c.points.map((p) => p.memoryLoss ?? p.heldOutLoss)), {
    xLabel: t('experiment.steps'), emptyText: t('experiment.waiting'), ...(s.chance !== null ? { hline: { y: s.chance, color: theme.muted } } : {}),
  });
  lossCanvas.setAttribute('aria-label', t('experiment.lossChart'));
  memoryCanvas.setAttribute('aria-label', memoryTitle(s));
}

function title(s: ExperimentViewState): string {
  const task = s.task;
  return task.kind === 'lag' ? t('experiment.title.lag', task.lag) : task.kind === 'dyck1' ? t('experiment.title.dyck1') : t('experiment.title.file', task.fileName);
}

/** The memory chart's title: the loss at the memory positions (and which they are), or the held-out loss without a task. */
function memoryTitle(s: ExperimentViewState): string {
  if (s.task.kind === 'file' || s.chance === null) return t('experiment.heldOut');
  return t('experiment.memory', s.task.kind === 'lag' ? t('experiment.memory.lag', s.task.lag + 1) : t('experiment.memory.dyck1'));
}

function settingsLine(s: ExperimentViewState): string {
  const o = s.settings;
  return t('experiment.settings', formatCount(s.totalSteps), o.seed, o.hidden, o.seqLen, o.batch, o.optimizer, formatTick(o.lr), formatTick(o.clipNorm));
}

function card(c: ExperimentCellView, s: ExperimentViewState): HTMLElement {
  const last = c.points[c.points.length - 1];
  const status = c.status === 'training' ? `${t('experiment.training')} ${last ? `${formatCount(last.step)} / ${formatCount(s.totalSteps)}` : ''}` : c.status === 'failed' ? t('experiment.failed') : '';
  const rows: [string, string][] = [];
  if (last) rows.push([s.chance !== null ? t('experiment.memory.short') : t('experiment.heldOut'), formatLoss(last.memoryLoss ?? last.heldOutLoss)]);
  if (c.result) {
    rows.push([t('experiment.horizon'), formatCount(c.result.horizon)], [t('experiment.memorySpan'), formatValue(c.result.memorySpan)]);
    rows.push([t('experiment.params'), formatCount(c.result.params)], [t('experiment.time'), t('experiment.seconds', formatValue(c.result.seconds))]);
  }
  const dl = el('dl', {}, rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  const heading = el('h2', {}, [el('span', { className: `swatch ${c.cell}` }), document.createTextNode(NAMES[c.cell]), el('span', { className: 'status', text: status })]);
  const children: Node[] = [heading, dl];
  if (c.error) children.push(el('p', { className: 'error', text: c.error }));
  if (c.status === 'done') children.push(button(t('experiment.open'), t('experiment.open.title', NAMES[c.cell]), () => postToHost({ type: 'openCell', cell: c.cell })));
  return el('section', { className: 'card cell-card', attrs: { 'data-cell': c.cell, 'data-status': c.status } }, children);
}

/** The card shown per cell and what it was drawn from. */
const shownCards = new Map<string, { drawnFrom: string; element: HTMLElement }>();

/**
 * Redraws only the cards whose content changed. The host posts the state again when the view is
 * shown or focused; rebuilding every card then would replace an Open in Panel button between the
 * press and the release of a click, and the click would be lost.
 */
function renderCards(s: ExperimentViewState): void {
  const wanted = s.cells.map((c) => ({ c, drawnFrom: JSON.stringify([c, s.totalSteps, s.chance !== null]) }));
  const shownOrder = [...shownCards.keys()];
  const sameCells = wanted.length === shownOrder.length && wanted.every(({ c }, i) => shownOrder[i] === c.cell);
  if (!sameCells) {
    shownCards.clear();
    for (const { c, drawnFrom } of wanted) shownCards.set(c.cell, { drawnFrom, element: card(c, s) });
    cells.replaceChildren(...[...shownCards.values()].map((x) => x.element));
    return;
  }
  for (const { c, drawnFrom } of wanted) {
    const shown = shownCards.get(c.cell)!;
    if (shown.drawnFrom === drawnFrom) continue;
    const element = card(c, s);
    shown.element.replaceWith(element);
    shownCards.set(c.cell, { drawnFrom, element });
  }
}

function render(s: ExperimentViewState): void {
  state = s;
  heading.textContent = title(s);
  settings.textContent = settingsLine(s);
  sentence.textContent = sentenceOfState(s, t);
  lossTitle.textContent = t('experiment.lossChart');
  memoryTitleEl.textContent = s.chance !== null ? `${memoryTitle(s)} (${t('experiment.chance')} ${formatLoss(s.chance)})` : memoryTitle(s);
  renderCards(s);
  document.body.dataset.finished = String(s.cells.every((c) => c.status !== 'training'));
  draw();
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostToExperimentView(event.data);
  if (message) render(message);
});
watchTheme((next) => {
  theme = next;
  draw();
});
window.addEventListener('resize', draw);
postToHost({ type: 'ready' });
