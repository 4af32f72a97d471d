/**
 * The Gradient Flow view's page: BPTT in pictures. Per-step gradient norms (vanishing versus
 * preserved), the itemized BPTT matrix with a chosen row's decay and horizon, the Jacobian norms
 * behind them, and over training the spectral norms, per-tensor gradient and update ratios,
 * clipping and non-finite events, summed up in plain diagnosis lines.
 */

import './gradient.css';
import { parseHostToWebview, type HostToWebview, type CursorDirection, type SessionInfo } from '../../src/protocol/webview';
import { postToHost, loadState, saveState } from '../shared/vscodeApi';
import { el, section, select } from '../shared/dom';
import { t } from '../shared/strings';
import { readTheme, watchTheme, type Theme } from '../shared/theme';
import { FrameScheduler } from '../shared/frameScheduler';
import { TraceData } from '../shared/traceData';
import { drawLineChart, type Series, type Marker } from '../shared/lineChart';
import { formatCount, formatLoss, formatValue } from '../../src/protocol/format';
import { BpttMatrix } from './bpttMatrix';
import { addStats, emptyStats, type StatsHistory } from '../../src/protocol/statsHistory';
import { setMath } from '../shared/mathDom';
import { diagnose } from './diagnosis';

interface GradientState {
  cursor: number;
  direction: CursorDirection;
  layer: number;
  /** A row the user chose, or null to follow the cursor. */
  row: number | null;
  stats: StatsHistory;
}

const saved = loadState<GradientState>() ?? {};
const state: GradientState = {
  cursor: saved.cursor ?? 0, direction: saved.direction ?? 'backward', layer: saved.layer ?? 0, row: saved.row ?? null,
  stats: { ...emptyStats(), ...(saved.stats ?? {}) },
};
let theme: Theme = readTheme();
let data: TraceData | null = null;
let session: SessionInfo | null = null;
const scheduler = new FrameScheduler();

// ----- layout

const diagnosisList = el('ul', { className: 'diagnosis', attrs: { id: 'diagnosis' } });
const traceInfo = el('p', { className: 'caption', attrs: { id: 'trace-info' } });
const normsCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('gradient.aria.norms') } });
const normsTable = el('table', { className: 'values', attrs: { id: 'norms-table' } });
const normsDetails = el('details', {}, [el('summary', { text: t('gradient.values') }), normsTable]);
const layerBox = el('span');
const matrix = new BpttMatrix(theme, (t) => { state.row = t; postToHost({ type: 'cursor', t, direction: 'backward' }); state.cursor = t; state.direction = 'backward'; persist(); scheduleAll(); });
const rowText = el('p', { className: 'readout', attrs: { id: 'row-text', 'aria-live': 'polite' } });
const followButton = el('button', { text: t('gradient.follow'), attrs: { type: 'button', 'aria-label': t('gradient.follow.aria') } });
followButton.addEventListener('click', () => { state.row = null; persist(); scheduleAll(); });
const decayCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('gradient.aria.decay'), 'aria-describedby': 'row-text' } });
const jacobianCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('gradient.aria.jacobian'), 'aria-describedby': 'jacobian-text' } });
const jacobianText = el('p', { className: 'caption', attrs: { id: 'jacobian-text' } });
const spectralCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('gradient.aria.spectral'), 'aria-describedby': 'training-text diagnosis' } });
const tensorCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('gradient.aria.tensor'), 'aria-describedby': 'training-text' } });
const ratioCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': t('gradient.aria.ratio'), 'aria-describedby': 'training-text' } });
const trainingText = el('p', { className: 'caption', attrs: { id: 'training-text' } });
const spectralHeading = el('h3', { text: t('gradient.spectral.heading') });
/** For a gated cell, in place of the W_hh chart: why it is not drawn (its argument is the vanilla RNN's). */
const spectralNote = el('p', { className: 'caption', attrs: { id: 'spectral-note' } });

const app = document.getElementById('app')!;
app.replaceChildren(
  section('diagnosis-section', t('gradient.diagnosis.heading'), [diagnosisList, traceInfo]),
  section('norms-section', t('gradient.norms.heading'), [normsCanvas, normsDetails]),
  section('matrix-section', t('gradient.matrix.heading'), [el('div', { className: 'row controls' }, [layerBox, followButton]), matrix.canvas, rowText, decayCanvas]),
  section('jacobian-section', t('gradient.jacobian.heading'), [jacobianCanvas, jacobianText]),
  section('training-section', t('gradient.training.heading'), [
    spectralHeading, spectralCanvas, spectralNote,
    el('h3', { text: t('gradient.tensor.heading') }), tensorCanvas,
    el('h3', { text: t('gradient.ratio.heading') }), ratioCanvas,
    trainingText,
  ]),
);
// The headings' notation as the lecture writes it (‖∂L/∂h<sub>t</sub>‖), not as typed.
for (const h of app.querySelectorAll<HTMLElement>('h2, h3')) setMath(h, h.textContent ?? '');
app.setAttribute('aria-busy', 'false');

// ----- drawing

function palette(): string[] {
  return [theme.blue, theme.red, theme.green, theme.orange, theme.purple, theme.yellow];
}

function steps(d: TraceData): Float64Array {
  return Float64Array.from({ length: d.T }, (_, t) => t);
}

function currentRow(d: TraceData): number {
  return Math.min(d.T - 1, state.row ?? state.cursor);
}

function drawTraceParts(): void {
  const d = data;
  if (!d) {
    drawLineChart(normsCanvas, theme, [], { emptyText: t('gradient.empty.norms') });
    drawLineChart(decayCanvas, theme, [], { emptyText: t('gradient.empty.decay') });
    drawLineChart(jacobianCanvas, theme, [], { emptyText: t('gradient.empty.jacobian') });
    return;
  }
  const xs = steps(d);
  const cursor: Marker = { x: Math.min(state.cursor, d.T - 1), color: theme.focus, kind: 'line' };
  const series: Series[] = [];
  for (let l = 0; l < d.L; l++) {
    series.push({ label: t('gradient.series.dh', l), color: palette()[l], x: xs, y: d.dhNorms.subarray(l * d.T, (l + 1) * d.T), dots: d.T <= 64 });
    if (d.isLstm) series.push({ label: t('gradient.series.dc', l), color: palette()[l], dash: [5, 3], x: xs, y: d.dcNorms.subarray(l * d.T, (l + 1) * d.T) });
  }
  drawLineChart(normsCanvas, theme, series, { logY: true, xLabel: 't', markers: [cursor], xIntegerTicks: true });

  const row = currentRow(d);
  const l = Math.min(state.layer, d.L - 1);
  const horizon = d.horizon(l, row);
  matrix.draw(row, horizon);
  const base = d.itemized(l, row, row);
  setMath(rowText, t(state.row === null ? 'gradient.row.following' : 'gradient.row', row, l, formatValue(base), t(horizon === 1 ? 'gradient.steps.one' : 'gradient.steps.many', horizon), horizon));
  rowText.dataset.row = String(row);
  rowText.dataset.horizon = String(horizon);
  const back = Float64Array.from({ length: row + 1 }, (_, j) => j);
  const decay = Float64Array.from({ length: row + 1 }, (_, j) => d.itemized(l, row, row - j));
  const decaySeries: Series[] = row > 0 ? [{ label: t('gradient.decay.measured', row), color: theme.blue, x: back, y: decay, dots: true }] : [];
  // The product of the step Jacobians bounds the decay; only for a vanilla RNN is that bound the
  // lesson (the W_hh argument), and it is drawn within the measured curve's range, not beyond it.
  if (row > 0 && d.cell === 'rnn') {
    const bound = new Float64Array(row + 1);
    bound[0] = base;
    for (let j = 1; j <= row; j++) bound[j] = bound[j - 1] * d.jacobian(l, row - j + 1);
    decaySeries.push({ label: t('gradient.decay.bound'), color: theme.muted, dash: [5, 3], x: back, y: bound });
  }
  drawLineChart(decayCanvas, theme, decaySeries, {
    logY: true, xLabel: t('gradient.decay.x'), hlines: base > 0 && row > 0 ? [{ y: base * 0.01, color: theme.orange, label: t('gradient.decay.onePercent') }] : [],
    markers: row > 0 ? [{ x: horizon, color: theme.orange, kind: 'line' }] : [], xIntegerTicks: true, rangeSeries: [0],
    emptyText: t('gradient.decay.empty', row),
  });

  const jac: Series[] = [];
  for (let k = 0; k < d.L; k++) {
    const j = Float64Array.from({ length: d.T }, (_, step) => d.jacobian(k, step));
    jac.push({ label: d.L > 1 ? t('gradient.jacobian.series.layer', k) : '‖dh_t/dh_{t−1}‖', color: palette()[k], x: xs, y: j, dots: d.T <= 64 });
  }
  drawLineChart(jacobianCanvas, theme, jac, { logY: true, xLabel: 't', hlines: [{ y: 1, color: theme.muted, label: t('gradient.jacobian.one') }], markers: [cursor], xIntegerTicks: true });
  const ct = Math.min(state.cursor, d.T - 1);
  const norms = Array.from({ length: d.L }, (_, k) => {
    const norm = `‖dh_${ct}/dh_${ct - 1}‖ = ${formatValue(d.jacobian(k, ct))}`;
    return d.L > 1 ? t('gradient.jacobian.layer', k, norm) : norm;
  });
  setMath(jacobianText, t('gradient.jacobian.text', norms.join('; ')));
}

function fillTable(d: TraceData): void {
  const head = el('tr', {}, [el('th', { text: 't', attrs: { scope: 'col' } })]);
  for (let l = 0; l < d.L; l++) {
    head.appendChild(el('th', { text: `‖dL/dh‖ L${l}`, attrs: { scope: 'col' } }));
    if (d.isLstm) head.appendChild(el('th', { text: `‖dL/dc‖ L${l}`, attrs: { scope: 'col' } }));
    head.appendChild(el('th', { text: `‖dh_t/dh_t−1‖ L${l}`, attrs: { scope: 'col' } }));
  }
  const rows = [head];
  for (let t = 0; t < d.T; t++) {
    const tr = el('tr', { attrs: { 'data-t': String(t) } }, [el('th', { text: String(t), attrs: { scope: 'row' } })]);
    for (let l = 0; l < d.L; l++) {
      const cell = (v: number, kind: string): HTMLElement => el('td', { text: formatValue(v), attrs: { 'data-kind': kind, 'data-layer': String(l), 'data-value': String(v) } });
      tr.appendChild(cell(d.dhNorms[l * d.T + t], 'dh'));
      if (d.isLstm) tr.appendChild(cell(d.dcNorms[l * d.T + t], 'dc'));
      tr.appendChild(cell(d.jacobian(l, t), 'jacobian'));
    }
    rows.push(tr);
  }
  normsTable.replaceChildren(...rows);
}

function drawTraining(): void {
  const h = state.stats;
  const markers: Marker[] = [
    ...h.clips.map((c): Marker => ({ x: c.step, color: theme.orange, kind: 'event' })),
    ...h.nonFinite.map((s): Marker => ({ x: s, color: theme.red, kind: 'line' })),
  ];
  // σ_max(W_hh) bounds each step's Jacobian only in a vanilla RNN (dh_t/dh_{t−1} = diag(1 − h_t²) W_hh);
  // a gated cell's gradient takes another path, so for it the chart would explain nothing true.
  const cell = data?.cell ?? session?.settings.cell ?? null;
  spectralHeading.hidden = spectralCanvas.hidden = cell !== 'rnn';
  spectralNote.hidden = cell === 'rnn' || cell === null;
  setMath(spectralNote, cell === 'lstm' ? t('gradient.spectral.note.lstm') : cell === 'gru' ? t('gradient.spectral.note.gru') : '');
  if (cell === 'rnn') {
    drawLineChart(spectralCanvas, theme, h.spectral.map((s, l) => ({ label: t('gradient.spectral.series', l), color: palette()[l], x: h.steps, y: s })),
      { xLabel: t('gradient.step'), xIntegerTicks: true, hlines: [{ y: 1, color: theme.muted, label: '1' }], emptyText: t('gradient.spectral.empty') });
  }
  const names = Object.keys(h.tensorGrad);
  const tensorSeries = (src: Record<string, number[]>): Series[] => names.map((n, i) => ({
    label: n.replace(/^rnn\./, ''), color: palette()[i % 6], dash: i >= 6 ? [4, 3] : undefined, x: h.steps, y: src[n],
  }));
  drawLineChart(tensorCanvas, theme, [{ label: t('gradient.tensor.global'), color: theme.foreground, x: h.steps, y: h.gradNorm }, ...tensorSeries(h.tensorGrad)],
    { logY: true, xLabel: t('gradient.step'), markers, xIntegerTicks: true, emptyText: t('gradient.tensor.empty') });
  drawLineChart(ratioCanvas, theme, tensorSeries(h.tensorRatio), { logY: true, xLabel: t('gradient.step'), markers, xIntegerTicks: true, emptyText: t('gradient.ratio.empty') });
  const lastClip = h.clips[h.clips.length - 1];
  const clips = t(h.clips.length === 1 ? 'gradient.clips.one' : 'gradient.clips.many', formatCount(h.clips.length));
  const bad = h.nonFinite.length;
  trainingText.textContent = h.steps.length
    ? t('gradient.recorded', formatCount(h.steps.length), formatCount(h.steps[h.steps.length - 1]), formatValue(h.gradNorm[h.gradNorm.length - 1]),
      lastClip ? t('gradient.clips.latest', clips, formatCount(lastClip.step), formatValue(lastClip.gradNorm), formatValue(lastClip.clippedTo)) : clips,
      bad === 0 ? t('gradient.nonFinite.none') : bad === 1 ? t('gradient.nonFinite.one') : t('gradient.nonFinite.many', formatCount(bad)))
    : t('gradient.nothingYet');
}

let lastDiagnosis = '';

function drawDiagnosis(): void {
  const lines = diagnose(data, state.stats, t);
  // Rebuild the list only when what it says changed (stats can arrive many times a second).
  const key = lines.map((x) => x.level + x.text).join('\n');
  if (key === lastDiagnosis) return;
  lastDiagnosis = key;
  diagnosisList.replaceChildren(...(lines.length
    ? lines.map((x) => { const li = el('li', { className: x.level }); setMath(li, x.text); return li; })
    : [el('li', { text: t('gradient.waiting') })]));
}

function scheduleAll(): void {
  scheduler.schedule('trace', drawTraceParts);
  scheduler.schedule('training', drawTraining);
  scheduler.schedule('diagnosis', drawDiagnosis);
}

function persist(): void {
  scheduler.schedule('persist', () => saveState(state));
}

// ----- messages

let builtLayers = 0;

/** The newest trace wins: rendering waits for the next frame, and an older pending one is dropped. */
function onTrace(d: TraceData): void {
  data = d;
  if (state.layer >= d.L) state.layer = 0;
  if (state.row !== null && state.row >= d.T) state.row = null;
  scheduler.schedule('render', () => { if (data === d) renderTrace(d); });
}

function renderTrace(d: TraceData): void {
  const shapeChanged = builtLayers !== d.L;
  builtLayers = d.L;
  if (shapeChanged) {
    layerBox.replaceChildren(select(t('gradient.layer'), Array.from({ length: d.L }, (_, l): [string, string] => [String(l), String(l)]), String(state.layer), (v) => {
      state.layer = Number(v);
      if (data) matrix.render(data, state.layer);
      persist();
      scheduleAll();
    }));
  }
  matrix.render(d, state.layer);
  fillTable(d);
  const end = (session ? ` (${session.fileName})` : '') + (d.header.carriedState ? t('gradient.traceInfo.truncated') : '.');
  traceInfo.textContent = t('gradient.traceInfo', d.cell.toUpperCase(), formatCount(d.header.trainingStep), d.T, t(d.L > 1 ? 'gradient.traceInfo.layers.many' : 'gradient.traceInfo.layers.one', d.L), d.H, formatLoss(d.header.meanLoss), end);
  scheduleAll();
}

function handle(m: HostToWebview): void {
  switch (m.type) {
    case 'session': session = m.session; scheduler.schedule('training', drawTraining); break;
    case 'stats': addStats(state.stats, m.stats); scheduler.schedule('training', drawTraining); scheduler.schedule('diagnosis', drawDiagnosis); break;
    // The host's record of the whole session: it replaces ours (a view opened late, or a new session).
    case 'statsHistory': state.stats = m.history; scheduler.schedule('training', drawTraining); scheduler.schedule('diagnosis', drawDiagnosis); break;
    case 'trace': onTrace(new TraceData({ header: m.header, ids: m.ids, data: m.data })); break;
    case 'cursor':
      state.cursor = m.t;
      state.direction = m.direction;
      scheduler.schedule('trace', drawTraceParts);
      break;
    default: return;
  }
  persist();
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseHostToWebview(e.data);
  if (m) handle(m);
});

watchTheme((t) => {
  theme = t;
  matrix.setTheme(t);
  scheduleAll();
});
new ResizeObserver(() => scheduleAll()).observe(document.body);
scheduleAll();
postToHost({ type: 'ready' });
