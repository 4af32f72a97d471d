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
import { formatLoss, formatValue } from '../../src/protocol/format';
import { BpttMatrix } from './bpttMatrix';
import { addStats, emptyStats, type StatsHistory } from './statsHistory';
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
const normsCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': 'Gradient norm per timestep, log scale; the values are in the table below' } });
const normsTable = el('table', { className: 'values', attrs: { id: 'norms-table' } });
const normsDetails = el('details', {}, [el('summary', { text: 'Values per timestep' }), normsTable]);
const layerBox = el('span');
const matrix = new BpttMatrix(theme, (t) => { state.row = t; postToHost({ type: 'cursor', t, direction: 'backward' }); state.cursor = t; state.direction = 'backward'; persist(); scheduleAll(); });
const rowText = el('p', { className: 'readout', attrs: { id: 'row-text', 'aria-live': 'polite' } });
const followButton = el('button', { text: 'Follow cursor', attrs: { type: 'button', 'aria-label': 'Let the chosen row follow the timestep cursor' } });
followButton.addEventListener('click', () => { state.row = null; persist(); scheduleAll(); });
const decayCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': 'Decay of the chosen row: contribution by steps back', 'aria-describedby': 'row-text' } });
const jacobianCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': 'Jacobian norm per step', 'aria-describedby': 'jacobian-text' } });
const jacobianText = el('p', { className: 'caption', attrs: { id: 'jacobian-text' } });
const spectralCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': 'Largest singular value of W_hh over training', 'aria-describedby': 'training-text diagnosis' } });
const tensorCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': 'Gradient norm per tensor over training, log scale', 'aria-describedby': 'training-text' } });
const ratioCanvas = el('canvas', { className: 'chart', attrs: { role: 'img', 'aria-label': 'Update to weight ratio per tensor over training, log scale', 'aria-describedby': 'training-text' } });
const trainingText = el('p', { className: 'caption', attrs: { id: 'training-text' } });
const spectralHeading = el('h3', { text: 'Largest singular value of W_hh (power iteration)' });
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
    el('h3', { text: 'Gradient norm per tensor (log scale; ▼ clipped, red line non-finite)' }), tensorCanvas,
    el('h3', { text: 'Update-to-weight ratio ‖Δw‖/‖w‖ per tensor (log scale)' }), ratioCanvas,
    trainingText,
  ]),
);
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
    const when = 'with the first trace of a training window (the panel records one every few training steps)';
    drawLineChart(normsCanvas, theme, [], { emptyText: `‖dL/dh_t‖ at every step of the window appears ${when}.` });
    drawLineChart(decayCanvas, theme, [], { emptyText: `How far back the loss at the cursor reaches appears ${when}.` });
    drawLineChart(jacobianCanvas, theme, [], { emptyText: `The step Jacobians ‖dh_t/dh_{t−1}‖ appear ${when}.` });
    return;
  }
  const xs = steps(d);
  const cursor: Marker = { x: Math.min(state.cursor, d.T - 1), color: theme.focus, kind: 'line' };
  const series: Series[] = [];
  for (let l = 0; l < d.L; l++) {
    series.push({ label: `‖dL/dh‖ layer ${l}`, color: palette()[l], x: xs, y: d.dhNorms.subarray(l * d.T, (l + 1) * d.T), dots: d.T <= 64 });
    if (d.isLstm) series.push({ label: `‖dL/dc‖ layer ${l}`, color: palette()[l], dash: [5, 3], x: xs, y: d.dcNorms.subarray(l * d.T, (l + 1) * d.T) });
  }
  drawLineChart(normsCanvas, theme, series, { logY: true, xLabel: 't', markers: [cursor], xIntegerTicks: true });

  const row = currentRow(d);
  const l = Math.min(state.layer, d.L - 1);
  const horizon = d.horizon(l, row);
  matrix.draw(row, horizon);
  const base = d.itemized(l, row, row);
  rowText.textContent = `Row t = ${row} (layer ${l}${state.row === null ? ', following the cursor' : ''}): ‖d(L_t/T)/dh_t‖ = ${formatValue(base)}; ` +
    `gradient horizon ${horizon} step${horizon === 1 ? '' : 's'} (stays above 1% of that for ${horizon} of ${row} steps back).`;
  rowText.dataset.row = String(row);
  rowText.dataset.horizon = String(horizon);
  const back = Float64Array.from({ length: row + 1 }, (_, j) => j);
  const decay = Float64Array.from({ length: row + 1 }, (_, j) => d.itemized(l, row, row - j));
  const decaySeries: Series[] = row > 0 ? [{ label: `measured: ‖d(L_${row}/T)/dh_k‖, k = ${row} − (steps back)`, color: theme.blue, x: back, y: decay, dots: true }] : [];
  // The product of the step Jacobians bounds the decay; only for a vanilla RNN is that bound the
  // lesson (the W_hh argument), and it is drawn within the measured curve's range, not beyond it.
  if (row > 0 && d.cell === 'rnn') {
    const bound = new Float64Array(row + 1);
    bound[0] = base;
    for (let j = 1; j <= row; j++) bound[j] = bound[j - 1] * d.jacobian(l, row - j + 1);
    decaySeries.push({ label: 'bound: ‖d(L_t/T)/dh_t‖ × ∏ ‖dh/dh_prev‖', color: theme.muted, dash: [5, 3], x: back, y: bound });
  }
  drawLineChart(decayCanvas, theme, decaySeries, {
    logY: true, xLabel: 'steps back', hlines: base > 0 && row > 0 ? [{ y: base * 0.01, color: theme.orange, label: '1% of the gradient at k = t' }] : [],
    markers: row > 0 ? [{ x: horizon, color: theme.orange, kind: 'line' }] : [], xIntegerTicks: true, rangeSeries: [0],
    emptyText: `At t = ${row} there are no earlier steps: move the cursor right to see how far back the loss at t reaches.`,
  });

  const jac: Series[] = [];
  for (let k = 0; k < d.L; k++) {
    const j = Float64Array.from({ length: d.T }, (_, t) => d.jacobian(k, t));
    jac.push({ label: `‖dh_t/dh_{t−1}‖${d.L > 1 ? ` layer ${k}` : ''}`, color: palette()[k], x: xs, y: j, dots: d.T <= 64 });
  }
  drawLineChart(jacobianCanvas, theme, jac, { logY: true, xLabel: 't', hlines: [{ y: 1, color: theme.muted, label: '1: neither grows nor shrinks' }], markers: [cursor], xIntegerTicks: true });
  const ct = Math.min(state.cursor, d.T - 1);
  jacobianText.textContent = Array.from({ length: d.L }, (_, k) =>
    `${d.L > 1 ? `layer ${k}: ` : ''}‖dh_${ct}/dh_${ct - 1}‖ = ${formatValue(d.jacobian(k, ct))}`).join('; ') +
    '. Each step back multiplies the gradient by at most this much: above 1 it may grow, below 1 it must shrink.';
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
  spectralNote.textContent = cell === 'lstm'
    ? 'No W_hh singular value for an LSTM: its bound on the gradient is the vanilla RNN\'s argument. An LSTM\'s gradient runs back along the cell state, scaled by the forget gate (the Diagnosis above gives its mean; the panel\'s heatmap shows f per unit).'
    : cell === 'gru'
      ? 'No W_hh singular value for a GRU: its bound on the gradient is the vanilla RNN\'s argument. A GRU\'s gradient runs back along the copy path z ⊙ h_{t−1}, scaled by the update gate (the Diagnosis above gives its mean; the panel\'s heatmap shows z per unit).'
      : '';
  if (cell === 'rnn') {
    drawLineChart(spectralCanvas, theme, h.spectral.map((s, l) => ({ label: `σ_max(W_hh) layer ${l}`, color: palette()[l], x: h.steps, y: s })),
      { xLabel: 'step', xIntegerTicks: true, hlines: [{ y: 1, color: theme.muted, label: '1' }], emptyText: 'σ_max(W_hh) per layer appears with the first training statistics, a few steps after training starts' });
  }
  const names = Object.keys(h.tensorGrad);
  const tensorSeries = (src: Record<string, number[]>): Series[] => names.map((n, i) => ({
    label: n.replace(/^rnn\./, ''), color: palette()[i % 6], dash: i >= 6 ? [4, 3] : undefined, x: h.steps, y: src[n],
  }));
  drawLineChart(tensorCanvas, theme, [{ label: 'global ‖g‖', color: theme.foreground, x: h.steps, y: h.gradNorm }, ...tensorSeries(h.tensorGrad)],
    { logY: true, xLabel: 'step', markers, xIntegerTicks: true, emptyText: 'Each tensor\'s gradient norm appears with the first training statistics' });
  drawLineChart(ratioCanvas, theme, tensorSeries(h.tensorRatio), { logY: true, xLabel: 'step', markers, xIntegerTicks: true, emptyText: 'Each tensor\'s update-to-weight ratio appears with the first training statistics' });
  const lastClip = h.clips[h.clips.length - 1];
  trainingText.textContent = h.steps.length
    ? `${h.steps.length} steps recorded up to step ${h.steps[h.steps.length - 1]}; global gradient norm ${formatValue(h.gradNorm[h.gradNorm.length - 1])}; ` +
      `${h.clips.length} clipping event${h.clips.length === 1 ? '' : 's'} (▼ marks)${lastClip ? `, latest at step ${lastClip.step}: ${formatValue(lastClip.gradNorm)} clipped to ${formatValue(lastClip.clippedTo)}` : ''}; ` +
      `${h.nonFinite.length} non-finite step${h.nonFinite.length === 1 ? '' : 's'}${h.nonFinite.length ? ' (red lines)' : ''}.`
    : 'Nothing recorded yet: these charts fill in while the model trains (press Play in the panel).';
}

let lastDiagnosis = '';

function drawDiagnosis(): void {
  const lines = diagnose(data, state.stats);
  // Rebuild the list only when what it says changed (stats can arrive many times a second).
  const key = lines.map((x) => x.level + x.text).join('\n');
  if (key === lastDiagnosis) return;
  lastDiagnosis = key;
  diagnosisList.replaceChildren(...(lines.length
    ? lines.map((x) => el('li', { className: x.level, text: x.text }))
    : [el('li', { text: 'Waiting for a training session: start one with Train Character Model.' })]));
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
    layerBox.replaceChildren(select('layer', Array.from({ length: d.L }, (_, l): [string, string] => [String(l), String(l)]), String(state.layer), (v) => {
      state.layer = Number(v);
      if (data) matrix.render(data, state.layer);
      persist();
      scheduleAll();
    }));
  }
  matrix.render(d, state.layer);
  fillTable(d);
  traceInfo.textContent = `${d.cell.toUpperCase()} trace of training step ${d.header.trainingStep}: ${d.T} steps, ${d.L} layer${d.L > 1 ? 's' : ''} × ${d.H} units, mean loss ${formatLoss(d.header.meanLoss)} nats` +
    (session ? ` (${session.fileName})` : '') + (d.header.carriedState ? '; the gradient is cut at the window start (truncated BPTT).' : '.');
  scheduleAll();
}

function handle(m: HostToWebview): void {
  switch (m.type) {
    case 'session': session = m.session; scheduler.schedule('training', drawTraining); break;
    case 'stats': addStats(state.stats, m.stats); scheduler.schedule('training', drawTraining); scheduler.schedule('diagnosis', drawDiagnosis); break;
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
