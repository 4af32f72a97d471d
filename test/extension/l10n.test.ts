/**
 * Korean and English: every manifest string and every runtime message has its Korean translation,
 * the English bundle is the one @vscode/l10n-dev extracts from the source today, and text written
 * straight into a message (bypassing vscode.l10n.t) fails the lint.
 */

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..');
const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const pkg = readJson('package.json');

/** Messages in a bundle are strings or { message, comment } (when the source gives a comment). */
function messages(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(readJson(file))) {
    out[key] = typeof value === 'string' ? value : (value as { message: string }).message;
  }
  return out;
}

/** The `{0}` / `{name}` placeholders of a message, sorted: a translation keeps every one. */
const placeholders = (text: string): string[] => [...text.matchAll(/\{[A-Za-z0-9_]+\}/g)].map((m) => m[0]).sort();

/** Messages that are only placeholders, symbols and names, the same in both languages ('{0} {1}. {2}', 'KL(p‖p′), nats'). */
const SAME_IN_BOTH = /^(RNN Lens: )?(\{[A-Za-z0-9_]+\}[:. ]*)+$|^KL\(p‖p′\), nats$|^ln V = \{0\}$/;

/** Every string value of the manifest, with where it is. */
function manifestStrings(value: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => manifestStrings(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) manifestStrings(v, `${at}.${k}`, out);
  return out;
}

/**
 * What `npm run l10n` would write today. In a child process: @vscode/l10n-dev deletes
 * WebAssembly.instantiateStreaming from the process that loads it (for its tree-sitter parser),
 * which would break the AssemblyScript build test running in this one.
 */
function extractBundle(): Record<string, unknown> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'rnn-lens-l10n-'));
  try {
    const cli = path.join(root, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js');
    execFileSync(process.execPath, [cli, 'export', '--outDir', outDir, path.join(root, 'src')], { stdio: 'pipe' });
    return JSON.parse(readFileSync(path.join(outDir, 'bundle.l10n.json'), 'utf8'));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

describe('localization: Korean and English', () => {
  const nls = messages('package.nls.json');
  const nlsKo = messages('package.nls.ko.json');
  const bundle = messages('l10n/bundle.l10n.json');
  const bundleKo = messages('l10n/bundle.l10n.ko.json');

  it('the manifest names its bundles, and every %key% it uses is defined in English', () => {
    assert.equal(pkg.l10n, './l10n');
    const keys = manifestStrings(pkg, 'package').flatMap(([at, s]) => (/^%[^%]+%$/.test(s) ? [[at, s.slice(1, -1)]] : []));
    assert.ok(keys.length > 40, `${keys.length} localized manifest strings`);
    assert.deepEqual(keys.filter(([, k]) => !(k in nls)).map(([at]) => at), []);
    const used = new Set(keys.map(([, k]) => k));
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'package.nls.json has no unused keys');
  });

  it('the manifest shows no English to a Korean reader: titles, settings and views are %keys%', () => {
    const contributes = pkg.contributes as Record<string, unknown>;
    const commands = contributes.commands as { command: string; title: string }[];
    assert.deepEqual(commands.filter((c) => !/^%.+%$/.test(c.title)).map((c) => c.command), []);
    const settings = Object.entries((contributes.configuration as { properties: Record<string, { description?: string; markdownDescription?: string; enumDescriptions?: string[] }> }).properties);
    for (const [name, s] of settings) {
      const texts = [s.description ?? s.markdownDescription ?? '', ...(s.enumDescriptions ?? [])];
      assert.deepEqual(texts.filter((t) => !/^%.+%$/.test(t)), [], `${name}: its description is a %key%`);
    }
  });

  it('package.nls.ko.json translates every manifest key, keeping its placeholders', () => {
    assert.deepEqual(Object.keys(nls).filter((k) => !(k in nlsKo)), [], 'keys without a Korean translation');
    assert.deepEqual(Object.keys(nlsKo).filter((k) => !(k in nls)), [], 'Korean keys English no longer has');
    for (const [key, en] of Object.entries(nls)) {
      assert.notEqual(nlsKo[key], en, `${key} is still English in package.nls.ko.json`);
      if (key.endsWith('.media')) {
        // A walkthrough page: its own file in each language.
        assert.ok(existsSync(path.join(root, en)), `${en} exists`);
        assert.ok(existsSync(path.join(root, nlsKo[key])) && nlsKo[key].includes('/ko/'), `${nlsKo[key]} is the Korean page`);
        assert.match(readFileSync(path.join(root, nlsKo[key]), 'utf8'), /[가-힣]/);
        continue;
      }
      assert.deepEqual(placeholders(nlsKo[key]), placeholders(en), `${key} keeps its placeholders`);
      assert.match(nlsKo[key], /[가-힣]/, `${key} is Korean`);
    }
  });

  it('l10n/bundle.l10n.json is what @vscode/l10n-dev extracts from src/ today (run npm run l10n after changing a message)', function () {
    this.timeout(60_000);
    const extracted = extractBundle();
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(extracted).sort());
  });

  it('l10n/bundle.l10n.ko.json translates every runtime message, keeping its placeholders', () => {
    assert.ok(Object.keys(bundle).length > 50);
    assert.deepEqual(Object.keys(bundle).filter((k) => !(k in bundleKo)), [], 'messages without a Korean translation');
    assert.deepEqual(Object.keys(bundleKo).filter((k) => !(k in bundle)), [], 'Korean messages no longer in the source');
    for (const [key, en] of Object.entries(bundle)) {
      assert.deepEqual(placeholders(bundleKo[key]), placeholders(en), `"${key}" keeps its placeholders`);
      if (!SAME_IN_BOTH.test(en)) assert.match(bundleKo[key], /[가-힣]/, `"${key}" is translated`);
    }
  });

  it('keeps the field\'s standard Korean terms and leaves symbols as they are', () => {
    const ko = [...Object.values(nlsKo), ...Object.values(bundleKo)].join('\n');
    for (const term of ['은닉', '망각 게이트', '순환 신경망', '장단기 메모리', '게이트 순환 유닛', '온도', '샘플링', '기울기']) {
      assert.ok(ko.includes(term), `uses ${term}`);
    }
    assert.ok(ko.includes('h_t = tanh(W_ih x_t + W_hh h_{t-1} + b)'), 'the RNN equation is unchanged');
    assert.ok(!/그래디언트|그라디언트/.test(ko), 'gradient is 기울기 throughout');
  });

  it('says each idea with one Korean term in the manifest, the bundle and the walkthrough pages', () => {
    const walkthrough = path.join(root, 'media', 'walkthrough', 'ko');
    const files: [string, string][] = [
      ['package.nls.ko.json', Object.values(nlsKo).join('\n')],
      ['l10n/bundle.l10n.ko.json', Object.values(bundleKo).join('\n')],
      ...readdirSync(walkthrough).filter((f) => f.endsWith('.md')).map((f): [string, string] => [`media/walkthrough/ko/${f}`, readFileSync(path.join(walkthrough, f), 'utf8')]),
    ];
    assert.ok(files.length >= 8, 'the walkthrough has its Korean pages');
    // The term used, and the variants a translator might reach for instead (docs/localization.md).
    const terms: [string, RegExp][] = [
      ['갱신 게이트 (GRU update gate)', /업데이트 게이트/],
      ['은닉 상태', /숨겨진 상태|히든 상태|은닉상태/],
      ['망각 게이트', /포겟 게이트|잊음 게이트|삭제 게이트/],
      ['리셋 게이트', /재설정 게이트|초기화 게이트/],
      ['기울기 소실', /기울기 사라짐|그래디언트 소실|경사 소실/],
      ['기울기 폭발', /기울기 폭주|경사 폭발/],
      ['역전파 / 순전파 (the passes)', /역방향 패스|정방향 패스|순방향 패스|후방 전파/],
      ['창 (the training window)', /윈도우/],
      ['기본 RNN (vanilla)', /바닐라 RNN/],
      ['스텝 (a training step, a step back in time)', /단계 \{|\}단계|첫 단계|단계별/],
    ];
    const found = files.flatMap(([file, text]) => terms.filter(([, banned]) => banned.test(text)).map(([term, banned]) => `${file}: ${text.match(banned)![0]} (use ${term})`));
    assert.deepEqual(found, []);
  });

  it('reads Korean at run time once VS Code loads the Korean bundle (status bar, hover)', () => {
    const { l10n } = require('./fakeVscode') as typeof import('./fakeVscode');
    const { StatusBar } = require('../../src/extension/statusBar') as typeof import('../../src/extension/statusBar');
    l10n.useBundle(bundleKo);
    try {
      const view = { cell: 'lstm', state: 'paused' as const, step: 1234, loss: 1.92734, fileName: 'hello.txt' };
      assert.equal(StatusBar.format(view), '$(debug-pause) LSTM 스텝 1,234 손실 1.927 · 일시 중지됨');
      assert.match(StatusBar.tooltip(view), /^RNN Lens: hello\.txt에서 일시 중지됨\. 클릭하면 패널을 엽니다\.$/);
    } finally {
      l10n.useBundle(undefined);
    }
  });

  describe('the lint rule against webview text that bypasses t()', () => {
    const eslint = new ESLint({ cwd: root });
    const lint = async (code: string): Promise<string[]> => {
      const [result] = await eslint.lintText(code, { filePath: path.join(root, 'webview/insight/l10nProbe.ts') });
      return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => code.split('\n')[m.line - 1].slice(m.column - 1, m.column + 11));
    };
    const header = "import { button, el, section, select } from '../shared/dom';\nimport { t } from '../shared/strings';\ndeclare const n: number;\ndeclare const canvas: HTMLCanvasElement;\nconst ctx = canvas.getContext('2d')!;\n";

    it('flags English in textContent, titles, aria-labels, buttons, headings, options, chart labels and canvas text', async function () {
      this.timeout(60_000);
      const flagged = await lint(`${header}
const p = el('p', { className: 'caption', text: 'Loss per step', attrs: { id: 'x', 'aria-label': \`Chart of \${n} steps\` } });
p.textContent = 'Waiting for training';
p.title = \`step \${n}\`;
p.setAttribute('aria-label', 'Saliency bars');
button('Remove', 'Remove the feature', () => undefined, 'link');
section('why', 'Why This Prediction?');
select('Score', [['grad', 'gradient × input']], 'grad', () => undefined);
const series = [{ label: 'hidden state', x: [], y: [] }];
ctx.fillText('layer', 0, 0);
document.body.append(p, document.createTextNode('sort units'), String(series.length));
`);
      assert.deepEqual(flagged, [
        "'Loss per st", '`Chart of ${', "'Waiting for", '`step ${n}`;', "'Saliency ba", "'Remove', 'R", "'Remove the ", "'Why This Pr", "'Score', [['",
        "'gradient × ", "'hidden stat", "'layer', 0, ", "'sort units'",
      ]);
    });

    it('flags English reaching its place through a choice, a join or a table of tuples', async function () {
      this.timeout(60_000);
      const flagged = await lint(`${header}
declare const on: boolean;
const p = el('p', { text: on ? t('insight.title') : 'Nothing yet' });
p.textContent = on ? \`Unit \${n}:\` : '';
p.title = t('insight.title') + ' (selected)';
p.setAttribute('aria-label', on ? (n > 1 ? 'many units' : t('insight.title')) : t('insight.title'));
const q = el('p', { attrs: { title: \`\${on ? 'open' : t('insight.title')}\` } });
const bar = { name: n > 0 ? 'signed vectors' : t('insight.title') };
const ACTIONS = [['ablate', 'Ablate', (u: string) => \`Ablate \${u} at every character\`], ['hold', 'Hold at…', () => t('insight.title')]];
document.body.append(p, q, String(ACTIONS.length), String(bar));
`);
      assert.deepEqual(flagged, [
        "'Nothing yet", '`Unit ${n}:`', "' (selected)", "'many units'", "'open' : t('", "'signed vect", "'Ablate', (u", '`Ablate ${u}', "'Hold at…', ",
      ]);
    });

    it('passes t(), symbols, ids, class names and regex flags', async function () {
      this.timeout(60_000);
      assert.deepEqual(await lint(`${header}
const p = el('p', { className: 'summary caption', text: t('insight.title'), attrs: { id: 'why-title', 'aria-live': 'polite', 'aria-label': t('insight.why.bars') } });
p.textContent = \`t = \${n} / \${n}\`;
p.setAttribute('aria-label', t('units.spark', 'h 0:1', 'in-quotes'));
button(t('units.remove'), t('units.remove.title', 'x'), () => undefined, 'link');
section('why', t('insight.why.heading'));
select(t('insight.why.score'), [['grad', t('insight.why.score.grad')]], 'grad', () => undefined);
ctx.fillText('k →', 0, 0);
ctx.fillText('tanh', 0, 0);
p.title = \`/\${n}/gu\`;
p.textContent = t(n > 1 ? 'units.remove' : 'insight.title');
p.title = n > 1 ? t('insight.title') : '';
const edges = [['c_prev', 'mul_f'], ['tanh_c', 'mul_o']];
const ops = [['tanh', n]];
document.body.append(String(edges.length), String(ops.length));
`), []);
    });
  });

  describe('the lint rule against text that bypasses vscode.l10n.t', () => {
    const eslint = new ESLint({ cwd: root });
    const lint = async (code: string): Promise<string[]> => {
      const [result] = await eslint.lintText(code, { filePath: path.join(root, 'src/extension/l10nProbe.ts') });
      return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => source(code, m.line, m.column));
    };
    const source = (code: string, line: number, column: number): string => code.split('\n')[line - 1].slice(column - 1, column + 24);
    const header = "import * as vscode from 'vscode';\nimport { UserError } from './userError';\ndeclare const n: number;\n";

    it('flags literals in notifications, quick picks, input boxes, progress titles, status items and UserErrors', async function () {
      this.timeout(60_000);
      const flagged = await lint(`${header}
void vscode.window.showInformationMessage('Training finished.');
void vscode.window.showWarningMessage(\`Step \${n} failed\`, 'Retry');
void vscode.window.showQuickPick([{ label: 'Choose a file...', description: 'any text' }], { placeHolder: 'Pick one' });
void vscode.window.showQuickPick(['first option']);
void vscode.window.showInputBox({ title: 'RNN Lens: Go', prompt: \`From 0 to \${n}\` });
void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'checking...' }, async () => {});
const item = vscode.window.createStatusBarItem();
item.tooltip = 'Click to show the panel.';
throw new UserError('No session is running.');
`);
      assert.deepEqual(flagged.map((s) => s.slice(0, 12)), [
        "'Training fi", '`Step ${n} f', "'Retry');", "'Choose a fi", "'any text' }", "'Pick one' }", "'first optio", "'RNN Lens: G",
        '`From 0 to $', "'checking...", "'Click to sh", "'No session ",
      ]);
    });

    it('passes the same messages written through vscode.l10n.t, and names that read the same in every language', async function () {
      this.timeout(60_000);
      assert.deepEqual(await lint(`${header}
void vscode.window.showInformationMessage(vscode.l10n.t('Training finished.'));
void vscode.window.showWarningMessage(vscode.l10n.t('Step {0} failed', n), vscode.l10n.t('Retry'));
void vscode.window.showQuickPick([{ label: 'LSTM', detail: vscode.l10n.t('Long short-term memory') }]);
void vscode.window.showInputBox({ title: vscode.l10n.t('RNN Lens: Go'), prompt: vscode.l10n.t('From 0 to {0}', n), value: '500' });
throw new UserError(vscode.l10n.t('No session is running.'));
`), []);
    });
  });
});
