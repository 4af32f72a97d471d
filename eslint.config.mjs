// ESLint flat config: typescript-eslint's recommended rules (not type-aware, to stay fast) over
// src/, webview/, test/ and scripts/. Rules kept to what catches bugs; formatting is not linted.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', fetch: 'readonly',
  AbortSignal: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly',
  clearInterval: 'readonly', setImmediate: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable',
  TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', structuredClone: 'readonly',
};

/**
 * User-facing text in the extension host goes through vscode.l10n.t (docs/localization.md): a
 * string or template literal written straight into a message, a quick pick, an input box, a
 * progress title, a status bar item or a UserError would reach Korean readers in English.
 * `vscode.l10n.t('...')` itself is a call, so it passes; so do identifiers holding its result.
 */
// A lower-case letter: names such as 'LSTM' or 'RNN Lens' are the same in every language.
const TEXTUAL = ':matches(Literal[value=/[a-z]/], TemplateLiteral:has(TemplateElement[value.raw=/[a-z]/]))';
const L10N_MESSAGE = 'User-facing text must go through vscode.l10n.t(...) (see docs/localization.md), then run npm run l10n and translate it in l10n/bundle.l10n.ko.json.';
const l10nRestrictions = [
  `CallExpression[callee.property.name=/^show(Information|Warning|Error)Message$/] > ${TEXTUAL}.arguments`,
  `CallExpression[callee.property.name=/^show(QuickPick|InputBox|OpenDialog|SaveDialog)$/] > ArrayExpression > ${TEXTUAL}`,
  `CallExpression[callee.property.name=/^(show(QuickPick|InputBox|OpenDialog|SaveDialog)|withProgress|createQuickPick|createInputBox)$/] Property[key.name=/^(title|openLabel|saveLabel)$/] > ${TEXTUAL}.value`,
  `Property[key.name=/^(label|description|detail|placeHolder|prompt|tooltip)$/] > ${TEXTUAL}.value`,
  `CallExpression[callee.property.name='report'] Property[key.name='message'] > ${TEXTUAL}.value`,
  `AssignmentExpression[left.property.name=/^(text|tooltip|title|description|placeholder|prompt|validationMessage)$/] > ${TEXTUAL}.right`,
  `NewExpression[callee.name='UserError'] > ${TEXTUAL}.arguments`,
].map((selector) => ({ selector, message: L10N_MESSAGE }));

/**
 * The webviews' text goes through t() (webview/shared/strings.ts), whose table the host sends in
 * the display language: English written straight into the page (textContent, a title, an
 * aria-label, a button, a heading, a chart label) would reach Korean readers in English. Text is a
 * run of three lower-case letters, so symbols ('t = ', 'k →', 'h_t'), the functions of the
 * equations ('tanh', 'softmax') and regex flags pass.
 */
const WORDS = ':matches(Literal[value=/^(?!(tanh|softmax)$)[\\s\\S]*[a-z]{3}/], TemplateLiteral:has(TemplateElement[value.raw=/[a-z]{3}/]))';
const T_MESSAGE = 'Webview text must go through t(\'key\') (webview/shared/strings.ts): add the English to src/protocol/webviewText/, run npm run l10n and translate it in l10n/bundle.l10n.ko.json.';
/** Where a page's text goes: [the node that takes it, the field or argument it is in]. */
const TEXT_PLACES = [
  ['AssignmentExpression[left.property.name=/^(textContent|innerText|title|placeholder)$/]', '.right'],
  ['Property[key.name=/^(text|title|label|shortLabel|name|xLabel|yLabel|emptyText|caption|ariaLabel)$/]', '.value'],
  ['Property[key.value=/^(aria-label|aria-valuetext|title|placeholder|alt)$/]', '.value'],
  ["CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(aria-label|aria-valuetext|title|placeholder|alt)$/]", '.arguments:nth-child(2)'],
  ['CallExpression[callee.property.name=/^(createTextNode|fillText|strokeText)$/]', '.arguments:first-child'],
  ["CallExpression[callee.name='button']", '.arguments:matches(:nth-child(1), :nth-child(2))'],
  ['CallExpression[callee.name=/^(select|checkbox)$/]', '.arguments:first-child'],
  ["CallExpression[callee.name='section']", '.arguments:nth-child(2)'],
];
/**
 * Text reaches its place through a choice or a join as well: `a ? 'Unit' : 'Select a unit'`,
 * `name ?? 'none'`, `'Unit ' + n`, `${a ? 'on' : 'off'}` (never through a call, so t('key') passes).
 */
const THROUGH = ":matches(ConditionalExpression, LogicalExpression, BinaryExpression[operator='+'], TemplateLiteral)";
const INSIDE = ':matches(.consequent, .alternate, .left, .right, .expressions)';
/**
 * A table of tuples (`[['ablate', 'Ablate', (n) => `Ablate ${n}…`]]`) holds text too: a string in a
 * nested array that reads as words (a capital, a space or punctuation; not an id like 'mul_f'),
 * or a template an arrow in it returns.
 */
const PROSE = 'Literal[value=/^(?![a-z][\\w.#:-]*$)(?!(tanh|softmax)$)[\\s\\S]*[a-z]{3}/]';
const webviewRestrictions = [
  ...TEXT_PLACES.flatMap(([place, field]) => [
    `${place} > ${WORDS}${field}`,
    `${place} > ${THROUGH}${field} > ${WORDS}${INSIDE}`,
    `${place} > ${THROUGH}${field} > ${THROUGH}${INSIDE} > ${WORDS}${INSIDE}`,
  ]),
  `ArrayExpression > ArrayExpression > ${PROSE}`,
  `ArrayExpression > ArrayExpression > ArrowFunctionExpression > ${WORDS}.body`,
].map((selector) => ({ selector, message: T_MESSAGE }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.vscode-test/**', 'test-results/**', 'bench/tmp/**', 'samples/**', '**/*.vsix', 'src/engine/kernels/simd/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // tsc already reports unused locals and parameters (noUnused*); `_`-prefixed ones are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Bundled in-host tests and worker bootstraps load modules lazily with require() on purpose.
      '@typescript-eslint/no-require-imports': 'off',
      // Empty catch blocks are allowed when they say why (a comment inside).
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...l10nRestrictions] },
  },
  {
    files: ['webview/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...webviewRestrictions] },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: nodeGlobals },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
