/**
 * The webviews' text in VS Code's display language (src/protocol/strings.ts says why the host
 * translates it). The per-view tables in ./webviewText/ are generated from the English ones
 * (npm run l10n), one literal `vscode.l10n.t` per entry so that @vscode/l10n-dev extracts it; a
 * test checks that the English here is WEBVIEW_STRINGS_EN's.
 */

import * as vscode from 'vscode';
import { type StringsMessage, type WebviewStrings } from '../protocol/strings';
import { cellStrings } from './webviewText/cell';
import { experimentStrings } from './webviewText/experiment';
import { gradientStrings } from './webviewText/gradient';
import { insightStrings } from './webviewText/insight';
import { panelStrings } from './webviewText/panel';
import { sharedStrings } from './webviewText/shared';
import { unitsStrings } from './webviewText/units';

export function webviewStrings(): WebviewStrings {
  return { ...sharedStrings(), ...panelStrings(), ...cellStrings(), ...gradientStrings(), ...insightStrings(), ...unitsStrings(), ...experimentStrings() };
}

/** The message a page gets in its HTML: the display language and the table in it. */
export function stringsMessage(): StringsMessage {
  return { type: 'strings', locale: vscode.env.language || 'en', strings: webviewStrings() };
}
