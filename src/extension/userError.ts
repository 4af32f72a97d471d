/**
 * Errors whose message is written for the user (one actionable line), as opposed to bugs. The
 * host shows a UserError's message as is, and logs anything else with its details.
 */

import { InputError } from '../engine/errors';
import { RequestFailedError } from '../protocol/worker';
import { errorText } from './engineErrors';

export class UserError extends Error {}

/** True when the message can be shown to the user as is. */
export function isUserFacing(error: unknown): error is Error {
  return error instanceof UserError || error instanceof InputError || error instanceof RequestFailedError;
}

/**
 * The first line of an error's message (never a stack trace), in the display language when the
 * error is one of the engine's or a worker's with a code (src/extension/engineErrors.ts).
 */
export function messageOf(error: unknown): string {
  if (error instanceof InputError || error instanceof RequestFailedError) return errorText(error);
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}
