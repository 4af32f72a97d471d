/**
 * The network unrolled through time, drawn with vis-network: one column per timestep, rows from
 * the input x_t at the bottom through h_t of each layer to the prediction ŷ_t and the loss L_t.
 *
 * Focus and context: the graph shows as many columns around the cursor as fit at full size (nodes
 * 32 px and more, text 11 px and more, never scaled down), the overview strip under it shows the
 * whole window. The DataSets hold one fixed set of column slots; which timesteps the slots show
 * is `first`, so following the cursor never touches the DataSets, only one `network.redraw()`.
 * Left of the first slot an entry column holds the state the first shown step starts from: the
 * window's h0 at the truncation boundary, or h_{first-1}.
 *
 * Motion: a cursor move or a new trace sweeps the "front" of the lit region from where it was to
 * the cursor, left to right going forward, right to left going backward (where the widths of the
 * ||dL/dh|| wave are the lesson); short, interrupted by the next move, and none under reduced motion.
 */

import { Network, type Options, type Node, type Edge, type IdType } from 'vis-network/peer';
import { DataSet } from 'vis-data/peer';
import 'vis-network/styles/vis-network.css';
import { type TraceData } from '../shared/traceData';
import { type Theme, parseColor } from '../shared/theme';
import { DivergingScale } from '../shared/colorScale';
import { visibleChar } from '../shared/format';
import { formatLoss, formatProbability } from '../../src/protocol/format';
import { elementSize } from '../shared/elementSize';
import { type ColorBarSpec, sampleColors } from '../shared/colorBar';
import { formatValue } from '../../src/protocol/format';

export type Direction = 'forward' | 'backward';

export interface GraphView {
  cursor: number;
  direction: Direction;
  /** The cell shown in the expansion: its layer (the timestep is the cursor). */
  layer: number;
}

/** Column pitch and row pitch, in CSS pixels at the default scale of 1. */
export const DX = 54;
export const DY = 56;
/** Node sizes (CSS px at scale 1): every node at least 32 px on its short side. */
const SIZE = { h: { width: 36, height: 36 }, x: { width: 34, height: 32 }, y: { width: 44, height: 40 }, L: { width: 46, height: 32 } } as const;
/** The smallest text drawn in the graph, in CSS px at scale 1. */
export const MIN_FONT = 11;
/** The row names' gutter, wide (symbol and name) and narrow (symbol only). */
const GUTTER_WIDE = 78, GUTTER_NARROW = 46;
/** Vertical room above the top row (boundary text) and below the bottom row (t labels). */
const TOP = 30, BOTTOM = 26;

type NodeRef =
  | { kind: 'x'; s: number }
  | { kind: 'h'; l: number; s: number }
  | { kind: 'e'; l: number }
  | { kind: 'y'; s: number }
  | { kind: 'L'; s: number };

/** What a click picks: a timestep (and for h nodes a layer). */
export type GraphPick = { t: number; layer?: number };

function parseNodeId(id: IdType): NodeRef | null {
  const [kind, a, b] = String(id).split(':');
  const n = Number(a), m = Number(b);
  if (kind === 'x' || kind === 'y' || kind === 'L') return { kind, s: n };
  if (kind === 'h') return { kind, l: n, s: m };
  if (kind === 'e') return { kind, l: n };
  return null;
}

interface RendererArgs {
  ctx: CanvasRenderingContext2D;
  id: IdType;
  x: number;
  y: number;
  state: { selected: boolean; hover: boolean };
}

/** Row names as the lecture writes them; layer superscripts only when there is more than one layer. */
function rowNames(L: number): { symbol: string; name: string }[] {
  const sup = ['⁰', '¹', '²', '³', '⁴'];
  const rows = [{ symbol: 'x_t', name: 'input' }];
  for (let l = 0; l < L; l++) rows.push({ symbol: L > 1 ? `h_t${sup[l] ?? l}` : 'h_t', name: L > 1 ? `layer ${l}` : 'hidden' });
  rows.push({ symbol: 'ŷ_t', name: 'prediction' }, { symbol: 'L_t', name: 'loss' });
  return rows;
}

export class UnrolledGraph {
  private network: Network | null = null;
  private readonly nodes = new DataSet<Node>();
  private readonly edges = new DataSet<Edge>();
  private shapeKey = '';
  private data: TraceData | null = null;
  private scale: DivergingScale;
  /** Per layer, the hidden states of the window pre-rendered as square tiles, T tiles side by side (plus h0 at the end). */
  private atlases: HTMLCanvasElement[] = [];
  private tile = { cols: 1, rows: 1 };
  private gradLogRange: [number, number] = [0, 1];
  /** How many timestep columns the graph shows, and the first of them. */
  columns = 1;
  first = 0;
  /** The front of the lit region (a timestep, fractional while it moves). */
  private front = 0;
  private animation = 0;
  private gutter = GUTTER_WIDE;
  private direction: Direction = 'forward';
  /** The scale fit() chose, and the canvas size vis-network last reported. */
  private fittedScale = 1;
  private canvasSize: { width: number; height: number } | null = null;

  constructor(
    private readonly container: HTMLElement,
    private theme: Theme,
    private readonly view: GraphView,
    private readonly onPick: (pick: GraphPick) => void,
  ) {
    this.scale = new DivergingScale(theme);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.scale = new DivergingScale(theme);
    if (this.data) this.renderAtlases(this.data);
    this.network?.setOptions(this.options());
  }

  /** A new trace: re-render the heat tiles; rebuild the slots only when the shape or the width changed. The lit front sweeps in. */
  setTrace(d: TraceData, animate: boolean): void {
    this.data = d;
    this.renderAtlases(d);
    let lo = Infinity, hi = -Infinity;
    for (const v of d.dhNorms) if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, Math.log10(v)); hi = Math.max(hi, Math.log10(v)); }
    this.gradLogRange = Number.isFinite(lo) ? [lo, Math.max(hi, lo + 1e-6)] : [0, 1];
    this.container.dataset.layers = String(d.L);
    this.container.dataset.steps = String(d.T);
    this.layout();
    this.follow(true);
    this.direction = this.view.direction;
    this.sweep(this.view.direction === 'forward' ? this.first - 1 : this.first + this.columns, animate);
  }

  /** The container changed size: show as many full-size columns as now fit. */
  resize(): void {
    if (!this.data) return;
    this.layout();
    this.follow(true);
    this.network?.redraw();
  }

  /** The cursor moved (or the direction changed): keep it in view and sweep the lit front to it. */
  setCursor(animate: boolean): void {
    if (!this.data) return;
    this.container.dataset.highlighted = `h:${this.view.layer}:${this.view.cursor}`;
    this.container.dataset.direction = this.view.direction;
    const shifted = this.follow(false);
    if (shifted) this.container.dataset.lastPan = animate ? 'animated' : 'jump';
    // A new direction starts its wave from its own end: the forward pass from the left, the backward pass from the right.
    const turned = this.direction !== this.view.direction;
    this.direction = this.view.direction;
    this.sweep(turned ? (this.direction === 'forward' ? this.first - 1 : this.first + this.columns) : this.front, animate);
  }

  /** Back to the fitted view of the shown columns (also after a resize). */
  fit(measured?: { width: number; height: number }): void {
    if (!this.network || !this.data) return;
    const size = measured ?? elementSize(this.container);
    const left = -DX - SIZE.h.width / 2 - 4, right = (this.columns - 1) * DX + SIZE.L.width / 2 + 4;
    const top = -(this.data.L + 2) * DY - SIZE.y.height / 2 - TOP, bottom = SIZE.x.height / 2 + BOTTOM;
    const scale = Math.max(1, Math.min(1.5, (size.width - this.gutter) / (right - left), size.height / (bottom - top)));
    this.network.moveTo({ position: { x: (left + right) / 2 - this.gutter / 2 / scale, y: (top + bottom) / 2 }, scale, animation: false });
    this.fittedScale = scale;
    this.container.dataset.scale = String(scale);
    // What the eye gets at this scale: the smallest node side and the smallest text, in CSS px.
    this.container.dataset.nodePx = String(Math.min(...Object.values(SIZE).flatMap((s) => [s.width, s.height])) * scale);
    this.container.dataset.labelPx = String(MIN_FONT * Math.min(1, scale));
  }

  destroy(): void {
    cancelAnimationFrame(this.animation);
    this.network?.destroy();
    this.network = null;
  }

  /** The legends of the colours drawn: the h_t squares, and going backward the gradient bands. */
  legends(): { state: ColorBarSpec; gradient: ColorBarSpec | null } {
    const state: ColorBarSpec = { name: 'h_t squares, one per unit:', colors: sampleColors(this.scale.css), low: '−1', mid: '0', high: '+1' };
    if (this.view.direction !== 'backward' || !this.data) return { state, gradient: null };
    const [lo, hi] = this.gradLogRange;
    const a = this.theme.negative, b = this.theme.positive;
    const colors = Array.from({ length: 32 }, (_, i) => `rgb(${[0, 1, 2].map((k) => Math.round(a[k] * (1 - i / 31) + b[k] * (i / 31))).join(',')})`);
    return { state, gradient: { name: 'gradient bands ‖dL/dh_t‖ (width and colour, log scale):', colors, low: formatValue(10 ** lo), high: formatValue(10 ** hi) } };
  }

  /** The timestep a slot shows. */
  private tOf(s: number): number { return this.first + s; }

  /** Columns that fit at full size; slots rebuilt when that or the layer count changed. */
  private layout(): void {
    const d = this.data!;
    const width = elementSize(this.container).width;
    this.gutter = width < 420 ? GUTTER_NARROW : GUTTER_WIDE;
    // The entry column, then `columns` pitches, the last column's half node and a margin each side.
    const fit = Math.floor((width - this.gutter - SIZE.h.width / 2 - SIZE.L.width / 2 - 10) / DX);
    this.columns = Math.max(2, Math.min(d.T, fit));
    const key = `${this.columns}x${d.L}`;
    if (key !== this.shapeKey) {
      this.shapeKey = key;
      this.buildStructure(d.L);
    }
    this.container.dataset.columns = String(this.columns);
    this.container.dataset.nodeCount = String(this.nodes.length);
    this.container.dataset.edgeCount = String(this.edges.length);
  }

  /**
   * Moves the shown columns so the cursor is in them, one column clear of either edge where the
   * window allows: a step near the edge shifts by a column, a jump far away centres the cursor.
   * Returns whether the shown columns changed.
   */
  private follow(force: boolean): boolean {
    const d = this.data!;
    const n = this.columns, c = this.view.cursor;
    const maxFirst = Math.max(0, d.T - n);
    let first = Math.min(this.first, maxFirst);
    const lo = first + 1, hi = first + n - 2;
    if (c < lo || c > hi) {
      const far = c < lo - n / 2 || c > hi + n / 2;
      first = far ? c - Math.floor(n / 2) : c < lo ? c - 1 : c - n + 2;
    }
    first = Math.max(0, Math.min(maxFirst, first));
    const changed = first !== this.first;
    this.first = first;
    this.container.dataset.first = String(first);
    if (changed || force) this.fit();
    return changed;
  }

  /** Moves the lit front from `from` to the cursor: animated over a short sweep, or at once. */
  private sweep(from: number, animate: boolean): void {
    cancelAnimationFrame(this.animation);
    const to = this.view.cursor;
    const distance = Math.abs(to - from);
    if (!animate || distance === 0 || !this.network) {
      this.front = to;
      this.network?.redraw();
      return;
    }
    // Long enough to see the wave travel, short enough not to hold anyone up.
    const duration = Math.min(300, 120 + 20 * distance);
    const start = performance.now();
    const tick = (now: number): void => {
      const u = Math.min(1, (now - start) / duration);
      const eased = u * (2 - u);
      this.front = from + (to - from) * eased;
      this.network?.redraw();
      if (u < 1) this.animation = requestAnimationFrame(tick);
    };
    this.front = from;
    this.network.redraw();
    this.animation = requestAnimationFrame(tick);
  }

  private options(): Options {
    const t = this.theme;
    return {
      physics: false,
      layout: { improvedLayout: false },
      // The graph is always shown at full size: no wheel zoom (it would steal the panel's scrolling) and no panning.
      interaction: { dragNodes: false, hover: true, tooltipDelay: 150, keyboard: false, zoomView: false, dragView: false, navigationButtons: false },
      edges: {
        smooth: false,
        arrows: { to: { enabled: true, scaleFactor: 0.45 } },
        // Given as rgba(), so vis-network does not re-parse a hex colour for every edge on every redraw.
        color: { color: rgba(t.muted, t.contrast ? 1 : 0.75), highlight: rgba(t.focus, 1), hover: rgba(t.focus, 1), opacity: 1 },
        width: 1.2,
        selectionWidth: 0,
      },
      nodes: { shape: 'custom', fixed: true, font: { color: t.foreground, face: t.font } },
    };
  }

  private buildStructure(L: number): void {
    const nodes: Node[] = [];
    const edges: Edge[] = [];
    const yOf = (row: number): number => -row * DY; // row 0 = x at the bottom
    const renderer = (args: RendererArgs): { drawNode: () => void; nodeDimensions: { width: number; height: number } } => this.drawNode(args);
    const add = (id: string, x: number, y: number, title: string): void => {
      nodes.push({ id, x, y, shape: 'custom', ctxRenderer: renderer, title } as Node);
    };
    for (let l = 0; l < L; l++) add(`e:${l}`, -DX, yOf(l + 1), `The state h${L > 1 ? ` of layer ${l}` : ''} the first shown step starts from`);
    for (let s = 0; s < this.columns; s++) {
      const x = s * DX;
      add(`x:${s}`, x, yOf(0), 'x_t: the input character (one-hot). Click to move the cursor here.');
      for (let l = 0; l < L; l++) add(`h:${l}:${s}`, x, yOf(l + 1), `h_t${L > 1 ? ` of layer ${l}` : ''}: the hidden state, one small square per unit. Click to open this cell below.`);
      add(`y:${s}`, x, yOf(L + 1), 'ŷ_t: softmax over the next character; the most probable one and its probability (green when it is the target)');
      add(`L:${s}`, x, yOf(L + 2), 'L_t = −log ŷ_t[target]: the loss at this step, in nats');
      edges.push({ id: `ex:${s}`, from: `x:${s}`, to: `h:0:${s}`, title: 'W_xh x_t' });
      for (let l = 0; l < L; l++) {
        edges.push({ id: `er:${l}:${s}`, from: s === 0 ? `e:${l}` : `h:${l}:${s - 1}`, to: `h:${l}:${s}`, title: `W_hh${L > 1 ? ` of layer ${l}` : ''}: the same recurrent weights at every step` });
        if (l > 0) edges.push({ id: `ev:${l}:${s}`, from: `h:${l - 1}:${s}`, to: `h:${l}:${s}`, title: `W_xh of layer ${l}: the layer below's h_t is this layer's input` });
      }
      edges.push({ id: `ey:${s}`, from: `h:${L - 1}:${s}`, to: `y:${s}`, title: 'W_hy, then softmax' });
      edges.push({ id: `eL:${s}`, from: `y:${s}`, to: `L:${s}`, title: '−log of the target\'s probability' });
    }
    this.nodes.clear();
    this.edges.clear();
    this.nodes.add(nodes);
    this.edges.add(edges);
    if (!this.network) {
      this.network = new Network(this.container, { nodes: this.nodes, edges: this.edges }, this.options());
      this.network.on('beforeDrawing', (ctx: CanvasRenderingContext2D) => this.drawUnderlay(ctx));
      this.network.on('afterDrawing', (ctx: CanvasRenderingContext2D) => this.drawGutter(ctx));
      // vis-network rescales the view itself when its canvas changes size (the layer count sets the
      // height, the panel the width): before the next frame is drawn, fit again to the new size, so
      // no frame is ever drawn scaled down.
      this.network.on('resize', (e: { width: number; height: number }) => { this.canvasSize = { width: Number(e.width), height: Number(e.height) }; });
      this.network.on('initRedraw', () => {
        if (this.network && Math.abs(this.network.getScale() - this.fittedScale) > 1e-9) this.fit(this.canvasSize ?? undefined);
      });
      this.network.on('click', (p: { nodes: IdType[] }) => {
        const ref = p.nodes.length > 0 ? parseNodeId(p.nodes[0]) : null;
        if (!ref || ref.kind === 'e') return;
        this.onPick(ref.kind === 'h' ? { t: this.tOf(ref.s), layer: ref.l } : { t: this.tOf(ref.s) });
      });
    }
  }

  private renderAtlases(d: TraceData): void {
    const cols = Math.ceil(Math.sqrt(d.H));
    const rows = Math.ceil(d.H / cols);
    this.tile = { cols, rows };
    this.atlases = [];
    for (let l = 0; l < d.L; l++) {
      const canvas = document.createElement('canvas');
      canvas.width = cols * (d.T + 1);
      canvas.height = rows;
      const ctx = canvas.getContext('2d')!;
      const img = ctx.createImageData(canvas.width, rows);
      const lut = this.scale.lut;
      for (let t = 0; t <= d.T; t++) {
        const v = t < d.T ? d.h(l, t) : d.hPrev(l, 0);
        for (let i = 0; i < d.H; i++) {
          const px = t * cols + (i % cols), py = Math.floor(i / cols);
          const o = (py * canvas.width + px) * 4;
          const k = this.scale.index(v[i], 1) * 4;
          img.data[o] = lut[k]; img.data[o + 1] = lut[k + 1]; img.data[o + 2] = lut[k + 2]; img.data[o + 3] = 255;
        }
      }
      ctx.putImageData(img, 0, 0);
      this.atlases.push(canvas);
    }
  }

  /** How lit step t is (0..1) with the front where it is: forward, the steps up to it; backward, from it on. */
  private light(t: number): number {
    const u = this.view.direction === 'forward' ? this.front - t + 1 : t - this.front + 1;
    return Math.max(0, Math.min(1, u));
  }

  private drawNode({ ctx, id, x, y, state }: RendererArgs): { drawNode: () => void; nodeDimensions: { width: number; height: number } } {
    const ref = parseNodeId(id);
    const d = this.data;
    const th = this.theme;
    const dims = !ref ? SIZE.x : ref.kind === 'h' || ref.kind === 'e' ? SIZE.h : SIZE[ref.kind];
    const drawNode = (): void => {
      if (!ref || !d) return;
      const t = ref.kind === 'e' ? this.first - 1 : this.tOf(ref.s);
      if (t >= d.T) return;
      const lit = ref.kind === 'e' ? (this.view.direction === 'forward' ? 1 : 0) : this.light(t);
      const atCursor = t === this.view.cursor;
      const w = dims.width, h = dims.height, left = x - w / 2, top = y - h / 2;
      // High contrast keeps unlit nodes readable: less dimming, and a dashed outline says "not lit" instead.
      const dim = th.contrast ? 0.55 : 0.3;
      ctx.globalAlpha = dim + (1 - dim) * lit;
      ctx.fillStyle = th.background;
      ctx.fillRect(left, top, w, h);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      if (ref.kind === 'h' || ref.kind === 'e') {
        const atlas = this.atlases[ref.l];
        const col = ref.kind === 'e' && this.first === 0 ? d.T : t;
        if (atlas) {
          ctx.imageSmoothingEnabled = false;
          ctx.drawImage(atlas, col * this.tile.cols, 0, this.tile.cols, this.tile.rows, left + 2, top + 2, w - 4, h - 4);
        }
      } else if (ref.kind === 'x') {
        ctx.fillStyle = th.foreground;
        ctx.font = `15px ${th.font}`;
        ctx.fillText(visibleChar(d.inputChar(t)), x, y);
      } else if (ref.kind === 'y') {
        const best = d.topK(t, 1)[0];
        const right = best.char === d.targetChar(t);
        ctx.fillStyle = right ? th.green : th.foreground;
        ctx.font = `${right ? 'bold ' : ''}14px ${th.font}`;
        ctx.fillText(visibleChar(best.char), x, y - 8);
        ctx.fillStyle = th.muted;
        ctx.font = `${MIN_FONT}px ${th.font}`;
        ctx.fillText(formatProbability(best.prob), x, y + 9);
      } else {
        ctx.fillStyle = th.foreground;
        ctx.font = `${MIN_FONT}px ${th.font}`;
        ctx.fillText(formatLoss(d.loss(t)), x, y);
      }
      const highlighted = atCursor && (ref.kind !== 'h' || ref.l === this.view.layer);
      ctx.lineWidth = highlighted ? 3 : state.hover || state.selected ? 2 : 1;
      ctx.strokeStyle = highlighted || state.hover ? th.focus : th.border;
      if (ref.kind === 'e' || (th.contrast && lit < 1)) ctx.setLineDash([3, 2]);
      ctx.strokeRect(left, top, w, h);
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    };
    return { drawNode, nodeDimensions: dims };
  }

  /** Under the nodes: the cursor column, the t labels, the truncation boundary, and going backward the gradient flowing back. */
  private drawUnderlay(ctx: CanvasRenderingContext2D): void {
    const d = this.data;
    if (!d) return;
    const th = this.theme;
    const top = -(d.L + 2) * DY - SIZE.y.height / 2 - 8, bottom = SIZE.x.height / 2 + 6;
    const cs = this.view.cursor - this.first;
    if (cs >= 0 && cs < this.columns) {
      ctx.fillStyle = th.focus;
      ctx.globalAlpha = th.contrast ? 0.25 : 0.13;
      ctx.fillRect(cs * DX - DX / 2 + 2, top, DX - 4, bottom - top);
      ctx.globalAlpha = 1;
    }
    // The timestep under each column.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let s = 0; s < this.columns; s++) {
      const t = this.tOf(s);
      if (t >= d.T) break;
      ctx.fillStyle = t === this.view.cursor ? th.foreground : th.muted;
      ctx.font = `${t === this.view.cursor ? 'bold ' : ''}${MIN_FONT}px ${th.font}`;
      ctx.fillText(`t=${t}`, s * DX, bottom + 2);
    }
    ctx.fillStyle = th.muted;
    ctx.font = `${MIN_FONT}px ${th.font}`;
    ctx.fillText(this.first === 0 ? 'h₀' : `t=${this.first - 1}`, -DX, bottom + 2);
    // The window's start: where the state crosses and the gradient stops (truncated BPTT).
    ctx.textBaseline = 'bottom';
    if (this.first === 0) {
      const bx = -DX / 2;
      ctx.strokeStyle = th.orange;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(bx, top); ctx.lineTo(bx, bottom); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = th.orange;
      ctx.textAlign = 'left';
      ctx.fillText(d.header.carriedState ? 'window start: state carried in, gradient cut' : 'window start: zero state', bx - DX / 2, top - 4);
    } else {
      ctx.textAlign = 'left';
      ctx.fillStyle = th.muted;
      ctx.fillText(`◀ steps 0–${this.first - 1} in the strip below`, -DX - SIZE.h.width / 2, top - 4);
    }
    if (this.view.direction !== 'backward') return;
    const [lo, hi] = this.gradLogRange;
    const unit = (n: number): number => (n > 0 ? Math.max(0, Math.min(1, (Math.log10(n) - lo) / (hi - lo))) : 0);
    // Small gradients blue, large red, blended straight between the two ends: the diverging scale's
    // neutral middle is the background colour and would hide middling gradients.
    const color = (u: number): string => {
      const a = th.negative, b = th.positive;
      return `rgb(${[0, 1, 2].map((k) => Math.round(a[k] * (1 - u) + b[k] * u)).join(',')})`;
    };
    ctx.lineCap = 'round';
    const from = Math.max(this.first, Math.ceil(this.front - 1e-6));
    for (let l = 0; l < d.L; l++) {
      const y = -(l + 1) * DY;
      for (let t = from; t < Math.min(d.T, this.first + this.columns); t++) {
        // The gradient arriving at h_t flows back along the recurrent edge into h_{t-1} and down into the layer below.
        const u = unit(d.dhNorms[l * d.T + t]);
        ctx.strokeStyle = color(u);
        ctx.lineWidth = 2 + 9 * u;
        const x = (t - this.first) * DX;
        ctx.beginPath(); ctx.moveTo(x - DX, y); ctx.lineTo(x, y); ctx.stroke();
        if (l > 0) { ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x, y + DY); ctx.stroke(); }
      }
    }
  }

  /** Over everything, fixed at the left edge: the names of the rows. */
  private drawGutter(ctx: CanvasRenderingContext2D): void {
    const d = this.data;
    if (!d || !this.network) return;
    const th = this.theme;
    const size = elementSize(this.container);
    const ratio = ctx.canvas.width / Math.max(1, size.width);
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, this.gutter, size.height);
    ctx.strokeStyle = th.border;
    ctx.beginPath(); ctx.moveTo(this.gutter - 0.5, 0); ctx.lineTo(this.gutter - 0.5, size.height); ctx.stroke();
    const wide = this.gutter === GUTTER_WIDE;
    rowNames(d.L).forEach((row, r) => {
      const y = this.network!.canvasToDOM({ x: 0, y: -r * DY }).y;
      ctx.textAlign = 'left';
      ctx.fillStyle = th.foreground;
      ctx.font = `bold 13px ${th.font}`;
      ctx.textBaseline = wide ? 'bottom' : 'middle';
      ctx.fillText(row.symbol, 6, wide ? y + 1 : y);
      if (wide) {
        ctx.textBaseline = 'top';
        ctx.fillStyle = th.muted;
        ctx.font = `${MIN_FONT}px ${th.font}`;
        ctx.fillText(row.name, 6, y + 2);
      }
    });
    ctx.restore();
  }
}

function rgba(color: string, alpha: number): string {
  const c = parseColor(color);
  return c ? `rgba(${c[0]},${c[1]},${c[2]},${alpha})` : color;
}
