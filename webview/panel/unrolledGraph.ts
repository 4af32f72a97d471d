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
 *
 * Layout rules are in graphGeometry.ts, the drawing in graphPainter.ts; this file owns the
 * vis-network, the shown columns and the motion.
 */

import { Network, type Options, type Node, type Edge, type IdType } from 'vis-network/peer';
import { DataSet } from 'vis-data/peer';
import 'vis-network/styles/vis-network.css';
import { type TraceData } from '../shared/traceData';
import { type Theme, parseColor } from '../shared/theme';
import { t } from '../shared/strings';
import { elementSize } from '../shared/elementSize';
import { type ColorBarSpec } from '../shared/colorBar';
import { DX, DY, MIN_FONT, MIN_NODE, centredFirst, columnsThatFit, fitView, followFirst, graphHeight, gutterFor, parseNodeId, zoomStep, type GraphPick } from './graphGeometry';
import { GraphPainter, type Direction, type GraphFrame, type GraphView, type RendererArgs, type NodeRenderer } from './graphPainter';

export type { Direction, GraphView, GraphPick };

export class UnrolledGraph {
  private network: Network | null = null;
  private readonly nodes = new DataSet<Node>();
  private readonly edges = new DataSet<Edge>();
  private shapeKey = '';
  /** What a drawing reads: shared with the painter. */
  private readonly frame: GraphFrame;
  private readonly painter: GraphPainter;
  private animation = 0;
  private direction: Direction = 'forward';
  /** The scale fit() chose, and the canvas size vis-network last reported. */
  private fittedScale = 1;
  private canvasSize: { width: number; height: number } | null = null;
  /** 1: as many full-size columns as fit; more: fewer, bigger columns (graphGeometry's ZOOM_LEVELS). */
  private zoomLevel = 1;

  constructor(
    private readonly container: HTMLElement,
    private theme: Theme,
    private readonly view: GraphView,
    private readonly onPick: (pick: GraphPick) => void,
  ) {
    this.frame = { data: null, view, first: 0, columns: 1, front: 0, gutter: 0 };
    this.painter = new GraphPainter(theme, this.frame);
  }

  /** How many timestep columns the graph shows, and the first of them. */
  get columns(): number { return this.frame.columns; }
  get first(): number { return this.frame.first; }

  get zoom(): number { return this.zoomLevel; }

  /**
   * Zooms `steps` levels in (positive: fewer, bigger columns) or out, centred on the cursor. The
   * container grows with the zoom so every row stays in view.
   */
  zoomBy(steps: number): void {
    this.setZoom(zoomStep(this.zoomLevel, steps));
  }

  setZoom(zoom: number): void {
    this.zoomLevel = zoomStep(zoom, 0);
    this.container.dataset.zoom = String(this.zoomLevel);
    if (!this.frame.data) return;
    this.sizeContainer(this.frame.data.L);
    this.layout();
    this.centre();
  }

  /** Shows the cursor in the middle of the shown columns. */
  centre(): void {
    const d = this.frame.data;
    if (!d) return;
    this.frame.first = centredFirst(this.columns, this.view.cursor, d.T);
    this.container.dataset.first = String(this.first);
    this.fit();
    this.network?.redraw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.painter.setTheme(theme);
    this.network?.setOptions(this.options());
  }

  /** A new trace: re-render the heat tiles; rebuild the slots only when the shape or the width changed. The lit front sweeps in. */
  setTrace(d: TraceData, animate: boolean): void {
    this.frame.data = d;
    this.painter.setTrace(d);
    this.container.dataset.layers = String(d.L);
    this.container.dataset.steps = String(d.T);
    this.sizeContainer(d.L);
    this.layout();
    this.follow(true);
    this.direction = this.view.direction;
    this.sweep(this.view.direction === 'forward' ? this.first - 1 : this.first + this.columns, animate);
  }

  /** The container changed size: show as many full-size columns as now fit. */
  resize(): void {
    if (!this.frame.data) return;
    this.layout();
    this.follow(true);
    this.network?.redraw();
  }

  /** The cursor moved (or the direction changed): keep it in view and sweep the lit front to it. */
  setCursor(animate: boolean): void {
    if (!this.frame.data) return;
    this.container.dataset.highlighted = `h:${this.view.layer}:${this.view.cursor}`;
    this.container.dataset.direction = this.view.direction;
    const shifted = this.follow(false);
    if (shifted) this.container.dataset.lastPan = animate ? 'animated' : 'jump';
    // A new direction starts its wave from its own end: the forward pass from the left, the backward pass from the right.
    const turned = this.direction !== this.view.direction;
    this.direction = this.view.direction;
    this.sweep(turned ? (this.direction === 'forward' ? this.first - 1 : this.first + this.columns) : this.frame.front, animate);
  }

  /** Back to the fitted view of the shown columns (also after a resize). */
  fit(measured?: { width: number; height: number }): void {
    if (!this.network || !this.frame.data) return;
    const size = measured ?? elementSize(this.container);
    const { x, y, scale } = fitView(this.columns, this.frame.data.L, size, this.frame.gutter, this.zoomLevel);
    this.network.moveTo({ position: { x, y }, scale, animation: false });
    this.fittedScale = scale;
    this.container.dataset.scale = String(scale);
    // What the eye gets at this scale: the smallest node side and the smallest text, in CSS px.
    this.container.dataset.nodePx = String(MIN_NODE * scale);
    this.container.dataset.labelPx = String(MIN_FONT * Math.min(1, scale));
  }

  destroy(): void {
    cancelAnimationFrame(this.animation);
    this.network?.destroy();
    this.network = null;
  }

  /** The legends of the colours drawn: the h_t squares, and going backward the gradient bands. */
  legends(): { state: ColorBarSpec; gradient: ColorBarSpec | null } {
    return this.painter.legends();
  }

  /** Zoomed in, the container grows to show every row at the zoomed size (at 1 the stylesheet's height holds). */
  private sizeContainer(L: number): void {
    this.container.style.height = this.zoomLevel === 1 ? '' : `${graphHeight(L, this.zoomLevel) + 2}px`;
  }

  /** Columns that fit at the zoomed size; slots rebuilt when that or the layer count changed. */
  private layout(): void {
    const d = this.frame.data!;
    const width = elementSize(this.container).width;
    this.frame.gutter = gutterFor(width);
    this.frame.columns = columnsThatFit(width, this.frame.gutter, d.T, this.zoomLevel);
    const key = `${this.columns}x${d.L}`;
    if (key !== this.shapeKey) {
      this.shapeKey = key;
      this.buildStructure(d.L);
    }
    this.container.dataset.columns = String(this.columns);
    this.container.dataset.nodeCount = String(this.nodes.length);
    this.container.dataset.edgeCount = String(this.edges.length);
  }

  /** Moves the shown columns so the cursor is in them (graphGeometry's followFirst); returns whether they changed. */
  private follow(force: boolean): boolean {
    const first = followFirst(this.first, this.columns, this.view.cursor, this.frame.data!.T);
    const changed = first !== this.first;
    this.frame.first = first;
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
      this.frame.front = to;
      this.network?.redraw();
      return;
    }
    // Long enough to see the wave travel, short enough not to hold anyone up.
    const duration = Math.min(300, 120 + 20 * distance);
    const start = performance.now();
    const tick = (now: number): void => {
      const u = Math.min(1, (now - start) / duration);
      const eased = u * (2 - u);
      this.frame.front = from + (to - from) * eased;
      this.network?.redraw();
      if (u < 1) this.animation = requestAnimationFrame(tick);
    };
    this.frame.front = from;
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
    const renderer = (args: RendererArgs): NodeRenderer => this.painter.drawNode(args);
    const add = (id: string, x: number, y: number, title: string): void => {
      nodes.push({ id, x, y, shape: 'custom', ctxRenderer: renderer, title } as Node);
    };
    for (let l = 0; l < L; l++) add(`e:${l}`, -DX, yOf(l + 1), L > 1 ? t('graph.entry.layer', l) : t('graph.entry'));
    for (let s = 0; s < this.columns; s++) {
      const x = s * DX;
      add(`x:${s}`, x, yOf(0), t('graph.x'));
      for (let l = 0; l < L; l++) add(`h:${l}:${s}`, x, yOf(l + 1), L > 1 ? t('graph.h.layer', l) : t('graph.h'));
      add(`y:${s}`, x, yOf(L + 1), t('graph.y'));
      add(`L:${s}`, x, yOf(L + 2), t('graph.L'));
      edges.push({ id: `ex:${s}`, from: `x:${s}`, to: `h:0:${s}`, title: 'W_xh x_t' });
      for (let l = 0; l < L; l++) {
        edges.push({ id: `er:${l}:${s}`, from: s === 0 ? `e:${l}` : `h:${l}:${s - 1}`, to: `h:${l}:${s}`, title: L > 1 ? t('graph.whh.layer', l) : t('graph.whh') });
        if (l > 0) edges.push({ id: `ev:${l}:${s}`, from: `h:${l - 1}:${s}`, to: `h:${l}:${s}`, title: t('graph.wxh.layer', l) });
      }
      edges.push({ id: `ey:${s}`, from: `h:${L - 1}:${s}`, to: `y:${s}`, title: t('graph.why') });
      edges.push({ id: `eL:${s}`, from: `y:${s}`, to: `L:${s}`, title: t('graph.loss') });
    }
    this.nodes.clear();
    this.edges.clear();
    this.nodes.add(nodes);
    this.edges.add(edges);
    if (!this.network) {
      this.network = new Network(this.container, { nodes: this.nodes, edges: this.edges }, this.options());
      this.network.on('beforeDrawing', (ctx: CanvasRenderingContext2D) => this.painter.drawUnderlay(ctx));
      this.network.on('afterDrawing', (ctx: CanvasRenderingContext2D) => {
        if (this.network) this.painter.drawGutter(ctx, elementSize(this.container), (y) => this.network!.canvasToDOM({ x: 0, y }).y);
      });
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
        this.onPick(ref.kind === 'h' ? { t: this.first + ref.s, layer: ref.l } : { t: this.first + ref.s });
      });
    }
  }
}

function rgba(color: string, alpha: number): string {
  const c = parseColor(color);
  return c ? `rgba(${c[0]},${c[1]},${c[2]},${alpha})` : color;
}
