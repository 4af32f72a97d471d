/**
 * Hidden units × timesteps, one map per layer: h_t (or c_t for LSTM, or any gate) on a diverging
 * scale. Units can be sorted; clicking a row selects that unit (which the host also uses to colour
 * the editor's text by that neuron). Each layer's map is rendered once per trace into an offscreen
 * canvas at one pixel per value; a cursor move only re-blits it and draws the cursor column.
 */

import { type TraceData } from '../shared/traceData';
import { type Theme } from '../shared/theme';
import { DivergingScale } from '../shared/colorScale';
import { fitCanvas } from '../shared/lineChart';
import { el } from '../shared/dom';
import { formatValue } from '../../src/protocol/format';

/** 'h', 'c' (LSTM), or 'gate:<index in traceGateNames>'. */
export type HeatSource = string;
export type HeatSort = 'index' | 'mean' | 'variance' | 'gradient';

export interface HeatSelection { layer: number; unit: number }

export class Heatmap {
  readonly element: HTMLElement;
  private readonly maps: HTMLElement;
  private readonly readout: HTMLElement;
  private canvases: HTMLCanvasElement[] = [];
  /** Per layer, the canvas's text twin: what the map shows at the cursor, for screen readers. */
  private descriptions: HTMLElement[] = [];
  private images: HTMLCanvasElement[] = [];
  /** What each layer's canvas shows now, so a cursor move can repaint only the two columns involved. */
  private painted: ({ image: HTMLCanvasElement; key: string; cursor: number; backing: number } | undefined)[] = [];
  /** Row order per layer: order[l][row] = unit. */
  private order: Int32Array[] = [];
  private scale: DivergingScale;
  private data: TraceData | null = null;
  private cursor = 0;

  constructor(
    private theme: Theme,
    public source: HeatSource,
    public sort: HeatSort,
    public selection: HeatSelection | null,
    private readonly onSelect: (s: HeatSelection) => void,
    /** Left/right on a focused map move the timestep cursor (by this many steps, or to an end). */
    private readonly onCursorKey: (key: 'prev' | 'next' | 'first' | 'last') => void = () => {},
  ) {
    this.scale = new DivergingScale(theme);
    this.maps = el('div', { className: 'heat-maps' });
    this.readout = el('p', { className: 'readout', attrs: { id: 'heat-readout', 'aria-live': 'off' } });
    this.element = el('div', {}, [this.maps, this.readout]);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.scale = new DivergingScale(theme);
    this.painted = [];
    if (this.data) this.render(this.data);
  }

  setTrace(d: TraceData): void {
    if (this.source === 'c' && !d.isLstm) this.source = 'h';
    if (this.source.startsWith('gate:') && Number(this.source.slice(5)) >= d.gateNames.length) this.source = 'h';
    if (this.selection && (this.selection.layer >= d.L || this.selection.unit >= d.H)) this.selection = null;
    this.data = d;
    this.render(d);
  }

  /** Re-render after the source or sort changed. */
  refresh(): void {
    if (this.data) this.render(this.data);
  }

  /** The values shown for layer l at step t. */
  private values(d: TraceData, l: number, t: number): Float32Array {
    if (this.source === 'c') return d.c(l, t);
    if (this.source.startsWith('gate:')) return d.gate(l, t, Number(this.source.slice(5)));
    return d.h(l, t);
  }

  /** Sigmoid gates live in [0, 1]: centre their scale on 0.5. Unbounded sources scale to their own range. */
  private centreAndRange(d: TraceData, l: number): [number, number] {
    if (this.source.startsWith('gate:')) {
      const name = d.gateNames[Number(this.source.slice(5))];
      if (name === 'i' || name === 'f' || name === 'o' || name === 'r' || name === 'z') return [0.5, 0.5];
      if (name === 'a') return [0, this.maxAbs(d, l)];
      return [0, 1];
    }
    return this.source === 'c' ? [0, this.maxAbs(d, l)] : [0, 1];
  }

  private maxAbs(d: TraceData, l: number): number {
    let m = 0;
    for (let t = 0; t < d.T; t++) for (const v of this.values(d, l, t)) m = Math.max(m, Math.abs(v));
    return m || 1;
  }

  private sortOrder(d: TraceData, l: number): Int32Array {
    const key = new Float64Array(d.H);
    if (this.sort !== 'index') {
      for (let i = 0; i < d.H; i++) {
        let s = 0, s2 = 0;
        for (let t = 0; t < d.T; t++) {
          const v = this.sort === 'gradient' ? Math.abs(d.dh(l, t)[i]) : this.values(d, l, t)[i];
          s += v; s2 += v * v;
        }
        const m = s / d.T;
        key[i] = this.sort === 'variance' ? s2 / d.T - m * m : m;
      }
    }
    const order = Int32Array.from({ length: d.H }, (_, i) => i);
    if (this.sort !== 'index') order.sort((a, b) => key[b] - key[a]);
    return order;
  }

  private render(d: TraceData): void {
    if (this.canvases.length !== d.L) {
      this.canvases = [];
      this.descriptions = [];
      const figs: HTMLElement[] = [];
      for (let l = 0; l < d.L; l++) {
        const c = el('canvas', { className: 'heat-canvas', attrs: {
          role: 'img', tabindex: '0', 'aria-describedby': `heat-desc-${l}`,
          'aria-label': `Layer ${l} activations: units by timesteps. Up and down choose a unit, left and right move the timestep cursor.`,
        } });
        const desc = el('p', { className: 'sr-only', attrs: { id: `heat-desc-${l}` } });
        this.descriptions.push(desc);
        c.addEventListener('click', (e) => this.pick(l, e));
        c.addEventListener('mousemove', (e) => this.hover(l, e, c));
        c.addEventListener('keydown', (e) => this.key(l, e));
        this.canvases.push(c);
        figs.push(el('figure', { className: 'heat-figure' }, [el('figcaption', { text: `layer ${l}` }), c, desc]));
      }
      this.maps.replaceChildren(...figs);
    }
    this.images = [];
    this.order = [];
    for (let l = 0; l < d.L; l++) {
      const order = this.sortOrder(d, l);
      this.order.push(order);
      const [centre, range] = this.centreAndRange(d, l);
      const img = document.createElement('canvas');
      img.width = d.T;
      img.height = d.H;
      const ctx = img.getContext('2d')!;
      const data = ctx.createImageData(d.T, d.H);
      for (let t = 0; t < d.T; t++) {
        const v = this.values(d, l, t);
        for (let row = 0; row < d.H; row++) {
          const k = this.scale.index(v[order[row]] - centre, range) * 4;
          const o = (row * d.T + t) * 4;
          data.data[o] = this.scale.lut[k]; data.data[o + 1] = this.scale.lut[k + 1]; data.data[o + 2] = this.scale.lut[k + 2]; data.data[o + 3] = 255;
        }
      }
      ctx.putImageData(data, 0, 0);
      this.images.push(img);
    }
    this.draw(this.cursor);
  }

  /**
   * Paints the cursor column (and the selected unit's row). When only the cursor moved since the
   * last paint, the old column is repaired from the layer's bitmap and the new one outlined; the
   * rest of the map stays as it is. Anything else (new trace, theme, size, selection) repaints all.
   */
  draw(cursor: number): void {
    this.cursor = cursor;
    const d = this.data;
    if (!d) return;
    for (let l = 0; l < d.L; l++) {
      const canvas = this.canvases[l];
      const { w, h, ctx } = fitCanvas(canvas);
      const cw = w / d.T, rh = h / d.H;
      const selectedRow = this.selection?.layer === l ? this.order[l].indexOf(this.selection.unit) : -1;
      const key = `${w}x${h}:${selectedRow}`;
      const last = this.painted[l];
      ctx.imageSmoothingEnabled = false;
      if (last && last.image === this.images[l] && last.key === key && canvas.width === last.backing) {
        if (last.cursor === cursor) continue;
        // Repair the old column plus a neighbour each side (the outline's halo reaches into them).
        const from = Math.max(0, last.cursor - 1), to = Math.min(d.T, last.cursor + 2);
        ctx.save();
        ctx.beginPath(); ctx.rect(from * cw, 0, (to - from) * cw, h); ctx.clip();
        ctx.clearRect(from * cw, 0, (to - from) * cw, h);
        ctx.drawImage(this.images[l], from, 0, to - from, d.H, from * cw, 0, (to - from) * cw, h);
        this.strokeSelection(ctx, selectedRow, w, rh);
        ctx.restore();
      } else {
        ctx.clearRect(0, 0, w, h);
        ctx.drawImage(this.images[l], 0, 0, w, h);
        this.strokeSelection(ctx, selectedRow, w, rh);
      }
      // A halo in the background colour under the focus colour keeps the cursor column visible on any cell colour.
      ctx.strokeStyle = this.theme.background;
      ctx.lineWidth = 4;
      ctx.strokeRect(cursor * cw + 1, 1, Math.max(cw - 2, 1), h - 2);
      ctx.strokeStyle = this.theme.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(cursor * cw + 1, 1, Math.max(cw - 2, 1), h - 2);
      this.painted[l] = { image: this.images[l], key, cursor, backing: canvas.width };
    }
    this.describe(d, cursor);
    const sel = this.selection ?? { layer: 0, unit: 0 };
    const v = this.values(d, sel.layer, cursor)[sel.unit];
    this.readout.textContent = `${this.sourceName(d)}, layer ${sel.layer}, unit ${sel.unit}${this.selection ? ' (selected)' : ''} at t = ${cursor}: ${formatValue(v)}`;
    this.readout.dataset.value = String(v);
  }

  private strokeSelection(ctx: CanvasRenderingContext2D, row: number, w: number, rh: number): void {
    if (row < 0) return;
    ctx.strokeStyle = this.theme.foreground;
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, row * rh - 1, w - 1, rh + 2);
  }

  private sourceName(d: TraceData): string {
    if (this.source === 'c') return 'c_t';
    if (this.source.startsWith('gate:')) return `gate ${d.gateNames[Number(this.source.slice(5))]}`;
    return 'h_t';
  }

  private cellAt(l: number, e: MouseEvent, c: HTMLCanvasElement): { t: number; unit: number } | null {
    const d = this.data;
    if (!d) return null;
    const r = c.getBoundingClientRect();
    const t = Math.floor(((e.clientX - r.left) / r.width) * d.T);
    const row = Math.floor(((e.clientY - r.top) / r.height) * d.H);
    if (t < 0 || t >= d.T || row < 0 || row >= d.H) return null;
    return { t, unit: this.order[l][row] };
  }

  private hover(l: number, e: MouseEvent, c: HTMLCanvasElement): void {
    const at = this.cellAt(l, e, c);
    if (!at || !this.data) return;
    c.title = `layer ${l}, unit ${at.unit}, t = ${at.t}: ${formatValue(this.values(this.data, l, at.t)[at.unit])} (click to select the unit)`;
  }

  private pick(l: number, e: MouseEvent): void {
    const at = this.cellAt(l, e, this.canvases[l]);
    if (!at) return;
    this.select({ layer: l, unit: at.unit });
  }

  /** Selects a unit; `notify` false for a selection that came from the host (no echo back). */
  select(s: HeatSelection, notify = true): void {
    const same = this.selection?.layer === s.layer && this.selection.unit === s.unit;
    this.selection = s;
    if (notify && !same) this.onSelect(s);
    this.draw(this.cursor);
  }

  /** Up/down moves the selected unit within the focused layer's sorted order; left/right/Home/End move the cursor. */
  private key(l: number, e: KeyboardEvent): void {
    const d = this.data;
    if (!d) return;
    const cursorKeys: Record<string, 'prev' | 'next' | 'first' | 'last'> = { ArrowLeft: 'prev', ArrowRight: 'next', Home: 'first', End: 'last' };
    if (cursorKeys[e.key]) { e.preventDefault(); this.onCursorKey(cursorKeys[e.key]); return; }
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const cur = this.selection?.layer === l ? this.order[l].indexOf(this.selection.unit) : -1;
    const row = Math.max(0, Math.min(d.H - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
    this.select({ layer: l, unit: this.order[l][row] });
  }

  /** The text twin of each map at the cursor: the selected unit and the strongest units either way. */
  private describe(d: TraceData, t: number): void {
    for (let l = 0; l < d.L; l++) {
      const v = this.values(d, l, t);
      let hi = 0, lo = 0;
      for (let i = 1; i < v.length; i++) { if (v[i] > v[hi]) hi = i; if (v[i] < v[lo]) lo = i; }
      const sel = this.selection?.layer === l ? ` Selected unit ${this.selection.unit}: ${formatValue(v[this.selection.unit])}.` : '';
      const text = `${this.sourceName(d)}, layer ${l}, at t = ${t}: highest unit ${hi} at ${formatValue(v[hi])}, lowest unit ${lo} at ${formatValue(v[lo])}.${sel}`;
      const desc = this.descriptions[l];
      if (desc && desc.textContent !== text) desc.textContent = text;
    }
  }
}
