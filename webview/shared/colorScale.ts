/**
 * The diverging colour scale used by every heat map: negative values toward blue, positive toward
 * red, zero the background colour, so "nothing" reads as empty. A 256-entry lookup table keeps
 * per-pixel colouring to an array index.
 */

import { type Theme, parseColor } from './theme';

export class DivergingScale {
  /** RGBA bytes, 256 entries: index 0 = -max, 128 ≈ 0, 255 = +max. */
  readonly lut = new Uint8ClampedArray(256 * 4);
  readonly css: string[] = new Array<string>(256);

  constructor(theme: Theme) {
    for (let i = 0; i < 256; i++) {
      const u = (i - 127.5) / 127.5; // -1 .. 1
      const end = u < 0 ? theme.negative : theme.positive;
      const a = Math.min(1, Math.abs(u));
      // A slight power curve, so small values stay visible against the background.
      const w = Math.pow(a, 0.7);
      const rgb = [0, 1, 2].map((k) => Math.round(theme.neutral[k] * (1 - w) + end[k] * w));
      this.lut.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
      this.css[i] = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
    }
  }

  /** The table index for value x on a scale whose ends are ±range. */
  index(x: number, range: number): number {
    if (!Number.isFinite(x)) return Number.isNaN(x) ? 128 : x > 0 ? 255 : 0;
    const u = range > 0 ? x / range : 0;
    return Math.max(0, Math.min(255, Math.round(127.5 + u * 127.5)));
  }
}

/** A sequential scale for magnitudes on a log axis (the BPTT matrix): background to the accent colour. */
export class SequentialScale {
  readonly lut = new Uint8ClampedArray(256 * 4);
  readonly css: string[] = new Array<string>(256);

  constructor(theme: Theme) {
    const lo = theme.neutral;
    const mid = theme.negative;
    const hi = theme.positive;
    for (let i = 0; i < 256; i++) {
      const u = i / 255;
      const [a, b, w] = u < 0.5 ? [lo, mid, u * 2] : [mid, hi, (u - 0.5) * 2];
      const rgb = [0, 1, 2].map((k) => Math.round(a[k] * (1 - w) + b[k] * w));
      this.lut.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
      this.css[i] = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
    }
  }

  /** Index of x on a log scale from 10^logMin to 10^logMax; 0 and below map to the background. */
  indexLog(x: number, logMin: number, logMax: number): number {
    if (!(x > 0)) return 0;
    if (!Number.isFinite(x)) return 255;
    const u = (Math.log10(x) - logMin) / Math.max(1e-9, logMax - logMin);
    return Math.max(1, Math.min(255, Math.round(u * 255)));
  }
}

/**
 * A sequential scale for quantities in a fixed range such as sigmoid gates (0 closed, 1 open):
 * from the background to one colour (orange, so it never reads as the diverging scale's signs).
 */
export class GateScale {
  readonly lut = new Uint8ClampedArray(256 * 4);
  readonly css: string[] = new Array<string>(256);

  constructor(theme: Theme) {
    const end = parseColor(theme.orange) ?? [209, 134, 22];
    for (let i = 0; i < 256; i++) {
      const w = i / 255;
      const rgb = [0, 1, 2].map((k) => Math.round(theme.neutral[k] * (1 - w) + end[k] * w));
      this.lut.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
      this.css[i] = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
    }
  }

  /** The table index for x on the scale from lo to hi (clamped). */
  index(x: number, lo: number, hi: number): number {
    if (!Number.isFinite(x)) return Number.isNaN(x) ? 0 : x > 0 ? 255 : 0;
    return Math.max(0, Math.min(255, Math.round(((x - lo) / Math.max(1e-12, hi - lo)) * 255)));
  }
}
