/**
 * An element's CSS size without a forced layout. Reading clientWidth after a DOM write makes the
 * browser lay out the page synchronously, inside the frame being drawn; with several canvases
 * read per cursor move that was the bulk of the slow frames. Here the size is measured once, then
 * kept up to date by a ResizeObserver (which runs after layout, before paint, for free).
 */

const sizes = new WeakMap<Element, { width: number; height: number }>();
let observer: ResizeObserver | null = null;

function watch(): ResizeObserver {
  observer ??= new ResizeObserver((entries) => {
    for (const e of entries) sizes.set(e.target, { width: e.contentRect.width, height: e.contentRect.height });
  });
  return observer;
}

/** The element's content-box size in CSS pixels (its clientWidth/clientHeight when it has no padding). */
export function elementSize(element: HTMLElement): { width: number; height: number } {
  let s = sizes.get(element);
  if (!s) {
    s = { width: element.clientWidth, height: element.clientHeight };
    sizes.set(element, s);
    watch().observe(element);
  }
  return s;
}
