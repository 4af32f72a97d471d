/**
 * Feeds Color Text by Neuron what the user looks at: the editors' visible ranges (and a margin
 * around them) are asked of the analysis worker a stretch at a time (the unitRange job, which
 * starts from the nearest state it has kept), the answers join the coverage on screen, and
 * scrolling (debounced) asks for the rest. Any model size, any file size: a request reads a few
 * thousand characters, never the file.
 *
 * One set of weights per coverage: the weights are loaded once when colouring starts (or new
 * weights are due), so the stretches of one coverage agree with each other; the previous coverage
 * stays on screen until the new one has its first stretch.
 */

import * as vscode from 'vscode';
import { type AnalysisClient, Superseded } from './analysisClient';
import { type AnalysisSource } from './analysisSource';
import { ColorCoverage, nextRequest, type RequestLimits, type Span } from './colorCoverage';
import { type NeuronColors, type NeuronSelection, TOP_PREDICTIONS } from './neuronColors';
import { type SourceDocument } from './sourceDocument';
import { type TrainingSession } from './trainingSession';

/** Scrolling settles this long before the colours follow. */
export const SCROLL_DEBOUNCE_MS = 150;
export const REQUEST_LIMITS: RequestLimits = { margin: 2000, maxChars: 12_000, fillGap: 4096 };

export interface ColorFeedOptions {
  readonly neuronColors: NeuronColors;
  /** The analysis worker's client and the source of its text and weights (the Insight part's). */
  readonly analysis: () => { readonly client: AnalysisClient; readonly source: AnalysisSource };
  readonly log: vscode.LogOutputChannel;
}

interface Generation {
  readonly session: TrainingSession;
  readonly document: SourceDocument;
  readonly modelKey: string | null;
  readonly selection: NeuronSelection;
  readonly coverage: ColorCoverage;
  readonly vocab: readonly string[];
}

/** The code point spans `editors` show of the snapshot. */
export function visibleSpans(editors: readonly vscode.TextEditor[], document: SourceDocument): Span[] {
  const spans: Span[] = [];
  for (const editor of editors) {
    for (const r of editor.visibleRanges) {
      const doc = editor.document;
      spans.push([document.index.codePointAt(doc.offsetAt(r.start)), document.index.codePointAt(doc.offsetAt(r.end)) + 1]);
    }
  }
  return spans;
}

export class NeuronColorFeed implements vscode.Disposable {
  private generation: Generation | null = null;
  /** New weights are due: the next request loads them and starts a new coverage. */
  private renew = true;
  private running = false;
  private staleValue = false;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly options: ColorFeedOptions) {
    const schedule = (): void => this.schedule();
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        if (this.generation && e.textEditor.document.uri.toString() === this.generation.document.source.uri.toString()) schedule();
      }),
      vscode.window.onDidChangeVisibleTextEditors(schedule),
    ];
  }

  /** The step of the weights of the coverage being built (undefined before the first). */
  get step(): number | undefined {
    return this.generation?.coverage.step;
  }

  /** The file is open with other text than the snapshot, so nothing could be coloured. */
  get stale(): boolean {
    return this.staleValue;
  }

  /**
   * Colours what is visible with fresh weights (the selection is the NeuronColors'). Resolves when
   * the visible text is coloured; `announce` lets its errors through (the command shows them).
   */
  refresh(announce: boolean): Promise<void> {
    this.renew = true;
    return this.pump(announce);
  }

  /** Stops asking; what is painted is the caller's to clear. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.generation = null;
    this.renew = true;
    this.again = false;
    this.options.analysis().client.cancel('neuronColors');
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  private schedule(): void {
    if (!this.options.neuronColors.isShown) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump(false);
    }, SCROLL_DEBOUNCE_MS);
  }

  /** One loop at a time: asks for the next missing stretch until what is visible is coloured. */
  private async pump(announce: boolean): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        while (await this.fetchNext());
      } while (this.again);
    } catch (error) {
      if (error instanceof Superseded) return;
      if (announce) throw error;
      this.options.log.warn(`Neuron colours were not extended: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  /** Computes one missing stretch; false when there is nothing (more) to do. */
  private async fetchNext(): Promise<boolean> {
    const { neuronColors } = this.options;
    const selection = neuronColors.selection;
    if (!selection) return false;
    const { client, source } = this.options.analysis();
    let gen = this.generation;
    const sameUnit = gen && gen.selection.layer === selection.layer && gen.selection.unit === selection.unit;
    if (!gen || this.renew || !sameUnit || client.loaded.modelKey !== gen.modelKey) {
      this.renew = false;
      const prepared = await source.prepare();
      if (neuronColors.selection !== selection) return true; // changed meanwhile: start over with the new one
      const current = this.generation;
      if (current && sameUnit && current.session === prepared.session && current.coverage.step === prepared.step && current.modelKey === client.loaded.modelKey) {
        return true; // the same weights after all (a refresh asked twice): keep what is coloured
      }
      gen = {
        session: prepared.session, document: prepared.document, modelKey: client.loaded.modelKey, selection,
        coverage: new ColorCoverage(`${selection.layer}:${selection.unit}`, prepared.step), vocab: prepared.config.vocab,
      };
      this.generation = gen;
    }
    const { document, coverage } = gen;
    const editors = document.matchingEditors();
    if (editors.length === 0) {
      // Nothing to look at, or the file was edited since the snapshot: show() tells which.
      this.staleValue = neuronColors.show(document, coverage, this.hoverContext(gen)) === 'stale';
      return false;
    }
    this.staleValue = false;
    const next = nextRequest(visibleSpans(editors, document), coverage.spans(), document.index.codePointLength, REQUEST_LIMITS);
    if (!next) return false;
    const answer = await client.run('neuronColors', { kind: 'unitRange', layer: selection.layer, state: 'h', unit: selection.unit, from: next[0], to: next[1], topK: TOP_PREDICTIONS });
    if (this.generation !== gen || answer.kind !== 'unitRange') return false;
    coverage.add(answer);
    const shown = neuronColors.show(document, coverage, this.hoverContext(gen));
    this.staleValue = shown === 'stale';
    this.options.log.info(`Neuron colours: characters ${next[0]}-${next[1]} of ${document.source.fileName} by layer ${selection.layer} unit ${selection.unit} (weights of step ${coverage.step}, ${answer.exact ? 'exact state' : `zero state ${next[0] - answer.startedAt} characters before`}); ${coverage.count} coloured.`);
    return shown !== 'stale';
  }

  private hoverContext(gen: Generation): { layer: number; unit: number; step: number; vocab: readonly string[] } {
    return { layer: gen.selection.layer, unit: gen.selection.unit, step: gen.coverage.step, vocab: gen.vocab };
  }
}
