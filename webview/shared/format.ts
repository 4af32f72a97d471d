/** Number and character formatting shared by both views. */

/** A compact number: 3 significant digits, exponent form outside [1e-3, 1e4). Non-finite values say so. */
export function fmt(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(digits - 1).replace('e+', 'e');
  return String(Number(x.toPrecision(digits)));
}

export function fmtInt(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

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

/** A spoken name for the screen-reader text. */
export function spokenChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp === 0x20) return 'space';
  if (cp === 0x0a) return 'newline';
  if (cp === 0x09) return 'tab';
  if (cp === 0x0d) return 'carriage return';
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) return `control U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${ch}"`;
}

/** A whole string with its control characters made visible (for samples); ordinary newlines are kept as line breaks. */
export function visibleText(text: string): string {
  let out = '';
  for (const ch of text) out += ch === '\n' ? '\n' : ch === '\t' || ch === ' ' ? ch : visibleChar(ch);
  return out;
}
