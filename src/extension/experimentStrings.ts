/**
 * The words of Run Experiment's sentence (src/protocol/experimentSummary.ts) in the display
 * language. The sentence is put together outside the host (tests call it with English), so its
 * templates are translated here, each through a literal vscode.l10n.t that @vscode/l10n-dev
 * extracts, and filled afterwards.
 */

import * as vscode from 'vscode';
import { type Translate } from '../protocol/experimentSummary';
import { formatString } from '../protocol/strings';

function templates(): Record<string, string> {
  return {
    'After {0} steps on {1} the held-out loss is lowest for {2}.': vscode.l10n.t('After {0} steps on {1} the held-out loss is lowest for {2}.'),
    'At lag {0} after {1} steps': vscode.l10n.t('At lag {0} after {1} steps'),
    'On Dyck-1 after {0} steps': vscode.l10n.t('On Dyck-1 after {0} steps'),
    'The gradient reaches back {0}.': vscode.l10n.t('The gradient reaches back {0}.'),
    'chance {0} (≈ ln 8)': vscode.l10n.t('chance {0} (≈ ln 8)'),
    'chance {0}': vscode.l10n.t('chance {0}'),
    'loss {0} against {1}': vscode.l10n.t('loss {0} against {1}'),
    'loss {0}': vscode.l10n.t('loss {0}'),
    'the {0} ({1})': vscode.l10n.t('the {0} ({1})'),
    '{0} and {1}': vscode.l10n.t('{0} and {1}'),
    '{0} do no better than chance': vscode.l10n.t('{0} do no better than chance'),
    '{0} do not': vscode.l10n.t('{0} do not'),
    '{0} does no better than chance': vscode.l10n.t('{0} does no better than chance'),
    '{0} does not': vscode.l10n.t('{0} does not'),
    '{0} get part of the way': vscode.l10n.t('{0} get part of the way'),
    '{0} gets part of the way': vscode.l10n.t('{0} gets part of the way'),
    '{0} recall the symbol': vscode.l10n.t('{0} recall the symbol'),
    '{0} recalls the symbol': vscode.l10n.t('{0} recalls the symbol'),
    '{0} steps for the {1}': vscode.l10n.t('{0} steps for the {1}'),
    '{0} track the depth': vscode.l10n.t('{0} track the depth'),
    '{0} tracks the depth': vscode.l10n.t('{0} tracks the depth'),
    '{0} ≈ {1}': vscode.l10n.t('{0} ≈ {1}'),
  };
}

/** A translator for experimentSentence: the template in the display language, then its placeholders filled. */
export function sentenceTranslator(): Translate {
  const table = templates();
  return (message, ...args) => formatString(table[message] ?? message, args);
}
