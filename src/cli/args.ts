/**
 * Command-line parsing on top of Node's own `util.parseArgs`, turning its exceptions and every
 * out-of-range number into a UsageError with one line that names the flag.
 */

import { parseArgs } from 'node:util';
import { UsageError } from './usageError';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** A value such as `-1` or `-0.5e-3`: a negative number, not a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--forget-bias -1` means the value -1, but parseArgs reads any word starting with `-` as a flag.
 * Glue a negative number to the string flag before it (`--forget-bias=-1`) so both spellings work.
 */
function attachNegativeValues(argv: readonly string[], flags: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && flags[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** parseArgs' own wording, shortened to what a user needs (its hints about `--` are noise here). */
function usageMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = String((e as Error).message);
  const option = /'(-[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const flag = option.split(' ')[0];
    if (/does not take an argument/.test(message)) return `${flag} takes no value`;
    if (/argument missing|ambiguous/.test(message)) return `${flag} needs a value`;
  }
  return message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

/** Parses argv strictly against the flags; `--help` is always accepted. */
export function parseCommandArgs(argv: readonly string[], flags: FlagSpec, positionals: { min: number; max: number; names: string }): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: attachNegativeValues(argv, flags), options: { ...flags, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(usageMessage(e));
  }
  const values = parsed.values as ParsedArgs['values'];
  if (!values.help) {
    const n = parsed.positionals.length;
    if (n < positionals.min) throw new UsageError(`missing ${positionals.names}`);
    if (n > positionals.max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
  }
  return { values, positionals: parsed.positionals };
}

export interface NumberBounds {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/** The flag's value as a number within bounds, or undefined when the flag is absent. */
export function numberFlag(values: ParsedArgs['values'], flag: string, bounds: NumberBounds): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = text === '' ? Number.NaN : Number(text);
  const kind = bounds.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(value) || (bounds.integer && !Number.isInteger(value)) || value < bounds.min || value > bounds.max) {
    throw new UsageError(`--${flag} must be ${kind} from ${bounds.min} to ${bounds.max} (got ${JSON.stringify(String(raw))})`);
  }
  return value;
}

/** The flag's value as a boolean written `true`/`false` (also yes/no, 1/0). */
export function booleanText(values: ParsedArgs['values'], flag: string): boolean | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = String(raw).trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(text)) return true;
  if (['false', 'no', '0', 'off'].includes(text)) return false;
  throw new UsageError(`--${flag} must be true or false (got ${JSON.stringify(String(raw))})`);
}

/** The flag's value when it must be one of a few words. */
export function choiceFlag<T extends string>(values: ParsedArgs['values'], flag: string, choices: readonly T[]): T | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = String(raw).trim().toLowerCase();
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${flag} must be one of ${choices.join(', ')} (got ${JSON.stringify(String(raw))})`);
  return text as T;
}

export function stringFlag(values: ParsedArgs['values'], flag: string): string | undefined {
  const raw = values[flag];
  return raw === undefined ? undefined : String(raw);
}

/** Every value of a repeatable flag (`multiple: true`), in order; empty when absent. */
export function listFlag(values: ParsedArgs['values'], flag: string): string[] {
  const raw = values[flag];
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [String(raw)];
}
