/**
 * The HTML shell of both webviews, built in one place so the Content Security Policy is the same
 * everywhere and tested once: scripts only with this render's nonce, styles and images only from
 * the extension's own webview resources, nothing inline, nothing remote, no eval.
 *
 * No `vscode` import: the host passes `webview.cspSource` and the `asWebviewUri` strings, and the
 * headless-browser tests call the same function with their local server's origin.
 */

import { randomBytes } from 'node:crypto';
import { type StringsMessage } from '../protocol/strings';

export interface WebviewHtmlOptions {
  /** `webview.cspSource` (in tests, the origin the files are served from). */
  readonly cspSource: string;
  /** The page title, for screen readers. */
  readonly title: string;
  /** The bundled script (an `asWebviewUri` string). */
  readonly scriptUri: string;
  /** Stylesheets, in order (vis-network's CSS before ours). */
  readonly styleUris: readonly string[];
  /**
   * The page's text in the display language (src/protocol/strings.ts), read by the page's script
   * from the body before it draws; without it the page speaks English.
   */
  readonly strings?: StringsMessage;
  /** The line shown until the page's script has drawn ("Waiting for a training session…"). */
  readonly waiting?: string;
  /** A fresh nonce; one is made when omitted. Never reuse a nonce across renders. */
  readonly nonce?: string;
}

/** 128 random bits from the platform's CSPRNG, base64 (the CSP nonce grammar allows + / =). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** For a double-quoted attribute: the CSP's single quotes stay readable. */
function escapeAttribute(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

export function buildWebviewHtml(o: WebviewHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('webview nonce must be at least 16 base64 characters');
  // VS Code may give several space-separated source expressions (e.g. 'self' plus its CDN);
  // anything that could end the directive or the attribute is refused.
  if (/[;,"\r\n]/.test(o.cspSource) || /'unsafe-|'nonce-|'strict-dynamic'/.test(o.cspSource)) {
    throw new Error('webview cspSource must be source expressions only');
  }
  const links = o.styleUris.map((u) => `  <link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(o.strings?.locale ?? 'en')}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(o.cspSource, nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
  <title>${escapeHtml(o.title)}</title>
</head>
<body${o.strings ? ` data-strings="${escapeAttribute(JSON.stringify(o.strings))}"` : ''}>
  <main id="app" aria-busy="true"><p class="waiting">${escapeHtml(o.waiting ?? 'Waiting for a training session…')}</p></main>
  <script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
