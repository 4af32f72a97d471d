/**
 * The `rnn-lens` executable: wires the real process (argv, streams, terminal, Ctrl-C, exit code)
 * to runCli. All behaviour lives in run.ts and the command modules, which tests call directly.
 */

import { runCli } from './run';
import { EXIT_INTERRUPTED } from './io';

const argv = process.argv.slice(2);
const interrupt = new AbortController();
// Only `train` listens for Ctrl-C (to save its checkpoint); every other command keeps Node's
// default of stopping at once, which a handler here would otherwise swallow.
if (argv[0] === 'train') {
  process.on('SIGINT', () => {
    // First Ctrl-C: finish the step and save. Second: leave now (writes are atomic, so nothing
    // half-written is left behind).
    if (interrupt.signal.aborted) {
      if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\n'); // the progress bar hid the cursor
      process.exit(EXIT_INTERRUPTED);
    }
    interrupt.abort();
  });
}
// A closed pipe (rnn-lens sample | head) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

runCli(argv, {
  stdout: (text) => { process.stdout.write(text); },
  stderr: (text) => { process.stderr.write(text); },
  isTTY: Boolean(process.stderr.isTTY),
  progressStream: process.stderr,
  cwd: process.cwd(),
  interrupt: interrupt.signal,
}, { debug: Boolean(process.env.RNN_LENS_DEBUG) }).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`rnn-lens: internal error: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
    process.exitCode = 1;
  },
);
