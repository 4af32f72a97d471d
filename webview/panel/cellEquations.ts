/**
 * The cell's equations under its diagram, as the lecture writes them: one equation per line in
 * the lecture's order (gates, candidate, cell, hidden, output), subscripts as subscripts, and
 * after each the numbers of the vector it defines at the cursor (its norm and mean; going
 * backward, the norm of the gradient reaching it). One block of text, not a tab stop per line; the
 * operators' local derivatives are in each line's tooltip and in the diagram's.
 */

import { type TraceData } from '../shared/traceData';
import { el } from '../shared/dom';
import { visibleChar } from '../shared/format';
import { formatValue } from '../../src/protocol/format';
import { t } from '../shared/strings';
import { RovingList } from '../shared/rovingList';

type Vec = Float32Array | null;
type Getter = (d: TraceData, l: number, t: number) => Vec;

/** One line: the equation, what it defines, the node whose numbers follow it, the operators it uses. */
export interface Equation { readonly eq: string; readonly name: string; readonly node?: string; readonly ops?: readonly string[] }

/** What a line needs to know of the diagram's nodes. */
export interface EquationNode { readonly id: string; readonly title: string; readonly value?: Getter; readonly grad?: Getter }

/** The decoder, the same for every cell: the lecture's y_t = W_hy h_t, then the softmax. */
export function outputEquation(): Equation {
  return { eq: 'y_t = W_hy h_t,   ŷ_t = softmax(y_t)', name: t('cell.eq.output') };
}

/** `text` with x_t, W_hy, h_{t−1} written as a base and a subscript (DOM nodes, never HTML). */
export function withSubscripts(text: string): Node[] {
  const out: Node[] = [];
  const re = /([A-Za-z\u0177])_(\{[^}]*\}|[A-Za-z0-9]+)/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(document.createTextNode(text.slice(at, m.index) + m[1]));
    out.push(el('sub', { text: m[2].replace(/^\{|\}$/g, '') }));
    at = m.index + m[0].length;
  }
  out.push(document.createTextNode(text.slice(at)));
  return out;
}

function norm(v: Float32Array): number { let s = 0; for (const x of v) s += x * x; return Math.sqrt(s); }
function mean(v: Float32Array): number { let s = 0; for (const x of v) s += x; return v.length ? s / v.length : 0; }

export class CellEquations {
  readonly element: HTMLElement;
  private readonly given = el('p', { className: 'cell-given', attrs: { id: 'cell-given' } });
  private readonly list = el('ol', { className: 'cell-eqs', attrs: { id: 'cell-equations', 'aria-label': t('cell.eq.aria') } });
  private notes: HTMLElement[] = [];
  private key: Equation[] | null = null;
  /** The lines are one tab stop; the arrow keys go from line to line (each line's tooltip, the operators' derivatives, is its description). */
  private readonly roving = new RovingList(this.list);

  constructor() {
    this.element = el('div', { className: 'cell-text' }, [this.given, this.list]);
  }

  /** The lines for this cell's equations (built once per cell type), then their numbers at (l, t). */
  fill(d: TraceData, equations: Equation[], nodes: readonly EquationNode[], l: number, step: number, backward: boolean): void {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    if (this.key !== equations) {
      this.key = equations;
      this.notes = [];
      this.list.replaceChildren(...equations.map((e) => {
        const titles = [e.node, ...(e.ops ?? [])].map((id) => (id ? byId.get(id)?.title : undefined)).filter((x): x is string => !!x);
        const note = el('span', { className: 'eq-note' });
        this.notes.push(note);
        return el('li', { attrs: { 'data-node': e.node ?? 'output', ...(titles.length ? { title: titles.join('\n') } : {}) } }, [
          el('span', { className: 'eq' }, withSubscripts(e.eq)),
          note,
        ]);
      }));
      this.roving.reset();
    }
    equations.forEach((e, i) => {
      const n = e.node ? byId.get(e.node) : undefined;
      const parts = [e.name];
      const v = n?.value?.(d, l, step);
      if (v) parts.push(t('cell.eq.norms', formatValue(norm(v)), formatValue(mean(v))));
      const g = backward ? n?.grad?.(d, l, step) : null;
      if (g) parts.push(t('cell.eq.gradient', formatValue(norm(g))));
      const text = parts.join(' · ');
      if (this.notes[i].textContent !== text) this.notes[i].textContent = text;
    });
    // What the equations start from: the input and the previous state(s).
    const parts: string[] = [l === 0 ? t('cell.given.oneHot', visibleChar(d.inputChar(step))) : t('cell.given.below', l - 1)];
    for (const id of ['h_prev', 'c_prev']) {
      const n = byId.get(id);
      const v = n?.value?.(d, l, step);
      if (!v) continue;
      const g = backward ? n?.grad?.(d, l, step) : null;
      const name = id === 'h_prev' ? 'h_{t−1}' : 'c_{t−1}';
      parts.push(g ? t('cell.given.stateGradient', name, formatValue(norm(v)), formatValue(norm(g))) : t('cell.given.state', name, formatValue(norm(v))));
    }
    this.given.replaceChildren(...withSubscripts(t('cell.given', parts.join('; '))));
  }
}
