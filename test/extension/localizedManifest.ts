/**
 * package.json as VS Code shows it in a language: every "%key%" replaced by its text from
 * package.nls.json (English) or package.nls.<language>.json, the way VS Code localizes a manifest.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the manifest is untyped JSON, read by tests
export function localizedManifest(language?: string): any {
  const texts = { ...read('package.nls.json'), ...(language ? read(`package.nls.${language}.json`) : {}) } as Record<string, string>;
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const key = /^%([^%]+)%$/.exec(value)?.[1];
      return key !== undefined && key in texts ? texts[key] : value;
    }
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  return replace(read('package.json'));
}
