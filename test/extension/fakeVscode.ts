/**
 * A small typed fake of the `vscode` module, enough for the extension host code to run in plain
 * Node under mocha. `registerFakeVscode.ts` makes `require('vscode')` resolve here.
 *
 * What it fakes is recorded so tests can assert on it (`fake.*`): registered commands, context
 * keys, messages shown, quick picks and input boxes (answered from queues the test fills),
 * decorations, webview panels and their posted messages, status bar items. `workspace.fs` works on
 * the real disk for `file:` URIs (tests use temporary folders), so atomic writes are real.
 *
 * The exported values are checked against the real API's types where they are used (`satisfies`),
 * so a fake that drifts from VS Code's signatures fails to compile.
 */

import type * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';

// ---------------------------------------------------------------------------------------------
// Basics

export class Disposable implements vscode.Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => { for (const i of items) i.dispose(); });
  }
  private done = false;
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): void {
    if (this.done) return;
    this.done = true;
    this.callOnDispose();
  }
}

export class EventEmitter<T> implements vscode.EventEmitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  disposed = false;
  readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    const bound = (e: T): unknown => listener.call(thisArgs, e);
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };
  fire(data: T): void {
    for (const l of [...this.listeners]) l(data);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

export class Uri implements vscode.Uri {
  private constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query: string, readonly fragment: string) {}
  static file(path: string): Uri {
    return new Uri('file', '', nodePath.posix.normalize(path.replace(/\\/g, '/')), '', '');
  }
  static parse(value: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
    if (!m) throw new Error(`bad uri ${value}`);
    return new Uri(m[1], m[2] ?? '', decodeURIComponent(m[3] || '/'), m[4] ?? '', m[5] ?? '');
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '/', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: vscode.Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, base.authority, nodePath.posix.join(base.path, ...segments), base.query, base.fragment);
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.path };
  }
}

export class Position implements Pick<vscode.Position, 'line' | 'character'> {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(start: Position, end: Position) {
    this.start = start;
    this.end = end;
  }
}

export class ThemeColor implements vscode.ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  constructor(public value = '') {}
}

export class Hover {
  constructor(readonly contents: MarkdownString, readonly range?: Range) {}
}

export enum DecorationRangeBehavior { OpenOpen = 0, ClosedClosed = 1, OpenClosed = 2, ClosedOpen = 3 }
export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum ViewColumn { Active = -1, Beside = -2, One = 1, Two = 2, Three = 3 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum FileType { Unknown = 0, File = 1, Directory = 2, SymbolicLink = 64 }
export enum TextEditorRevealType { Default = 0, InCenter = 1, InCenterIfOutsideViewport = 2, AtTop = 3 }
export enum OverviewRulerLane { Left = 1, Center = 2, Right = 4, Full = 7 }
export enum QuickPickItemKind { Separator = -1, Default = 0 }
export enum ExtensionMode { Production = 1, Development = 2, Test = 3 }

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// What the fake records, and the answers tests script

export interface ShownMessage { readonly level: 'info' | 'warning' | 'error'; readonly text: string; readonly items: string[] }

export class FakeTextDocument {
  version = 1;
  isDirty = false;
  readonly languageId: string;
  constructor(readonly uri: Uri, private text: string, languageId = 'plaintext') {
    this.languageId = languageId;
  }
  getText(): string {
    return this.text;
  }
  /** Edits the text (as typing would) and fires onDidChangeTextDocument. */
  edit(newText: string): void {
    const old = this.text;
    this.text = newText;
    this.version++;
    this.isDirty = true;
    // One change replacing the whole text (real edits are smaller; listeners here read the document).
    const change = { rangeOffset: 0, rangeLength: old.length, text: newText } as unknown as vscode.TextDocumentContentChangeEvent;
    workspaceEvents.changeText.fire({ document: this as unknown as vscode.TextDocument, contentChanges: [change], reason: undefined });
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, Math.max(0, Math.min(offset, this.text.length)));
    const lines = before.split('\n');
    return new Position(lines.length - 1, lines[lines.length - 1].length);
  }
  offsetAt(position: Position): number {
    const lines = this.text.split('\n');
    let offset = 0;
    for (let i = 0; i < position.line; i++) offset += lines[i].length + 1;
    return offset + position.character;
  }
  get lineCount(): number {
    return this.text.split('\n').length;
  }
}

export class FakeDecorationType {
  disposed = false;
  constructor(readonly options: vscode.DecorationRenderOptions) {}
  readonly key = `decoration-${Math.random().toString(36).slice(2)}`;
  dispose(): void {
    this.disposed = true;
  }
}

export class FakeTextEditor {
  readonly decorations = new Map<FakeDecorationType, readonly (Range | vscode.DecorationOptions)[]>();
  readonly revealed: Range[] = [];
  /** The whole document unless a test scrolls (scrollTo). */
  visibleRanges: Range[];
  constructor(readonly document: FakeTextDocument) {
    this.visibleRanges = [new Range(new Position(0, 0), document.positionAt(document.getText().length))];
  }
  /** Shows UTF-16 offsets [from, to) and fires onDidChangeTextEditorVisibleRanges, as scrolling does. */
  scrollTo(from: number, to: number): void {
    this.visibleRanges = [new Range(this.document.positionAt(from), this.document.positionAt(to))];
    windowEvents.visibleRanges.fire({ textEditor: this as unknown as vscode.TextEditor, visibleRanges: this.visibleRanges as unknown as vscode.Range[] });
  }
  setDecorations(type: FakeDecorationType, ranges: readonly (Range | vscode.DecorationOptions)[]): void {
    this.decorations.set(type, ranges);
  }
  revealRange(range: Range): void {
    this.revealed.push(range);
  }
  /** Every decorated range across types that are still alive. */
  decoratedCount(): number {
    let n = 0;
    for (const [type, ranges] of this.decorations) if (!type.disposed) n += ranges.length;
    return n;
  }
}

export class FakeWebview {
  options: vscode.WebviewOptions = {};
  html = '';
  readonly cspSource = 'https://fake.vscode-cdn.net';
  readonly posted: unknown[] = [];
  readonly receive = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.receive.event;
  asWebviewUri(uri: Uri): Uri {
    return uri.with({ scheme: 'https', authority: 'fake.vscode-cdn.net' });
  }
  postMessage(message: unknown): Thenable<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
}

export class FakeWebviewPanel {
  readonly webview = new FakeWebview();
  visible = true;
  active = true;
  disposed = false;
  readonly viewStateEmitter = new EventEmitter<unknown>();
  readonly disposeEmitter = new EventEmitter<void>();
  readonly onDidChangeViewState = this.viewStateEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;
  readonly revealCount = { n: 0 };
  constructor(readonly viewType: string, public title: string) {}
  reveal(): void {
    this.revealCount.n++;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

export class FakeStatusBarItem {
  text = '';
  tooltip: string | undefined;
  name: string | undefined;
  command: string | undefined;
  visible = false;
  disposed = false;
  constructor(readonly id: string, readonly alignment: StatusBarAlignment, readonly priority?: number) {}
  show(): void { this.visible = true; }
  hide(): void { this.visible = false; }
  dispose(): void { this.disposed = true; this.visible = false; }
}

export class FakeLogChannel {
  readonly lines: string[] = [];
  disposed = false;
  constructor(readonly name: string) {}
  readonly logLevel = 2;
  readonly onDidChangeLogLevel = new EventEmitter<number>().event;
  trace(m: string): void { this.lines.push(`trace ${m}`); }
  debug(m: string): void { this.lines.push(`debug ${m}`); }
  info(m: string): void { this.lines.push(`info ${m}`); }
  warn(m: string): void { this.lines.push(`warn ${m}`); }
  error(m: string | Error): void { this.lines.push(`error ${String(m)}`); }
  append(m: string): void { this.lines.push(m); }
  appendLine(m: string): void { this.lines.push(m); }
  replace(m: string): void { this.lines.push(m); }
  clear(): void { this.lines.length = 0; }
  show(): void { /* nothing to show in tests */ }
  hide(): void { /* nothing to hide in tests */ }
  dispose(): void { this.disposed = true; }
}

export interface ProgressRun { title?: string; cancellable?: boolean; reports: { message?: string }[]; cancel: () => void; done: boolean }

/** Answers for interactive prompts: a function gets the items/options and returns the choice. */
type Answer = unknown | ((items: unknown, options: unknown) => unknown);

export const fake = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as { command: string; args: unknown[] }[],
  context: new Map<string, unknown>(),
  messages: [] as ShownMessage[],
  /** Answers for showInformation/Warning/ErrorMessage, in order (undefined = dismissed). */
  messageAnswers: [] as Answer[],
  quickPickAnswers: [] as Answer[],
  inputBoxAnswers: [] as Answer[],
  saveDialogAnswers: [] as Answer[],
  openDialogAnswers: [] as Answer[],
  /** Validation messages the input boxes' validateInput gave for the scripted answers. */
  inputValidation: [] as (string | undefined | null)[],
  statusItems: [] as FakeStatusBarItem[],
  /** Transient status bar messages (window.setStatusBarMessage), oldest first. */
  statusMessages: [] as string[],
  logs: [] as FakeLogChannel[],
  decorationTypes: [] as FakeDecorationType[],
  /** Registered hover providers (removed when their registration is disposed). */
  hoverProviders: [] as { selector: vscode.DocumentSelector; provider: vscode.HoverProvider }[],
  panels: [] as FakeWebviewPanel[],
  viewProviders: new Map<string, vscode.WebviewViewProvider>(),
  serializers: new Map<string, vscode.WebviewPanelSerializer>(),
  progress: [] as ProgressRun[],
  documents: [] as FakeTextDocument[],
  shownDocuments: [] as FakeTextDocument[],
  /** The viewColumn each showTextDocument asked for. */
  shownColumns: [] as (number | undefined)[],
  config: new Map<string, unknown>(),
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  isTrusted: true,

  reset(): void {
    this.commands.clear();
    this.executed.length = 0;
    this.context.clear();
    this.messages.length = 0;
    this.messageAnswers.length = 0;
    this.quickPickAnswers.length = 0;
    this.inputBoxAnswers.length = 0;
    this.saveDialogAnswers.length = 0;
    this.openDialogAnswers.length = 0;
    this.inputValidation.length = 0;
    this.statusItems.length = 0;
    this.statusMessages.length = 0;
    this.logs.length = 0;
    this.decorationTypes.length = 0;
    this.hoverProviders.length = 0;
    this.panels.length = 0;
    this.viewProviders.clear();
    this.serializers.clear();
    this.progress.length = 0;
    this.documents.length = 0;
    this.shownDocuments.length = 0;
    this.shownColumns.length = 0;
    this.config.clear();
    this.workspaceFolders = undefined;
    this.isTrusted = true;
    windowState.activeTextEditor = undefined;
    windowState.visibleTextEditors = [];
  },

  /** Opens a document in a visible editor (and makes it active). */
  openEditor(document: FakeTextDocument): FakeTextEditor {
    if (!this.documents.includes(document)) this.documents.push(document);
    const editor = new FakeTextEditor(document);
    windowState.visibleTextEditors = [...windowState.visibleTextEditors, editor];
    windowState.activeTextEditor = editor;
    windowEvents.visibleEditors.fire(windowState.visibleTextEditors as unknown as vscode.TextEditor[]);
    return editor;
  },

  get editors(): FakeTextEditor[] {
    return windowState.visibleTextEditors;
  },

  log(): string {
    return this.logs.flatMap((l) => l.lines).join('\n');
  },
};

function answer(queue: Answer[], items: unknown, options: unknown): unknown {
  if (queue.length === 0) return undefined;
  const a = queue.shift();
  return typeof a === 'function' ? (a as (i: unknown, o: unknown) => unknown)(items, options) : a;
}

const windowState = {
  activeTextEditor: undefined as FakeTextEditor | undefined,
  visibleTextEditors: [] as FakeTextEditor[],
};
const windowEvents = {
  visibleEditors: new EventEmitter<vscode.TextEditor[]>(),
  visibleRanges: new EventEmitter<vscode.TextEditorVisibleRangesChangeEvent>(),
  activeEditor: new EventEmitter<vscode.TextEditor | undefined>(),
  tabs: new EventEmitter<unknown>(),
};
const workspaceEvents = {
  changeText: new EventEmitter<vscode.TextDocumentChangeEvent>(),
  changeConfig: new EventEmitter<vscode.ConfigurationChangeEvent>(),
};

// ---------------------------------------------------------------------------------------------
// Namespaces

export const commands = {
  registerCommand(command: string, callback: (...args: unknown[]) => unknown): vscode.Disposable {
    if (fake.commands.has(command)) throw new Error(`command '${command}' already exists`);
    fake.commands.set(command, callback);
    return new Disposable(() => fake.commands.delete(command));
  },
  async executeCommand<T = unknown>(command: string, ...rest: unknown[]): Promise<T> {
    fake.executed.push({ command, args: rest });
    if (command === 'setContext') {
      fake.context.set(rest[0] as string, rest[1]);
      return undefined as T;
    }
    const handler = fake.commands.get(command);
    return (handler ? await handler(...rest) : undefined) as T;
  },
  async getCommands(): Promise<string[]> {
    return [...fake.commands.keys()];
  },
} satisfies Partial<typeof vscode.commands>;

function showMessage(level: ShownMessage['level']) {
  return (text: string, ...rest: unknown[]): Thenable<string | undefined> => {
    const items = rest.filter((r): r is string => typeof r === 'string');
    fake.messages.push({ level, text, items });
    return Promise.resolve(answer(fake.messageAnswers, items, rest[0]) as string | undefined);
  };
}

export const window = {
  get activeTextEditor(): vscode.TextEditor | undefined {
    return windowState.activeTextEditor as unknown as vscode.TextEditor | undefined;
  },
  get visibleTextEditors(): readonly vscode.TextEditor[] {
    return windowState.visibleTextEditors as unknown as vscode.TextEditor[];
  },
  onDidChangeVisibleTextEditors: windowEvents.visibleEditors.event,
  onDidChangeTextEditorVisibleRanges: windowEvents.visibleRanges.event,
  onDidChangeActiveTextEditor: windowEvents.activeEditor.event,
  tabGroups: {
    activeTabGroup: { activeTab: undefined as unknown },
    onDidChangeTabs: windowEvents.tabs.event,
  },
  showInformationMessage: showMessage('info'),
  showWarningMessage: showMessage('warning'),
  showErrorMessage: showMessage('error'),
  showQuickPick(items: unknown, options?: unknown): Thenable<unknown> {
    return Promise.resolve(items).then((resolved) => answer(fake.quickPickAnswers, resolved, options));
  },
  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined> {
    const value = answer(fake.inputBoxAnswers, undefined, options) as string | undefined;
    if (value !== undefined && options?.validateInput) {
      const problem = options.validateInput(value) as string | undefined | null;
      fake.inputValidation.push(problem);
      if (problem) return Promise.resolve(undefined); // a real input box would not accept it
    }
    return Promise.resolve(value);
  },
  showSaveDialog(options?: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined> {
    return Promise.resolve(answer(fake.saveDialogAnswers, undefined, options) as vscode.Uri | undefined);
  },
  showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined> {
    return Promise.resolve(answer(fake.openDialogAnswers, undefined, options) as vscode.Uri[] | undefined);
  },
  createOutputChannel(name: string, _options?: unknown): vscode.LogOutputChannel {
    const channel = new FakeLogChannel(name);
    fake.logs.push(channel);
    return channel as unknown as vscode.LogOutputChannel;
  },
  setStatusBarMessage(text: string, _hide?: number | Thenable<unknown>): vscode.Disposable {
    fake.statusMessages.push(text);
    return new Disposable(() => {});
  },
  createStatusBarItem(id: string, alignment?: StatusBarAlignment, priority?: number): vscode.StatusBarItem {
    const item = new FakeStatusBarItem(id, alignment ?? StatusBarAlignment.Left, priority);
    fake.statusItems.push(item);
    return item as unknown as vscode.StatusBarItem;
  },
  createTextEditorDecorationType(options: vscode.DecorationRenderOptions): vscode.TextEditorDecorationType {
    const type = new FakeDecorationType(options);
    fake.decorationTypes.push(type);
    return type as unknown as vscode.TextEditorDecorationType;
  },
  withProgress<R>(options: vscode.ProgressOptions, task: (progress: vscode.Progress<{ message?: string }>, token: vscode.CancellationToken) => Thenable<R>): Thenable<R> {
    const source = new CancellationTokenSource();
    const run: ProgressRun = { title: options.title, cancellable: options.cancellable, reports: [], cancel: () => source.cancel(), done: false };
    fake.progress.push(run);
    const result = task({ report: (v) => run.reports.push(v) }, source.token as unknown as vscode.CancellationToken);
    return Promise.resolve(result).finally(() => { run.done = true; });
  },
  createWebviewPanel(viewType: string, title: string): vscode.WebviewPanel {
    const panel = new FakeWebviewPanel(viewType, title);
    fake.panels.push(panel);
    return panel as unknown as vscode.WebviewPanel;
  },
  registerWebviewPanelSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable {
    fake.serializers.set(viewType, serializer);
    return new Disposable(() => fake.serializers.delete(viewType));
  },
  registerWebviewViewProvider(viewId: string, provider: vscode.WebviewViewProvider): vscode.Disposable {
    fake.viewProviders.set(viewId, provider);
    return new Disposable(() => fake.viewProviders.delete(viewId));
  },
  async showTextDocument(document: vscode.TextDocument | FakeTextDocument, options?: vscode.TextDocumentShowOptions): Promise<vscode.TextEditor> {
    const doc = document as FakeTextDocument;
    fake.shownDocuments.push(doc);
    fake.shownColumns.push(options?.viewColumn);
    const existing = windowState.visibleTextEditors.find((e) => e.document === doc);
    const editor = existing ?? fake.openEditor(doc);
    windowState.activeTextEditor = editor;
    return editor as unknown as vscode.TextEditor;
  },
};

/** In tests every `file:` path is real: a temporary folder per test. */
const fs = {
  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const s = await fsp.stat(uri.fsPath);
    return { type: s.isDirectory() ? FileType.Directory : FileType.File, size: s.size, ctime: s.ctimeMs, mtime: s.mtimeMs };
  },
  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return new Uint8Array(await fsp.readFile(uri.fsPath));
  },
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    await fsp.mkdir(nodePath.dirname(uri.fsPath), { recursive: true });
    await fsp.writeFile(uri.fsPath, content);
  },
  async rename(source: vscode.Uri, target: vscode.Uri, options?: { overwrite?: boolean }): Promise<void> {
    if (!options?.overwrite) {
      const exists = await fsp.stat(target.fsPath).then(() => true, () => false);
      if (exists) throw new Error(`${target.fsPath} exists`);
    }
    await fsp.rename(source.fsPath, target.fsPath);
  },
  async delete(uri: vscode.Uri): Promise<void> {
    await fsp.rm(uri.fsPath, { recursive: true });
  },
  async createDirectory(uri: vscode.Uri): Promise<void> {
    await fsp.mkdir(uri.fsPath, { recursive: true });
  },
} satisfies Partial<vscode.FileSystem>;

export const workspace = {
  fs,
  get textDocuments(): readonly vscode.TextDocument[] {
    return fake.documents as unknown as vscode.TextDocument[];
  },
  get workspaceFolders(): readonly vscode.WorkspaceFolder[] | undefined {
    return fake.workspaceFolders as unknown as vscode.WorkspaceFolder[] | undefined;
  },
  get isTrusted(): boolean {
    return fake.isTrusted;
  },
  onDidChangeTextDocument: workspaceEvents.changeText.event,
  onDidChangeConfiguration: workspaceEvents.changeConfig.event,
  getConfiguration(section?: string): vscode.WorkspaceConfiguration {
    const prefix = section ? `${section}.` : '';
    return {
      get: <T>(key: string, defaultValue?: T): T | undefined => (fake.config.has(prefix + key) ? fake.config.get(prefix + key) as T : defaultValue),
      has: (key: string) => fake.config.has(prefix + key),
      inspect: () => undefined,
      update: async (key: string, value: unknown) => { fake.config.set(prefix + key, value); },
    } as vscode.WorkspaceConfiguration;
  },
  async openTextDocument(arg: vscode.Uri | { content?: string; language?: string }): Promise<vscode.TextDocument> {
    if (arg instanceof Uri) {
      const open = fake.documents.find((d) => d.uri.toString() === arg.toString());
      if (open) return open as unknown as vscode.TextDocument;
      const text = new TextDecoder().decode(await fsp.readFile(arg.fsPath));
      const doc = new FakeTextDocument(arg, text);
      fake.documents.push(doc);
      return doc as unknown as vscode.TextDocument;
    }
    const options = arg as { content?: string; language?: string };
    const doc = new FakeTextDocument(Uri.from({ scheme: 'untitled', path: `Untitled-${fake.documents.length + 1}` }), options.content ?? '', options.language);
    fake.documents.push(doc);
    return doc as unknown as vscode.TextDocument;
  },
};

export const languages = {
  registerHoverProvider(selector: vscode.DocumentSelector, provider: vscode.HoverProvider): vscode.Disposable {
    const entry = { selector, provider };
    fake.hoverProviders.push(entry);
    return new Disposable(() => {
      const i = fake.hoverProviders.indexOf(entry);
      if (i >= 0) fake.hoverProviders.splice(i, 1);
    });
  },
};

export const env = {
  language: 'en',
  appName: 'Fake VS Code',
};

export const version = '1.95.0';

/**
 * vscode.l10n as VS Code implements it: the message looked up in the loaded bundle (none: the
 * English source), then `{0}` / `{name}` replaced by the arguments. Tests load a bundle (the
 * Korean one) with `l10n.useBundle`.
 */
export const l10n = {
  bundle: undefined as Record<string, string> | undefined,
  useBundle(bundle: Record<string, string> | undefined): void {
    l10n.bundle = bundle;
  },
  t(message: string | { message: string; args?: unknown[] | Record<string, unknown> }, ...rest: unknown[]): string {
    const text = typeof message === 'string' ? message : message.message;
    const args: unknown[] | Record<string, unknown> = typeof message === 'string'
      ? (rest.length === 1 && typeof rest[0] === 'object' && rest[0] !== null ? rest[0] as Record<string, unknown> : rest)
      : message.args ?? [];
    const translated = l10n.bundle?.[text] ?? text;
    return translated.replace(/\{([^}]+)\}/g, (whole, key: string) => {
      const value = (args as Record<string, unknown>)[key];
      return value === undefined ? whole : String(value);
    });
  },
};
