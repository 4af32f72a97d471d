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
