/**
 * The lecture's notation in the webviews' text: the string tables write maths the way one types it
 * ("dL/dc_{t−1} = dL/dc_t ⊙ f_t", "f^10"), and this turns it into what a reader expects:
 * ∂L/∂c<sub>t−1</sub> and f<sup>10</sup> in the page (real sub and sup elements, built as nodes, so
 * nothing in the text is ever parsed as HTML), and the closest Unicode (∂L/∂cₜ₋₁, f¹⁰) where only
 * plain text can go (canvas labels, attributes).
 *
 * Only notation is touched: a subscript follows a one-letter symbol (h_t, W_hh, L_63, c_{t−1}; a
 * file name such as min_char_rnn.py is left alone), a power follows a letter or a bracket (f^10),
 * and d becomes ∂ only inside a derivative written as a fraction (dL/dh, d(L_t/T)/dh_k).
 * Pure (no DOM; mathDom.ts builds the page's nodes), so the parsing is tested on its own.
 */

export type MathPart = { kind: 'text' | 'sub' | 'sup'; text: string };

/** A symbol with an optional subscript, as the fraction's numerator or denominator. */
const SYMBOL = String.raw`(?:\([^()]*\)|[A-Za-z](?:_(?:\{[^}]*\}|[-−]?[A-Za-z0-9]+))?)`;
const DERIVATIVE = new RegExp(String.raw`(^|[^A-Za-z0-9_])d(${SYMBOL})/d(${SYMBOL})`, 'g');
/** h_t, W_hh, c_{t−1}, h_-1 (the state before the window), ∂h_t: one letter (or σ), not inside a longer word. */
const SCRIPT = /(^|[^A-Za-z0-9_])([A-Za-zσ])_(\{[^}]*\}|[-−]?[A-Za-z0-9]+)|([A-Za-z)])\^(\{[^}]*\}|[0-9]+)/g;

/** `text` with derivatives written with ∂ ("dL/dh_t" → "∂L/∂h_t"). */
function partials(text: string): string {
  return text.replace(DERIVATIVE, (_all, before: string, top: string, bottom: string) => `${before}∂${top}/∂${bottom}`);
}

const unbrace = (s: string): string => (s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1) : s);

/** `text` split into plain runs, subscripts and superscripts. */
export function mathParts(text: string): MathPart[] {
  const s = partials(text);
  const out: MathPart[] = [];
  const push = (kind: MathPart['kind'], t: string): void => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind === 'text') last.text += t;
    else out.push({ kind, text: t });
  };
  let at = 0;
  for (const m of s.matchAll(SCRIPT)) {
    const index = m.index ?? 0;
    push('text', s.slice(at, index));
    if (m[2] !== undefined) {
      push('text', m[1] + m[2]);
      push('sub', unbrace(m[3]));
    } else {
      push('text', m[4]);
      push('sup', unbrace(m[5]));
    }
    at = index + m[0].length;
  }
  push('text', s.slice(at));
  return out;
}

const SUB: Record<string, string> = {
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '−': '₋', '-': '₋', '+': '₊', '=': '₌', '(': '₍', ')': '₎',
  a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ', n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ', s: 'ₛ', t: 'ₜ', u: 'ᵤ', v: 'ᵥ', x: 'ₓ',
};
const SUP: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '−': '⁻', '-': '⁻', '+': '⁺', '(': '⁽', ')': '⁾', n: 'ⁿ', i: 'ⁱ', t: 'ᵗ', k: 'ᵏ',
};

/** A script in Unicode when every character has a form for it; else as typed ("_{…}", "^{…}"). */
function scriptText(kind: 'sub' | 'sup', text: string): string {
  const table = kind === 'sub' ? SUB : SUP;
  const chars = [...text];
  if (chars.every((c) => table[c] !== undefined)) return chars.map((c) => table[c]).join('');
  return `${kind === 'sub' ? '_' : '^'}${chars.length > 1 ? `{${text}}` : text}`;
}

/** `text` as plain Unicode notation, for a canvas or an attribute: "∂L/∂cₜ₋₁", "f¹⁰". */
export function mathText(text: string): string {
  return mathParts(text).map((p) => (p.kind === 'text' ? p.text : scriptText(p.kind, p.text))).join('');
}
