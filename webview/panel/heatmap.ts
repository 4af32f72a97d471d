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
import { fmt } from '../shared/format';

/** 'h', 'c' (LSTM), or 'gate:<index in traceGateNames>'. */
export type HeatSource = string;
export type HeatSort = 'index' | 'mean' | 'variance' | 'gradient';

export interface HeatSelection { layer: number; unit: number }

export class Heatmap {
  readonly element: HTMLElement;
  private readonly maps: HTMLElement;
  private readonly readout: HTMLElement;
  private canvases: HTMLCanvasElement[] = [];
  private images: HTMLCanvasElement[] = [];
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
  ) {
    this.scale = new DivergingScale(theme);
    this.maps = el('div', { className: 'heat-maps' });
    this.readout = el('p', { className: 'readout', attrs: { id: 'heat-readout', 'aria-live': 'off' } });
    this.element = el('div', {}, [this.maps, this.readout]);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.scale = new DivergingScale(theme);
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
      const figs: HTMLElement[] = [];
      for (let l = 0; l < d.L; l++) {
        const c = el('canvas', { className: 'heat-canvas', attrs: { role: 'img', tabindex: '0', 'aria-label': `Layer ${l} activations: units by timesteps` } });
        c.addEventListener('click', (e) => this.pick(l, e));
        c.addEventListener('mousemove', (e) => this.hover(l, e, c));
        c.addEventListener('keydown', (e) => this.key(l, e));
        this.canvases.push(c);
        figs.push(el('figure', { className: 'heat-figure' }, [el('figcaption', { text: `layer ${l}` }), c]));
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

  draw(cursor: number): void {
    this.cursor = cursor;
    const d = this.data;
    if (!d) return;
    for (let l = 0; l < d.L; l++) {
      const canvas = this.canvases[l];
      const { w, h, ctx } = fitCanvas(canvas);
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, w, h);
      ctx.drawImage(this.images[l], 0, 0, w, h);
      const cw = w / d.T, rh = h / d.H;
      ctx.strokeStyle = this.theme.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(cursor * cw + 1, 1, Math.max(cw - 2, 1), h - 2);
      if (this.selection?.layer === l) {
        const row = this.order[l].indexOf(this.selection.unit);
        ctx.strokeStyle = this.theme.foreground;
        ctx.lineWidth = 1;
        ctx.strokeRect(0.5, row * rh - 1, w - 1, rh + 2);
      }
    }
    const sel = this.selection ?? { layer: 0, unit: 0 };
    const v = this.values(d, sel.layer, cursor)[sel.unit];
    this.readout.textContent = `${this.sourceName(d)}, layer ${sel.layer}, unit ${sel.unit}${this.selection ? ' (selected)' : ''} at t = ${cursor}: ${fmt(v, 4)}`;
    this.readout.dataset.value = String(v);
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
    c.title = `layer ${l}, unit ${at.unit}, t = ${at.t}: ${fmt(this.values(this.data, l, at.t)[at.unit], 4)} (click to select the unit)`;
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

  /** Up/down moves the selected unit within the focused layer's sorted order. */
  private key(l: number, e: KeyboardEvent): void {
    const d = this.data;
    if (!d || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    const cur = this.selection?.layer === l ? this.order[l].indexOf(this.selection.unit) : -1;
    const row = Math.max(0, Math.min(d.H - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
    this.select({ layer: l, unit: this.order[l][row] });
  }
}
