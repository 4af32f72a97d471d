/**
 * The text the webviews show, in the display language. The webviews have no `vscode.l10n`, so
 * the host translates this table (src/extension/webviewText/, one `vscode.l10n.t` per entry,
 * which @vscode/l10n-dev extracts into l10n/bundle.l10n.json) and hands it to each page with the
 * locale, in the page's HTML, before the page's script runs: nothing is drawn in English first.
 *
 * `WEBVIEW_STRINGS_EN` is the English, the keys' one list and the page's fallback (the webview
 * tests load the pages without a host). A string may hold `{0}`-style placeholders, filled by
 * `formatString`; numbers are formatted by src/protocol/format.ts before they go in.
 *
 * The English is kept per view in src/protocol/webviewText/; the host's literal copies in
 * src/extension/webviewText/ are generated from it (scripts/webviewStrings.mjs, run by
 * `npm run l10n`), and l10n/bundle.l10n.ko.json holds the Korean, keyed by the English.
 *
 * No `vscode`, no DOM, no Node built-ins: the host, the webviews and plain-Node tests share it.
 */

import { type FormatWords } from './format';
import { CELL_EN } from './webviewText/cell';
import { EXPERIMENT_EN } from './webviewText/experiment';
import { GRADIENT_EN } from './webviewText/gradient';
import { INSIGHT_EN } from './webviewText/insight';
import { PANEL_EN } from './webviewText/panel';
import { SHARED_EN } from './webviewText/shared';
import { UNITS_EN } from './webviewText/units';

export const WEBVIEW_STRINGS_EN = {
  ...SHARED_EN, ...PANEL_EN, ...CELL_EN, ...GRADIENT_EN, ...INSIGHT_EN, ...UNITS_EN, ...EXPERIMENT_EN,
} as const;

export type WebviewStringKey = keyof typeof WEBVIEW_STRINGS_EN;
export type WebviewStrings = Readonly<Record<WebviewStringKey, string>>;

/** What the host gives a page: its display language and the table in it. */
export interface StringsMessage {
  readonly type: 'strings';
  /** A BCP 47 tag, VS Code's display language ("en", "ko"). */
  readonly locale: string;
  readonly strings: WebviewStrings;
}

export const WEBVIEW_STRING_KEYS = Object.keys(WEBVIEW_STRINGS_EN) as WebviewStringKey[];

const MAX_STRING = 2000;

/**
 * Validates a strings message from the host: a known locale tag and, per key, a capped string.
 * Keys it lacks keep their English (an older host, a missing translation); unknown keys are
 * dropped. Anything that is not a strings message gives null.
 */
export function parseStringsMessage(raw: unknown): StringsMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = raw as Record<string, unknown>;
  if (v.type !== 'strings' || typeof v.locale !== 'string' || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(v.locale)) return null;
  if (typeof v.strings !== 'object' || v.strings === null) return null;
  const given = v.strings as Record<string, unknown>;
  const strings = { ...WEBVIEW_STRINGS_EN } as Record<WebviewStringKey, string>;
  for (const key of WEBVIEW_STRING_KEYS) {
    const s = given[key];
    if (typeof s === 'string' && s.length > 0 && s.length <= MAX_STRING) strings[key] = s;
  }
  return { type: 'strings', locale: v.locale, strings };
}

const STATES = ['idle', 'starting', 'training', 'paused', 'stopping', 'stopped', 'failed'] as const;

/** The formatter's words (src/protocol/format.ts) from a strings table: the host and each page set them from the same one. */
export function formatWordsFrom(s: WebviewStrings): FormatWords {
  return {
    charsPerSec: s['format.charsPerSec'], onThreads: s['format.onThreads'], whileTraining: s['format.whileTraining'],
    valNone: s['format.valNone'], val: s['format.val'], valAtStep: s['format.valAtStep'],
    states: Object.fromEntries(STATES.map((state) => [state, s[`state.${state}`]])),
  };
}

/** `template` with `{0}`, `{1}`... replaced by `args`; a placeholder without an argument stays. */
export function formatString(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}

/** A page's t(), as the pure modules that word things take it (the experiment sentence, the diagnosis). */
export type Translate = (key: WebviewStringKey, ...args: (string | number)[]) => string;

/** t() in English: for tests, the CLI and anything without a page. */
export const englishT: Translate = (key, ...args) => formatString(WEBVIEW_STRINGS_EN[key], args);
