/**
 * The webviews' text in VS Code's display language (src/protocol/strings.ts says why the host
 * translates it). Each entry is its own `vscode.l10n.t` call on the English literal, so that
 * `npm run l10n` extracts it; a test checks that the English here is WEBVIEW_STRINGS_EN's.
 */

import * as vscode from 'vscode';
import { type StringsMessage, type WebviewStrings } from '../protocol/strings';

export function webviewStrings(): WebviewStrings {
  return {
    'panel.graph.heading': vscode.l10n.t('Unrolled computation graph'),
    'panel.cell.heading': vscode.l10n.t('Cell at the cursor'),
    'panel.heatmap.heading': vscode.l10n.t('Activations: units × timesteps'),
    'panel.predictions.heading': vscode.l10n.t('Predictions'),
    'panel.loss.heading': vscode.l10n.t('Loss'),
    'panel.samples.heading': vscode.l10n.t('Samples over training'),
    'panel.saturation.heading': vscode.l10n.t('Gate saturation over training'),
    'gradient.diagnosis.heading': vscode.l10n.t('Diagnosis'),
    'gradient.norms.heading': vscode.l10n.t('‖dL/dh_t‖ per timestep (log scale)'),
    'gradient.matrix.heading': vscode.l10n.t('Itemized BPTT: ‖d(L_t/T)/dh_k‖'),
    'gradient.jacobian.heading': vscode.l10n.t('Step Jacobians ‖dh_t/dh_{t-1}‖'),
    'gradient.training.heading': vscode.l10n.t('Over training'),
  };
}

/** The message a page gets in its HTML: the display language and the table in it. */
export function stringsMessage(): StringsMessage {
  return { type: 'strings', locale: vscode.env.language || 'en', strings: webviewStrings() };
}
