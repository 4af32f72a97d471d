/**
 * Paints an LSTM cell-state unit (c) over the training file, for Find Units' Paint button: Color
 * Text by Neuron reads the training worker's h only, so c is read in the analysis worker
 * (the unitRange job, from the nearest cached exact state) and painted with a LevelPainter,
 * orange above zero and blue below, with the value in a hover.
 */

import * as vscode from 'vscode';
import { formatCount, formatValue } from '../protocol/format';
import { unitName, type UnitRefView } from '../protocol/units';
import { type InsightContext, runWithProgress } from './insightContext';
import { LevelPainter } from './levelPainter';

/** The most characters one paint reads (the unitRange job's limit). */
export const MAX_PAINTED_CHARS = 200_000;

export class CellStatePainter implements vscode.Disposable {
  readonly painter = new LevelPainter({ light: ['30, 100, 230', '230, 110, 20'], dark: ['70, 140, 255', '255, 140, 40'] });

  constructor(private readonly ctx: InsightContext) {}

  async paint(unit: UnitRefView): Promise<void> {
    const prepared = await this.ctx.source.prepare();
    const { document } = prepared;
    const to = Math.min(document.index.codePointLength, MAX_PAINTED_CHARS);
    const name = unitName(unit);
    const answer = await runWithProgress(this.ctx, 'colors', vscode.l10n.t('Reading {0}', name), { kind: 'unitRange', layer: unit.layer, state: unit.state, unit: unit.unit, from: 0, to }, true);
    if (!answer || answer.kind !== 'unitRange') return;
    let scale = 0;
    for (const v of answer.values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const total = document.index.codePointLength;
    const hover = (i: number): string => `**RNN Lens: ${name}** (weights of step ${formatCount(prepared.step)}) after reading character ${formatCount(answer.from + i)}: ${formatValue(answer.values[i])}`
      + (to < total ? `  \nPainted over the first ${formatCount(to)} of ${formatCount(total)} characters.` : '');
    const shown = this.painter.paint(document, answer.from, answer.values, scale, hover);
    if (shown > 0) {
      const editor = document.matchingEditors()[0];
      editor.revealRange(document.range(editor.document, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    this.ctx.log.info(`Painted ${name} over ${formatCount(answer.values.length)} characters of ${document.source.fileName}.`);
  }

  clear(): void {
    this.painter.clear();
  }

  dispose(): void {
    this.painter.dispose();
  }
}
