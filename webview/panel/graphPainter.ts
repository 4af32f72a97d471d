/**
 * What the unrolled graph draws, given where things are: each node (the h_t squares from
 * pre-rendered tiles, the input character, the prediction, the loss), the underlay (cursor column,
 * t labels, the truncation boundary and, going backward, the gradient bands), the row names'
 * gutter, and the legends of its colours. The graph (unrolledGraph.ts) owns the vis-network and
 * the interaction; this reads its shared `GraphFrame` at draw time.
 */

import { type IdType } from 'vis-network/peer';
import { type TraceData } from '../shared/traceData';
import { type Theme } from '../shared/theme';
import { DivergingScale } from '../shared/colorScale';
import { visibleChar } from '../shared/format';
import { formatLoss, formatProbability, formatValue, lossDigitsToFit } from '../../src/protocol/format';
import { type ColorBarSpec, sampleColors } from '../shared/colorBar';
import { wrapWords } from '../shared/lineChart';
import { DX, DY, SIZE, MIN_FONT, GUTTER_WIDE, TEXT_PAD, parseNodeId, rowNames } from './graphGeometry';
import { t } from '../shared/strings';

export type Direction = 'forward' | 'backward';

export interface GraphView {
  cursor: number;
  direction: Direction;
  /** The cell shown in the expansion: its layer (the timestep is the cursor). */
  layer: number;
}

/** The graph's state a drawing reads: the trace, the shown columns, the lit front, the gutter. */
export interface GraphFrame {
  data: TraceData | null;
  readonly view: GraphView;
  /** The first shown timestep and how many columns are shown. */
  first: number;
  columns: number;
  /** The front of the lit region (a timestep, fractional while it moves). */
  front: number;
  gutter: number;
}

export interface RendererArgs {
  ctx: CanvasRenderingContext2D;
  id: IdType;
  x: number;
  y: number;
  state: { selected: boolean; hover: boolean };
}

export type NodeRenderer = { drawNode: () => void; nodeDimensions: { width: number; height: number } };

export class GraphPainter {
  private scale: DivergingScale;
  /** Per layer, the hidden states of the window pre-rendered as square tiles, T tiles side by side (plus h0 at the end). */
  private atlases: HTMLCanvasElement[] = [];
  private tile = { cols: 1, rows: 1 };
  private gradLogRange: [number, number] = [0, 1];
  /** The significant digits of the L_t row's labels: what lets every loss of the trace fit its node. */
  private lossDigits = 4;

  constructor(private theme: Theme, private readonly frame: GraphFrame) {
    this.scale = new DivergingScale(theme);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.scale = new DivergingScale(theme);
    if (this.frame.data) { this.renderAtlases(this.frame.data); this.fitLossLabels(this.frame.data); }
  }

  /** Picks the loss labels' precision so that each of the trace's losses fits inside its node at the graph's smallest font. */
  private fitLossLabels(d: TraceData): void {
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return;
    ctx.font = `${MIN_FONT}px ${this.theme.font}`;
    const room = SIZE.L.width - 2 * TEXT_PAD;
    const losses = Array.from({ length: d.T }, (_, t) => d.loss(t));
    this.lossDigits = lossDigitsToFit(losses, (label) => ctx.measureText(label).width <= room);
  }

  /** A new trace: the heat tiles and the range of the gradient bands. */
  setTrace(d: TraceData): void {
    this.renderAtlases(d);
    this.fitLossLabels(d);
    let lo = Infinity, hi = -Infinity;
    for (const v of d.dhNorms) if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, Math.log10(v)); hi = Math.max(hi, Math.log10(v)); }
    this.gradLogRange = Number.isFinite(lo) ? [lo, Math.max(hi, lo + 1e-6)] : [0, 1];
  }

  /** The legends of the colours drawn: the h_t squares, and going backward the gradient bands. */
  legends(): { state: ColorBarSpec; gradient: ColorBarSpec | null } {
    const state: ColorBarSpec = { name: t('graph.legend.state'), colors: sampleColors(this.scale.css), low: '−1', mid: '0', high: '+1' };
    if (this.frame.view.direction !== 'backward' || !this.frame.data) return { state, gradient: null };
    const [lo, hi] = this.gradLogRange;
    const a = this.theme.negative, b = this.theme.positive;
    const colors = Array.from({ length: 32 }, (_, i) => `rgb(${[0, 1, 2].map((k) => Math.round(a[k] * (1 - i / 31) + b[k] * (i / 31))).join(',')})`);
    return { state, gradient: { name: t('graph.legend.gradient'), colors, low: formatValue(10 ** lo), high: formatValue(10 ** hi) } };
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
    const f = this.frame;
    const u = f.view.direction === 'forward' ? f.front - t + 1 : t - f.front + 1;
    return Math.max(0, Math.min(1, u));
  }

  drawNode({ ctx, id, x, y, state }: RendererArgs): NodeRenderer {
    const ref = parseNodeId(id);
    const f = this.frame;
    const d = f.data;
    const th = this.theme;
    const dims = !ref ? SIZE.x : ref.kind === 'h' || ref.kind === 'e' ? SIZE.h : SIZE[ref.kind];
    const drawNode = (): void => {
      if (!ref || !d) return;
      const t = ref.kind === 'e' ? f.first - 1 : f.first + ref.s;
      if (t >= d.T) return;
      const lit = ref.kind === 'e' ? (f.view.direction === 'forward' ? 1 : 0) : this.light(t);
      const atCursor = t === f.view.cursor;
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
        const col = ref.kind === 'e' && f.first === 0 ? d.T : t;
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
        ctx.fillText(formatLoss(d.loss(t), this.lossDigits), x, y);
      }
      const highlighted = atCursor && (ref.kind !== 'h' || ref.l === f.view.layer);
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
  drawUnderlay(ctx: CanvasRenderingContext2D): void {
    const f = this.frame;
    const d = f.data;
    if (!d) return;
    const th = this.theme;
    const top = -(d.L + 2) * DY - SIZE.y.height / 2 - 8, bottom = SIZE.x.height / 2 + 6;
    const cs = f.view.cursor - f.first;
    if (cs >= 0 && cs < f.columns) {
      ctx.fillStyle = th.focus;
      ctx.globalAlpha = th.contrast ? 0.25 : 0.13;
      ctx.fillRect(cs * DX - DX / 2 + 2, top, DX - 4, bottom - top);
      ctx.globalAlpha = 1;
    }
    // The timestep under each column.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let s = 0; s < f.columns; s++) {
      const t = f.first + s;
      if (t >= d.T) break;
      ctx.fillStyle = t === f.view.cursor ? th.foreground : th.muted;
      ctx.font = `${t === f.view.cursor ? 'bold ' : ''}${MIN_FONT}px ${th.font}`;
      ctx.fillText(`t=${t}`, s * DX, bottom + 2);
    }
    ctx.fillStyle = th.muted;
    ctx.font = `${MIN_FONT}px ${th.font}`;
    ctx.fillText(f.first === 0 ? 'h₀' : `t=${f.first - 1}`, -DX, bottom + 2);
    // The window's start: where the state crosses and the gradient stops (truncated BPTT).
    ctx.textBaseline = 'bottom';
    if (f.first === 0) {
      const bx = -DX / 2;
      ctx.strokeStyle = th.orange;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(bx, top); ctx.lineTo(bx, bottom); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = th.orange;
      ctx.textAlign = 'left';
      this.fillAbove(ctx, t(d.header.carriedState ? 'graph.start.carried' : 'graph.start.zero'), bx - DX / 2, top - 4);
    } else {
      ctx.textAlign = 'left';
      ctx.fillStyle = th.muted;
      this.fillAbove(ctx, t('graph.earlier', f.first - 1), -DX - SIZE.h.width / 2, top - 4);
    }
    if (f.view.direction !== 'backward') return;
    const [lo, hi] = this.gradLogRange;
    const unit = (n: number): number => (n > 0 ? Math.max(0, Math.min(1, (Math.log10(n) - lo) / (hi - lo))) : 0);
    // Small gradients blue, large red, blended straight between the two ends: the diverging scale's
    // neutral middle is the background colour and would hide middling gradients.
    const color = (u: number): string => {
      const a = th.negative, b = th.positive;
      return `rgb(${[0, 1, 2].map((k) => Math.round(a[k] * (1 - u) + b[k] * u)).join(',')})`;
    };
    ctx.lineCap = 'round';
    const from = Math.max(f.first, Math.ceil(f.front - 1e-6));
    for (let l = 0; l < d.L; l++) {
      const y = -(l + 1) * DY;
      for (let t = from; t < Math.min(d.T, f.first + f.columns); t++) {
        // The gradient arriving at h_t flows back along the recurrent edge into h_{t-1} and down into the layer below.
        const u = unit(d.dhNorms[l * d.T + t]);
        ctx.strokeStyle = color(u);
        ctx.lineWidth = 2 + 9 * u;
        const x = (t - f.first) * DX;
        ctx.beginPath(); ctx.moveTo(x - DX, y); ctx.lineTo(x, y); ctx.stroke();
        if (l > 0) { ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x, y + DY); ctx.stroke(); }
      }
    }
  }

  /**
   * A note above the top row from `x` to the right edge of the shown columns, on two lines when one
   * is too long for a narrow panel (the room above the top row holds two), never cut at the edge.
   */
  private fillAbove(ctx: CanvasRenderingContext2D, text: string, x: number, bottom: number): void {
    const right = (this.frame.columns - 1) * DX + SIZE.L.width / 2 + 4;
    const lines = wrapWords(ctx, text, right - x);
    lines.slice(-2).forEach((line, i, shown) => ctx.fillText(line, x, bottom - (shown.length - 1 - i) * (MIN_FONT + 2)));
  }

  /**
   * Over everything, fixed at the left edge: the names of the rows. `size` is the container's CSS
   * size, `rowY` a row's height on screen (graph coordinates to the DOM's).
   */
  drawGutter(ctx: CanvasRenderingContext2D, size: { width: number; height: number }, rowY: (y: number) => number): void {
    const f = this.frame;
    const d = f.data;
    if (!d) return;
    const th = this.theme;
    const ratio = ctx.canvas.width / Math.max(1, size.width);
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, f.gutter, size.height);
    ctx.strokeStyle = th.border;
    ctx.beginPath(); ctx.moveTo(f.gutter - 0.5, 0); ctx.lineTo(f.gutter - 0.5, size.height); ctx.stroke();
    const wide = f.gutter === GUTTER_WIDE;
    rowNames(d.L).forEach((row, r) => {
      const y = rowY(-r * DY);
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
