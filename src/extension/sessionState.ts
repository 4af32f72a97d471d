/**
 * The life of one training session as a small state machine. Every change goes through
 * `apply`, which knows the legal moves, so the UI (context keys, status bar, buttons) can never
 * show a state the worker is not in:
 *
 *   idle --start--> starting --started--> training <--pause/resume--> paused
 *   starting | training | paused --stop--> stopping --stopped--> stopped
 *   any live state --fail--> failed      (worker crash, exception, non-finite loss)
 *
 * A session that reached stopped or failed is finished; a new session starts from a new machine.
 */

export type SessionState = 'idle' | 'starting' | 'training' | 'paused' | 'stopping' | 'stopped' | 'failed';

export type SessionEvent = 'start' | 'startedTraining' | 'startedPaused' | 'pause' | 'resume' | 'stop' | 'stopped' | 'fail';

const TRANSITIONS: Readonly<Record<SessionState, Partial<Record<SessionEvent, SessionState>>>> = {
  idle: { start: 'starting' },
  starting: { startedTraining: 'training', startedPaused: 'paused', stop: 'stopping', stopped: 'stopped', fail: 'failed' },
  training: { pause: 'paused', stop: 'stopping', stopped: 'stopped', fail: 'failed' },
  paused: { resume: 'training', stop: 'stopping', stopped: 'stopped', fail: 'failed' },
  stopping: { stopped: 'stopped', fail: 'failed' },
  stopped: {},
  failed: {},
};

export class SessionStateMachine {
  private current: SessionState = 'idle';
  private readonly listeners = new Set<(state: SessionState, previous: SessionState) => void>();

  get state(): SessionState {
    return this.current;
  }

  /** A worker exists and may be asked for things (sampling, traces, saving). */
  get isLive(): boolean {
    return this.current === 'starting' || this.current === 'training' || this.current === 'paused';
  }

  get isFinished(): boolean {
    return this.current === 'stopped' || this.current === 'failed';
  }

  can(event: SessionEvent): boolean {
    return TRANSITIONS[this.current][event] !== undefined;
  }

  /** Moves to the next state; returns false (and changes nothing) when the event does not apply now. */
  apply(event: SessionEvent): boolean {
    const next = TRANSITIONS[this.current][event];
    if (next === undefined) return false;
    const previous = this.current;
    this.current = next;
    for (const listener of [...this.listeners]) listener(next, previous);
    return true;
  }

  onDidChange(listener: (state: SessionState, previous: SessionState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
