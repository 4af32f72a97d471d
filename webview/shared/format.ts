/**
 * Characters as the views show them. Numbers are printed by the one formatter, src/protocol/format.ts.
 */

const CONTROL_NAMES: Record<number, string> = {
  0x00: '␀', 0x07: '␇', 0x08: '␈', 0x09: '⇥', 0x0a: '↵', 0x0b: '␋', 0x0c: '␌', 0x0d: '␍', 0x1b: '␛', 0x20: '␣', 0x7f: '␡', 0xa0: '⍽',
};

/**
 * A character as something visible: whitespace and control characters become symbols (space ␣,
 * newline ↵, tab ⇥, other C0 controls their Control Pictures), so nothing in the user's text is
 * invisible or acts on the layout.
 */
export function visibleChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (CONTROL_NAMES[cp]) return CONTROL_NAMES[cp];
  if (cp < 0x20) return String.fromCodePoint(0x2400 + cp);
  if ((cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0x200b || cp === 0xfeff) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return ch;
}

/** A whole string with its control characters made visible (for samples); ordinary newlines are kept as line breaks. */
export function visibleText(text: string): string {
  let out = '';
  for (const ch of text) out += ch === '\n' ? '\n' : ch === '\t' || ch === ' ' ? ch : visibleChar(ch);
  return out;
}
