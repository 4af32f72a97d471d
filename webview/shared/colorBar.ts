/**
 * A colour bar: the quantity's name, the value at each end (and the middle, for a diverging scale),
 * and the colours between, so no colour in a picture goes without its legend. The labels are text
 * in the DOM (readable, selectable, themed); only the ramp is a canvas.
 */

import { el } from './dom';
import { fitCanvas } from './lineChart';
import { t } from './strings';

export interface ColorBarSpec {
  /** What the colours are, e.g. "h_t (tanh, −1 to 1)". */
  readonly name: string;
  /** CSS colours from the low end to the high end (a lookup table's entries, sampled). */
  readonly colors: readonly string[];
  readonly low: string;
  readonly high: string;
  /** The middle value, for a diverging scale ("0"): marked by a tick at the ramp's centre. */
  readonly mid?: string;
}

export class ColorBar {
  readonly element: HTMLElement;
  private readonly name = el('span', { className: 'cbar-name' });
  private readonly low = el('span', { className: 'cbar-end' });
  private readonly high = el('span', { className: 'cbar-end' });
  private readonly ramp = el('canvas', { className: 'cbar-ramp', attrs: { 'aria-hidden': 'true' } });
  private spec: ColorBarSpec | null = null;

  constructor(id: string) {
    this.element = el('div', { className: 'cbar', attrs: { id, role: 'group' } }, [
      this.name, this.low, this.ramp, this.high,
    ]);
  }

  set(spec: ColorBarSpec): void {
    this.spec = spec;
    this.name.textContent = spec.name;
    this.low.textContent = spec.low;
    this.high.textContent = spec.high;
    this.element.setAttribute('aria-label', spec.mid !== undefined ? t('colorBar.aria.mid', spec.name, spec.low, spec.mid, spec.high) : t('colorBar.aria', spec.name, spec.low, spec.high));
    this.element.dataset.low = spec.low;
    this.element.dataset.high = spec.high;
    this.element.dataset.name = spec.name;
    this.draw();
  }

  /** Repaints the ramp (after a resize or a theme change the colours are set again through set()). */
  draw(): void {
    const s = this.spec;
    if (!s || s.colors.length === 0) return;
    const { w, h, ctx } = fitCanvas(this.ramp);
    const n = s.colors.length;
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = s.colors[i];
      const x0 = Math.floor((i / n) * w), x1 = Math.ceil(((i + 1) / n) * w);
      ctx.fillRect(x0, 0, x1 - x0, h);
    }
    if (s.mid !== undefined) {
      // The centre of a diverging scale, where the value is s.mid (the background colour).
      ctx.fillStyle = getComputedStyle(this.ramp).color;
      ctx.fillRect(Math.round(w / 2) - 0.5, 0, 1, h);
    }
  }
}

/** Samples a 256-entry CSS colour table down to `n` stops for a colour bar. */
export function sampleColors(css: readonly string[], n = 64): string[] {
  return Array.from({ length: n }, (_, i) => css[Math.round((i / (n - 1)) * (css.length - 1))]);
}
