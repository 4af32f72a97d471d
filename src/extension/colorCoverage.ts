/**
 * Which characters of the training file have neuron colours, and which of the characters the user
 * looks at still need them. Colour Text by Neuron reads only what the editors show (plus a margin
 * to scroll into), so the colours of a long file are a set of stretches that grows as the user
 * scrolls; this is their bookkeeping, in code points of the snapshot, without vscode.
 */

import { type UnitRange } from '../engine/analysis/unitSeries';

/** Half-open [from, to) in code points. */
export type Span = readonly [number, number];

/**
 * One unit's values over one stretch, as the analysis worker computed them (the unitRange job):
 * from, values, the loss of each next prediction, where and whether exactly the pass began, and
 * the likeliest next characters.
 */
export type ColoredStretch = UnitRange;

/** The union of `spans`, sorted, touching spans joined, empty ones dropped. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The parts of `wanted` that `have` does not cover. */
export function missingSpans(wanted: readonly Span[], have: readonly Span[]): Span[] {
  const covered = mergeSpans(have);
  const out: Span[] = [];
  for (const [a, b] of mergeSpans(wanted)) {
    let at = a;
    for (const [c, d] of covered) {
      if (d <= at) continue;
      if (c >= b) break;
      if (c > at) out.push([at, c]);
      at = Math.max(at, d);
      if (at >= b) break;
    }
    if (at < b) out.push([at, b]);
  }
  return out;
}

/** Each span widened by `margin` on both sides, clipped to [0, length), merged. */
export function widen(spans: readonly Span[], margin: number, length: number): Span[] {
  return mergeSpans(spans.map(([a, b]) => [Math.max(0, a - margin), Math.min(length, b + margin)] as Span));
}

export interface RequestLimits {
  /** Characters around the visible ones to colour once those are done (scrolling a little finds colours there). */
  readonly margin: number;
  /** The most characters one request covers (a long one would hold the colours back). */
  readonly maxChars: number;
  /**
   * A gap this short between the end of the colours before it and the start of the request is
   * coloured too: the pass reads it anyway, starting from the state cached where those colours end.
   */
  readonly fillGap: number;
}

/**
 * What to compute next for `visible` (the editors' visible ranges): the first visible stretch not
 * yet coloured, else the first one of the margin around them; at most `maxChars` long (plus a
 * filled gap). Undefined when all of it is coloured.
 */
export function nextRequest(visible: readonly Span[], have: readonly Span[], length: number, limits: RequestLimits): Span | undefined {
  const clipped = mergeSpans(visible.map(([a, b]) => [Math.max(0, a), Math.min(length, b)] as Span));
  const covered = mergeSpans(have);
  const first = missingSpans(clipped, covered)[0] ?? missingSpans(widen(clipped, limits.margin, length), covered)[0];
  if (!first) return undefined;
  let from = first[0];
  // The text's start counts as an end of colours: a pass from there starts from the zero state.
  const prevEnd = covered.filter(([, b]) => b <= from).at(-1)?.[1] ?? 0;
  if (from - prevEnd <= limits.fillGap) from = prevEnd;
  return [from, Math.min(first[1], first[0] + limits.maxChars)];
}

/** The coloured stretches of one unit with one set of weights, kept sorted and disjoint. */
export class ColorCoverage {
  private readonly stretches: ColoredStretch[] = [];

  constructor(
    /** The unit and weights these colours are of: a new unit or new weights start a new coverage. */
    readonly key: string,
    readonly step: number,
  ) {}

  get isEmpty(): boolean {
    return this.stretches.length === 0;
  }

  /** The stretches, sorted by position. */
  get all(): readonly ColoredStretch[] {
    return this.stretches;
  }

  /** Characters coloured. */
  get count(): number {
    return this.stretches.reduce((n, s) => n + s.values.length, 0);
  }

  /** The covered spans, merged. */
  spans(): Span[] {
    return mergeSpans(this.stretches.map((s) => [s.from, s.from + s.values.length] as Span));
  }

  /** Adds what a pass computed; characters already coloured keep their values (trimmed off the new stretch). */
  add(stretch: ColoredStretch): void {
    for (const [a, b] of missingSpans([[stretch.from, stretch.from + stretch.values.length]], this.spans())) {
      const part: ColoredStretch = {
        ...stretch,
        from: a,
        values: stretch.values.subarray(a - stretch.from, b - stretch.from),
        loss: stretch.loss.subarray(a - stretch.from, b - stretch.from),
        topIds: stretch.topIds.subarray((a - stretch.from) * stretch.topK, (b - stretch.from) * stretch.topK),
        topProbs: stretch.topProbs.subarray((a - stretch.from) * stretch.topK, (b - stretch.from) * stretch.topK),
      };
      const at = this.stretches.findIndex((s) => s.from > a);
      this.stretches.splice(at < 0 ? this.stretches.length : at, 0, part);
    }
  }

  /** The stretch holding character `index`, and the index within it. */
  at(index: number): { stretch: ColoredStretch; i: number } | undefined {
    let lo = 0;
    let hi = this.stretches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.stretches[mid];
      if (index < s.from) hi = mid - 1;
      else if (index >= s.from + s.values.length) lo = mid + 1;
      else return { stretch: s, i: index - s.from };
    }
    return undefined;
  }

  /** Where colouring stops: the start of each covered span after 0 and the end of each before `length`. */
  edges(length: number): { starts: number[]; ends: number[] } {
    const spans = this.spans();
    return {
      starts: spans.map(([a]) => a).filter((a) => a > 0),
      ends: spans.map(([, b]) => b).filter((b) => b < length),
    };
  }
}
