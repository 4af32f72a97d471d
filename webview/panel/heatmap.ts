/**
 * Hidden units × timesteps, one map per layer, text first (as in Karpathy et al. 2015 and
 * LSTMVis): the window's characters along the time axis, unit numbers along the other, a colour
 * bar naming the quantity and its range. Signed quantities (h, c, the tanh candidate, the RNN's
 * pre-activation) on a diverging scale centred on 0; sigmoid gates on a sequential 0..1 scale.
 * Every unit gets a row of at least 3 px (big layers make the page longer, not the rows thinner);
 * narrow panels scroll sideways rather than squeeze the characters together.
 *
 * Hovering reads out layer, unit, t, character and value; clicking selects the unit (which the host
 * also uses to colour the editor's text by that neuron); a right-click selects it and opens its actions. Each layer's map is rendered once per
 * trace into an offscreen bitmap at one pixel per value; a cursor move repairs two columns.
 */

import { type TraceData } from '../shared/traceData';
import { type Theme } from '../shared/theme';
import { DivergingScale, GateScale } from '../shared/colorScale';
import { el } from '../shared/dom';
import { visibleChar } from '../shared/format';
import { ColorBar, sampleColors } from '../shared/colorBar';
import { formatValue } from '../../src/protocol/format';
import { elementSize } from '../shared/elementSize';
import { t } from '../shared/strings';
import { type WebviewStringKey } from '../../src/protocol/strings';

/** 'h', 'c' (LSTM), or 'gate:<index in traceGateNames>'. */
export type HeatSource = string;
export type HeatSort = 'index' | 'mean' | 'variance' | 'gradient';

export interface HeatSelection { layer: number; unit: number }

/** Smallest unit row and timestep column, CSS px; the unit-number gutter; the character axis. */
export const MIN_ROW = 3;
const MIN_COL = 9, GUTTER = 34, AXIS = 18;

const SIGMOID_GATES = new Set(['i', 'f', 'o', 'r', 'z']);
const GATE_NAMES: Record<string, WebviewStringKey> = {
  i: 'heat.gate.i', f: 'heat.gate.f', o: 'heat.gate.o', g: 'heat.gate.g', r: 'heat.gate.r', z: 'heat.gate.z', n: 'heat.gate.n', a: 'heat.gate.a',
};

interface Geometry { cw: number; rh: number; w: number; h: number }

export class Heatmap {
  readonly element: HTMLElement;
  private readonly maps: HTMLElement;
  private readonly readout: HTMLElement;
  readonly colorBar = new ColorBar('heat-scale');
  private canvases: HTMLCanvasElement[] = [];
  /** Per layer, the canvas's text twin: what the map shows at the cursor, for screen readers. */
  private descriptions: HTMLElement[] = [];
  private images: HTMLCanvasElement[] = [];
  /** What each layer's canvas shows now, so a cursor move can repaint only the two columns involved. */
  private painted: ({ image: HTMLCanvasElement; key: string; cursor: number } | undefined)[] = [];
  /** Row order per layer: order[l][row] = unit. */
  private order: Int32Array[] = [];
  private diverging: DivergingScale;
  private sequential: GateScale;
  private data: TraceData | null = null;
  private cursor = 0;
  private geometry: Geometry = { cw: MIN_COL, rh: MIN_ROW, w: 0, h: 0 };
  private hovering = false;
  /** Per layer, the value range the colours span: [low, high]. */
  private ranges: [number, number][] = [];
  private scrollLeft = 0;

  constructor(
    private theme: Theme,
    public source: HeatSource,
    public sort: HeatSort,
    public selection: HeatSelection | null,
    private readonly onSelect: (s: HeatSelection) => void,
    /** Left/right on a focused map move the timestep cursor (by this many steps, or to an end). */
    private readonly onCursorKey: (key: 'prev' | 'next' | 'first' | 'last') => void = () => {},
    /** A right-click on a row, or the context-menu key on a focused map: the selected unit's actions (unitActions.ts). */
    private readonly onUnitMenu: () => void = () => {},
  ) {
    this.diverging = new DivergingScale(theme);
    this.sequential = new GateScale(theme);
    this.maps = el('div', { className: 'heat-maps' });
    this.maps.addEventListener('scroll', () => { this.scrollLeft = this.maps.scrollLeft; }, { passive: true });
    this.readout = el('p', { className: 'readout', attrs: { id: 'heat-readout', 'aria-live': 'off' } });
    this.element = el('div', {}, [this.colorBar.element, this.maps, this.readout]);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.diverging = new DivergingScale(theme);
    this.sequential = new GateScale(theme);
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

  /** The panel was resized: re-lay the maps out. */
  resize(): void {
    if (!this.data) return;
    this.layout(this.data);
    this.painted = [];
    this.draw(this.cursor);
  }

  /** The values shown for layer l at step t. */
  private values(d: TraceData, l: number, t: number): Float32Array {
    if (this.source === 'c') return d.c(l, t);
    if (this.source.startsWith('gate:')) return d.gate(l, t, Number(this.source.slice(5)));
    return d.h(l, t);
  }

  private gateName(d: TraceData): string | null {
    return this.source.startsWith('gate:') ? d.gateNames[Number(this.source.slice(5))] : null;
  }

  /** Sigmoid gates live in [0, 1]: a sequential scale. Everything else is signed: diverging around 0. */
  private isSequential(d: TraceData): boolean {
    const g = this.gateName(d);
    return g !== null && SIGMOID_GATES.has(g);
  }

  /** The range the colours span for layer l: 0..1 for gates, ±1 for tanh outputs, ±max|v| for c and a. */
  private range(d: TraceData, l: number): [number, number] {
    if (this.isSequential(d)) return [0, 1];
    const g = this.gateName(d);
    if (this.source === 'c' || g === 'a') {
      let m = 0;
      for (let t = 0; t < d.T; t++) for (const v of this.values(d, l, t)) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
      m = m || 1;
      return [-m, m];
    }
    return [-1, 1];
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

  /** Column width and row height from the panel's width and the window's size; canvases sized to match. */
  private layout(d: TraceData): void {
    const width = elementSize(this.maps).width || 300;
    const cw = Math.max(MIN_COL, (width - GUTTER - 2) / d.T);
    const rh = Math.max(MIN_ROW, Math.min(8, Math.floor(260 / d.H)));
    const w = Math.round(GUTTER + cw * d.T), h = d.H * rh + AXIS;
    this.geometry = { cw, rh, w, h };
    const dpr = window.devicePixelRatio || 1;
    for (const c of this.canvases) {
      // Sized through the CSSOM (the CSP allows it; it blocks style attributes in markup).
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.dataset.rowPx = String(rh);
      c.dataset.colPx = String(cw);
    }
  }

  private render(d: TraceData): void {
    if (this.canvases.length !== d.L) {
      this.canvases = [];
      this.descriptions = [];
      const figs: HTMLElement[] = [];
      for (let l = 0; l < d.L; l++) {
        const c = el('canvas', { className: 'heat-canvas', attrs: {
          role: 'img', tabindex: '0', 'aria-describedby': `heat-desc-${l}`, 'data-layer': String(l),
          'aria-label': t('heat.aria', l),
        } });
        const desc = el('p', { className: 'sr-only', attrs: { id: `heat-desc-${l}` } });
        this.descriptions.push(desc);
        c.addEventListener('click', (e) => this.pick(l, e));
        c.addEventListener('contextmenu', (e) => { e.preventDefault(); this.pick(l, e); this.onUnitMenu(); });
        c.addEventListener('mousemove', (e) => this.hover(l, e, c));
        c.addEventListener('mouseleave', () => { this.hovering = false; this.drawReadout(); });
        c.addEventListener('keydown', (e) => this.key(l, e));
        this.canvases.push(c);
        figs.push(el('figure', { className: 'heat-figure' }, [el('figcaption', { text: d.L > 1 ? t('heat.axes.layer', l) : t('heat.axes') }), c, desc]));
      }
      this.maps.replaceChildren(...figs);
    }
    this.layout(d);
    this.images = [];
    this.order = [];
    this.ranges = [];
    const seq = this.isSequential(d);
    const lut = seq ? this.sequential.lut : this.diverging.lut;
    for (let l = 0; l < d.L; l++) {
      const order = this.sortOrder(d, l);
      this.order.push(order);
      const [lo, hi] = this.range(d, l);
      this.ranges.push([lo, hi]);
      const img = document.createElement('canvas');
      img.width = d.T;
      img.height = d.H;
      const ctx = img.getContext('2d')!;
      const data = ctx.createImageData(d.T, d.H);
      for (let t = 0; t < d.T; t++) {
        const v = this.values(d, l, t);
        for (let row = 0; row < d.H; row++) {
          const x = v[order[row]];
          const k = (seq ? this.sequential.index(x, lo, hi) : this.diverging.index(x, hi)) * 4;
          const o = (row * d.T + t) * 4;
          data.data[o] = lut[k]; data.data[o + 1] = lut[k + 1]; data.data[o + 2] = lut[k + 2]; data.data[o + 3] = 255;
        }
      }
      ctx.putImageData(data, 0, 0);
      this.images.push(img);
    }
    this.setColorBar(d);
    this.painted = [];
    this.draw(this.cursor);
  }

  private setColorBar(d: TraceData): void {
    const seq = this.isSequential(d);
    const [lo, hi] = this.ranges.reduce(([a, b], [c, e]) => [Math.min(a, c), Math.max(b, e)], [Infinity, -Infinity]);
    const name = t(seq ? 'heat.bar.sigmoid' : this.source === 'h' || this.gateName(d) === 'g' || this.gateName(d) === 'n' ? 'heat.bar.tanh' : d.L > 1 ? 'heat.bar.perLayer' : 'heat.bar.plain', this.quantity(d));
    this.colorBar.set({
      name, colors: sampleColors(seq ? this.sequential.css : this.diverging.css),
      low: seq ? '0' : lo === -1 ? '−1' : formatValue(lo), high: seq ? '1' : hi === 1 ? '+1' : formatValue(hi), mid: seq ? undefined : '0',
    });
  }

  /** The quantity's name as the lecture writes it. */
  private quantity(d: TraceData): string {
    if (this.source === 'c') return t('heat.c');
    const g = this.gateName(d);
    if (g) return GATE_NAMES[g] ? t(GATE_NAMES[g]) : t('heat.gate', g);
    return t('heat.h');
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
    const { cw, rh, w, h } = this.geometry;
    const mapH = d.H * rh;
    const dpr = window.devicePixelRatio || 1;
    for (let l = 0; l < d.L; l++) {
      const canvas = this.canvases[l];
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const selectedRow = this.selection?.layer === l ? this.order[l].indexOf(this.selection.unit) : -1;
      const key = `${w}x${h}:${selectedRow}:${this.theme.kind}`;
      const last = this.painted[l];
      ctx.imageSmoothingEnabled = false;
      if (last && last.image === this.images[l] && last.key === key) {
        if (last.cursor === cursor) continue;
        // Repair the old column plus a neighbour each side (the outline's halo reaches into them).
        this.paintColumns(ctx, d, l, Math.max(0, last.cursor - 1), Math.min(d.T, last.cursor + 2), selectedRow, cursor);
        this.paintColumns(ctx, d, l, Math.max(0, cursor - 1), Math.min(d.T, cursor + 2), selectedRow, cursor);
      } else {
        ctx.clearRect(0, 0, w, h);
        this.drawUnitAxis(ctx, d, l, mapH);
        this.paintColumns(ctx, d, l, 0, d.T, selectedRow, cursor);
      }
      // A halo in the background colour under the focus colour keeps the cursor column visible on any cell colour.
      const x = GUTTER + cursor * cw;
      ctx.strokeStyle = this.theme.background;
      ctx.lineWidth = 4;
      ctx.strokeRect(x + 1, 1, Math.max(cw - 2, 1), mapH - 2);
      ctx.strokeStyle = this.theme.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, 1, Math.max(cw - 2, 1), mapH - 2);
      this.painted[l] = { image: this.images[l], key, cursor };
    }
    this.follow(cursor);
    this.describe(d, cursor);
    this.drawReadout();
  }

  /** Columns [from, to) of layer l: the map, the selected row's outline, and the characters under them. */
  private paintColumns(ctx: CanvasRenderingContext2D, d: TraceData, l: number, from: number, to: number, selectedRow: number, cursor: number): void {
    const { cw, rh } = this.geometry;
    const mapH = d.H * rh;
    const x0 = GUTTER + from * cw, x1 = GUTTER + to * cw;
    ctx.save();
    ctx.beginPath(); ctx.rect(x0, 0, x1 - x0, mapH + AXIS); ctx.clip();
    ctx.clearRect(x0, 0, x1 - x0, mapH + AXIS);
    ctx.drawImage(this.images[l], from, 0, to - from, d.H, x0, 0, x1 - x0, mapH);
    if (selectedRow >= 0) {
      ctx.strokeStyle = this.theme.foreground;
      ctx.lineWidth = 1;
      ctx.strokeRect(GUTTER + 0.5, selectedRow * rh - 1.5, d.T * cw - 1, rh + 3);
    }
    // The characters, the text the map is about; the cursor's in bold and the focus colour.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let t = from; t < to; t++) {
      const at = t === cursor;
      ctx.fillStyle = at ? this.theme.focus : this.theme.foreground;
      ctx.font = `${at ? 'bold ' : ''}12px ${this.theme.font}`;
      ctx.fillText(visibleChar(d.inputChar(t)), GUTTER + (t + 0.5) * cw, mapH + AXIS / 2 + 1);
    }
    ctx.restore();
  }

  /** Unit numbers along the left, at rows at least 14 px apart; the selected unit's always. */
  private drawUnitAxis(ctx: CanvasRenderingContext2D, d: TraceData, l: number, mapH: number): void {
    const { rh } = this.geometry;
    const every = [1, 2, 4, 8, 16, 32, 64].find((k) => k * rh >= 14) ?? 128;
    ctx.fillStyle = this.theme.muted;
    ctx.font = `11px ${this.theme.font}`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const selectedRow = this.selection?.layer === l ? this.order[l].indexOf(this.selection.unit) : -1;
    for (let row = 0; row < d.H; row += every) {
      if (selectedRow >= 0 && Math.abs(row - selectedRow) * rh < 12) continue;
      ctx.fillText(String(this.order[l][row]), GUTTER - 4, Math.max(6, (row + 0.5) * rh));
    }
    if (selectedRow >= 0) {
      ctx.fillStyle = this.theme.foreground;
      ctx.font = `bold 11px ${this.theme.font}`;
      ctx.fillText(String(this.selection!.unit), GUTTER - 4, Math.min(mapH - 6, Math.max(6, (selectedRow + 0.5) * rh)));
    }
  }

  /** Scrolls the maps sideways (a narrow panel) so the cursor's column is in view. */
  private follow(cursor: number): void {
    const { cw, w } = this.geometry;
    const view = elementSize(this.maps).width;
    if (w <= view + 1) return;
    const x = GUTTER + cursor * cw;
    if (x < this.scrollLeft + GUTTER || x + cw > this.scrollLeft + view) {
      this.scrollLeft = Math.max(0, x - view / 2);
      this.maps.scrollLeft = this.scrollLeft;
    }
  }

  private drawReadout(): void {
    if (this.hovering || !this.data) return;
    const d = this.data;
    const sel = this.selection ?? { layer: 0, unit: 0 };
    const v = this.values(d, sel.layer, this.cursor)[sel.unit];
    this.readout.textContent = t(this.selection ? 'heat.readout.selected' : 'heat.readout', this.sourceName(d), sel.layer, sel.unit, this.cursor, visibleChar(d.inputChar(this.cursor)), formatValue(v));
    this.readout.dataset.value = String(v);
  }

  private sourceName(d: TraceData): string {
    if (this.source === 'c') return 'c_t';
    const g = this.gateName(d);
    return g ? t('heat.gate', g) : 'h_t';
  }

  private cellAt(l: number, e: MouseEvent, c: HTMLCanvasElement): { t: number; unit: number } | null {
    const d = this.data;
    if (!d) return null;
    const r = c.getBoundingClientRect();
    const { cw, rh } = this.geometry;
    const t = Math.floor((e.clientX - r.left - GUTTER) / cw);
    const row = Math.floor((e.clientY - r.top) / rh);
    if (t < 0 || t >= d.T || row < 0 || row >= d.H) return null;
    return { t, unit: this.order[l][row] };
  }

  /** The readout follows the mouse: layer, unit, t, character and value under it. */
  private hover(l: number, e: MouseEvent, c: HTMLCanvasElement): void {
    const at = this.cellAt(l, e, c);
    const d = this.data;
    if (!at || !d) { this.hovering = false; this.drawReadout(); return; }
    this.hovering = true;
    const v = this.values(d, l, at.t)[at.unit];
    this.readout.textContent = t('heat.hover', this.sourceName(d), l, at.unit, at.t, visibleChar(d.inputChar(at.t)), formatValue(v));
    this.readout.dataset.value = String(v);
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
    this.hovering = false;
    if (notify && !same) this.onSelect(s);
    this.draw(this.cursor);
  }

  /** Up/down moves the selected unit within the focused layer's sorted order; left/right/Home/End move the cursor. */
  private key(l: number, e: KeyboardEvent): void {
    const d = this.data;
    if (!d) return;
    const cursorKeys: Record<string, 'prev' | 'next' | 'first' | 'last'> = { ArrowLeft: 'prev', ArrowRight: 'next', Home: 'first', End: 'last' };
    if (cursorKeys[e.key]) { e.preventDefault(); this.onCursorKey(cursorKeys[e.key]); return; }
    if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) { e.preventDefault(); this.onUnitMenu(); return; }
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const cur = this.selection?.layer === l ? this.order[l].indexOf(this.selection.unit) : -1;
    const row = Math.max(0, Math.min(d.H - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
    this.select({ layer: l, unit: this.order[l][row] });
  }

  /** The text twin of each map at the cursor: the selected unit and the strongest units either way. */
  private describe(d: TraceData, at: number): void {
    for (let l = 0; l < d.L; l++) {
      const v = this.values(d, l, at);
      let hi = 0, lo = 0;
      for (let i = 1; i < v.length; i++) { if (v[i] > v[hi]) hi = i; if (v[i] < v[lo]) lo = i; }
      const sel = this.selection?.layer === l ? ` ${t('heat.describe.selected', this.selection.unit, formatValue(v[this.selection.unit]))}` : '';
      const text = t('heat.describe', this.sourceName(d), l, at, hi, formatValue(v[hi]), lo, formatValue(v[lo])) + sel;
      const desc = this.descriptions[l];
      if (desc && desc.textContent !== text) desc.textContent = text;
    }
  }
}
