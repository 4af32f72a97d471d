/**
 * A small canvas line chart: several series, linear or log y axis, vertical markers (clipping
 * events, the cursor), a legend. Enough for loss curves and norm histories, with no inline styles
 * (the canvas is sized from its CSS box) and no chart library.
 */

import { type Theme } from './theme';
import { formatTick } from '../../src/protocol/format';
import { elementSize } from './elementSize';
import { t } from './strings';
import { logAxis } from './logAxis';
import { mathText } from './maths';

export { logTicks, logAxis } from './logAxis';

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly dash?: readonly number[];
  /** Draw dots at the points (for short series). */
  readonly dots?: boolean;
}

export interface Marker {
  readonly x: number;
  readonly color: string;
  /** Marker drawn as a dashed full-height line (cursor) or as a small triangle at the top (event). */
  readonly kind: 'line' | 'event';
}

export interface HLine {
  readonly y: number;
  readonly color: string;
  readonly label?: string;
  /** Written instead of `label` when that is wider than the plot (a narrow panel). */
  readonly shortLabel?: string;
}

export interface ChartOptions {
  readonly logY?: boolean;
  readonly xLabel?: string;
  readonly markers?: readonly Marker[];
  /** A horizontal reference line (e.g. 1 for Jacobian norms). */
  readonly hline?: HLine;
  /** More reference lines, each with a label written on it (e.g. the loss of a uniform guess). */
  readonly hlines?: readonly HLine[];
  readonly emptyText?: string;
  /** The series (by index) that set the y range; the others are drawn clipped to it (a bound must not flatten what it bounds). */
  readonly rangeSeries?: readonly number[];
  readonly xIntegerTicks?: boolean;
}

/** Sizes a canvas's backing store to its CSS box and device pixel ratio; returns the CSS size. */
export function fitCanvas(canvas: HTMLCanvasElement): { w: number; h: number; ctx: CanvasRenderingContext2D } {
  const dpr = window.devicePixelRatio || 1;
  const size = elementSize(canvas);
  const w = Math.max(10, size.width);
  const h = Math.max(10, size.height);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { w, h, ctx };
}

/** A text's box on the canvas, CSS px. */
interface Box { left: number; top: number; right: number; bottom: number }

/** Whether the polyline `points` (CSS px, NaN breaks it) passes through `box`, sampled every pixel or so. */
function crosses(points: readonly { x: number; y: number }[], box: Box): boolean {
  const inside = (x: number, y: number): boolean => x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Number.isFinite(p.y)) continue;
    if (inside(p.x, p.y)) return true;
    const q = points[i + 1];
    if (!q || !Number.isFinite(q.y)) continue;
    const n = Math.ceil(Math.hypot(q.x - p.x, q.y - p.y));
    for (let k = 1; k < n; k++) if (inside(p.x + ((q.x - p.x) * k) / n, p.y + ((q.y - p.y) * k) / n)) return true;
  }
  return false;
}

/** The legend's line sample, CSS px: long enough to show a dashed series' dashes (5 on, 3 off, three times). */
const SWATCH = 24;

/** `text` broken at spaces into lines no wider than `width` (a single longer word keeps its own line). */
export function wrapWords(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && ctx.measureText(`${last} ${word}`).width <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Lays out a legend's entries in lines no wider than `width`: entries side by side while they
 * fit, a new line when the next does not, and an entry too long for a line of its own wrapped
 * over several. Returns each entry's position and its text lines.
 */
function legendLayout(ctx: CanvasRenderingContext2D, labels: readonly string[], left: number, width: number): { x: number; line: number; rows: string[] }[] {
  const out: { x: number; line: number; rows: string[] }[] = [];
  let x = left, line = 0;
  for (const label of labels) {
    const w = SWATCH + 4 + ctx.measureText(label).width;
    if (x > left && x + w > left + width) { x = left; line++; }
    if (x + w <= left + width) {
      out.push({ x, line, rows: [label] });
      x += w + 10;
      continue;
    }
    const rows = wrapWords(ctx, label, width - SWATCH - 4);
    out.push({ x: left, line, rows });
    line += rows.length;
    x = left;
  }
  return out;
}

function niceTicks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Font size of every text a chart draws, CSS px. */
const FONT_PX = 11;

/**
 * fillText that also checks the text lands inside the canvas: anything that would be cut at an
 * edge is listed in the canvas's data-clipped (empty when nothing is), which the tests read.
 */
function textWriter(ctx: CanvasRenderingContext2D, w: number, h: number): { put: (text: string, x: number, y: number) => void; clipped: string[] } {
  const clipped: string[] = [];
  const put = (text: string, x: number, y: number): void => {
    ctx.fillText(text, x, y);
    const tw = ctx.measureText(text).width;
    const left = ctx.textAlign === 'right' || ctx.textAlign === 'end' ? x - tw : ctx.textAlign === 'center' ? x - tw / 2 : x;
    const top = ctx.textBaseline === 'top' ? y : ctx.textBaseline === 'middle' ? y - FONT_PX / 2 : ctx.textBaseline === 'bottom' ? y - FONT_PX : y - FONT_PX * 0.8;
    if (left < -0.5 || left + tw > w + 0.5 || top < -0.5 || top + FONT_PX > h + 0.5) clipped.push(text);
  };
  return { put, clipped };
}

/**
 * Draws the chart. A reference line's label goes where no series runs (right or left, above or
 * below its line); when every such place is on a curve, the label moves to the legend instead.
 */
export function drawLineChart(canvas: HTMLCanvasElement, theme: Theme, series: readonly Series[], opt: ChartOptions = {}): void {
  const homeless = drawPass(canvas, theme, series, opt, []);
  if (homeless.length) drawPass(canvas, theme, series, opt, homeless);
}

/** One drawing, with the reference lines `inLegend` named in the legend; returns the lines whose label found no free place on the plot. */
function drawPass(canvas: HTMLCanvasElement, theme: Theme, series: readonly Series[], opt: ChartOptions, inLegend: readonly HLine[]): HLine[] {
  const homeless: HLine[] = [];
  const { w, h, ctx } = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  ctx.font = `${FONT_PX}px ${theme.font}`;
  const { put, clipped } = textWriter(ctx, w, h);
  const fy = (v: number): number => (opt.logY ? Math.log10(v) : v);
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  series.forEach((s, k) => {
    const sets = !opt.rangeSeries || opt.rangeSeries.includes(k);
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (!Number.isFinite(y) || (opt.logY && !(y > 0))) continue;
      xMin = Math.min(xMin, s.x[i]); xMax = Math.max(xMax, s.x[i]);
      if (sets) { yMin = Math.min(yMin, fy(y)); yMax = Math.max(yMax, fy(y)); }
    }
  });
  const hlines = [...(opt.hline ? [opt.hline] : []), ...(opt.hlines ?? [])].filter((l) => Number.isFinite(l.y) && (!opt.logY || l.y > 0));
  for (const l of hlines) { yMin = Math.min(yMin, fy(l.y)); yMax = Math.max(yMax, fy(l.y)); }
  const padL = 52, padR = 10;
  // The x axis's name goes left of the first tick when it fits there, else on a line of its own under the ticks.
  const xLabelBelow = !!opt.xLabel && ctx.measureText(opt.xLabel).width > padL - 14;
  const padB = xLabelBelow ? 36 : 22;
  // The legend names every series, wrapping onto as many lines as it needs above the plot.
  // Labels in the lecture's notation (∂L/∂hₜ, not dL/dh_t): plain Unicode, as a canvas writes text.
  const legendEntries: { label: string; color: string; dash?: readonly number[] }[] = [
    ...series.map((s) => ({ label: mathText(s.label), color: s.color, dash: s.dash })),
    ...inLegend.map((l) => ({ label: mathText(l.label ?? ''), color: l.color, dash: [4, 3] })),
  ];
  const legend = legendLayout(ctx, legendEntries.map((s) => s.label), 8, w - 16);
  const legendLines = legend.reduce((n, e) => Math.max(n, e.line + e.rows.length), 0);
  const padT = 6 + legendLines * 15;
  if (!Number.isFinite(xMin)) {
    // Say what will appear here and when, wrapped to the chart's width.
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'top';
    const lines = wrapWords(ctx, mathText(opt.emptyText ?? t('chart.noData')), w - 16);
    lines.forEach((line, i) => put(line, 8, Math.max(4, h / 2 - (lines.length * 15) / 2) + i * 15));
    canvas.dataset.empty = 'true';
    canvas.dataset.clipped = clipped.join('|');
    canvas.dataset.yTicks = '';
    canvas.dataset.hlineLabels = '[]';
    return homeless;
  }
  if (xMax === xMin) { xMin -= 0.5; xMax += 0.5; }
  if (yMax === yMin) { yMin -= opt.logY ? 0.5 : Math.abs(yMin) * 0.1 + 0.5; yMax += opt.logY ? 0.5 : Math.abs(yMax) * 0.1 + 0.5; }
  const yPad = (yMax - yMin) * 0.05;
  yMin -= yPad; yMax += yPad;
  // A log axis shows at least two ticks, widening a narrow range to the 1-2-5 values around it.
  const axis = opt.logY ? logAxis(yMin, yMax) : null;
  if (axis) { yMin = axis.lo; yMax = axis.hi; }
  const pw = w - padL - padR, ph = h - padT - padB;
  const px = (x: number): number => padL + ((x - xMin) / (xMax - xMin)) * pw;
  const py = (y: number): number => padT + (1 - (fy(y) - yMin) / (yMax - yMin)) * ph;

  // Axes and grid.
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.muted;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  // Ticks as values; a log axis places them at their logarithms.
  const yTicks = axis ? axis.ticks : niceTicks(yMin, yMax, Math.max(2, Math.min(4, Math.floor(ph / 28))));
  canvas.dataset.yTicks = yTicks.map(formatTick).join('|');
  for (const v of yTicks) {
    const y = padT + (1 - (fy(v) - yMin) / (yMax - yMin)) * ph;
    ctx.beginPath(); ctx.moveTo(padL, y); ctx.lineTo(w - padR, y); ctx.stroke();
    put(formatTick(v), padL - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of niceTicks(xMin, xMax, Math.max(2, Math.floor(pw / 70)))) {
    if (opt.xIntegerTicks && !Number.isInteger(v)) continue;
    const x = px(v);
    ctx.beginPath(); ctx.moveTo(x, padT); ctx.lineTo(x, padT + ph); ctx.stroke();
    // A tick at the plot's edge keeps its label whole: shifted inward rather than cut.
    const label = formatTick(v), half = ctx.measureText(label).width / 2;
    put(label, Math.max(half + 1, Math.min(w - half - 1, x)), padT + ph + 4);
  }
  if (opt.xLabel) {
    if (xLabelBelow) { ctx.textAlign = 'right'; put(`${opt.xLabel} →`, w - padR, padT + ph + 18); }
    else { ctx.textAlign = 'right'; put(opt.xLabel, padL - 10, padT + ph + 4); }
  }
  ctx.strokeStyle = theme.border;
  ctx.strokeRect(padL, padT, pw, ph);

  // Where the curves run, CSS px (a gap in a series breaks its line), so no label is written over one.
  const curves = series.map((s) => Array.from({ length: s.x.length }, (_, i) => {
    const y = s.y[i];
    return { x: px(s.x[i]), y: !Number.isFinite(y) || (opt.logY && !(y > 0)) ? NaN : py(Math.max(10 ** yMin, Math.min(10 ** yMax, y))) };
  }));
  // The dashed marker lines (the cursor, the horizon) are kept clear of labels too.
  for (const m of opt.markers ?? []) if (m.kind === 'line' && m.x >= xMin && m.x <= xMax) curves.push([{ x: px(m.x), y: padT }, { x: px(m.x), y: padT + ph }]);
  const placed: { label: string; box: Box }[] = [];
  for (const l of hlines) {
    ctx.save(); ctx.setLineDash([4, 3]); ctx.strokeStyle = l.color;
    ctx.beginPath(); ctx.moveTo(padL, py(l.y)); ctx.lineTo(w - padR, py(l.y)); ctx.stroke(); ctx.restore();
    if (inLegend.includes(l)) continue;
    // A label wider than the plot is shortened, or left to the caption under the chart: never cut.
    const label = [l.label, l.shortLabel].map((t) => (t === undefined ? undefined : mathText(t))).find((t) => t !== undefined && ctx.measureText(t).width <= pw - 8);
    if (!label) continue;
    const tw = ctx.measureText(label).width, y = py(l.y);
    // Right of the plot first, then left; above the line, then below; inside the plot, clear of every curve by 2 px.
    const spots = [w - padR - 4 - tw, padL + 4].flatMap((left) => [y - 2 - FONT_PX, y + 2].map((top) => ({ left, top, right: left + tw, bottom: top + FONT_PX })))
      .filter((b) => b.top >= padT && b.bottom <= padT + ph);
    const free = spots.find((b) => !curves.some((c) => crosses(c, { left: b.left - 2, top: b.top - 2, right: b.right + 2, bottom: b.bottom + 2 })));
    if (!free) { if (l.label) homeless.push(l); continue; }
    ctx.fillStyle = l.color;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    put(label, free.left, free.top);
    placed.push({ label, box: free });
  }
  canvas.dataset.hlineLabels = JSON.stringify([...placed, ...inLegend.map((l) => ({ label: l.label, box: null }))]);

  ctx.save();
  ctx.beginPath(); ctx.rect(padL, padT, pw, ph); ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(s.dash ? [...s.dash] : []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (!Number.isFinite(y) || (opt.logY && !(y > 0))) { pen = false; continue; }
      if (pen) ctx.lineTo(px(s.x[i]), py(y)); else ctx.moveTo(px(s.x[i]), py(y));
      pen = true;
    }
    ctx.stroke();
    if (s.dots) {
      for (let i = 0; i < s.x.length; i++) {
        const y = s.y[i];
        if (!Number.isFinite(y) || (opt.logY && !(y > 0))) continue;
        ctx.beginPath(); ctx.arc(px(s.x[i]), py(y), 2, 0, Math.PI * 2); ctx.fill();
      }
    }
  }
  ctx.restore();
  ctx.setLineDash([]);
  for (const m of opt.markers ?? []) {
    if (m.x < xMin || m.x > xMax) continue;
    const x = px(m.x);
    ctx.strokeStyle = m.color;
    ctx.fillStyle = m.color;
    if (m.kind === 'line') {
      ctx.save(); ctx.setLineDash([3, 3]); ctx.beginPath(); ctx.moveTo(x, padT); ctx.lineTo(x, padT + ph); ctx.stroke(); ctx.restore();
    } else {
      ctx.beginPath(); ctx.moveTo(x - 4, padT); ctx.lineTo(x + 4, padT); ctx.lineTo(x, padT + 7); ctx.closePath(); ctx.fill();
    }
  }
  // Legend along the top, wrapped: every series named.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  legendEntries.forEach((s, i) => {
    const { x, line, rows } = legend[i];
    const y = 3 + line * 15;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dash ? [...s.dash] : []);
    ctx.beginPath(); ctx.moveTo(x, y + 7); ctx.lineTo(x + SWATCH, y + 7); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = theme.foreground;
    rows.forEach((row, k) => put(row, x + SWATCH + 4, y + 1 + k * 15));
  });
  canvas.dataset.legend = series.map((s) => s.label).join('|');
  // Which legend entries are dashed, as drawn (a dashed series must look dashed in its legend too).
  canvas.dataset.legendDashed = series.map((s) => (s.dash ? '1' : '0')).join('');
  canvas.dataset.clipped = clipped.join('|');
  canvas.dataset.empty = 'false';
  return homeless;
}

/** Exponential moving average (the "smoothing" of a loss curve); weight 0 returns the input. */
export function smooth(y: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(y.length);
  let acc = NaN, n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) { out[i] = v; continue; }
    acc = n === 0 ? v : weight * acc + (1 - weight) * v;
    n++;
    // Debias like TensorBoard so the start of the curve is not dragged toward the first value.
    out[i] = weight > 0 ? acc : v;
  }
  return out;
}
