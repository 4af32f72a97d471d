/**
 * A small canvas line chart: several series, linear or log y axis, vertical markers (clipping
 * events, the cursor), a legend. Enough for loss curves and norm histories, with no inline styles
 * (the canvas is sized from its CSS box) and no chart library.
 */

import { type Theme } from './theme';
import { formatTick } from '../../src/protocol/format';
import { elementSize } from './elementSize';
import { t } from './strings';

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

/**
 * Ticks of a log axis (values, not exponents) between 10^lo and 10^hi: powers of ten, every
 * second or third one over many decades, and 1-2-5 steps when the range is under two decades.
 */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(lo), b = Math.ceil(hi);
  const decades = b - a;
  const inRange = (v: number): boolean => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  if (decades <= 2) {
    const out: number[] = [];
    for (let e = a; e <= b; e++) for (const m of [1, 2, 5]) { const v = Number((m * 10 ** e).toPrecision(6)); if (inRange(v)) out.push(v); }
    if (out.length >= 2) return out;
  }
  const every = Math.max(1, Math.ceil(decades / 6));
  const out: number[] = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) if (e % every === 0) out.push(Number((10 ** e).toPrecision(6)));
  return out;
}

/** The legend's line sample, CSS px: long enough to show a dashed series' dashes (5 on, 3 off, three times). */
const SWATCH = 24;

/** `text` broken at spaces into lines no wider than `width` (a single longer word keeps its own line). */
function wrapWords(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
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

export function drawLineChart(canvas: HTMLCanvasElement, theme: Theme, series: readonly Series[], opt: ChartOptions = {}): void {
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
  const legend = legendLayout(ctx, series.map((s) => s.label), 8, w - 16);
  const legendLines = legend.reduce((n, e) => Math.max(n, e.line + e.rows.length), 0);
  const padT = 6 + legendLines * 15;
  if (!Number.isFinite(xMin)) {
    // Say what will appear here and when, wrapped to the chart's width.
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'top';
    const lines = wrapWords(ctx, opt.emptyText ?? t('chart.noData'), w - 16);
    lines.forEach((line, i) => put(line, 8, Math.max(4, h / 2 - (lines.length * 15) / 2) + i * 15));
    canvas.dataset.empty = 'true';
    canvas.dataset.clipped = clipped.join('|');
    return;
  }
  if (xMax === xMin) { xMin -= 0.5; xMax += 0.5; }
  if (yMax === yMin) { yMin -= opt.logY ? 0.5 : Math.abs(yMin) * 0.1 + 0.5; yMax += opt.logY ? 0.5 : Math.abs(yMax) * 0.1 + 0.5; }
  const yPad = (yMax - yMin) * 0.05;
  yMin -= yPad; yMax += yPad;
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
  const yTicks = opt.logY ? logTicks(yMin, yMax) : niceTicks(yMin, yMax, Math.max(2, Math.min(4, Math.floor(ph / 28))));
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

  for (const l of hlines) {
    ctx.save(); ctx.setLineDash([4, 3]); ctx.strokeStyle = l.color;
    ctx.beginPath(); ctx.moveTo(padL, py(l.y)); ctx.lineTo(w - padR, py(l.y)); ctx.stroke(); ctx.restore();
    // A label wider than the plot is shortened, or left to the caption under the chart: never cut.
    const label = [l.label, l.shortLabel].find((t) => t !== undefined && ctx.measureText(t).width <= pw - 8);
    if (label) {
      ctx.fillStyle = l.color;
      ctx.textAlign = 'right';
      // Above its line, or below it when the line runs too close to the top.
      const above = py(l.y) - 2 - FONT_PX >= 0;
      ctx.textBaseline = above ? 'bottom' : 'top';
      put(label, w - padR - 4, above ? py(l.y) - 2 : py(l.y) + 2);
    }
  }

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
  series.forEach((s, i) => {
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
