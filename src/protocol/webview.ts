/**
 * The messages between the extension host and the two webviews (training panel and Gradient
 * Flow view). Both directions are discriminated unions on `type`, and both receivers validate
 * at runtime: a closed set of types, finite numbers, capped strings. Anything else is ignored
 * (the parse functions return null) rather than trusted, because a webview is a browser page and
 * the host should not believe it blindly, and the webview should not render what it cannot check.
 *
 * No `vscode`, no DOM, no Node built-ins: the host, the webviews and plain-Node tests share it.
 */

import { type TrainSettings, CELL_TYPES, MAX_VOCAB, OPTIMIZER_KINDS, validateSettings } from '../engine/model/config';
import { type TraceHeader, type Trace, TRACE_VERSION, checkTrace } from './traceLayout';
import { MAX_WORKERS, type ProgressMessage, type StartedMessage } from './worker';
import { type TensorStats } from '../engine/training/update';
import { parseStatsHistory, type StatsHistory } from './statsHistory';
import {
  isCappedString as isStr, isFiniteNumber as isFiniteNum, isIntegerIn as isInt, isOneOf as oneOf, isRecord as isObj,
  MAX_FILE_NAME, MAX_HIDDEN, MAX_LAYERS, MAX_TENSORS, MAX_WINDOW,
} from './guards';

export type { TensorStats } from '../engine/training/update';

// ---------------------------------------------------------------------------------------------
// Host -> webview

export interface SessionInfo {
  /** The training file's name as shown to the user (a base name, not a path). */
  readonly fileName: string;
  readonly vocabSize: number;
  readonly paramCount: number;
  /** The session's settings; the model's architecture (cell, hidden, layers) is theirs. */
  readonly settings: TrainSettings;
  /**
   * The entropy of the training text's character frequencies, in nats: the loss of a model that
   * knows only how often each character occurs. The loss chart draws it beside ln(vocabSize), the
   * loss of a uniform guess, so a learner sees what learning has to beat.
   */
  readonly unigramEntropy: number;
  /** Threads that train (rnnLens.workers when the batch allows it). */
  readonly threads: number;
}

/** The session a webview is told about, from what the worker reported when training started. */
export function sessionInfo(fileName: string, started: Pick<StartedMessage, 'config' | 'paramCount' | 'settings' | 'unigramEntropy' | 'threads'>): SessionInfo {
  return {
    fileName, vocabSize: started.config.vocab.length, paramCount: started.paramCount, settings: started.settings, unigramEntropy: started.unigramEntropy,
    threads: started.threads ?? 1,
  };
}

export type TrainingState = 'training' | 'paused' | 'stopped' | 'failed';
export const TRAINING_STATES: readonly TrainingState[] = ['training', 'paused', 'stopped', 'failed'];

/** The worker's progress report, with the host's wider view of the session's state. */
export type ProgressInfo = Omit<ProgressMessage, 'type' | 'state'> & { readonly state: TrainingState };

export interface StatsInfo {
  readonly step: number;
  readonly tensors: readonly TensorStats[];
  /** Global gradient norm before clipping (may be Infinity/NaN when the step went non-finite: see `nonFinite`). */
  readonly gradNorm: number;
  /** The factor clipping multiplied the gradient by (1 when not clipped). */
  readonly clipScale: number;
  /** Largest singular value of each layer's W_hh (power iteration), one per layer. */
  readonly spectralNorms: readonly number[];
  /** Optional: true when this step saw a NaN or infinite gradient. */
  readonly nonFinite?: boolean;
  /** Optional: fraction of gate activations below 0.1 or above 0.9, [layer][gate] in traceGateNames order. */
  readonly gateSaturation?: readonly (readonly number[])[];
}

export type CursorDirection = 'forward' | 'backward';

/** A sample of generated text, stamped with the step and training loss of the weights that wrote it. */
export interface TrainingSample {
  readonly step: number;
  readonly loss: number | null;
  readonly temperature: number;
  readonly text: string;
  /** 'training': taken on its own every rnnLens.sampleEvery steps; 'command': Sample Text. */
  readonly origin: 'training' | 'command';
}

/**
 * Cursor moves cross in flight: the page numbers each move it reports (`seq`, counted from 1 per
 * page load) and the host stamps every cursor message with the last number it has applied
 * (`ack`). A page that has reported moves the host has not yet seen ignores cursor messages with
 * an older `ack`: they are echoes of its own earlier moves (or host moves its newer report
 * overrides), and applying them would drag the cursor back. The host's reply to the page's last
 * report carries that report's number, so both sides end on the same position. Both fields are
 * optional: the Gradient Flow view reports moves without numbers, and ignores `ack`.
 */
export type HostToWebview =
  | { readonly type: 'session'; readonly session: SessionInfo }
  | { readonly type: 'progress'; readonly progress: ProgressInfo }
  | { readonly type: 'stats'; readonly stats: StatsInfo }
  | { readonly type: 'trace'; readonly header: TraceHeader; readonly ids: Int32Array; readonly data: Float32Array }
  | { readonly type: 'cursor'; readonly t: number; readonly direction: CursorDirection; readonly ack?: number }
  /**
   * The session's loss curves as the host keeps them (whole, whichever moment the view opened);
   * the view replaces its own with them. `session` tells one session's history from the next.
   */
  | { readonly type: 'history'; readonly session: number; readonly steps: readonly number[]; readonly loss: readonly number[]; readonly valSteps: readonly number[]; readonly valLoss: readonly number[] }
  /** The session's timeline of samples, oldest first (replaces the view's). */
  | { readonly type: 'samples'; readonly session: number; readonly samples: readonly TrainingSample[] }
  | { readonly type: 'selection'; readonly layer: number; readonly unit: number }
  /** A sentence for the page's live region, e.g. that the cursor is at the end of the pass it walks (not replayed). */
  | { readonly type: 'announce'; readonly text: string }
  /** Something about the session the learner should see in the panel (overfitting); '' clears it. */
  | { readonly type: 'notice'; readonly text: string }
  /** What the session is doing that its state does not say (see SessionActivity); null once it does. */
  | { readonly type: 'activity'; readonly activity: SessionActivity | null; readonly fileName: string }
  /** The session's training statistics over training as the host keeps them (replaces the view's). */
  | { readonly type: 'statsHistory'; readonly session: number; readonly history: StatsHistory };

export type HostToWebviewType = HostToWebview['type'];
export const HOST_TO_WEBVIEW_TYPES: readonly HostToWebviewType[] = ['session', 'history', 'progress', 'stats', 'trace', 'cursor', 'samples', 'selection', 'announce', 'notice', 'activity', 'statsHistory'];

/**
 * While a session starts: 'reading' (the worker starts and is handed the text), 'building' (it
 * has the text and builds the model), 'firstStep' (the model is built, no step reported yet);
 * while it trains, 'pausing' from the moment Pause is asked until the worker confirms it.
 */
export type SessionActivity = 'reading' | 'building' | 'firstStep' | 'pausing';
export const SESSION_ACTIVITIES: readonly SessionActivity[] = ['reading', 'building', 'firstStep', 'pausing'];
/** Longest announcement. */
export const MAX_ANNOUNCE = 500;

// ---------------------------------------------------------------------------------------------
// Webview -> host

export type PanelAction = 'play' | 'pause' | 'step' | 'stop';
export const PANEL_ACTIONS: readonly PanelAction[] = ['play', 'pause', 'step', 'stop'];

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: PanelAction }
  | { readonly type: 'cursor'; readonly t: number; readonly direction: CursorDirection; readonly seq?: number }
  | { readonly type: 'selectUnit'; readonly layer: number; readonly unit: number }
  /** The heatmap's selected unit handed to Ablate Unit, Hold Unit At… or Sample With Unit Held (h, or an LSTM's c when the map shows c). */
  | { readonly type: 'unitAction'; readonly action: HeatmapUnitAction; readonly state: 'h' | 'c'; readonly layer: number; readonly unit: number };

export type HeatmapUnitAction = 'ablate' | 'hold' | 'sample';
export const HEATMAP_UNIT_ACTIONS: readonly HeatmapUnitAction[] = ['ablate', 'hold', 'sample'];

export type WebviewToHostType = WebviewToHost['type'];

// ---------------------------------------------------------------------------------------------
// Limits

/** Longest string accepted in a message (a sample of generated text). */
export const MAX_STRING = 20_000;
/** A vocabulary entry is one code point: at most 2 UTF-16 units. */
const MAX_VOCAB_ENTRY = 2;
/** Points per curve in a history message, and samples in a timeline. */
export const MAX_HISTORY = 10_000;
export const MAX_SAMPLES = 64;

// ---------------------------------------------------------------------------------------------
// Small guards

/**
 * Gradient norms and losses may legitimately be Infinity or NaN (that is what the views flag), so
 * only the type is checked. VS Code carries webview messages as JSON, where NaN and Infinity
 * become null: those arrive as null and are read back as NaN by `num`.
 */
const isNumberOrNonFinite = (v: unknown): v is number => typeof v === 'number' || v === null;
const num = (v: number | null): number => (v === null ? NaN : v);

function parseSession(v: unknown): SessionInfo | null {
  if (!isObj(v)) return null;
  const { fileName, vocabSize, paramCount, settings, unigramEntropy, threads } = v;
  if (!isStr(fileName, MAX_FILE_NAME) || !isInt(vocabSize, 1, MAX_VOCAB) || !isInt(paramCount, 0, 2 ** 40)) return null;
  // An entropy of V characters' frequencies is at most ln V (rounding allowed for).
  if (!isFiniteNum(unigramEntropy) || unigramEntropy < 0 || unigramEntropy > Math.log(vocabSize) + 1e-9) return null;
  if (!isObj(settings) || !oneOf(settings.cell, CELL_TYPES) || !oneOf(settings.optimizer, OPTIMIZER_KINDS)) return null;
  if (validateSettings(settings as unknown as TrainSettings).length > 0) return null;
  if (threads !== undefined && !isInt(threads, 1, MAX_WORKERS)) return null;
  return { fileName, vocabSize, paramCount, settings: settings as unknown as TrainSettings, unigramEntropy, threads: threads ?? 1 };
}

function parseProgress(v: unknown): ProgressInfo | null {
  if (!isObj(v)) return null;
  const { step, loss, valLoss, valStep, charsPerSec, state } = v;
  if (!isInt(step, 0, Number.MAX_SAFE_INTEGER) || !isNumberOrNonFinite(loss) || !isFiniteNum(charsPerSec) || !oneOf(state, TRAINING_STATES)) return null;
  if (valLoss !== null && typeof valLoss !== 'number') return null;
  if (valStep !== undefined && valStep !== null && !isInt(valStep, 0, step)) return null;
  return { step, loss: num(loss), valLoss: valLoss === null ? null : num(valLoss), ...(valStep !== undefined ? { valStep } : {}), charsPerSec, state };
}

function parseStats(v: unknown): StatsInfo | null {
  if (!isObj(v)) return null;
  const { step, tensors, gradNorm, clipScale, spectralNorms, nonFinite, gateSaturation } = v;
  if (!isInt(step, 0, Number.MAX_SAFE_INTEGER) || !isNumberOrNonFinite(gradNorm) || !isNumberOrNonFinite(clipScale)) return null;
  if (!Array.isArray(tensors) || tensors.length > MAX_TENSORS) return null;
  const parsed: TensorStats[] = [];
  for (const t of tensors) {
    if (!isObj(t) || !isStr(t.name, 200) || !isNumberOrNonFinite(t.gradNorm) || !isNumberOrNonFinite(t.weightNorm) || !isNumberOrNonFinite(t.updateNorm)) return null;
    parsed.push({ name: t.name, gradNorm: num(t.gradNorm), weightNorm: num(t.weightNorm), updateNorm: num(t.updateNorm) });
  }
  if (!Array.isArray(spectralNorms) || spectralNorms.length > MAX_LAYERS || !spectralNorms.every(isNumberOrNonFinite)) return null;
  if (nonFinite !== undefined && typeof nonFinite !== 'boolean') return null;
  let saturation: number[][] | undefined;
  if (gateSaturation !== undefined) {
    if (!Array.isArray(gateSaturation) || gateSaturation.length > MAX_LAYERS) return null;
    saturation = [];
    for (const row of gateSaturation) {
      if (!Array.isArray(row) || row.length > 4 || !row.every((x) => isFiniteNum(x) && x >= 0 && x <= 1)) return null;
      saturation.push(row as number[]);
    }
  }
  return {
    step, tensors: parsed, gradNorm: num(gradNorm), clipScale: num(clipScale), spectralNorms: (spectralNorms as (number | null)[]).map(num),
    ...(nonFinite !== undefined ? { nonFinite } : {}),
    ...(saturation ? { gateSaturation: saturation } : {}),
  };
}

/** Typed arrays may arrive as themselves, or (through some structured-clone paths) as an ArrayBuffer. */
function asInt32(v: unknown): Int32Array | null {
  if (v instanceof Int32Array) return v;
  if (v instanceof ArrayBuffer && v.byteLength % 4 === 0) return new Int32Array(v);
  return null;
}
function asFloat32(v: unknown): Float32Array | null {
  if (v instanceof Float32Array) return v;
  if (v instanceof ArrayBuffer && v.byteLength % 4 === 0) return new Float32Array(v);
  return null;
}

function parseTraceHeader(v: unknown): TraceHeader | null {
  if (!isObj(v) || v.version !== TRACE_VERSION || !oneOf(v.cell, CELL_TYPES)) return null;
  const { layers, hidden, vocab, steps, trainingStep, stream, position, carriedState, gruResetAfter, paramNames, meanLoss } = v;
  if (!isInt(layers, 1, MAX_LAYERS) || !isInt(hidden, 1, MAX_HIDDEN) || !isInt(steps, 1, MAX_WINDOW)) return null;
  if (!isInt(trainingStep, 0, Number.MAX_SAFE_INTEGER) || !isInt(stream, 0, 1 << 20) || !isInt(position, 0, Number.MAX_SAFE_INTEGER)) return null;
  if (typeof carriedState !== 'boolean' || typeof gruResetAfter !== 'boolean' || !isNumberOrNonFinite(meanLoss)) return null;
  if (!Array.isArray(vocab) || vocab.length > MAX_VOCAB || !vocab.every((c) => isStr(c, MAX_VOCAB_ENTRY) && c.length > 0)) return null;
  if (!Array.isArray(paramNames) || paramNames.length > MAX_TENSORS || !paramNames.every((n) => isStr(n, 200))) return null;
  return {
    version: TRACE_VERSION, cell: v.cell, layers, hidden, vocab: vocab as string[], steps, trainingStep, stream, position,
    carriedState, gruResetAfter, paramNames: paramNames as string[], meanLoss: num(meanLoss),
  };
}

/** One curve: as many steps (whole, ascending) as values. Losses may be NaN (sent as null). */
function parseCurve(xs: unknown, ys: unknown): [number[], number[]] | null {
  if (!Array.isArray(xs) || !Array.isArray(ys) || xs.length !== ys.length || xs.length > MAX_HISTORY) return null;
  for (let i = 0; i < xs.length; i++) {
    if (!isInt(xs[i], 0, Number.MAX_SAFE_INTEGER) || (i > 0 && xs[i] <= xs[i - 1]) || !isNumberOrNonFinite(ys[i])) return null;
  }
  return [xs as number[], (ys as (number | null)[]).map(num)];
}

function parseHistory(v: Record<string, unknown>): HostToWebview | null {
  if (!isInt(v.session, 0, Number.MAX_SAFE_INTEGER)) return null;
  const train = parseCurve(v.steps, v.loss);
  const val = parseCurve(v.valSteps, v.valLoss);
  return train && val ? { type: 'history', session: v.session, steps: train[0], loss: train[1], valSteps: val[0], valLoss: val[1] } : null;
}

function parseSamples(v: Record<string, unknown>): HostToWebview | null {
  if (!isInt(v.session, 0, Number.MAX_SAFE_INTEGER) || !Array.isArray(v.samples) || v.samples.length > MAX_SAMPLES) return null;
  const samples: TrainingSample[] = [];
  for (const s of v.samples) {
    if (!isObj(s) || !isInt(s.step, 0, Number.MAX_SAFE_INTEGER) || !(s.loss === null || isFiniteNum(s.loss)) || !isFiniteNum(s.temperature)
      || !isStr(s.text, MAX_STRING) || !oneOf(s.origin, ['training', 'command'] as const)) return null;
    samples.push({ step: s.step, loss: s.loss, temperature: s.temperature, text: s.text, origin: s.origin });
  }
  return { type: 'samples', session: v.session, samples };
}

/** A trace message's parts as a Trace, or null when any part is malformed or the sizes disagree. */
export function parseTrace(header: unknown, ids: unknown, data: unknown): Trace | null {
  const h = parseTraceHeader(header);
  const i = asInt32(ids);
  const d = asFloat32(data);
  if (!h || !i || !d) return null;
  const trace: Trace = { header: h, ids: i, data: d };
  return checkTrace(trace) === null ? trace : null;
}

// ---------------------------------------------------------------------------------------------
// The two validators

/** The webview's check of what the host sent. Returns the message as typed, or null to ignore it. */
export function parseHostToWebview(v: unknown): HostToWebview | null {
  if (!isObj(v)) return null;
  switch (v.type) {
    case 'session': {
      const session = parseSession(v.session);
      return session && { type: 'session', session };
    }
    case 'progress': {
      const progress = parseProgress(v.progress);
      return progress && { type: 'progress', progress };
    }
    case 'stats': {
      const stats = parseStats(v.stats);
      return stats && { type: 'stats', stats };
    }
    case 'trace': {
      const trace = parseTrace(v.header, v.ids, v.data);
      return trace && { type: 'trace', header: trace.header, ids: trace.ids, data: trace.data };
    }
    case 'cursor':
      if (!isInt(v.t, 0, MAX_WINDOW - 1) || !oneOf(v.direction, ['forward', 'backward'] as const)) return null;
      if (v.ack === undefined) return { type: 'cursor', t: v.t, direction: v.direction };
      return isInt(v.ack, 0, Number.MAX_SAFE_INTEGER) ? { type: 'cursor', t: v.t, direction: v.direction, ack: v.ack } : null;
    case 'history':
      return parseHistory(v);
    case 'samples':
      return parseSamples(v);
    case 'selection':
      return isInt(v.layer, 0, MAX_LAYERS - 1) && isInt(v.unit, 0, MAX_HIDDEN - 1) ? { type: 'selection', layer: v.layer, unit: v.unit } : null;
    case 'announce':
      return isStr(v.text, MAX_ANNOUNCE) ? { type: 'announce', text: v.text } : null;
    case 'notice':
      return isStr(v.text, MAX_ANNOUNCE) ? { type: 'notice', text: v.text } : null;
    case 'activity':
      return (v.activity === null || oneOf(v.activity, SESSION_ACTIVITIES)) && isStr(v.fileName, MAX_ANNOUNCE)
        ? { type: 'activity', activity: v.activity, fileName: v.fileName } : null;
    case 'statsHistory': {
      const history = parseStatsHistory(v.history);
      return history && isInt(v.session, 0, Number.MAX_SAFE_INTEGER) ? { type: 'statsHistory', session: v.session, history } : null;
    }
    default:
      return null;
  }
}

/** The host's check of what a webview sent. Returns the message as typed, or null to ignore it. */
export function parseWebviewToHost(v: unknown): WebviewToHost | null {
  if (!isObj(v)) return null;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'action':
      return oneOf(v.action, PANEL_ACTIONS) ? { type: 'action', action: v.action } : null;
    case 'cursor':
      if (!isInt(v.t, 0, MAX_WINDOW - 1) || !oneOf(v.direction, ['forward', 'backward'] as const)) return null;
      if (v.seq === undefined) return { type: 'cursor', t: v.t, direction: v.direction };
      return isInt(v.seq, 1, Number.MAX_SAFE_INTEGER) ? { type: 'cursor', t: v.t, direction: v.direction, seq: v.seq } : null;
    case 'selectUnit':
      return isInt(v.layer, 0, MAX_LAYERS - 1) && isInt(v.unit, 0, MAX_HIDDEN - 1) ? { type: 'selectUnit', layer: v.layer, unit: v.unit } : null;
    case 'unitAction':
      return oneOf(v.action, HEATMAP_UNIT_ACTIONS) && oneOf(v.state, ['h', 'c'] as const) && isInt(v.layer, 0, MAX_LAYERS - 1) && isInt(v.unit, 0, MAX_HIDDEN - 1)
        ? { type: 'unitAction', action: v.action, state: v.state, layer: v.layer, unit: v.unit } : null;
    default:
      return null;
  }
}

/** A trace as the message that carries it to a webview. */
export function traceMessage(trace: Trace): HostToWebview {
  return { type: 'trace', header: trace.header, ids: trace.ids, data: trace.data };
}

// ---------------------------------------------------------------------------------------------
// Keep-the-latest buffer (host side)

/** The order a reloaded webview is brought up to date in: context first, then data, then the cursor on it. */
const REPLAY_ORDER: readonly HostToWebviewType[] = ['session', 'history', 'statsHistory', 'progress', 'activity', 'stats', 'trace', 'selection', 'cursor', 'samples'];

/**
 * The latest message of each type, so a webview that was hidden (and, with
 * retainContextWhenHidden off, destroyed) or not yet ready receives the current state, once,
 * instead of a backlog. Live updates never pile up: a newer message of a type replaces the older.
 */
export class LatestMessages {
  private readonly latest = new Map<HostToWebviewType, HostToWebview>();

  put(message: HostToWebview): void {
    this.latest.set(message.type, message);
  }

  /** Everything held, in replay order. */
  all(): HostToWebview[] {
    return REPLAY_ORDER.flatMap((t) => {
      const m = this.latest.get(t);
      return m ? [m] : [];
    });
  }

  clear(): void {
    this.latest.clear();
  }
}
