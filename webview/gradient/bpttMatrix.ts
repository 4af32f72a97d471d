/**
 * The itemized BPTT matrix (as in RNNbow): row t is the loss at step t, column k an earlier step,
 * the colour ||d(L_t/T)/dh_k|| on a log scale. Hover shows the value; clicking (or the arrow keys)
 * chooses a row, whose decay curve and horizon the view then shows.
 */

import { type TraceData } from '../shared/traceData';
import { type Theme } from '../shared/theme';
import { SequentialScale } from '../shared/colorScale';
import { fitCanvas, logTicks } from '../shared/lineChart';
import { el } from '../shared/dom';
import { formatTick, formatValue } from '../../src/protocol/format';
import { t } from '../shared/strings';

export class BpttMatrix {
  readonly canvas: HTMLCanvasElement;
  private scale: SequentialScale;
  private image: HTMLCanvasElement | null = null;
  private data: TraceData | null = null;
  private layer = 0;
  private row = 0;
  private logRange: [number, number] = [-6, 0];

  constructor(private theme: Theme, private readonly onRow: (t: number) => void) {
    this.scale = new SequentialScale(theme);
    this.canvas = el('canvas', { className: 'matrix', attrs: { role: 'img', tabindex: '0', 'aria-describedby': 'row-text', 'aria-label': t('gradient.aria.matrix') } });
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('click', (e) => { const at = this.at(e); if (at) this.onRow(at.t); });
    this.canvas.addEventListener('keydown', (e) => {
      if (!this.data) return;
      const T = this.data.T;
      const next = e.key === 'ArrowDown' ? this.row + 1 : e.key === 'ArrowUp' ? this.row - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? T - 1 : null;
      if (next === null) return;
      e.preventDefault();
      this.onRow(Math.max(0, Math.min(T - 1, next)));
    });
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.scale = new SequentialScale(theme);
    if (this.data) this.render(this.data, this.layer);
  }

  /** Renders layer l's matrix once at one pixel per entry. */
  render(d: TraceData, l: number): void {
    this.data = d;
    this.layer = l;
    let lo = Infinity, hi = -Infinity;
    for (let t = 0; t < d.T; t++) for (let k = 0; k <= t; k++) {
      const v = d.itemized(l, t, k);
      if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, Math.log10(v)); hi = Math.max(hi, Math.log10(v)); }
    }
    // Six decades at most below the largest entry: below that it is all "vanished".
    this.logRange = Number.isFinite(hi) ? [Math.max(lo, hi - 6), hi] : [-6, 0];
    const img = document.createElement('canvas');
    img.width = d.T;
    img.height = d.T;
    const ctx = img.getContext('2d')!;
    const data = ctx.createImageData(d.T, d.T);
    for (let t = 0; t < d.T; t++) for (let k = 0; k < d.T; k++) {
      const idx = (k <= t ? this.scale.indexLog(d.itemized(l, t, k), this.logRange[0], this.logRange[1]) : 0) * 4;
      const o = (t * d.T + k) * 4;
      data.data[o] = this.scale.lut[idx]; data.data[o + 1] = this.scale.lut[idx + 1]; data.data[o + 2] = this.scale.lut[idx + 2];
      data.data[o + 3] = k <= t ? 255 : 0;
    }
    ctx.putImageData(data, 0, 0);
    this.image = img;
  }

  draw(row: number, horizon: number): void {
    this.row = row;
    const d = this.data;
    if (!d || !this.image) return;
    const { w, h, ctx } = fitCanvas(this.canvas);
    const size = Math.min(w - 100, h - 20);
    const x0 = 40, y0 = 4, cell = size / d.T;
    ctx.clearRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.image, x0, y0, size, size);
    ctx.strokeStyle = this.theme.border;
    ctx.strokeRect(x0, y0, size, size);
    // The chosen row and its horizon.
    // A background-coloured halo under the row's outline: it stays visible on any cell colour, and in
    // high contrast it sets the row apart from the matrix frame (both are blues in the light theme).
    ctx.strokeStyle = this.theme.background;
    ctx.lineWidth = 4;
    ctx.strokeRect(x0, y0 + row * cell, size, cell);
    ctx.strokeStyle = this.theme.focus;
    ctx.lineWidth = 2;
    if (this.theme.contrast) ctx.setLineDash([6, 3]);
    ctx.strokeRect(x0, y0 + row * cell, size, cell);
    ctx.setLineDash([]);
    ctx.fillStyle = this.theme.focus;
    ctx.fillRect(x0 + (row - horizon) * cell, y0 + row * cell + cell / 2 - 1, horizon * cell, 2);
    ctx.fillStyle = this.theme.muted;
    ctx.font = `11px ${this.theme.font}`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText('t', x0 - 26, y0 + 8);
    ctx.fillText('0', x0 - 4, y0 + cell / 2);
    ctx.fillText(String(d.T - 1), x0 - 4, y0 + size - cell / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText('k →', x0 + size / 2, y0 + size + 3);
    // Colour key, ticked at powers of ten (a log scale), as every log axis is.
    const kx = x0 + size + 8;
    for (let i = 0; i < 64; i++) {
      ctx.fillStyle = this.scale.css[Math.round(255 - (i / 63) * 254)];
      ctx.fillRect(kx, y0 + (i / 64) * size, 10, size / 64 + 1);
    }
    const [lo, hi] = this.logRange;
    ctx.fillStyle = this.theme.muted;
    ctx.strokeStyle = this.theme.muted;
    ctx.lineWidth = 1;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const ticks = logTicks(lo, hi);
    for (const v of ticks) {
      const y = y0 + (1 - (Math.log10(v) - lo) / Math.max(1e-9, hi - lo)) * size;
      ctx.beginPath(); ctx.moveTo(kx + 10, y); ctx.lineTo(kx + 13, y); ctx.stroke();
      ctx.fillText(formatTick(v), kx + 15, Math.max(y0 + 6, Math.min(y0 + size - 6, y)));
    }
    this.canvas.dataset.keyTicks = ticks.map(formatTick).join('|');
  }

  private at(e: MouseEvent): { t: number; k: number } | null {
    const d = this.data;
    if (!d) return null;
    const r = this.canvas.getBoundingClientRect();
    const size = Math.min(r.width - 100, r.height - 20);
    const t = Math.floor(((e.clientY - r.top - 4) / size) * d.T);
    const k = Math.floor(((e.clientX - r.left - 40) / size) * d.T);
    return t >= 0 && t < d.T && k >= 0 && k < d.T ? { t, k } : null;
  }

  private hover(e: MouseEvent): void {
    const at = this.at(e);
    const d = this.data;
    this.canvas.title = at && d
      ? at.k <= at.t
        ? t('gradient.matrix.cell', at.t, at.k, formatValue(d.itemized(this.layer, at.t, at.k)))
        : t('gradient.matrix.later', at.t)
      : '';
  }
}
