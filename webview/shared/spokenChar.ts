/** Characters as screen readers say them, in the page's language (webview/shared/format.ts shows them). */

import { t } from './strings';

/** A spoken name for the screen-reader text: "space", "newline", or the character in quotes. */
export function spokenChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp === 0x20) return t('char.space');
  if (cp === 0x0a) return t('char.newline');
  if (cp === 0x09) return t('char.tab');
  if (cp === 0x0d) return t('char.return');
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return t('char.control', `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
  return `"${ch}"`;
}
