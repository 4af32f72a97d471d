/**
 * A small canvas line chart: several series, linear or log y axis, vertical markers (clipping
 * events, the cursor), a legend. Enough for loss curves and norm histories, with no inline styles
 * (the canvas is sized from its CSS box) and no chart library.
 */

import { type Theme } from './theme';
import { formatTick } from '../../src/protocol/format';
import { elementSize } from './elementSize';

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

export interface ChartOptions {
  readonly logY?: boolean;
  readonly xLabel?: string;
  readonly markers?: readonly Marker[];
  /** A horizontal reference line (e.g. 1 for Jacobian norms). */
  readonly hline?: { readonly y: number; readonly color: string };
  readonly emptyText?: string;
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

function niceTicks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function drawLineChart(canvas: HTMLCanvasElement, theme: Theme, series: readonly Series[], opt: ChartOptions = {}): void {
  const { w, h, ctx } = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  ctx.font = `11px ${theme.font}`;
  const fy = (v: number): number => (opt.logY ? Math.log10(v) : v);
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (!Number.isFinite(y) || (opt.logY && !(y > 0))) continue;
      xMin = Math.min(xMin, s.x[i]); xMax = Math.max(xMax, s.x[i]);
      yMin = Math.min(yMin, fy(y)); yMax = Math.max(yMax, fy(y));
    }
  }
  if (opt.hline && (!opt.logY || opt.hline.y > 0)) { yMin = Math.min(yMin, fy(opt.hline.y)); yMax = Math.max(yMax, fy(opt.hline.y)); }
  const padL = 52, padR = 10, padT = 18, padB = 22;
  if (!Number.isFinite(xMin)) {
    ctx.fillStyle = theme.muted;
    ctx.fillText(opt.emptyText ?? 'No data yet', padL, h / 2);
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
  const yTicks = opt.logY
    ? niceTicks(Math.floor(yMin), Math.ceil(yMax), 5).filter((v) => Number.isInteger(v) && v >= yMin && v <= yMax)
    : niceTicks(yMin, yMax, 4);
  for (const v of yTicks) {
    const y = padT + (1 - (v - yMin) / (yMax - yMin)) * ph;
    ctx.beginPath(); ctx.moveTo(padL, y); ctx.lineTo(w - padR, y); ctx.stroke();
    ctx.fillText(opt.logY ? formatTick(10 ** v) : formatTick(v), padL - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of niceTicks(xMin, xMax, Math.max(2, Math.floor(pw / 70)))) {
    if (opt.xIntegerTicks && !Number.isInteger(v)) continue;
    const x = px(v);
    ctx.beginPath(); ctx.moveTo(x, padT); ctx.lineTo(x, padT + ph); ctx.stroke();
    ctx.fillText(formatTick(v), x, padT + ph + 4);
  }
  if (opt.xLabel) { ctx.textAlign = 'right'; ctx.fillText(opt.xLabel, padL - 10, padT + ph + 4); }
  ctx.strokeStyle = theme.border;
  ctx.strokeRect(padL, padT, pw, ph);

  if (opt.hline && (!opt.logY || opt.hline.y > 0)) {
    ctx.save(); ctx.setLineDash([4, 3]); ctx.strokeStyle = opt.hline.color;
    ctx.beginPath(); ctx.moveTo(padL, py(opt.hline.y)); ctx.lineTo(w - padR, py(opt.hline.y)); ctx.stroke(); ctx.restore();
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
  // Legend along the top.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  let lx = padL;
  for (const s of series) {
    ctx.fillStyle = s.color;
    ctx.fillRect(lx, 5, 10, 3);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(s.label, lx + 13, 1);
    lx += 20 + ctx.measureText(s.label).width;
    if (lx > w - 40) break;
  }
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
