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
import { runProbe } from './probe';
import { runSaliency } from './saliency';
import { runNeurons } from './neurons';
import { runTask } from './task';
import { runCompare } from './compare';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  train: runTrain,
  sample: runSample,
  eval: runEval,
  gradcheck: runGradcheck,
  info: runInfo,
  bench: (argv) => runBench(argv),
  probe: runProbe,
  saliency: runSaliency,
  neurons: runNeurons,
  task: runTask,
  compare: runCompare,
};

/** Every command's name (the README documents each; a test checks). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

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
  // A program reading --json output sees every line as JSON, errors included: the error goes to
  // stderr as usual and, as {"event":"error",...}, to stdout too.
  const json = wantsJson(rest);
  const fail = (exitCode: number, message: string): number => {
    io.stderr(`rnn-lens ${first}: ${message}\n`);
    if (json) io.stdout(`${JSON.stringify({ event: 'error', exitCode, message })}\n`);
    return exitCode;
  };
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) return fail(EXIT_USAGE, `${oneLine(e.message)} (see rnn-lens ${first} --help)`);
    if (e instanceof InputError) return fail(EXIT_INPUT, oneLine(e.message));
    const message = e instanceof Error ? e.message : String(e);
    const code = fail(EXIT_INPUT, `internal error: ${oneLine(message)} (this is a bug; RNN_LENS_DEBUG=1 shows details)`);
    if (options.debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return code;
  }
}

/** True when the command line asks for JSON output (`--json` before any `--`). */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
