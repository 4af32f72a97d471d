/**
 * The training panel's page: receives validated messages from the host, keeps the latest of
 * each, and redraws the parts that changed once per animation frame. The timestep cursor is the
 * page's own state (restored after a reload) and is reported to the host so the Gradient Flow
 * view and the editor follow it.
 */

import './panel.css';
import { parseHostToWebview, type HostToWebview, type CursorDirection, type SessionInfo } from '../../src/protocol/webview';
import { postToHost, loadState, saveState } from '../shared/vscodeApi';
import { el, section, select, reducedMotion } from '../shared/dom';
import { t } from '../shared/strings';
import { readTheme, watchTheme, type Theme } from '../shared/theme';
import { FrameScheduler } from '../shared/frameScheduler';
import { TraceData, traceSaturation } from '../shared/traceData';
import { spokenChar } from '../shared/spokenChar';
import { formatCount, formatLoss, formatProbability, formatValue } from '../../src/protocol/format';
import { Header } from './header';
import { UnrolledGraph, type GraphView } from './unrolledGraph';
import { ZOOM_LEVELS } from './graphGeometry';
import { GraphOverview } from './graphOverview';
import { ColorBar } from '../shared/colorBar';
import { CellDiagram } from './cellDiagram';
import { Heatmap, type HeatSort, type HeatSelection } from './heatmap';
import { UnitActionBar } from './unitActions';
import { PredictionStrip } from './predictionStrip';
import { TrainingCharts, emptyHistory, type TrainingHistory } from './trainingCharts';
import { SampleTimeline } from './sampleTimeline';
import { skipLinks } from '../shared/skipLinks';

interface PanelState {
  cursor: number;
  direction: CursorDirection;
  layer: number;
  selection: HeatSelection | null;
  heatSource: string;
  heatSort: HeatSort;
  history: TrainingHistory;
  /** The graph's zoom level (graphGeometry's ZOOM_LEVELS): kept across a reload like the cursor. */
  zoom: number;
}

const saved = loadState<PanelState>() ?? {};
let theme: Theme = readTheme();
let data: TraceData | null = null;
let session: SessionInfo | null = null;
const view: GraphView = { cursor: saved.cursor ?? 0, direction: saved.direction ?? 'forward', layer: saved.layer ?? 0 };
const history: TrainingHistory = { ...emptyHistory(), ...(saved.history ?? {}) };

const scheduler = new FrameScheduler((ms, parts) => {
  if (parts.includes('cursor')) document.body.dataset.cursorRedrawMs = ms.toFixed(2);
});

// ----- layout

const header = new Header((action) => postToHost({ type: 'action', action }), {
  move: (t) => moveCursor(t, view.direction, true),
  setDirection: (d) => moveCursor(view.cursor, d, true),
}, () => view.cursor);

const graphBox = el('div', { className: 'graph', attrs: {
  id: 'graph', role: 'img', tabindex: '0', 'aria-describedby': 'graph-text graph-cursor',
  'aria-label': t('panel.graph.aria'),
} });
const graphText = el('p', { className: 'caption', attrs: { id: 'graph-text' } });
/** The graph's text twin for screen readers: the column under the cursor, node by node. */
const graphCursorText = el('p', { className: 'sr-only', attrs: { id: 'graph-cursor' } });
const graph = new UnrolledGraph(graphBox, theme, view, (pick) => {
  if (pick.layer !== undefined) view.layer = pick.layer;
  moveCursor(pick.t, view.direction, true);
});
const overview = new GraphOverview(theme, (t) => moveCursor(t, view.direction, true));
const overviewText = el('p', { className: 'caption', attrs: { id: 'overview-text' } });
const stateBar = new ColorBar('graph-state-scale');
const gradientBar = new ColorBar('graph-gradient-scale');
const fitButton = el('button', { text: t('panel.fit'), attrs: { type: 'button', id: 'graph-fit', 'aria-label': t('panel.fit.aria') } });
const zoomOutButton = el('button', { text: '−', attrs: { type: 'button', id: 'graph-zoom-out', 'aria-label': t('panel.zoomOut.aria') } });
const zoomInButton = el('button', { text: '+', attrs: { type: 'button', id: 'graph-zoom-in', 'aria-label': t('panel.zoomIn.aria') } });
const centreButton = el('button', { text: t('panel.centre'), attrs: { type: 'button', id: 'graph-centre', 'aria-label': t('panel.centre.aria') } });
/** Zooms the graph (0: back to the fitted level 1) and redraws what follows the shown columns. */
function zoomGraph(steps: number | 'fit'): void {
  if (steps === 'fit') graph.setZoom(1); else graph.zoomBy(steps);
  syncZoomButtons();
  persist();
  scheduleCursor();
}
function syncZoomButtons(): void {
  zoomOutButton.disabled = graph.zoom <= 1;
  zoomInButton.disabled = graph.zoom >= ZOOM_LEVELS[ZOOM_LEVELS.length - 1];
}
fitButton.addEventListener('click', () => zoomGraph('fit'));
zoomOutButton.addEventListener('click', () => zoomGraph(-1));
zoomInButton.addEventListener('click', () => zoomGraph(1));
centreButton.addEventListener('click', () => { graph.centre(); scheduleCursor(); });
// The zoom the panel had before a reload (the graph applies it when the first trace arrives).
graph.setZoom(typeof saved.zoom === 'number' && Number.isFinite(saved.zoom) ? saved.zoom : 1);
syncZoomButtons();
// Ctrl (or Cmd) and the wheel zoom the graph; the wheel alone still scrolls the panel.
graphBox.addEventListener('wheel', (e) => {
  if (!e.ctrlKey && !e.metaKey) return;
  e.preventDefault();
  e.stopPropagation();
  zoomGraph(e.deltaY < 0 ? 1 : -1);
}, { passive: false, capture: true });

const cell = new CellDiagram(theme);
const layerSelect = el('select', { attrs: { id: 'cell-layer', 'aria-label': t('panel.cellLayer.aria') } });
layerSelect.addEventListener('change', () => { view.layer = Number(layerSelect.value); persist(); scheduleCursor(); });

const unitBar = new UnitActionBar((action, u) => postToHost({ type: 'unitAction', action, state: u.state, layer: u.layer, unit: u.unit }));
const heatmap = new Heatmap(theme, saved.heatSource ?? 'h', saved.heatSort ?? 'index', saved.selection ?? null, (s) => {
  postToHost({ type: 'selectUnit', layer: s.layer, unit: s.unit });
  syncUnitBar();
  persist();
}, (k) => moveCursor(k === 'first' ? 0 : k === 'last' ? Number.MAX_SAFE_INTEGER : view.cursor + (k === 'next' ? 1 : -1), view.direction, true),
() => unitBar.focus());

/** The bar acts on the map's selected unit, as the map shows it: an LSTM's c when the map shows c, else h. */
function syncUnitBar(): void {
  const s = heatmap.selection;
  unitBar.set(s && data ? { layer: s.layer, unit: s.unit, state: heatmap.source === 'c' ? 'c' : 'h' } : null);
}
const heatSourceBox = el('span');
const heatSort = select(t('panel.sort'), [['index', t('panel.sort.index')], ['mean', t('panel.sort.mean')], ['variance', t('panel.sort.variance')], ['gradient', t('panel.sort.gradient')]], heatmap.sort, (v) => {
  heatmap.sort = v as HeatSort; heatmap.refresh(); persist();
});

const predictions = new PredictionStrip((t) => moveCursor(t, view.direction, true));
const charts = new TrainingCharts(theme, history, () => { persist(); scheduler.schedule('charts', () => charts.draw()); });
const samples = new SampleTimeline();

/** What the learner should know about the run (overfitting): the host writes it, in the display language. */
const notice = el('p', { className: 'notice', attrs: { id: 'notice', role: 'status' } });
notice.hidden = true;

const app = document.getElementById('app')!;
app.replaceChildren(
  header.element,
  notice,
  section('graph-section', t('panel.graph.heading'), [
    el('div', { className: 'row controls' }, [fitButton, zoomOutButton, zoomInButton, centreButton, el('span', { className: 'caption', text: t('panel.graph.hint') })]),
    graphBox, stateBar.element, gradientBar.element, overview.element, overviewText, graphText, graphCursorText,
  ]),
  section('cell-section', t('panel.cell.heading'), [el('div', { className: 'row controls' }, [el('label', { className: 'control' }, [document.createTextNode(`${t('panel.layer')} `), layerSelect])]), cell.element]),
  section('heatmap-section', t('panel.heatmap.heading'), [el('div', { className: 'row controls' }, [heatSourceBox, heatSort]), heatmap.element, unitBar.element]),
  section('predictions-section', t('panel.predictions.heading'), [predictions.element]),
  section('loss-section', t('panel.loss.heading'), [charts.lossElement]),
  section('samples-section', t('panel.samples.heading'), [samples.element]),
  section('saturation-section', t('panel.saturation.heading'), [charts.saturationElement]),
);
app.prepend(skipLinks(Array.from(app.querySelectorAll<HTMLElement>(':scope > section'))));
app.setAttribute('aria-busy', 'false');

// ----- state

/** Saved at most once per frame (progress messages can arrive many times a second). */
function persist(): void {
  scheduler.schedule('persist', persistNow);
}

function persistNow(): void {
  const state: PanelState = {
    cursor: view.cursor, direction: view.direction, layer: view.layer, selection: heatmap.selection,
    heatSource: heatmap.source, heatSort: heatmap.sort, history, zoom: graph.zoom,
  };
  saveState(state);
}

function spoken(d: TraceData, at: number, direction: CursorDirection): string {
  const best = d.topK(at, 1)[0];
  const base = t('panel.spoken', at, d.T - 1, t(direction === 'forward' ? 'panel.dir.forward' : 'panel.dir.backward'), spokenChar(d.inputChar(at)), spokenChar(d.targetChar(at)),
    spokenChar(best.char), formatProbability(best.prob), formatLoss(d.loss(at)));
  if (direction === 'forward') return base;
  const norms = Array.from({ length: d.L }, (_, l) => t('panel.spoken.layer', l, formatValue(d.dhNorms[l * d.T + at]))).join(', ');
  return t('panel.spoken.gradient', base, norms);
}

/** How many cursor moves this page has reported to the host; each report carries its number. */
let cursorReports = 0;

/** Moves the cursor (clamped to the window); `fromUser` reports it to the host. */
function moveCursor(t: number, direction: CursorDirection, fromUser: boolean): void {
  const T = data?.T ?? 1;
  const clamped = Math.max(0, Math.min(T - 1, Math.round(t)));
  const changed = clamped !== view.cursor || direction !== view.direction;
  view.cursor = clamped;
  view.direction = direction;
  if (fromUser && changed) postToHost({ type: 'cursor', t: clamped, direction, seq: ++cursorReports });
  persist();
  scheduleCursor();
}

function scheduleCursor(): void {
  scheduler.schedule('cursor', drawCursor);
}

/** Everything that depends on the cursor: one synchronous pass (timed as the cursor redraw). */
function drawCursor(): void {
  const d = data;
  if (!d) return;
  if (view.layer >= d.L) view.layer = 0;
  layerSelect.value = String(view.layer);
  // Geometry-reading work first, while the layout from the last frame is still valid; DOM writes
  // after, so nothing in this frame forces a synchronous layout.
  const animate = !reducedMotion();
  graph.setCursor(animate);
  overview.draw(view.cursor, graph.first, graph.columns);
  drawLegends();
  predictions.setCursor(view.cursor, animate);
  cell.draw(d, view.layer, view.cursor, view.direction === 'backward');
  heatmap.draw(view.cursor);
  header.setCursor(view.cursor, d.T, view.direction, spoken(d, view.cursor, view.direction));
  graphCursorText.textContent = describeColumn(d, view.cursor, view.direction);
}

/** The graph's colour legends; the gradient's only going backward, where its bands are drawn. */
let legendKey = '';
function drawLegends(): void {
  const { state, gradient } = graph.legends();
  const key = `${theme.kind}:${state.low}:${gradient?.low}:${gradient?.high}`;
  if (key === legendKey) return;
  legendKey = key;
  stateBar.set(state);
  gradientBar.element.hidden = gradient === null;
  if (gradient) gradientBar.set(gradient);
}

/** The nodes of the cursor's column in words: what the graph draws there. */
function describeColumn(d: TraceData, at: number, direction: CursorDirection): string {
  const layers = Array.from({ length: d.L }, (_, l) => {
    const h = d.h(l, at);
    let sq = 0;
    for (const x of h) sq += x * x;
    const grad = direction === 'backward' ? t('panel.column.grad', formatValue(d.dhNorms[l * d.T + at])) : '';
    return t(l === view.layer ? 'panel.column.layerOpened' : 'panel.column.layer', l, formatValue(Math.sqrt(sq)), grad);
  }).join('; ');
  const best = d.topK(at, 1)[0];
  return t('panel.column', at, spokenChar(d.inputChar(at)), layers, spokenChar(best.char), formatProbability(best.prob), formatLoss(d.loss(at)),
    direction === 'forward' ? t('panel.column.litForward', at) : t('panel.column.litBackward', at, d.T - 1));
}

function setHeatSources(d: TraceData): void {
  const options: [string, string][] = [['h', t('panel.source.h')]];
  if (d.isLstm) options.push(['c', t('panel.source.c')]);
  d.gateNames.forEach((g, i) => options.push([`gate:${i}`, d.cell === 'rnn' ? t('panel.source.a') : t('panel.source.gate', g)]));
  heatSourceBox.replaceChildren(select(t('panel.show'), options, heatmap.source, (v) => { heatmap.source = v; heatmap.refresh(); syncUnitBar(); persist(); }));
}

// ----- messages

/** The window shape the page's structures were last built for. */
let builtShape = '';

/**
 * A new trace becomes current at once (so cursor moves clamp to it), but its rendering waits for
 * the next frame: traces arriving faster than they can be drawn replace each other, latest wins.
 */
function onTrace(d: TraceData): void {
  data = d;
  if (view.cursor >= d.T) view.cursor = d.T - 1;
  scheduler.schedule('trace', () => { if (data === d) renderTrace(d); });
}

function renderTrace(d: TraceData): void {
  const shape = `${d.T}:${d.L}:${d.cell}`;
  const shapeChanged = shape !== builtShape;
  builtShape = shape;
  if (shapeChanged) {
    layerSelect.replaceChildren(...Array.from({ length: d.L }, (_, l) => el('option', { text: String(l), attrs: { value: String(l) } })));
    setHeatSources(d);
  }
  graph.setTrace(d, !reducedMotion());
  overview.setTrace(d);
  overviewText.textContent = t('panel.overview', d.T, formatLoss(overview.maxLoss()));
  heatmap.setTrace(d);
  syncUnitBar();
  predictions.setTrace(d);
  predictions.resize();
  graphText.textContent = t(d.L > 1 ? 'panel.graphText.many' : 'panel.graphText.one', d.cell.toUpperCase(), d.T, d.L, formatCount(d.header.trainingStep), formatCount(d.header.position), formatLoss(d.header.meanLoss),
    t(d.header.carriedState ? 'panel.graphText.carried' : 'panel.graphText.zeros'));
  charts.addSaturation(d.header.trainingStep, d.gateNames, traceSaturation(d));
  scheduler.schedule('charts', () => charts.draw());
  scheduleCursor();
}

function handle(m: HostToWebview): void {
  switch (m.type) {
    case 'session':
      session = m.session;
      header.setSession(m.session);
      charts.setBaselines(m.session.vocabSize, m.session.unigramEntropy);
      scheduler.schedule('charts', () => charts.draw());
      break;
    case 'progress':
      header.setProgress(m.progress);
      charts.addProgress(m.progress);
      scheduler.schedule('charts', () => charts.draw());
      break;
    case 'stats':
      if (m.stats.gateSaturation && session) {
        const names = session.settings.cell === 'lstm' ? ['i', 'f', 'g', 'o'] : session.settings.cell === 'gru' ? ['r', 'z', 'n'] : ['a'];
        charts.addSaturation(m.stats.step, names, m.stats.gateSaturation);
        scheduler.schedule('charts', () => charts.draw());
      }
      break;
    case 'trace':
      onTrace(new TraceData({ header: m.header, ids: m.ids, data: m.data }));
      break;
    case 'cursor':
      // The host answers every report with the cursor it settled on. An answer to an older report
      // than our latest is an echo of a position we have already moved on from (the user stepped
      // again, or dragged the slider, before it came back): applying it would drag the cursor back.
      // The answer to the latest report follows, so host and page still end up agreeing.
      if (m.ack !== undefined && m.ack < cursorReports) break;
      moveCursor(m.t, m.direction, false);
      break;
    case 'history':
      charts.setHistory(m);
      scheduler.schedule('charts', () => charts.draw());
      break;
    case 'samples':
      samples.set(m.samples);
      break;
    case 'announce':
      header.announce.textContent = m.text;
      break;
    case 'activity':
      header.setActivity(m.activity, m.fileName);
      break;
    case 'notice':
      notice.textContent = m.text;
      notice.hidden = m.text === '';
      break;
    case 'selection':
      // Before the first trace, keep it: setTrace drops it if it does not fit the window.
      if (!data) heatmap.selection = { layer: m.layer, unit: m.unit };
      else if (m.layer < data.L && m.unit < data.H) heatmap.select({ layer: m.layer, unit: m.unit }, false);
      syncUnitBar();
      break;
  }
  persist();
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseHostToWebview(e.data);
  if (m) handle(m);
});

watchTheme((t) => {
  theme = t;
  graph.setTheme(t);
  overview.setTheme(t);
  cell.setTheme(t);
  heatmap.setTheme(t);
  charts.setTheme(t);
  scheduler.schedule('charts', () => charts.draw());
  scheduleCursor();
});

// On the focused graph, up and down walk the layers (the opened cell follows), Enter or Space opens the cell.
const cellSection = document.getElementById('cell-section')!;
cellSection.tabIndex = -1;
graphBox.addEventListener('keydown', (e) => {
  const L = data?.L ?? 1;
  if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
    view.layer = Math.max(0, Math.min(L - 1, view.layer + (e.key === 'ArrowUp' ? 1 : -1)));
    persist();
    scheduleCursor();
    e.preventDefault();
  } else if (e.ctrlKey || e.metaKey || e.altKey) {
    return;
  } else if (e.key === '+' || e.key === '=' || e.key === '-' || e.key === '−') {
    zoomGraph(e.key === '+' || e.key === '=' ? 1 : -1);
    e.preventDefault();
  } else if (e.key === 'c' || e.key === 'C') {
    graph.centre();
    scheduleCursor();
    e.preventDefault();
  } else if (e.key === 'Enter' || e.key === ' ') {
    cellSection.focus();
    cellSection.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
    e.preventDefault();
  }
});

// Keyboard: arrows move the cursor when focus is not in a form control (VS Code keeps its own bindings outside the webview).
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'CANVAS')) return;
  // With a modifier the key belongs to VS Code's own keybindings (Alt+Right is Next Timestep):
  // handling it here too would move the cursor twice.
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'ArrowRight' || e.key === '.') { moveCursor(view.cursor + 1, view.direction, true); e.preventDefault(); }
  else if (e.key === 'ArrowLeft' || e.key === ',') { moveCursor(view.cursor - 1, view.direction, true); e.preventDefault(); }
  else if (e.key === 'Home') { moveCursor(0, view.direction, true); e.preventDefault(); }
  else if (e.key === 'End') { moveCursor(Number.MAX_SAFE_INTEGER, view.direction, true); e.preventDefault(); }
});

new ResizeObserver(() => {
  scheduler.schedule('charts', () => charts.draw());
  scheduler.schedule('graph-size', () => { graph.resize(); heatmap.resize(); predictions.resize(); });
  scheduleCursor();
}).observe(document.body);

scheduler.schedule('charts', () => charts.draw());
postToHost({ type: 'ready' });
