/**
 * The one number formatter of RNN Lens. Every number a user reads -- the status bar, the panel's
 * header, the graph, the charts and their axes, the colour bars, tooltips, the Gradient Flow
 * view -- is printed by a function here, chosen by the quantity it is, so the same quantity
 * prints the same way wherever it appears ("loss 1.927" in the status bar and in the header,
 * never "0.000" beside "2.786e-4").
 *
 * Why in src/protocol/: this is the one folder both the extension host and the webviews already
 * import (and both tsconfigs include), it is pure (no `vscode`, no DOM, no Node built-ins), and
 * how a number sent across the channel is shown is part of the contract between the two ends:
 * the host sends raw numbers, both sides print them with these rules. The webview imports nothing
 * from src/engine/ to use it.
 *
 * Precision is by quantity, in significant digits, kept with trailing zeros so that neighbouring
 * numbers line up and compare: losses 4 (they are compared across steps to the third decimal),
 * probabilities 2, everything else (activations, norms, ratios, singular values) 3. Magnitudes
 * below 1e-3 switch to exponent form ("2.786e-4") rather than printing zeros; counts and rates
 * are whole numbers with thousands separators.
 *
 * Separators follow the display language (setNumberLocale: the host sets VS Code's, and sends it
 * to each webview with its strings): "1,927.5" in English and Korean, "1.927,5" in German. So do
 * the few words printed with the numbers ("chars/s", "val … at step …", the session states):
 * setFormatWords, from the webviews' strings table (formatWordsFrom), in the host and in each page.
 */

/** The words around the numbers, as templates with {0}-style placeholders. */
export interface FormatWords {
  /** '{0} chars/s' */
  readonly charsPerSec: string;
  /** '{0} on {1} threads' */
  readonly onThreads: string;
  /** '{0} ({1} while training)': a state and the last rate measured while training. */
  readonly whileTraining: string;
  /** 'val —': no validation loss yet. */
  readonly valNone: string;
  /** 'val {0}' */
  readonly val: string;
  /** 'val {0} at step {1}' */
  readonly valAtStep: string;
  /** A session state's name ("paused"); states without one print as they are. */
  readonly states: Readonly<Record<string, string>>;
}

export const FORMAT_WORDS_EN: FormatWords = {
  charsPerSec: '{0} chars/s', onThreads: '{0} on {1} threads', whileTraining: '{0} ({1} while training)',
  valNone: 'val —', val: 'val {0}', valAtStep: 'val {0} at step {1}', states: {},
};

let words: FormatWords = FORMAT_WORDS_EN;

/** Prints the words around numbers in the display language from now on. */
export function setFormatWords(w: FormatWords): void {
  words = w;
}

/** `template` with `{0}`, `{1}`... replaced by `args` (src/protocol/strings.ts's formatString, without its table). */
function fill(template: string, ...args: string[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => args[Number(i)] ?? whole);
}

let numberLocale = 'en-US';
let decimalSeparator = '.';

/** Writes numbers the way `locale` does from now on; an unknown locale falls back to English. */
export function setNumberLocale(locale: string): void {
  try {
    const parts = new Intl.NumberFormat(locale).formatToParts(1.5);
    numberLocale = locale;
    decimalSeparator = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  } catch {
    numberLocale = 'en-US';
    decimalSeparator = '.';
  }
}

/** The locale numbers are written in (for tests and for sending to the webviews). */
export function getNumberLocale(): string {
  return numberLocale;
}

/** `text` (digits, '.', '-', 'e') with the locale's decimal separator. */
function localDecimal(text: string): string {
  return decimalSeparator === '.' ? text : text.replace('.', decimalSeparator);
}

/** Significant digits per kind of quantity. */
export const DIGITS = { loss: 4, probability: 2, value: 3 } as const;

/** Below this magnitude a number is written with an exponent: 0.000 would hide it. */
const SMALL = 1e-3;
/** From this magnitude on, an exponent again (a long run of digits is not readable). */
const LARGE = 1e6;

/**
 * `x` to `digits` significant digits: "1.927", "0.2786", "2.786e-4", "1.2e+7" written "1.2e7".
 * Numbers of more integer digits than `digits` (up to a million) print as whole numbers with
 * separators ("12,345"): rounding them to "1.23e4" would read as a different kind of number.
 */
export function formatSignificant(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  // The exponent after rounding: 0.0009996 to 3 digits is 1.00e-3.
  const rounded = Number(a.toPrecision(digits));
  if (rounded < SMALL || rounded >= LARGE) return localDecimal(x.toExponential(digits - 1).replace('e+', 'e'));
  if (rounded >= 10 ** digits) return Math.round(x).toLocaleString(numberLocale);
  return localDecimal(x.toPrecision(digits));
}

/** A loss (cross-entropy) in nats: 4 significant digits (fewer only where `digits` says so, see lossDigitsToFit). */
export function formatLoss(x: number, digits: number = DIGITS.loss): string {
  return formatSignificant(x, digits);
}

/**
 * The significant digits a row of loss labels can afford: 4 when every label fits (`fits` measures
 * one), else 3, else 2. One precision for the whole row, so neighbouring losses still compare
 * digit by digit; small losses ("0.002920", "7.848e-4") are the ones that need the room.
 */
export function lossDigitsToFit(losses: Iterable<number>, fits: (label: string) => boolean): number {
  const all = [...losses];
  for (let digits = DIGITS.loss; digits > 2; digits--) if (all.every((x) => fits(formatLoss(x, digits)))) return digits;
  return 2;
}

/** A probability: 2 significant digits ("0.37", "0.050", "3.9e-5"). */
export function formatProbability(p: number): string {
  return formatSignificant(p, DIGITS.probability);
}

/** Any other real quantity (activations, gate values, norms, ratios, singular values, learning rates): 3 significant digits. */
export function formatValue(x: number): string {
  return formatSignificant(x, DIGITS.value);
}

/** A count (steps, characters, parameters): a whole number with thousands separators ("1,156"). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return formatSignificant(n, 1);
  return Math.round(n).toLocaleString(numberLocale);
}

/** A training speed: whole characters per second with separators ("20,975 chars/s"); `template` ('{0} chars/s') in the reader's language. */
export function formatRate(charsPerSec: number, template = words.charsPerSec): string {
  return fill(template, formatCount(charsPerSec));
}

/** A session state ("paused") in the display language. */
export function formatState(state: string): string {
  return words.states[state] ?? state;
}

/**
 * An axis or colour-bar tick: the shortest exact form of a round number, so ticks at powers of
 * ten read "0.001", "1", "1,000" in the ordinary range and "1e-5" outside it, and 1-2-5 ticks
 * read "0.02", "0.05", "0.1".
 */
export function formatTick(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatSignificant(v, 1);
  const a = Math.abs(v);
  const clean = Number(v.toPrecision(6));
  if (a < SMALL || a >= LARGE) return localDecimal(clean.toExponential().replace('e+', 'e'));
  if (a >= 1000) return clean.toLocaleString(numberLocale);
  return localDecimal(String(clean));
}

/** The rate "on 2 threads" when training is data-parallel (rnnLens.workers), the rate alone on one thread. */
function withThreads(rate: string, threads: number): string {
  return threads > 1 ? fill(words.onThreads, rate, formatCount(threads)) : rate;
}

/**
 * The training speed as every view says it (status bar, panel header, messages), from the same
 * reports: the live rate while training; otherwise never "0 chars/s" (that reads as "stuck") but
 * the state and the last rate measured while training, if any.
 */
export function formatSpeed(s: { readonly state: string; readonly charsPerSec: number; readonly lastRate: number; readonly threads: number }): string {
  if (s.state === 'training') return withThreads(formatRate(s.charsPerSec), s.threads);
  return s.lastRate > 0 ? fill(words.whileTraining, formatState(s.state), withThreads(formatRate(s.lastRate), s.threads)) : formatState(s.state);
}

/** A validation loss with the step it was measured at ("val 4.708 at step 0"): it is measured less often than progress is shown. */
export function formatValidation(valLoss: number | null, valStep: number | null | undefined): string {
  if (valLoss === null) return words.valNone;
  return valStep === null || valStep === undefined ? fill(words.val, formatLoss(valLoss)) : fill(words.valAtStep, formatLoss(valLoss), formatCount(valStep));
}
