import { strict as assert } from 'node:assert';
import { buildWebviewHtml, contentSecurityPolicy, makeNonce, escapeHtml } from '../../src/extension/webviewHtml';

const opts = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', title: 'RNN Lens <test>', scriptUri: 'https://x/dist/webview/panel.js', styleUris: ['https://x/dist/webview/panel.css'] };

describe('webviewHtml', () => {
  it('states the strict CSP exactly', () => {
    assert.equal(contentSecurityPolicy('SRC', 'N0nce'),
      "default-src 'none'; script-src 'nonce-N0nce'; style-src SRC; img-src SRC data:; font-src SRC; base-uri 'none'; form-action 'none'");
  });

  it('uses a fresh nonce per render, on every script tag, and the same nonce in the CSP', () => {
    const a = buildWebviewHtml(opts);
    const b = buildWebviewHtml(opts);
    const nonceOf = (html: string): string => /script-src 'nonce-([^']+)'/.exec(html)![1];
    assert.notEqual(nonceOf(a), nonceOf(b));
    assert.ok(nonceOf(a).length >= 22, 'at least 128 bits');
    const scripts = a.match(/<script\b[^>]*>/g) ?? [];
    assert.ok(scripts.length >= 1);
    for (const s of scripts) assert.ok(s.includes(`nonce="${nonceOf(a)}"`), s);
    const nonces = new Set(Array.from({ length: 50 }, makeNonce));
    assert.equal(nonces.size, 50);
  });

  it('has no inline styles, inline scripts, event handlers or unsafe sources', () => {
    const html = buildWebviewHtml(opts);
    assert.ok(!/<style\b/i.test(html), 'no <style>');
    assert.ok(!/\sstyle=/i.test(html), 'no style attributes');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no on* handlers');
    assert.ok(!/unsafe-(inline|eval)/.test(html));
    for (const s of html.match(/<script\b[^>]*>([\s\S]*?)<\/script>/g) ?? []) assert.match(s, /src="[^"]+"><\/script>$/, 'scripts load from files only');
    assert.ok(html.includes('<link rel="stylesheet" href="https://x/dist/webview/panel.css">'));
    assert.ok(html.includes('<title>RNN Lens &lt;test&gt;</title>'));
  });

  it('refuses a cspSource that could smuggle in another directive, and escapes attributes', () => {
    assert.throws(() => buildWebviewHtml({ ...opts, cspSource: "x; script-src 'unsafe-inline'" }));
    assert.throws(() => buildWebviewHtml({ ...opts, cspSource: "'self' 'unsafe-inline'" }));
    // What VS Code really passes: several source expressions separated by spaces.
    const html = buildWebviewHtml({ ...opts, cspSource: "'self' https://*.vscode-cdn.net" });
    assert.match(html, /style-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
    assert.throws(() => buildWebviewHtml({ ...opts, nonce: 'short' }));
    assert.equal(escapeHtml('"><script>'), '&quot;&gt;&lt;script&gt;');
  });
});
