import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_NAMES } from '../../src/cli/run';
import { localizedManifest } from '../extension/localizedManifest';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = localizedManifest() as {
  contributes: { commands: { title: string }[]; configuration: { properties: Record<string, { default: unknown }> } };
};

// The README is the user's manual: it must not fall behind the manifest.
describe('README', () => {
  it('starts with the two commands that work on a fresh machine', () => {
    const head = readme.slice(0, 400);
    assert.match(head, /npm ci && npm start/);
    assert.match(head, /npm test/);
  });
  it('names every command of the manifest', () => {
    const missing = manifest.contributes.commands
      .map((c) => c.title.replace(/\.\.\.$/, ''))
      .filter((title) => !readme.includes(title));
    assert.deepEqual(missing, []);
  });
  it('documents every setting with its default', () => {
    for (const [key, spec] of Object.entries(manifest.contributes.configuration.properties)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      assert.ok(row, `${key} has no row in the settings table`);
      assert.ok(row.includes(`| ${JSON.stringify(spec.default)} |`), `${key}: the README's default is not ${JSON.stringify(spec.default)}`);
    }
  });
  it('documents every CLI command', () => {
    for (const command of COMMAND_NAMES) {
      assert.match(readme, new RegExp(`rnn-lens ${command}\\b`), `rnn-lens ${command} is not documented`);
    }
  });
  it('shows only screenshots that exist', () => {
    for (const [, path] of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
      assert.doesNotThrow(() => readFileSync(join(root, path)), `${path} is missing`);
    }
  });
});
