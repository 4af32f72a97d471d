/**
 * Where the unrolled graph puts things, as pure numbers: the column and row pitches, node sizes,
 * the row names' gutter, how many full-size columns fit a width, which columns follow the cursor,
 * and the view that fits them. No drawing and no DOM, so the layout rules are testable on their own.
 */

import { type IdType } from 'vis-network/peer';
import { t } from '../shared/strings';

/** Column pitch and row pitch, in CSS pixels at the default scale of 1. */
export const DX = 54;
export const DY = 56;
/** Node sizes (CSS px at scale 1): every node at least 32 px on its short side. */
export const SIZE = { h: { width: 36, height: 36 }, x: { width: 34, height: 32 }, y: { width: 44, height: 40 }, L: { width: 50, height: 32 } } as const;
/** Room kept inside a node on each side of its text, CSS px. */
export const TEXT_PAD = 3;
/** The smallest text drawn in the graph, in CSS px at scale 1. */
export const MIN_FONT = 11;
/** The row names' gutter, wide (symbol and name) and narrow (symbol only). */
export const GUTTER_WIDE = 78, GUTTER_NARROW = 46;
/** Vertical room above the top row (boundary text) and below the bottom row (t labels). */
export const TOP = 30, BOTTOM = 26;

export type NodeRef =
  | { kind: 'x'; s: number }
  | { kind: 'h'; l: number; s: number }
  | { kind: 'e'; l: number }
  | { kind: 'y'; s: number }
  | { kind: 'L'; s: number };

/** What a click picks: a timestep (and for h nodes a layer). */
export type GraphPick = { t: number; layer?: number };

export function parseNodeId(id: IdType): NodeRef | null {
  const [kind, a, b] = String(id).split(':');
  const n = Number(a), m = Number(b);
  if (kind === 'x' || kind === 'y' || kind === 'L') return { kind, s: n };
  if (kind === 'h') return { kind, l: n, s: m };
  if (kind === 'e') return { kind, l: n };
  return null;
}

/** Row names as the lecture writes them; layer superscripts only when there is more than one layer. */
export function rowNames(L: number): { symbol: string; name: string }[] {
  const sup = ['⁰', '¹', '²', '³', '⁴'];
  const rows = [{ symbol: 'x_t', name: t('panel.row.input') }];
  for (let l = 0; l < L; l++) rows.push({ symbol: L > 1 ? `h_t${sup[l] ?? l}` : 'h_t', name: L > 1 ? t('panel.row.layer', l) : t('panel.row.hidden') });
  rows.push({ symbol: 'ŷ_t', name: t('panel.row.prediction') }, { symbol: 'L_t', name: t('panel.row.loss') });
  return rows;
}

/** The gutter for a container this wide: the names need room a narrow panel does not have. */
export function gutterFor(width: number): number {
  return width < 420 ? GUTTER_NARROW : GUTTER_WIDE;
}

/**
 * The zoom levels: 1 shows as many full-size columns as fit (never less than full size: text
 * 11 px, nodes 32 px); each level up shows fewer, bigger columns. The overview strip always
 * shows the whole window, so there is no level below 1.
 */
export const ZOOM_LEVELS = [1, 1.25, 1.5, 2, 2.5] as const;

/** The level `steps` levels from `zoom` (clamped to the levels there are). */
export function zoomStep(zoom: number, steps: number): number {
  let i = ZOOM_LEVELS.findIndex((z) => z >= zoom - 1e-9);
  if (i < 0) i = ZOOM_LEVELS.length - 1;
  return ZOOM_LEVELS[Math.max(0, Math.min(ZOOM_LEVELS.length - 1, i + steps))];
}

/** How many timestep columns fit at `zoom` times full size (at least 2, at most the window's T). */
export function columnsThatFit(width: number, gutter: number, T: number, zoom = 1): number {
  // The entry column, then `columns` pitches, the last column's half node and a margin each side.
  const fit = Math.floor(((width - gutter) / zoom - SIZE.h.width / 2 - SIZE.L.width / 2 - 10) / DX);
  return Math.max(2, Math.min(T, fit));
}

/** The height, CSS px, that shows every row of an L-layer graph at `zoom` (the content, not the border). */
export function graphHeight(L: number, zoom: number): number {
  return Math.ceil(((L + 2) * DY + SIZE.y.height / 2 + TOP + SIZE.x.height / 2 + BOTTOM) * zoom);
}

/** The first column that puts the cursor in the middle of `columns` shown ones. */
export function centredFirst(columns: number, cursor: number, T: number): number {
  return Math.max(0, Math.min(Math.max(0, T - columns), cursor - Math.floor((columns - 1) / 2)));
}

/**
 * The first shown column after the cursor moved to `cursor`: the cursor kept in the `columns`
 * shown, one column clear of either edge where the window allows; a step near the edge shifts by
 * a column, a jump far away centres the cursor.
 */
export function followFirst(first: number, columns: number, cursor: number, T: number): number {
  const n = columns, c = cursor;
  const maxFirst = Math.max(0, T - n);
  let f = Math.min(first, maxFirst);
  const lo = f + 1, hi = f + n - 2;
  if (c < lo || c > hi) {
    const far = c < lo - n / 2 || c > hi + n / 2;
    f = far ? c - Math.floor(n / 2) : c < lo ? c - 1 : c - n + 2;
  }
  return Math.max(0, Math.min(maxFirst, f));
}

/**
 * The view (centre in graph coordinates, scale) that fits `columns` columns of an L-layer graph
 * into `size`: never below `zoom` times full size, a little larger when there is room to spare.
 */
export function fitView(columns: number, L: number, size: { width: number; height: number }, gutter: number, zoom = 1): { x: number; y: number; scale: number } {
  const left = -DX - SIZE.h.width / 2 - 4, right = (columns - 1) * DX + SIZE.L.width / 2 + 4;
  const top = -(L + 2) * DY - SIZE.y.height / 2 - TOP, bottom = SIZE.x.height / 2 + BOTTOM;
  const scale = Math.max(zoom, Math.min(1.5 * zoom, (size.width - gutter) / (right - left), size.height / (bottom - top)));
  return { x: (left + right) / 2 - gutter / 2 / scale, y: (top + bottom) / 2, scale };
}

/** The smallest node side in the graph, in CSS px at scale 1. */
export const MIN_NODE = Math.min(...Object.values(SIZE).flatMap((s) => [s.width, s.height]));
