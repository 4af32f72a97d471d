/**
 * The one kind of error the engine throws on purpose: the input (a file, a setting, a checkpoint)
 * is unusable. Its message is a single line a user can act on; callers show it as is, without a
 * stack trace. Any other exception is a bug.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * A long computation (a training step, a validation pass, a trace) was abandoned because its
 * caller's interrupt check said so (a pause is waiting). It left no trace: the weights, the stream
 * positions and the carried state are as they were, so the same call later gives the same result.
 */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** Asked between the phases of a long computation: true to abandon it (it then throws Interrupted). */
export type InterruptCheck = () => boolean;

export function checkInterrupt(interrupt: InterruptCheck | null | undefined): void {
  if (interrupt?.()) throw new Interrupted();
}
