/**
 * Everything a command touches of the outside world, passed in rather than reached for, so tests
 * run commands as plain functions (capturing output, faking a terminal, pressing Ctrl-C through
 * an AbortController) and only main.ts knows about `process`.
 */

export interface CliIo {
  /** Writes to standard output (results: samples, reports, JSON lines). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (errors, and progress when stdout is data). */
  readonly stderr: (text: string) => void;
  /** True when stderr is an interactive terminal: show a live progress bar instead of log lines. */
  readonly isTTY: boolean;
  /** The stream a progress bar draws on (process.stderr in real use); absent in tests. */
  readonly progressStream?: NodeJS.WritableStream;
  /** Relative paths resolve against this folder. */
  readonly cwd: string;
  /** Aborted on Ctrl-C: a long command finishes its current step, saves and exits 130. */
  readonly interrupt?: AbortSignal;
}

/** Exit codes: 0 success, 1 bad input or failed check, 2 bad command line, 130 interrupted (128 + SIGINT). */
export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;
