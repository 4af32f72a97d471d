/**
 * The CLI as a function: argv (without `node` and the script) and an io object in, exit code out.
 * Every error becomes one line on stderr: usage mistakes exit 2, unusable input exits 1, and an
 * unexpected exception (a bug) exits 1 with a short note instead of a stack trace.
 */

import { version } from '../../package.json';
import { InputError } from '../engine/errors';
import { MAIN_HELP } from './help';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, type CliIo } from './io';
import { UsageError } from './usageError';
import { runTrain } from './train';
import { runSample } from './sample';
import { runEval } from './eval';
import { runGradcheck } from './gradcheck';
import { runInfo } from './info';
import { runBench } from './bench';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  train: runTrain,
  sample: runSample,
  eval: runEval,
  gradcheck: runGradcheck,
  info: runInfo,
  bench: (argv) => runBench(argv),
};

export async function runCli(argv: readonly string[], io: CliIo, options: { debug?: boolean } = {}): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0] && rest[0] in COMMANDS) return runCli([rest[0], '--help'], io, options);
    io.stdout(MAIN_HELP);
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout(`${version}\n`);
    return EXIT_OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) {
    const what = first.startsWith('-') ? `unknown option ${first}` : `unknown command ${JSON.stringify(first)}`;
    io.stderr(`rnn-lens: ${what}; commands are ${Object.keys(COMMANDS).join(', ')} (see rnn-lens --help)\n`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`rnn-lens ${first}: ${oneLine(e.message)} (see rnn-lens ${first} --help)\n`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      io.stderr(`rnn-lens ${first}: ${oneLine(e.message)}\n`);
      return EXIT_INPUT;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`rnn-lens ${first}: internal error: ${oneLine(message)} (this is a bug; RNN_LENS_DEBUG=1 shows details)\n`);
    if (options.debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return EXIT_INPUT;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
