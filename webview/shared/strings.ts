/**
 * The one lookup of the webviews' text: `t('panel.loss.heading')`, `t('some.key', formatCount(n))`.
 * The host puts the table, in VS Code's display language, on the body of the page's HTML
 * (src/protocol/strings.ts); a page without it (the webview tests) speaks English. Numbers, and
 * the words printed with them, are written the display language's way from then on (src/protocol/format.ts).
 */

import { formatString, formatWordsFrom, parseStringsMessage, WEBVIEW_STRINGS_EN, type WebviewStringKey, type WebviewStrings } from '../../src/protocol/strings';
import { setFormatWords, setNumberLocale } from '../../src/protocol/format';

function fromPage(): { locale: string; strings: WebviewStrings } {
  try {
    const message = parseStringsMessage(JSON.parse(document.body.dataset.strings ?? 'null'));
    if (message) return message;
  } catch { /* not JSON: English */ }
  return { locale: 'en', strings: WEBVIEW_STRINGS_EN };
}

const { locale, strings } = fromPage();
setNumberLocale(locale);
setFormatWords(formatWordsFrom(strings));

/** The page's display language ("en", "ko"). */
export const pageLocale = locale;

export function t(key: WebviewStringKey, ...args: (string | number)[]): string {
  return args.length > 0 ? formatString(strings[key], args) : strings[key];
}
