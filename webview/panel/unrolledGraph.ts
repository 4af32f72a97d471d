/**
 * The network unrolled through time, drawn with vis-network: one column per timestep, rows from
 * the input x_t at the bottom through h^0_t .. h^{L-1}_t to the prediction y_t and the loss L_t.
 * The same W_hh labels every recurrent edge: one matrix, shared by all steps.
 *
 * The DataSets hold structure only (built once per window shape). Everything numeric is drawn by
 * custom node renderers reading the current trace's typed arrays, and the gradient overlay is
 * painted in `beforeDrawing`; a cursor move is one `network.redraw()`.
 */

import { Network, type Options, type Node, type Edge, type IdType } from 'vis-network/peer';
import { DataSet } from 'vis-data/peer';
import 'vis-network/styles/vis-network.css';
import { type TraceData } from '../shared/traceData';
import { type Theme, parseColor } from '../shared/theme';
import { DivergingScale } from '../shared/colorScale';
import { fmt, visibleChar } from '../shared/format';
import { elementSize } from '../shared/elementSize';

export type Direction = 'forward' | 'backward';

export interface GraphView {
  cursor: number;
  direction: Direction;
  /** The cell shown in the expansion: its layer (the timestep is the cursor). */
  layer: number;
}

const DX = 84;
const DY = 72;
const HSIZE = 40;

type NodeRef =
  | { kind: 'x'; t: number }
  | { kind: 'h'; l: number; t: number }
  | { kind: 'h0'; l: number }
  | { kind: 'y'; t: number }
  | { kind: 'L'; t: number };

export function parseNodeId(id: IdType): NodeRef | null {
  const [kind, a, b] = String(id).split(':');
  const n = Number(a), m = Number(b);
  if (kind === 'x' || kind === 'y' || kind === 'L') return { kind, t: n };
  if (kind === 'h') return { kind, l: n, t: m };
  if (kind === 'h0') return { kind, l: n };
  return null;
}

interface RendererArgs {
  ctx: CanvasRenderingContext2D;
  id: IdType;
  x: number;
  y: number;
  state: { selected: boolean; hover: boolean };
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

  constructor(
    private readonly container: HTMLElement,
    private theme: Theme,
    private readonly view: GraphView,
    private readonly onPick: (ref: NodeRef) => void,
  ) {
    this.scale = new DivergingScale(theme);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.scale = new DivergingScale(theme);
    if (this.data) this.renderAtlases(this.data);
    this.network?.setOptions(this.options());
  }

  /** A new trace: rebuild structure only when the window's shape changed; always re-render the heat tiles. */
  setTrace(d: TraceData): void {
    this.data = d;
    const key = `${d.T}x${d.L}`;
    this.renderAtlases(d);
    let lo = Infinity, hi = -Infinity;
    for (const v of d.dhNorms) if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, Math.log10(v)); hi = Math.max(hi, Math.log10(v)); }
    this.gradLogRange = Number.isFinite(lo) ? [lo, Math.max(hi, lo + 1e-6)] : [0, 1];
    if (key !== this.shapeKey) {
      this.shapeKey = key;
      this.buildStructure(d);
    }
    this.container.dataset.nodeCount = String(this.nodes.length);
    this.container.dataset.edgeCount = String(this.edges.length);
    this.container.dataset.steps = String(d.T);
    this.container.dataset.layers = String(d.L);
  }

  /** One synchronous repaint with the current cursor and data. */
  redraw(): void {
    this.container.dataset.highlighted = `h:${this.view.layer}:${this.view.cursor}`;
    this.container.dataset.direction = this.view.direction;
    this.network?.redraw();
  }

  /** Pans (without animation when reduced motion is asked for) so the cursor's column is in view. */
  focusCursor(animate: boolean): void {
    if (!this.network || !this.data) return;
    const pos = this.network.getViewPosition();
    const scale = this.network.getScale();
    const x = this.view.cursor * DX;
    const halfWidth = elementSize(this.container).width / 2 / scale;
    if (Math.abs(x - pos.x) > halfWidth * 0.8) {
      this.network.moveTo({ position: { x, y: pos.y }, scale, animation: animate ? { duration: 200, easingFunction: 'easeInOutQuad' } : false });
      // Which kind of pan happened last (reduced motion asks for 'jump').
      this.container.dataset.lastPan = animate ? 'animated' : 'jump';
    }
  }

  fit(): void {
    this.network?.fit({ animation: false });
  }

  destroy(): void {
    this.network?.destroy();
    this.network = null;
  }

  private options(): Options {
    const t = this.theme;
    return {
      physics: false,
      layout: { improvedLayout: false },
      interaction: { dragNodes: false, hover: true, tooltipDelay: 150, keyboard: false, zoomView: true, dragView: true, navigationButtons: false },
      edges: {
        smooth: false,
        arrows: { to: { enabled: true, scaleFactor: 0.4 } },
        // Given as rgba(), so vis-network does not re-parse a hex colour for every edge on every redraw.
        color: { color: rgba(t.muted, t.contrast ? 1 : 0.6), highlight: rgba(t.focus, 1), hover: rgba(t.focus, 1), opacity: t.contrast ? 1 : 0.6 },
        width: 1,
        font: { color: t.muted, size: 9, face: t.font, strokeWidth: 0, align: 'top' },
        selectionWidth: 0,
      },
      nodes: { shape: 'custom', fixed: true, font: { color: t.foreground, face: t.font } },
    };
  }

  private buildStructure(d: TraceData): void {
    const nodes: Node[] = [];
    const edges: Edge[] = [];
    const yOf = (row: number): number => -row * DY; // row 0 = x at the bottom
    const renderer = (args: RendererArgs): { drawNode: () => void; nodeDimensions: { width: number; height: number } } => this.drawNode(args);
    const add = (id: string, x: number, y: number, title: string): void => {
      nodes.push({ id, x, y, shape: 'custom', ctxRenderer: renderer, title } as Node);
    };
    for (let l = 0; l < d.L; l++) add(`h0:${l}`, -DX, yOf(l + 1), `h(layer ${l}) at the window start: ${d.header.carriedState ? 'carried over from the previous window (gradient cut here)' : 'zeros'}`);
    for (let t = 0; t < d.T; t++) {
      const x = t * DX;
      add(`x:${t}`, x, yOf(0), `x(t=${t}): the input character, one-hot`);
      for (let l = 0; l < d.L; l++) add(`h:${l}:${t}`, x, yOf(l + 1), `h(layer ${l}, t=${t}): click to open this cell`);
      add(`y:${t}`, x, yOf(d.L + 1), `y(t=${t}): softmax over the next character; top prediction shown`);
      add(`L:${t}`, x, yOf(d.L + 2), `L(t=${t}): cross-entropy of the target character, in nats`);
      edges.push({ id: `ex:${t}`, from: `x:${t}`, to: `h:0:${t}`, title: 'W_xh x_t' });
      for (let l = 0; l < d.L; l++) {
        edges.push({ id: `er:${l}:${t}`, from: t === 0 ? `h0:${l}` : `h:${l}:${t - 1}`, to: `h:${l}:${t}`, label: 'W_hh', title: `W_hh (layer ${l}): the same recurrent weights at every step` });
        if (l > 0) edges.push({ id: `ev:${l}:${t}`, from: `h:${l - 1}:${t}`, to: `h:${l}:${t}`, title: `W_ih (layer ${l})` });
      }
      edges.push({ id: `ey:${t}`, from: `h:${d.L - 1}:${t}`, to: `y:${t}`, title: 'W_hy (decoder)' });
      edges.push({ id: `eL:${t}`, from: `y:${t}`, to: `L:${t}`, title: '-log p(target)' });
    }
    this.nodes.clear();
    this.edges.clear();
    this.nodes.add(nodes);
    this.edges.add(edges);
    if (!this.network) {
      this.network = new Network(this.container, { nodes: this.nodes, edges: this.edges }, this.options());
      this.network.on('beforeDrawing', (ctx: CanvasRenderingContext2D) => this.drawUnderlay(ctx));
      this.network.on('click', (p: { nodes: IdType[] }) => {
        const ref = p.nodes.length > 0 ? parseNodeId(p.nodes[0]) : null;
        if (ref) this.onPick(ref);
      });
    }
    this.showColumns(16);
  }

  /** Zooms so about `n` timestep columns fill the width (the nodes stay readable), centred on the cursor. */
  showColumns(n: number): void {
    if (!this.network || !this.data) return;
    const d = this.data;
    const cols = Math.min(n, d.T + 1);
    const size = elementSize(this.container);
    const scale = Math.min(size.width / (cols * DX), size.height / ((d.L + 3.5) * DY));
    const first = Math.max(-1, Math.min(this.view.cursor - cols / 2, d.T - cols));
    this.network.moveTo({ position: { x: (first + cols / 2 - 0.5) * DX, y: -((d.L + 2) * DY) / 2 }, scale, animation: false });
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

  /** Is the node at step t lit for the current cursor? Forward: steps up to the cursor; backward: from the cursor on. */
  private lit(t: number): boolean {
    return this.view.direction === 'forward' ? t <= this.view.cursor : t >= this.view.cursor;
  }

  private drawNode({ ctx, id, x, y, state }: RendererArgs): { drawNode: () => void; nodeDimensions: { width: number; height: number } } {
    const ref = parseNodeId(id);
    const d = this.data;
    const th = this.theme;
    const dims = ref?.kind === 'h' || ref?.kind === 'h0' ? { width: HSIZE, height: HSIZE } : ref?.kind === 'y' ? { width: 46, height: 30 } : { width: 34, height: 22 };
    const drawNode = (): void => {
      if (!ref || !d) return;
      const t = ref.kind === 'h0' ? -1 : ref.t;
      const lit = ref.kind === 'h0' ? this.view.direction === 'forward' : this.lit(t);
      const atCursor = t === this.view.cursor;
      const w = dims.width, h = dims.height, left = x - w / 2, top = y - h / 2;
      // High contrast keeps unlit nodes readable: less dimming, and a dashed outline says "not lit" instead.
      ctx.globalAlpha = lit ? 1 : th.contrast ? 0.55 : 0.28;
      ctx.fillStyle = th.background;
      ctx.fillRect(left, top, w, h);
      ctx.font = `11px ${th.font}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      if (ref.kind === 'h' || ref.kind === 'h0') {
        const atlas = this.atlases[ref.l];
        const col = ref.kind === 'h0' ? d.T : ref.t;
        if (atlas) {
          ctx.imageSmoothingEnabled = false;
          ctx.drawImage(atlas, col * this.tile.cols, 0, this.tile.cols, this.tile.rows, left + 2, top + 2, w - 4, h - 4);
        }
      } else if (ref.kind === 'x') {
        ctx.fillStyle = th.foreground;
        ctx.fillText(visibleChar(d.inputChar(ref.t)), x, y);
      } else if (ref.kind === 'y') {
        const best = d.topK(ref.t, 1)[0];
        const right = best.char === d.targetChar(ref.t);
        ctx.fillStyle = right ? th.green : th.foreground;
        ctx.fillText(visibleChar(best.char), x, y - 6);
        ctx.fillStyle = th.muted;
        ctx.font = `9px ${th.font}`;
        ctx.fillText(fmt(best.prob, 2), x, y + 7);
      } else {
        ctx.fillStyle = th.foreground;
        ctx.font = `10px ${th.font}`;
        ctx.fillText(fmt(d.loss(ref.t), 2), x, y);
      }
      const highlighted = atCursor && (ref.kind !== 'h' || ref.l === this.view.layer);
      ctx.lineWidth = highlighted ? 3 : state.hover || state.selected ? 2 : 1;
      ctx.strokeStyle = highlighted ? th.focus : state.hover ? th.focus : th.border;
      if (ref.kind === 'h0' || (th.contrast && !lit)) ctx.setLineDash([3, 2]);
      ctx.strokeRect(left, top, w, h);
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    };
    return { drawNode, nodeDimensions: dims };
  }

  /** Under the edges: the cursor column, the truncation boundary, and in backward mode the gradient flowing back. */
  private drawUnderlay(ctx: CanvasRenderingContext2D): void {
    const d = this.data;
    if (!d) return;
    const th = this.theme;
    const top = -(d.L + 2) * DY - 30, bottom = 30;
    // Cursor column.
    ctx.fillStyle = th.focus;
    ctx.globalAlpha = 0.12;
    ctx.fillRect(this.view.cursor * DX - DX / 2 + 4, top, DX - 8, bottom - top);
    ctx.globalAlpha = 1;
    // Truncation boundary between h0 and step 0.
    const bx = -DX / 2;
    ctx.strokeStyle = th.orange;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 4]);
    ctx.beginPath(); ctx.moveTo(bx, top); ctx.lineTo(bx, bottom); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = th.orange;
    ctx.font = `10px ${th.font}`;
    ctx.textAlign = 'center';
    ctx.fillText(d.header.carriedState ? 'truncation: state carried, gradient cut' : 'window start: zero state', bx, top - 6);
    if (this.view.direction !== 'backward') return;
    const [lo, hi] = this.gradLogRange;
    const width = (n: number): number => (n > 0 ? 1.5 + 10 * ((Math.log10(n) - lo) / (hi - lo)) : 0);
    // Small gradients blue, large red, blended straight between the two ends: the diverging scale's
    // neutral middle is the background colour and would hide middling gradients.
    const color = (n: number): string => {
      const u = n > 0 ? Math.max(0, Math.min(1, (Math.log10(n) - lo) / (hi - lo))) : 0;
      const a = this.theme.negative, b = this.theme.positive;
      return `rgb(${[0, 1, 2].map((k) => Math.round(a[k] * (1 - u) + b[k] * u)).join(',')})`;
    };
    ctx.lineCap = 'round';
    for (let l = 0; l < d.L; l++) {
      const y = -(l + 1) * DY;
      for (let t = Math.max(0, this.view.cursor); t < d.T; t++) {
        // The gradient arriving at h_t flows back along the recurrent edge into h_{t-1} and down into the layer below.
        const n = d.dhNorms[l * d.T + t];
        ctx.strokeStyle = color(n);
        ctx.lineWidth = width(n);
        if (t > 0) { ctx.beginPath(); ctx.moveTo((t - 1) * DX, y); ctx.lineTo(t * DX, y); ctx.stroke(); }
        if (l > 0) { ctx.beginPath(); ctx.moveTo(t * DX, y); ctx.lineTo(t * DX, y + DY); ctx.stroke(); }
      }
    }
  }
}

function rgba(color: string, alpha: number): string {
  const c = parseColor(color);
  return c ? `rgba(${c[0]},${c[1]},${c[2]},${alpha})` : color;
}
