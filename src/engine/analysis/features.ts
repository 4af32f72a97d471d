/**
 * Features of a text, one value per character position t (a code point index), that a unit may
 * track (Karpathy et al. 2015 found quote, bracket and line-length cells by eye). neurons.ts
 * correlates every unit with each of them.
 *
 *   in-quotes      the number of `"` in text[0..t], modulo 2 (the opening quote is inside, the closing one outside)
 *   in-brackets    1 when the bracket depth after text[t] is above 0 (`([{` add one, `)]}` take one, never below 0)
 *   line-position  t minus the index of the last newline at or before t (-1 when there is none)
 *   whitespace     1 when text[t] matches \s
 *   NAME=REGEX     1 inside any match of REGEX (JavaScript syntax, flags gu), 0 elsewhere
 */

import { InputError } from '../errors';

export const BUILTIN_FEATURES = ['in-quotes', 'in-brackets', 'line-position', 'whitespace'] as const;

/** A feature by name: a built-in one, or a regular expression's matches. */
export interface FeatureSpec {
  readonly name: string;
  /** The regular expression's source (flags gu); absent for a built-in feature. */
  readonly pattern?: string;
}

/** Reads one `NAME=REGEX`; the name may not be empty or repeat a built-in. */
export function parseFeature(spec: string): FeatureSpec {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new InputError(`${JSON.stringify(spec)} is not a feature; write NAME=REGEX, e.g. digits=[0-9]+`, 'featureSyntax', { spec: JSON.stringify(spec) });
  const name = spec.slice(0, eq).trim();
  const pattern = spec.slice(eq + 1);
  if (name === '') throw new InputError(`${JSON.stringify(spec)}: the feature needs a name before =`, 'featureNoName', { spec: JSON.stringify(spec) });
  if (pattern === '') throw new InputError(`${JSON.stringify(spec)}: the feature needs a regular expression after =`, 'featureNoPattern', { spec: JSON.stringify(spec) });
  if ((BUILTIN_FEATURES as readonly string[]).includes(name)) throw new InputError(`${name} is a built-in feature; give yours another name`, 'featureBuiltin', { name });
  compilePattern(name, pattern); // refuse a bad pattern now, with its own error
  return { name, pattern };
}

/** The built-in features, then `custom` in order; two features of one name are refused. */
export function featureList(custom: readonly FeatureSpec[]): FeatureSpec[] {
  const all = [...BUILTIN_FEATURES.map((name) => ({ name })), ...custom];
  const names = new Set<string>();
  for (const f of all) {
    if (names.has(f.name)) throw new InputError(`two features are called ${f.name}; give each its own name`, 'featureTwice', { name: f.name });
    names.add(f.name);
  }
  return all;
}

function compilePattern(name: string, pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'gu');
  } catch (e) {
    throw new InputError(`feature ${name}: ${(e as Error).message}`, 'featureBadRegex', { name, detail: (e as Error).message });
  }
}

/**
 * The feature's value at each position in turn: call `next(ch)` with text[0], text[1], ... (each
 * a code point as a string) and it returns the value at that position. Regex features read the
 * whole text up front (`text`), the built-ins carry their state along.
 */
export function featureScanner(spec: FeatureSpec, text: string): (ch: string) => number {
  if (spec.pattern !== undefined) {
    const inside = matchMask(compilePattern(spec.name, spec.pattern), text);
    let t = 0;
    return () => inside[t++];
  }
  switch (spec.name) {
    case 'in-quotes': {
      let quotes = 0;
      return (ch) => {
        if (ch === '"') quotes++;
        return quotes % 2;
      };
    }
    case 'in-brackets': {
      let depth = 0;
      return (ch) => {
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
        return depth > 0 ? 1 : 0;
      };
    }
    case 'line-position': {
      let t = -1;
      let lastNewline = -1;
      return (ch) => {
        t++;
        if (ch === '\n') lastNewline = t;
        return t - lastNewline;
      };
    }
    case 'whitespace':
      return (ch) => (/\s/u.test(ch) ? 1 : 0);
    default:
      throw new InputError(`unknown feature ${spec.name}; the built-in ones are ${BUILTIN_FEATURES.join(', ')}`, 'featureUnknown', { name: spec.name, builtins: BUILTIN_FEATURES.join(', ') });
  }
}

/** The feature's value at every position of the text (for a sparkline, or a test). */
export function featureValues(spec: FeatureSpec, text: string): Float64Array {
  const next = featureScanner(spec, text);
  const out: number[] = [];
  for (const ch of text) out.push(next(ch));
  return Float64Array.from(out);
}

/** 1 at every code point inside a match of `re` (global, unicode), 0 elsewhere. */
function matchMask(re: RegExp, text: string): Uint8Array {
  // Code point index of each UTF-16 index, for the match boundaries.
  const cpAt = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    cpAt[i] = cp;
    if (text.codePointAt(i)! > 0xffff) cpAt[++i] = cp;
    cp++;
  }
  cpAt[text.length] = cp;
  const inside = new Uint8Array(cp);
  for (const m of text.matchAll(re)) inside.fill(1, cpAt[m.index!], cpAt[m.index! + m[0].length]);
  return inside;
}
