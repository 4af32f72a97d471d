import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, SETTING_BOUNDS, CELL_TYPES, OPTIMIZER_KINDS } from '../../src/engine/model/config';
import { COMMAND_IDS } from '../../src/extension/commands';
import { CONTEXT_KEYS } from '../../src/extension/contextKeys';
import { EXTENSION_BOUNDS, EXTENSION_DEFAULTS, TRAIN_SETTING_KEYS } from '../../src/extension/settings';

const root = path.join(__dirname, '..', '..');
import { localizedManifest } from './localizedManifest';

/** The manifest in English (its %keys% resolved through package.nls.json). */
const pkg = localizedManifest();
const contributes = pkg.contributes;

/** Context keys VS Code itself provides that our when-clauses may use. */
const VSCODE_KEYS = new Set([
  'activeWebviewPanelId', 'resourceLangId', 'resourceExtname', 'resourceScheme', 'explorerResourceIsFolder', 'editorTextFocus',
  'editorLangId', 'view', 'editorIsOpen', 'isWorkspaceTrusted', 'virtualWorkspace',
]);
const OUR_KEYS = new Set<string>(Object.values(CONTEXT_KEYS));

/** The context keys a when-clause names: each term's left-hand side (`key`, `!key`, `key == value`, `key =~ /re/`). */
function keysIn(when: string): string[] {
  return when.split(/&&|\|\|/).map((term) => term.replace(/[()!]/g, ' ').trim()).filter(Boolean)
    .map((term) => term.split(/\s*(?:==|!=|=~|>=|<=|>|<|\s)\s*/)[0]);
}

describe('extension: package.json manifest', () => {
  it('declares exactly the commands the extension registers, each with a title and the RNN Lens category', () => {
    const declared = contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(declared, [...COMMAND_IDS].sort());
    for (const c of contributes.commands) {
      assert.ok(c.title && c.title.length > 3, `${c.command} has a title`);
      assert.equal(c.category, 'RNN Lens');
      assert.match(c.command, /^rnnLens\.[a-z][A-Za-z]+$/);
    }
    const titles = Object.fromEntries(contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]));
    assert.equal(titles['rnnLens.train'], 'Train Character Model');
    assert.equal(titles['rnnLens.toggleBackward'], 'Step Backward Through BPTT');
    assert.equal(titles['rnnLens.sampleText'], 'Sample Text...');
  });

  it('every menu entry and keybinding names a declared command', () => {
    const declared = new Set(contributes.commands.map((c: { command: string }) => c.command));
    for (const [menu, entries] of Object.entries(contributes.menus) as [string, { command: string }[]][]) {
      for (const e of entries) assert.ok(declared.has(e.command), `${menu} names ${e.command}`);
    }
    for (const k of contributes.keybindings) assert.ok(declared.has(k.command), `keybinding names ${k.command}`);
  });

  it('offers Train Character Model in the Explorer, editor context and editor title menus for text files', () => {
    for (const menu of ['explorer/context', 'editor/context', 'editor/title']) {
      const entry = contributes.menus[menu].find((e: { command: string }) => e.command === 'rnnLens.train');
      assert.ok(entry, menu);
      assert.match(entry.when, /resourceLangId == plaintext/);
    }
    assert.match(contributes.menus['explorer/context'][0].when, /!explorerResourceIsFolder/);
  });

  it('when-clauses use only our namespaced context keys or known VS Code ones', () => {
    const clauses: string[] = [
      ...Object.values(contributes.menus).flatMap((entries) => (entries as { when?: string }[]).map((e) => e.when ?? '')),
      ...contributes.keybindings.map((k: { when?: string }) => k.when ?? ''),
    ].filter(Boolean);
    assert.ok(clauses.length > 10);
    for (const when of clauses) {
      for (const key of keysIn(when)) {
        assert.ok(OUR_KEYS.has(key) || VSCODE_KEYS.has(key), `unknown context key ${key} in "${when}"`);
      }
    }
  });

  it('hides session commands from the palette without a session, and binds step keys only while the panel has focus', () => {
    const palette = Object.fromEntries(contributes.menus.commandPalette.map((e: { command: string; when: string }) => [e.command, e.when]));
    for (const id of ['rnnLens.pause', 'rnnLens.resume', 'rnnLens.stop', 'rnnLens.trainOneStep', 'rnnLens.sampleText', 'rnnLens.saveModel', 'rnnLens.nextTimestep']) {
      assert.match(palette[id], /rnnLens\.(hasSession|hasModel|isTraining|isPaused|hasTrace)/, id);
    }
    assert.ok(contributes.keybindings.length >= 6);
    for (const k of contributes.keybindings) assert.match(k.when, /^activeWebviewPanelId == 'rnnLens\.trainingPanel'/);
  });

  it('every setting has a type, a default, a description, and numbers have bounds equal to the ones code enforces', () => {
    const props = contributes.configuration.properties;
    const expected = ['cell', 'hiddenSize', 'layers', 'seqLength', 'batchSize', 'optimizer', 'learningRate', 'clipNorm', 'clipValue', 'maxSteps', 'valFraction', 'seed', 'temperature', 'sampleEvery', 'sampleLength', 'traceEvery', 'workers', 'maxFileSizeMB'];
    assert.deepEqual(Object.keys(props).sort(), expected.map((k) => `rnnLens.${k}`).sort());
    for (const [key, p] of Object.entries(props) as [string, Record<string, unknown>][]) {
      assert.ok(p.type, `${key} type`);
      assert.ok('default' in p, `${key} default`);
      assert.ok(typeof p.description === 'string' && (p.description as string).length > 10, `${key} description`);
      if (p.type === 'number' || p.type === 'integer') {
        assert.equal(typeof p.minimum, 'number', `${key} minimum`);
        assert.equal(typeof p.maximum, 'number', `${key} maximum`);
        assert.ok((p.default as number) >= (p.minimum as number) && (p.default as number) <= (p.maximum as number), `${key} default in bounds`);
      }
    }
    for (const [name, field] of Object.entries(TRAIN_SETTING_KEYS)) {
      const p = props[`rnnLens.${name}`];
      const b = SETTING_BOUNDS[field];
      assert.deepEqual([p.minimum, p.maximum, p.type === 'integer', p.default], [b.min, b.max, b.integer, DEFAULT_SETTINGS[field]], name);
    }
    for (const [name, b] of Object.entries(EXTENSION_BOUNDS)) {
      const p = props[`rnnLens.${name}`];
      assert.deepEqual([p.minimum, p.maximum, p.type === 'integer', p.default], [b.min, b.max, b.integer, EXTENSION_DEFAULTS[name as keyof typeof EXTENSION_DEFAULTS]], name);
    }
    assert.deepEqual(props['rnnLens.cell'].enum, [...CELL_TYPES]);
    assert.deepEqual(props['rnnLens.optimizer'].enum, [...OPTIMIZER_KINDS]);
    assert.equal(props['rnnLens.cell'].default, DEFAULT_SETTINGS.cell);
  });

  it('declares the gradient view in its own container with an icon that exists', () => {
    const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'rnnLens');
    assert.ok(existsSync(path.join(root, container.icon)));
    assert.ok(contributes.views.rnnLens.some((v: { id: string; type: string }) => v.id === 'rnnLens.gradientFlow' && v.type === 'webview'));
  });

  it('activates implicitly (no "*") plus the panel serializer and after startup, and declares workspace capabilities on purpose', () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:rnnLens.trainingPanel'));
    // A reloaded window takes the session over or offers to resume it even when the panel was closed
    // (activation is cheap: no worker starts until a session does, see extension.test.ts).
    assert.ok(pkg.activationEvents.includes('onStartupFinished'));
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const key of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations) assert.ok(contributes.configuration.properties[key], key);
    assert.equal(pkg.capabilities.virtualWorkspaces.supported, true);
    assert.equal(pkg.main, './dist/extension.js');
  });
});
