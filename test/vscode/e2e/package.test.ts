// The .vsix from `npm run package` holds only what runs, and stays small.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/codeServer.mjs';
import { zipEntries } from '../harness/zipEntries';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const MAX_BYTES = 2 * 1024 * 1024;

describe('The packaged extension (.vsix)', () => {
  before(function () {
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  });

  it(`is under 2 MB`, () => {
    const size = statSync(vsix).size;
    assert.ok(size < MAX_BYTES, `${(size / 1024).toFixed(0)} KB`);
  });

  it('holds only dist/, media/, the manifest and its translations, README, CHANGELOG and LICENSE', () => {
    const files = zipEntries(vsix).map((e) => e.name).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    const allowed = /^(dist\/.+|media\/.+|package\.json|package\.nls(\.[a-z-]+)?\.json|l10n\/bundle\.l10n(\.[a-z-]+)?\.json|readme\.md|changelog\.md|license(\.txt)?)$/i;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
    assert.deepEqual(files.filter((f) => f.startsWith('dist/test/') || f.endsWith('.map') || f.startsWith('media/screenshots/')), [],
      'tests, source maps and README screenshots stay out');
    for (const required of ['package.json', 'package.nls.json', 'package.nls.ko.json', 'l10n/bundle.l10n.json', 'l10n/bundle.l10n.ko.json', 'readme.md', 'changelog.md', 'license.txt']) {
      assert.ok(files.some((f) => f.toLowerCase() === required), `${required} is missing`);
    }
  });

  it('contains every bundle the manifest and the extension load', () => {
    const files = new Set(zipEntries(vsix).map((e) => e.name.replace(/^extension\//, '')));
    const needed = [manifest.main.replace(/^\.\//, ''), 'dist/worker.js', 'dist/webview/panel.js', 'dist/webview/gradient.js', manifest.icon];
    assert.deepEqual(needed.filter((f) => !files.has(f)), []);
  });
});
