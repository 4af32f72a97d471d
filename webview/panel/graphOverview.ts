/**
 * The whole window under the graph, at a glance: the loss of every step as a bar, the steps the
 * graph shows as a box, the cursor, and the truncation boundary at the window's start. Clicking or
 * dragging moves the cursor (the graph follows). Text is at least 11 px; the bars are the context,
 * the graph above them the focus.
 */

import { type TraceData } from '../shared/traceData';
import { type Theme } from '../shared/theme';
import { fitCanvas } from '../shared/lineChart';
import { el } from '../shared/dom';
import { t } from '../shared/strings';
import { formatTick } from '../../src/protocol/format';

/** Bar height and padding, CSS px; the tick labels go under the bars (the canvas is 56 px tall in CSS). */
const BARS = 30, PAD = 6;

export class GraphOverview {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private data: TraceData | null = null;
  private dragging = false;

  constructor(private theme: Theme, private readonly onPick: (t: number) => void) {
    this.canvas = el('canvas', { className: 'graph-overview', attrs: {
      id: 'graph-overview', role: 'img',
      'aria-label': t('panel.overview.aria'),
    } });
    this.element = this.canvas;
    this.canvas.addEventListener('pointerdown', (e) => {
      this.dragging = true;
      this.canvas.setPointerCapture(e.pointerId);
      this.pick(e);
    });
    this.canvas.addEventListener('pointermove', (e) => { if (this.dragging) this.pick(e); });
    const stop = (): void => { this.dragging = false; };
    this.canvas.addEventListener('pointerup', stop);
    this.canvas.addEventListener('pointercancel', stop);
  }

  setTheme(theme: Theme): void { this.theme = theme; }

  setTrace(d: TraceData): void { this.data = d; }

  private pick(e: PointerEvent): void {
    const d = this.data;
    if (!d) return;
    const r = this.canvas.getBoundingClientRect();
    const u = (e.clientX - r.left - PAD) / Math.max(1, r.width - 2 * PAD);
    this.onPick(Math.max(0, Math.min(d.T - 1, Math.floor(u * d.T))));
  }

  /** Redraws with the cursor, direction and the range of steps the graph shows. */
  draw(cursor: number, first: number, columns: number): void {
    const d = this.data;
    if (!d) return;
    const th = this.theme;
    const { w, h, ctx } = fitCanvas(this.canvas);
    ctx.clearRect(0, 0, w, h);
    const pw = w - 2 * PAD, cw = pw / d.T;
    const x = (t: number): number => PAD + t * cw;
    let max = 0;
    for (let t = 0; t < d.T; t++) if (Number.isFinite(d.loss(t))) max = Math.max(max, d.loss(t));
    max = max || 1;
    const base = PAD + BARS;
    // The shown steps: a light box behind the bars, outlined.
    const shownEnd = Math.min(d.T, first + columns);
    ctx.fillStyle = th.focus;
    ctx.globalAlpha = th.contrast ? 0.2 : 0.1;
    ctx.fillRect(x(first), PAD - 3, (shownEnd - first) * cw, BARS + 3);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = th.foreground;
    ctx.lineWidth = 1;
    ctx.strokeRect(x(first) + 0.5, PAD - 2.5, (shownEnd - first) * cw - 1, BARS + 2);
    // Loss per step.
    ctx.fillStyle = th.contrast ? th.foreground : th.blue;
    for (let t = 0; t < d.T; t++) {
      const v = d.loss(t);
      const bh = Number.isFinite(v) ? Math.max(1, (v / max) * (BARS - 4)) : BARS - 4;
      ctx.fillRect(x(t) + (cw > 4 ? 1 : 0), base - bh, Math.max(1, cw - (cw > 4 ? 2 : 0)), bh);
    }
    // The truncation boundary (the window's start).
    ctx.strokeStyle = th.orange;
    ctx.lineWidth = 2;
    ctx.setLineDash([3, 2]);
    ctx.beginPath(); ctx.moveTo(PAD - 1, PAD - 4); ctx.lineTo(PAD - 1, base + 2); ctx.stroke();
    ctx.setLineDash([]);
    // The cursor.
    ctx.strokeStyle = th.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(x(cursor) + 1, PAD - 4, Math.max(2, cw - 2), BARS + 6);
    // Axis: t at round steps, and what the bars are.
    ctx.fillStyle = th.muted;
    ctx.font = `11px ${th.font}`;
    ctx.textBaseline = 'top';
    const every = [1, 2, 4, 8, 16, 32, 64, 128].find((s) => (s * cw) >= 34) ?? 256;
    ctx.textAlign = 'center';
    for (let t = 0; t < d.T; t += every) ctx.fillText(formatTick(t), x(t) + cw / 2, base + 4);
    this.canvas.dataset.first = String(first);
    this.canvas.dataset.columns = String(shownEnd - first);
    this.canvas.dataset.cursor = String(cursor);
    this.canvas.dataset.maxLoss = String(max);
  }

  /** The tallest bar's loss, for the caption. */
  maxLoss(): number {
    const d = this.data;
    let max = 0;
    if (d) for (let t = 0; t < d.T; t++) if (Number.isFinite(d.loss(t))) max = Math.max(max, d.loss(t));
    return max;
  }
}
