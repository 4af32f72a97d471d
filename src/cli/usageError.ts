/** The command line itself is wrong (unknown flag, bad value, missing argument): exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
