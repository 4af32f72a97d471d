/**
 * Requests that expect one answer carry a `requestId`; the answer carries the same number as
 * `replyTo`. PendingRequests matches them, with a timeout, and fails what is left when the channel closes.
 */

import { type ErrorArgs } from '../engine/errors';

/** Distributive Omit, so each member of a union keeps its own fields. */
export type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/**
 * A request the worker could not answer, with a message for the user (in English). `code` and
 * `args`, when the failure is one the extension knows (an engine InputErrorCode, 'noAnswer'), let
 * it say the message in the display language (src/extension/engineErrors.ts).
 */
export class RequestFailedError extends Error {
  constructor(message: string, readonly code?: string, readonly args: ErrorArgs = {}) {
    super(message);
  }
}

/**
 * Matches replies to requests by id. The owner sends `{...request, requestId}` and routes every
 * incoming message with a `replyTo` to `settle`; pending requests fail when the channel closes.
 */
export class PendingRequests<Reply> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; timer?: ReturnType<typeof setTimeout> }>();

  /** Starts a request: returns its id (to put in the message) and the promise of its reply. */
  open(timeoutMs = 0): { id: number; reply: Promise<Reply> } {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => {
      const entry: { resolve: (r: Reply) => void; reject: (e: Error) => void; timer?: ReturnType<typeof setTimeout> } = { resolve, reject };
      if (timeoutMs > 0) {
        entry.timer = setTimeout(() => this.fail(id, new RequestFailedError(`No answer from the training worker within ${Math.round(timeoutMs / 1000)} s.`, 'noAnswer', { seconds: Math.round(timeoutMs / 1000) })), timeoutMs);
      }
      this.pending.set(id, entry);
    });
    return { id, reply };
  }

  /** Resolves the request `replyTo` (returns false if no such request is waiting). */
  settle(replyTo: number, reply: Reply): boolean {
    const entry = this.pending.get(replyTo);
    if (!entry) return false;
    this.pending.delete(replyTo);
    if (entry.timer) clearTimeout(entry.timer);
    entry.resolve(reply);
    return true;
  }

  fail(replyTo: number, error: Error): boolean {
    const entry = this.pending.get(replyTo);
    if (!entry) return false;
    this.pending.delete(replyTo);
    if (entry.timer) clearTimeout(entry.timer);
    entry.reject(error);
    return true;
  }

  failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error);
  }

  get size(): number {
    return this.pending.size;
  }
}
