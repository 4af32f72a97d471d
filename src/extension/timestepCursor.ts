/**
 * The timestep cursor: which step t of the current trace window the panel, the gradient view and
 * the editor highlight point at, and whether it walks the forward pass (t = 0 .. T-1, the order
 * h_t is computed in) or the backward pass (BPTT runs t = T-1 .. 0, the order dL/dh_t is computed
 * in). "Next" always means the next step of the pass being shown, so in the backward direction it
 * moves towards t = 0. The cursor is clamped to the window; a new window of another length clamps it again.
 */

export type CursorDirection = 'forward' | 'backward';

export interface CursorPosition {
  readonly t: number;
  readonly direction: CursorDirection;
}

export class TimestepCursor {
  private tValue = 0;
  private directionValue: CursorDirection = 'forward';
  private windowLength = 0;
  private readonly listeners = new Set<(position: CursorPosition) => void>();

  get t(): number {
    return this.tValue;
  }

  get direction(): CursorDirection {
    return this.directionValue;
  }

  /** Steps in the current trace window (0 before any trace). */
  get length(): number {
    return this.windowLength;
  }

  get position(): CursorPosition {
    return { t: this.tValue, direction: this.directionValue };
  }

  /** A new trace window arrived: keep t where it is if it still fits. */
  setWindowLength(length: number): void {
    this.windowLength = Math.max(0, Math.floor(length));
    this.moveTo(this.tValue, true);
  }

  next(): void {
    this.moveTo(this.tValue + (this.directionValue === 'forward' ? 1 : -1));
  }

  previous(): void {
    this.moveTo(this.tValue - (this.directionValue === 'forward' ? 1 : -1));
  }

  /** Where the pass being shown begins: t = 0 forward, t = T-1 backward. */
  first(): void {
    this.moveTo(this.directionValue === 'forward' ? 0 : this.windowLength - 1);
  }

  last(): void {
    this.moveTo(this.directionValue === 'forward' ? this.windowLength - 1 : 0);
  }

  goTo(t: number): void {
    this.moveTo(t);
  }

  toggleDirection(): void {
    this.set(this.tValue, this.directionValue === 'forward' ? 'backward' : 'forward');
  }

  /** Sets both at once (e.g. from the panel); clamps t. */
  set(t: number, direction: CursorDirection): void {
    const changed = direction !== this.directionValue;
    this.directionValue = direction;
    this.moveTo(t, false, changed);
  }

  onDidChange(listener: (position: CursorPosition) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private moveTo(t: number, quietIfSame = false, forceNotify = false): void {
    const max = Math.max(0, this.windowLength - 1);
    const clamped = Number.isFinite(t) ? Math.min(max, Math.max(0, Math.round(t))) : 0;
    const changed = clamped !== this.tValue;
    this.tValue = clamped;
    if (changed || forceNotify || !quietIfSame) {
      const position = this.position;
      for (const listener of [...this.listeners]) listener(position);
    }
  }
}
