/**
 * One redraw per animation frame with the latest data: callers mark parts dirty as often as they
 * like (every live message, every cursor key), and each dirty part is drawn once on the next frame.
 * Live updates therefore never pile up; the latest wins.
 */

export class FrameScheduler {
  private readonly dirty = new Map<string, () => void>();
  private pending = false;
  /** Milliseconds the last frame's drawing took (performance.now around the drawing). */
  lastFrameMs = 0;

  constructor(private readonly onFrame?: (ms: number, parts: string[]) => void) {}

  schedule(part: string, draw: () => void): void {
    this.dirty.set(part, draw);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => this.flush());
  }

  /** Draws everything dirty now (also used by tests and by the first paint). */
  flush(): void {
    this.pending = false;
    const parts = [...this.dirty.entries()];
    this.dirty.clear();
    const t0 = performance.now();
    for (const [, draw] of parts) draw();
    this.lastFrameMs = performance.now() - t0;
    this.onFrame?.(this.lastFrameMs, parts.map(([p]) => p));
  }
}
