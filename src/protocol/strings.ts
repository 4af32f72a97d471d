/**
 * The text the webviews show, in the display language. The webviews have no `vscode.l10n`, so
 * the host translates this table (src/extension/webviewStrings.ts, one `vscode.l10n.t` per entry,
 * which @vscode/l10n-dev extracts into l10n/bundle.l10n.json) and hands it to each page with the
 * locale, in the page's HTML, before the page's script runs: nothing is drawn in English first.
 *
 * `WEBVIEW_STRINGS_EN` is the English, the keys' one list and the page's fallback (the webview
 * tests load the pages without a host). A string may hold `{0}`-style placeholders, filled by
 * `formatString`; numbers are formatted by src/protocol/format.ts before they go in.
 *
 * No `vscode`, no DOM, no Node built-ins: the host, the webviews and plain-Node tests share it.
 */

export const WEBVIEW_STRINGS_EN = {
  // Panel sections
  'panel.graph.heading': 'Unrolled computation graph',
  'panel.cell.heading': 'Cell at the cursor',
  'panel.heatmap.heading': 'Activations: units × timesteps',
  'panel.predictions.heading': 'Predictions',
  'panel.loss.heading': 'Loss',
  'panel.samples.heading': 'Samples over training',
  'panel.saturation.heading': 'Gate saturation over training',
  // Gradient Flow sections
  'gradient.diagnosis.heading': 'Diagnosis',
  'gradient.norms.heading': '‖dL/dh_t‖ per timestep (log scale)',
  'gradient.matrix.heading': 'Itemized BPTT: ‖d(L_t/T)/dh_k‖',
  'gradient.jacobian.heading': 'Step Jacobians ‖dh_t/dh_{t-1}‖',
  'gradient.training.heading': 'Over training',
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

/** `template` with `{0}`, `{1}`... replaced by `args`; a placeholder without an argument stays. */
export function formatString(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}
