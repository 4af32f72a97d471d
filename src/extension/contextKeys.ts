/**
 * The `rnnLens.*` context keys that when-clauses in package.json read. They are set only here, so
 * the manifest test can check that every key a when-clause names is one of these.
 */

import * as vscode from 'vscode';
import { type SessionState } from './sessionState';

export const CONTEXT_KEYS = {
  /** A session exists whose worker can be asked for things (starting, training or paused). */
  hasSession: 'rnnLens.hasSession',
  isTraining: 'rnnLens.isTraining',
  isPaused: 'rnnLens.isPaused',
  /** The training panel is the active editor tab. */
  panelFocused: 'rnnLens.panelFocused',
  /** A trace window has arrived, so the timestep commands have something to move over. */
  hasTrace: 'rnnLens.hasTrace',
  /** There are weights to save: a live session, or a stopped or failed one that left a checkpoint. */
  hasModel: 'rnnLens.hasModel',
  /** Neuron colours are shown in an editor. */
  neuronColorsShown: 'rnnLens.neuronColorsShown',
} as const;

export type ContextKey = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];

export class ContextKeys {
  private readonly values = new Map<ContextKey, boolean>();

  set(key: ContextKey, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  get(key: ContextKey): boolean {
    return this.values.get(key) ?? false;
  }

  /**
   * The session keys from the session's state (undefined: no session at all). `hasCheckpoint`:
   * the session holds a checkpoint, which keeps a stopped session's model saveable.
   */
  setSessionState(state: SessionState | undefined, hasCheckpoint = false): void {
    const live = state === 'starting' || state === 'training' || state === 'paused';
    this.set(CONTEXT_KEYS.hasSession, live);
    this.set(CONTEXT_KEYS.hasModel, state !== undefined && (live || hasCheckpoint));
    this.set(CONTEXT_KEYS.isTraining, state === 'training');
    this.set(CONTEXT_KEYS.isPaused, state === 'paused');
  }
}
