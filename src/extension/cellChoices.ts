/**
 * The rows of the cell quick pick that starts training. When the text is small for the model the
 * settings ask for (its parameters many times the training characters, so it would memorise the
 * text rather than learn it), the first rows propose the same cells with fewer hidden units, each
 * row's detail line says why, and the question says it in short (a quick pick is 600 px wide and
 * cuts a long placeholder); the settings' size stays available below them.
 */

import * as vscode from 'vscode';
import { CELL_TYPES, parameterSpecs, type CellType, type TrainSettings } from '../engine/model/config';
import { proposeHidden } from '../engine/training/overfitting';
import { buildVocab, splitLengths } from '../engine/text';
import { formatCount } from '../protocol/format';

export interface CellChoice extends vscode.QuickPickItem {
  readonly cell?: CellType;
  /** Hidden units when they differ from rnnLens.hiddenSize (a proposed smaller model). */
  readonly hidden?: number;
}

/** The quick pick rows in the active language (a function: l10n.t is read when asked). */
function cellDetails(): Record<CellType, string> {
  return {
    rnn: vscode.l10n.t('Vanilla RNN: h_t = tanh(W_ih x_t + W_hh h_{t-1} + b)'),
    lstm: vscode.l10n.t('Long short-term memory: input, forget, output gates; cell state c_t'),
    gru: vscode.l10n.t('Gated recurrent unit: reset and update gates, no cell state'),
  };
}

/** Parameters of a `cell` model with `hidden` units over a vocabulary of `vocab` characters. */
export function paramCount(cell: CellType, hidden: number, layers: number, vocab: number): number {
  const config = { cell, hidden, layers, vocab: new Array<string>(vocab).fill(''), gruResetAfter: true };
  return parameterSpecs(config).reduce((n, s) => n + s.size, 0);
}

/**
 * The rows, the preferred cell first, and the placeholder that says why smaller models come first
 * (undefined when the settings' model fits the text).
 */
export function cellChoices(text: string, fileName: string, settings: TrainSettings, preferred: CellType): { items: CellChoice[]; placeHolder?: string } {
  const order = [preferred, ...CELL_TYPES.filter((c) => c !== preferred)];
  const details = cellDetails();
  const vocab = buildVocab(text).length;
  const chars = splitLengths([...text].length, settings.valFraction).trainLength;
  const params = (cell: CellType, hidden: number): number => paramCount(cell, hidden, settings.layers, vocab);
  const proposals = new Map(order.map((cell) => [cell, proposeHidden(settings.hidden, chars, (h) => params(cell, h))] as const));
  const first = proposals.get(preferred);
  const plain = order.map((cell): CellChoice => ({ label: cell.toUpperCase(), detail: details[cell], cell }));
  if (first === null || first === undefined) return { items: plain };
  // The row says what it trains; its detail line (one line of a 600 px quick pick) says why it is proposed.
  const proposed = order.filter((cell) => proposals.get(cell) != null).map((cell): CellChoice => {
    const hidden = proposals.get(cell)!;
    const large = params(cell, settings.hidden);
    return {
      label: vscode.l10n.t('{0}, {1} hidden units', cell.toUpperCase(), hidden), cell, hidden,
      description: vscode.l10n.t('suggested: {0} parameters', formatCount(params(cell, hidden))),
      detail: vscode.l10n.t('{0} units would have {1} parameters, {2}× the {3} training characters', settings.hidden, formatCount(large), formatCount(Math.round(large / chars)), formatCount(chars)),
    };
  });
  const asSet = plain.map((item): CellChoice => ({
    ...item, description: vscode.l10n.t('{0} hidden units (rnnLens.hiddenSize), {1} parameters', settings.hidden, formatCount(params(item.cell!, settings.hidden))),
  }));
  return {
    items: [...proposed, { label: vscode.l10n.t('as the settings say'), kind: vscode.QuickPickItemKind.Separator }, ...asSet],
    placeHolder: vscode.l10n.t('{0} is small for {1} hidden units: smaller models first', fileName, settings.hidden),
  };
}
