/**
 * One cell at one timestep, opened up as in the lecture slides: its gates and operators as a small
 * computational graph. Value nodes show their vector as a strip (and, in the backward view, the
 * gradient reaching them); operator nodes state their local derivative on hover.
 *
 * Values come straight from the trace. Gradients at gates are the engine's dL/dh_t and dL/dc_t
 * pushed through this cell's own operators (a product or a sum of traced vectors), which is exact;
 * what goes back through the weights (to h_{t-1}, and the GRU's reset gate) the trace records.
 *
 * Under the diagram, its equations as the lecture writes them, one per line in the lecture's order
 * (gates, candidate, cell, hidden, output), each with the numbers of the vector it defines. Sigmoid
 * gates are drawn on the sequential 0..1 scale (0 closed, 1 open), as the heatmap draws them;
 * signed vectors on the diverging scale.
 */

import { type TraceData } from '../shared/traceData';
import { type Theme } from '../shared/theme';
import { DivergingScale, GateScale } from '../shared/colorScale';
import { ColorBar, sampleColors } from '../shared/colorBar';
import { fitCanvas } from '../shared/lineChart';
import { el } from '../shared/dom';
import { visibleChar } from '../shared/format';
import { CellEquations, outputEquation, type Equation } from './cellEquations';
import { t } from '../shared/strings';
import { formatCount } from '../../src/protocol/format';

type Vec = Float32Array | null;
type Getter = (d: TraceData, l: number, t: number) => Vec;

interface CellNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'value' | 'op';
  /** Grid position: columns 0..6 left to right, rows 0..4.5 top to bottom. */
  readonly col: number;
  readonly row: number;
  readonly title: string;
  readonly value?: Getter;
  readonly grad?: Getter;
  /** A sigmoid gate (0..1): drawn on the sequential scale. */
  readonly sigmoid?: boolean;
}

type CellGraph = { nodes: CellNode[]; edges: [string, string][]; equations: Equation[] };

const map = (a: Float32Array, f: (x: number, i: number) => number): Float32Array => {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i], i);
  return out;
};
const mul = (a: Float32Array, b: Float32Array): Float32Array => map(a, (x, i) => x * b[i]);

// The operators' local derivatives, told in every tooltip that uses one.
const SIGMA = (): string => t('cell.op.sigma');
const TANH = (): string => t('cell.op.tanh');
const TIMES = (): string => t('cell.op.times');
const PLUS = (): string => t('cell.op.plus');

const input = (d: TraceData, l: number, t: number): Vec => (l > 0 ? d.h(l - 1, t) : null);
const inputNode = (col: number, row: number): CellNode => ({
  id: 'x', label: t('cell.node.x'), kind: 'value', col, row, value: input,
  title: t('cell.node.x.title'),
});

function lstmGraph(): CellGraph {
  const gate = (g: number) => (d: TraceData, l: number, t: number): Vec => d.gate(l, t, g);
  const nodes: CellNode[] = [
    { id: 'c_prev', label: 'c_{t-1}', kind: 'value', col: 0, row: 0, title: t('cell.lstm.cPrev.title'), value: (d, l, t) => d.cPrev(l, t),
      grad: (d, l, t) => mul(d.dc(l, t), d.gate(l, t, 1)), },
    { id: 'h_prev', label: 'h_{t-1}', kind: 'value', col: 0, row: 4.4, title: t('cell.lstm.hPrev.title'), value: (d, l, t) => d.hPrev(l, t), grad: (d, l, t) => d.dhPrev(l, t) },
    inputNode(1.4, 4.4),
    { id: 'f', label: t('cell.lstm.f'), kind: 'value', sigmoid: true, col: 1, row: 3, title: t('cell.lstm.f.title', SIGMA()), value: gate(1),
      grad: (d, l, t) => mul(d.dc(l, t), d.cPrev(l, t)) },
    { id: 'i', label: t('cell.lstm.i'), kind: 'value', sigmoid: true, col: 2.3, row: 3, title: t('cell.lstm.i.title', SIGMA()), value: gate(0),
      grad: (d, l, t) => mul(d.dc(l, t), d.gate(l, t, 2)) },
    { id: 'g', label: t('cell.lstm.g'), kind: 'value', col: 3.6, row: 3, title: t('cell.lstm.g.title', TANH()), value: gate(2),
      grad: (d, l, t) => mul(d.dc(l, t), d.gate(l, t, 0)) },
    { id: 'o', label: t('cell.lstm.o'), kind: 'value', sigmoid: true, col: 4.9, row: 3, title: t('cell.lstm.o.title', SIGMA()), value: gate(3),
      grad: (d, l, t) => mul(d.dh(l, t), map(d.c(l, t), Math.tanh)) },
    { id: 'mul_f', label: '×', kind: 'op', col: 1.4, row: 0, title: t('cell.lstm.mulF.title', TIMES()) },
    { id: 'mul_i', label: '×', kind: 'op', col: 2.95, row: 1.6, title: t('cell.lstm.mulI.title', TIMES()) },
    { id: 'add', label: '+', kind: 'op', col: 3.4, row: 0, title: t('cell.lstm.add.title', PLUS()) },
    { id: 'c', label: t('cell.lstm.c'), kind: 'value', col: 5, row: 0, title: t('cell.lstm.c.title'), value: (d, l, t) => d.c(l, t), grad: (d, l, t) => d.dc(l, t) },
    { id: 'tanh_c', label: 'tanh', kind: 'op', col: 5, row: 1.6, title: t('cell.lstm.tanhC.title', TANH()) },
    { id: 'mul_o', label: '×', kind: 'op', col: 5.9, row: 3, title: t('cell.lstm.mulO.title', TIMES()) },
    { id: 'h', label: t('cell.node.h'), kind: 'value', col: 6.6, row: 1.6, title: t('cell.lstm.h.title'), value: (d, l, t) => d.h(l, t), grad: (d, l, t) => d.dh(l, t) },
  ];
  const edges: [string, string][] = [
    ['c_prev', 'mul_f'], ['f', 'mul_f'], ['mul_f', 'add'], ['i', 'mul_i'], ['g', 'mul_i'], ['mul_i', 'add'], ['add', 'c'],
    ['c', 'tanh_c'], ['tanh_c', 'mul_o'], ['o', 'mul_o'], ['mul_o', 'h'],
    ...(['f', 'i', 'g', 'o'] as const).flatMap((g) => [['h_prev', g], ['x', g]] as [string, string][]),
  ];
  const equations: Equation[] = [
    { eq: 'i_t = σ(W_xi x_t + W_hi h_{t−1} + b_i)', name: t('cell.eq.input'), node: 'i' },
    { eq: 'f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f)', name: t('cell.eq.forget'), node: 'f' },
    { eq: 'o_t = σ(W_xo x_t + W_ho h_{t−1} + b_o)', name: t('cell.eq.outputGate'), node: 'o' },
    { eq: 'g_t = tanh(W_xg x_t + W_hg h_{t−1} + b_g)', name: t('cell.eq.candidate'), node: 'g' },
    { eq: 'c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t', name: t('cell.eq.cell'), node: 'c', ops: ['mul_f', 'mul_i', 'add'] },
    { eq: 'h_t = o_t ⊙ tanh(c_t)', name: t('cell.eq.hidden'), node: 'h', ops: ['tanh_c', 'mul_o'] },
    outputEquation(),
  ];
  return { nodes, edges, equations };
}

function gruGraph(resetAfter: boolean): CellGraph {
  const gate = (g: number) => (d: TraceData, l: number, t: number): Vec => d.gate(l, t, g);
  const nTitle = t(resetAfter ? 'cell.gru.n.after' : 'cell.gru.n.before', TANH());
  const nodes: CellNode[] = [
    { id: 'h_prev', label: 'h_{t-1}', kind: 'value', col: 0, row: 0, title: t('cell.gru.hPrev.title'), value: (d, l, t) => d.hPrev(l, t),
      grad: (d, l, t) => d.dhPrev(l, t) },
    inputNode(0, 4.4),
    { id: 'r', label: t('cell.gru.r'), kind: 'value', sigmoid: true, col: 1.2, row: 3, title: t('cell.gru.r.title', SIGMA()), value: gate(0), grad: (d, l, t) => d.dReset(l, t) },
    { id: 'z', label: t('cell.gru.z'), kind: 'value', sigmoid: true, col: 2.5, row: 3, title: t('cell.gru.z.title', SIGMA()), value: gate(1),
      grad: (d, l, t) => { const h = d.hPrev(l, t), n = d.gate(l, t, 2); return map(d.dh(l, t), (g, i) => g * (h[i] - n[i])); } },
    { id: 'n', label: t('cell.gru.n'), kind: 'value', col: 4, row: 3, title: nTitle, value: gate(2),
      grad: (d, l, t) => { const z = d.gate(l, t, 1); return map(d.dh(l, t), (g, i) => g * (1 - z[i])); } },
    { id: 'one_minus', label: '1−', kind: 'op', col: 3.1, row: 1.6, title: t('cell.gru.oneMinus.title') },
    { id: 'mul_n', label: '×', kind: 'op', col: 4.4, row: 1.6, title: t('cell.gru.mulN.title', TIMES()) },
    { id: 'mul_z', label: '×', kind: 'op', col: 2.5, row: 0, title: t('cell.gru.mulZ.title', TIMES()) },
    { id: 'add', label: '+', kind: 'op', col: 5, row: 0, title: t('cell.gru.add.title', PLUS()) },
    { id: 'h', label: t('cell.node.h'), kind: 'value', col: 6.4, row: 0, title: t('cell.gru.h.title'), value: (d, l, t) => d.h(l, t), grad: (d, l, t) => d.dh(l, t) },
  ];
  const edges: [string, string][] = [
    ['h_prev', 'mul_z'], ['z', 'mul_z'], ['z', 'one_minus'], ['one_minus', 'mul_n'], ['n', 'mul_n'], ['mul_n', 'add'], ['mul_z', 'add'], ['add', 'h'],
    ['h_prev', 'r'], ['h_prev', 'z'], ['h_prev', 'n'], ['r', 'n'], ['x', 'r'], ['x', 'z'], ['x', 'n'],
  ];
  // The lecture's GRU (h̃_t is the candidate, here n_t as in PyTorch), with the variant this model uses.
  const candidate = resetAfter ? 'n_t = tanh(W_xn x_t + b_xn + r_t ⊙ (W_hn h_{t−1} + b_hn))' : 'n_t = tanh(W_xn x_t + W_hn (r_t ⊙ h_{t−1}) + b_n)';
  const equations: Equation[] = [
    { eq: 'r_t = σ(W_xr x_t + W_hr h_{t−1} + b_r)', name: t('cell.eq.reset'), node: 'r' },
    { eq: 'z_t = σ(W_xz x_t + W_hz h_{t−1} + b_z)', name: t('cell.eq.update'), node: 'z' },
    { eq: candidate, name: t(resetAfter ? 'cell.eq.gruCandidate.after' : 'cell.eq.gruCandidate'), node: 'n' },
    { eq: 'h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t', name: t('cell.eq.hidden'), node: 'h', ops: ['mul_z', 'one_minus', 'mul_n', 'add'] },
    outputEquation(),
  ];
  return { nodes, edges, equations };
}

function rnnGraph(): CellGraph {
  const nodes: CellNode[] = [
    { id: 'h_prev', label: 'h_{t-1}', kind: 'value', col: 0, row: 0.4, title: t('cell.rnn.hPrev.title'), value: (d, l, t) => d.hPrev(l, t), grad: (d, l, t) => d.dhPrev(l, t) },
    inputNode(0, 3.4),
    { id: 'a', label: t('cell.rnn.a'), kind: 'value', col: 2.4, row: 1.9, title: t('cell.rnn.a.title'), value: (d, l, t) => d.gate(l, t, 0),
      grad: (d, l, t) => { const h = d.h(l, t); return map(d.dh(l, t), (g, i) => g * (1 - h[i] * h[i])); } },
    { id: 'tanh', label: 'tanh', kind: 'op', col: 4.2, row: 1.9, title: t('cell.rnn.tanh.title', TANH()) },
    { id: 'h', label: t('cell.node.h'), kind: 'value', col: 5.8, row: 1.9, title: t('cell.rnn.h.title'), value: (d, l, t) => d.h(l, t), grad: (d, l, t) => d.dh(l, t) },
  ];
  const equations: Equation[] = [
    { eq: 'h_t = tanh(W_hh h_{t−1} + W_xh x_t)', name: t('cell.eq.rnnHidden'), node: 'h', ops: ['tanh'] },
    outputEquation(),
  ];
  return { nodes, edges: [['h_prev', 'a'], ['x', 'a'], ['a', 'tanh'], ['tanh', 'h']], equations };
}

export class CellDiagram {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly equations = new CellEquations();
  /** The legends of the strips' colours: sigmoid gates 0..1, everything signed around 0. */
  private readonly gateBar = new ColorBar('cell-gate-scale');
  private readonly signedBar = new ColorBar('cell-signed-scale');
  private graph: CellGraph | null = null;
  private graphKey = '';
  private scale: DivergingScale;
  private gateScale: GateScale;
  private boxes = new Map<string, { x: number; y: number; w: number; h: number }>();
  private readonly scratch = el('canvas', { attrs: { width: '256', height: '32' } });
  private readonly scratchCtx = this.scratch.getContext('2d')!;
  private rowImage: ImageData | null = null;
  private stripRow = 0;
  private legendKey = '';

  constructor(private theme: Theme) {
    this.scale = new DivergingScale(theme);
    this.gateScale = new GateScale(theme);
    this.canvas = el('canvas', { className: 'cell-canvas', attrs: { role: 'img', 'aria-label': t('cell.aria'), 'aria-describedby': 'cell-given cell-equations' } });
    this.caption = el('p', { className: 'caption', attrs: { id: 'cell-caption' } });
    this.element = el('div', { className: 'cell' }, [this.caption, el('div', { className: 'cell-scroll' }, [this.canvas]), this.gateBar.element, this.signedBar.element, this.equations.element]);
    this.canvas.addEventListener('mousemove', (e) => {
      const r = this.canvas.getBoundingClientRect();
      const x = e.clientX - r.left, y = e.clientY - r.top;
      const hit = this.graph?.nodes.find((n) => { const b = this.boxes.get(n.id); return b && x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h; });
      this.canvas.title = hit ? hit.title : '';
    });
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.scale = new DivergingScale(theme);
    this.gateScale = new GateScale(theme);
  }

  draw(d: TraceData, l: number, step: number, backward: boolean): void {
    const key = `${d.cell}:${d.header.gruResetAfter}`;
    if (key !== this.graphKey) {
      this.graphKey = key;
      this.graph = d.cell === 'lstm' ? lstmGraph() : d.cell === 'gru' ? gruGraph(d.header.gruResetAfter) : rnnGraph();
    }
    const g = this.graph!;
    this.caption.textContent = t(backward ? 'cell.caption.backward' : 'cell.caption.forward', d.cell.toUpperCase(), l, formatCount(step), visibleChar(d.inputChar(step)));
    this.drawCanvas(d, g, l, step, backward);
    this.drawLegends(d);
    this.equations.fill(d, g.equations, g.nodes, l, step, backward);
  }

  private drawLegends(d: TraceData): void {
    const hasGates = d.cell !== 'rnn';
    const key = `${this.theme.kind}:${hasGates}`;
    if (key === this.legendKey) return;
    this.legendKey = key;
    this.gateBar.element.hidden = !hasGates;
    if (hasGates) this.gateBar.set({ name: t('cell.legend.gates', d.cell === 'lstm' ? 'i, f, o' : 'r, z'), colors: sampleColors(this.gateScale.css), low: '0', high: '1' });
    this.signedBar.set({
      name: t(d.cell === 'lstm' ? 'cell.legend.signed.lstm' : d.cell === 'gru' ? 'cell.legend.signed.gru' : 'cell.legend.signed.rnn'),
      colors: sampleColors(this.scale.css), low: '−', mid: '0', high: '+',
    });
  }

  private drawCanvas(d: TraceData, g: CellGraph, l: number, t: number, backward: boolean): void {
    const { w, h, ctx } = fitCanvas(this.canvas);
    const th = this.theme;
    ctx.clearRect(0, 0, w, h);
    this.stripRow = 0;
    const nodeW = Math.min(120, Math.max(72, w / 8.2)), nodeH = backward ? 40 : 30;
    const px = (col: number): number => 10 + nodeW / 2 + (col / 6.6) * (w - nodeW - 20);
    const py = (row: number): number => 10 + nodeH / 2 + (row / 4.4) * (h - nodeH - 20);
    this.boxes.clear();
    for (const n of g.nodes) {
      const cx = px(n.col), cy = py(n.row);
      const bw = n.kind === 'op' ? 28 : nodeW, bh = n.kind === 'op' ? 28 : nodeH;
      this.boxes.set(n.id, { x: cx - bw / 2, y: cy - bh / 2, w: bw, h: bh });
    }
    // Edges first, ending at the box's border with an arrowhead.
    ctx.strokeStyle = th.muted;
    ctx.fillStyle = th.muted;
    ctx.lineWidth = 1;
    for (const [a, b] of g.edges) {
      const A = this.boxes.get(a), B = this.boxes.get(b);
      if (!A || !B) continue;
      const ax = A.x + A.w / 2, ay = A.y + A.h / 2, bx = B.x + B.w / 2, by = B.y + B.h / 2;
      const [ex, ey] = clipToBox(ax, ay, bx, by, B);
      ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(ex, ey); ctx.stroke();
      const ang = Math.atan2(ey - ay, ex - ax);
      ctx.beginPath(); ctx.moveTo(ex, ey);
      ctx.lineTo(ex - 7 * Math.cos(ang - 0.4), ey - 7 * Math.sin(ang - 0.4));
      ctx.lineTo(ex - 7 * Math.cos(ang + 0.4), ey - 7 * Math.sin(ang + 0.4));
      ctx.closePath(); ctx.fill();
    }
    ctx.font = `11px ${th.font}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    for (const n of g.nodes) {
      const b = this.boxes.get(n.id)!;
      ctx.fillStyle = th.background;
      ctx.strokeStyle = n.kind === 'op' ? th.purple : th.border;
      if (n.kind === 'op') {
        ctx.beginPath(); ctx.arc(b.x + b.w / 2, b.y + b.h / 2, b.w / 2, 0, Math.PI * 2); ctx.fill(); ctx.stroke();
        ctx.fillStyle = th.foreground;
        ctx.font = `${n.label.length > 2 ? 9 : 12}px ${th.font}`;
        ctx.fillText(n.label, b.x + b.w / 2, b.y + b.h / 2);
        ctx.font = `11px ${th.font}`;
        continue;
      }
      ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      ctx.fillStyle = th.foreground;
      ctx.textAlign = 'left';
      drawLabel(ctx, n.label, b.x + 3, b.y + 8, th.font);
      ctx.textAlign = 'center';
      if (n.id === 'x' && l === 0) {
        ctx.fillText(visibleChar(d.inputChar(t)), b.x + b.w - 12, b.y + 8);
      } else {
        const v = n.value?.(d, l, t);
        if (v) this.strip(ctx, v, b.x + 3, b.y + 16, b.w - 6, 10, n.sigmoid ? 'gate' : n.id === 'a' || n.id === 'c' || n.id === 'c_prev' ? maxAbs(v) : 1);
      }
      if (backward) {
        const gv = n.grad?.(d, l, t);
        if (gv) this.strip(ctx, gv, b.x + 3, b.y + 28, b.w - 6, 8, maxAbs(gv));
      }
    }
  }

  /**
   * A vector as a row of coloured cells: a sigmoid gate on the sequential 0..1 scale, anything
   * signed on the diverging scale with ±range at the ends. The row is
   * coloured as pixels and scaled up in one drawImage: a fillRect per unit (256 units, a dozen
   * strips) was the most expensive part of a cursor move.
   */
  private strip(ctx: CanvasRenderingContext2D, v: Float32Array, x: number, y: number, w: number, h: number, range: number | 'gate'): void {
    const n = v.length;
    if (this.scratch.width < n) this.scratch.width = n;
    if (this.rowImage?.width !== n) this.rowImage = this.scratchCtx.createImageData(n, 1);
    const px = this.rowImage.data, lut = range === 'gate' ? this.gateScale.lut : this.scale.lut;
    for (let i = 0; i < n; i++) {
      const k = (range === 'gate' ? this.gateScale.index(v[i], 0, 1) : this.scale.index(v[i], range)) * 4;
      px[i * 4] = lut[k]; px[i * 4 + 1] = lut[k + 1]; px[i * 4 + 2] = lut[k + 2]; px[i * 4 + 3] = 255;
    }
    // Each strip of a drawing gets its own scratch row, so none is overwritten before it is drawn.
    const row = this.stripRow++ % this.scratch.height;
    this.scratchCtx.putImageData(this.rowImage, 0, row);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.scratch, 0, row, n, 1, x, y, w, h);
  }
}

/** A label as the lecture writes it: "c_{t-1}" as c with a lowered, smaller t−1 (never the raw braces). */
function drawLabel(ctx: CanvasRenderingContext2D, label: string, x: number, y: number, font: string): void {
  const m = /^(\w)_(?:\{([^}]*)\}|(\w))(.*)$/.exec(label);
  if (!m) { ctx.fillText(label, x, y); return; }
  const [, base, braced, single, rest] = m;
  const sub = (braced ?? single).replace('-', '−');
  ctx.font = `12px ${font}`;
  ctx.fillText(base, x, y);
  let cx = x + ctx.measureText(base).width;
  ctx.font = `11px ${font}`;
  ctx.fillText(sub, cx, y + 3);
  cx += ctx.measureText(sub).width;
  ctx.font = `11px ${font}`;
  if (rest) ctx.fillText(rest, cx, y);
}

function clipToBox(ax: number, ay: number, bx: number, by: number, B: { x: number; y: number; w: number; h: number }): [number, number] {
  const dx = bx - ax, dy = by - ay;
  const sx = dx !== 0 ? (B.w / 2) / Math.abs(dx) : Infinity;
  const sy = dy !== 0 ? (B.h / 2) / Math.abs(dy) : Infinity;
  const s = Math.min(sx, sy, 1);
  return [bx - dx * s, by - dy * s];
}

function maxAbs(v: Float32Array): number { let m = 0; for (const x of v) m = Math.max(m, Math.abs(x)); return m || 1; }
