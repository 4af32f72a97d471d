/** The webviews' text: one English table, translated by the host, carried in the page's HTML. */

import { strict as assert } from 'node:assert';
import { formatString, parseStringsMessage, WEBVIEW_STRING_KEYS, WEBVIEW_STRINGS_EN } from '../../src/protocol/strings';
import { buildWebviewHtml } from '../../src/extension/webviewHtml';
import { stringsMessage, webviewStrings } from '../../src/extension/webviewStrings';
import { env, l10n } from '../extension/fakeVscode';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const koBundle = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;

describe('webview strings (src/protocol/strings.ts)', () => {
  afterEach(() => {
    l10n.useBundle(undefined);
    env.language = 'en';
  });

  it('the host\'s table is WEBVIEW_STRINGS_EN, key for key, when VS Code speaks English', () => {
    assert.deepEqual(webviewStrings(), WEBVIEW_STRINGS_EN);
  });

  it('in Korean every webview string is translated, symbols kept', () => {
    l10n.useBundle(koBundle);
    env.language = 'ko';
    const message = stringsMessage();
    assert.equal(message.locale, 'ko');
    // The Korean table has the English one's keys, none empty...
    assert.deepEqual(Object.keys(message.strings).sort(), [...WEBVIEW_STRING_KEYS].sort());
    assert.deepEqual(WEBVIEW_STRING_KEYS.filter((k) => message.strings[k].trim() === ''), []);
    // ...and every string with English words in it reads in Korean, its placeholders kept.
    // Words: three lower-case letters, once placeholders, symbols (h_t, W_hh) and 'nats' are out.
    const hasWords = (en: string): boolean => /[a-z]{3}/.test(en.replace(/\{\d+\}|\b\w*_\w*\b|\bnats\b/g, ''));
    const english = WEBVIEW_STRING_KEYS.filter((k) => hasWords(WEBVIEW_STRINGS_EN[k]) && !/[가-힣]/.test(message.strings[k]));
    assert.deepEqual(english, []);
    const holes = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
    assert.deepEqual(WEBVIEW_STRING_KEYS.filter((k) => holes(message.strings[k]).join() !== holes(WEBVIEW_STRINGS_EN[k]).join()), [], 'placeholders kept');
    assert.match(message.strings['gradient.jacobian.heading'], /‖dh_t\/dh_\{t-1\}‖/);
  });

  it('validates what a page is given: locale tag, known keys, capped strings; English fills the gaps', () => {
    const parsed = parseStringsMessage({ type: 'strings', locale: 'ko', strings: { 'panel.loss.heading': '손실', bogus: 'x', 'panel.predictions.heading': 7 } });
    assert.ok(parsed);
    assert.equal(parsed.strings['panel.loss.heading'], '손실');
    assert.equal(parsed.strings['panel.predictions.heading'], 'Predictions');
    assert.ok(!('bogus' in parsed.strings));
    assert.equal(parseStringsMessage({ type: 'strings', locale: 'ko"><script>', strings: {} }), null);
    assert.equal(parseStringsMessage({ type: 'session', locale: 'ko', strings: {} }), null);
    assert.equal(parseStringsMessage(null), null);
    const long = parseStringsMessage({ type: 'strings', locale: 'en', strings: { 'panel.loss.heading': 'x'.repeat(5000) } });
    assert.equal(long?.strings['panel.loss.heading'], 'Loss');
  });

  it('fills numbered placeholders and leaves others (formulas) alone', () => {
    assert.equal(formatString('스텝 {0}, 손실 {1}', ['1,234', '1.927']), '스텝 1,234, 손실 1.927');
    assert.equal(formatString('h_{t-1} and {2}', ['a']), 'h_{t-1} and {2}');
  });

  it('travels in the page\'s HTML, escaped, with the page language', () => {
    l10n.useBundle(koBundle);
    env.language = 'ko';
    const html = buildWebviewHtml({
      cspSource: 'https://x', title: 'RNN Lens', scriptUri: 'https://x/p.js', styleUris: [], strings: stringsMessage(), waiting: '기다리는 중 <…>',
    });
    assert.match(html, /<html lang="ko">/);
    assert.match(html, /<p class="waiting">기다리는 중 &lt;…&gt;<\/p>/);
    const attribute = /<body data-strings="([^"]*)">/.exec(html)?.[1];
    assert.ok(attribute, 'the body carries the strings');
    const decoded = attribute.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    assert.deepEqual(parseStringsMessage(JSON.parse(decoded)), stringsMessage());
  });
});
