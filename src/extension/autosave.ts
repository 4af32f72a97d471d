/**
 * Autosave: the session's checkpoint (weights, optimizer state, stream positions, RNG: enough to
 * continue bit for bit) is written into the extension's workspace storage every few minutes, when
 * the session pauses and when it ends, atomically, so a crash or a window reload loses at most a few minutes.
 * A small JSON record beside it says which file it belongs to; after a reload the extension
 * offers to resume from it.
 */

import * as vscode from 'vscode';
import { withRecordOf } from './checkpointRecords';
import { writeFileAtomically } from './modelFiles';
import { type Logger, type TrainingSession } from './trainingSession';
import { messageOf } from './userError';

export const AUTOSAVE_INTERVAL_MS = 3 * 60 * 1000;
const MODEL_FILE = 'autosave.safetensors';
const RECORD_FILE = 'autosave.json';

export interface AutosaveRecord {
  readonly version: 1;
  /** The training file (uri string). */
  readonly file: string;
  readonly fileName: string;
  readonly step: number;
  readonly cell: string;
  readonly savedAt: string;
}

export function parseAutosaveRecord(value: unknown): AutosaveRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  return r.version === 1 && typeof r.file === 'string' && typeof r.fileName === 'string' && typeof r.cell === 'string'
    && typeof r.step === 'number' && Number.isInteger(r.step) && r.step >= 0 && typeof r.savedAt === 'string'
    ? (r as unknown as AutosaveRecord) : null;
}

export class Autosave implements vscode.Disposable {
  private timer: ReturnType<typeof setInterval> | undefined;
  private pauseSubscription: vscode.Disposable | undefined;
  private subscription: vscode.Disposable | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storageUri: vscode.Uri | undefined,
    private readonly log: Logger,
    private readonly intervalMs = AUTOSAVE_INTERVAL_MS,
  ) {}

  get enabled(): boolean {
    return this.storageUri !== undefined;
  }

  /** Follows a session: periodic saves while it lives, and its final checkpoint. */
  attach(session: TrainingSession): void {
    this.detach();
    if (!this.storageUri) {
      this.log.info('Autosave is off: there is no workspace storage (open a folder to enable it).');
      return;
    }
    this.subscription = session.onCheckpoint((c) => {
      if (c.reason === 'autosave' || c.reason === 'final') this.enqueue(session, c.bytes, c.step);
    });
    let savedStep = -1;
    const save = (): void => {
      if (session.state !== 'training' && session.state !== 'paused') return;
      // A paused session that has not moved since the last save has nothing new to keep.
      if (session.latestProgress?.step === savedStep) return;
      session.save().then(({ bytes, step }) => {
        savedStep = step;
        this.enqueue(session, bytes, step);
      }, (e) => this.log.warn(`Autosave skipped: ${messageOf(e)}`));
    };
    this.timer = setInterval(save, this.intervalMs);
    // Pausing is a save point too: a window reloaded while paused (in code-server the old extension
    // host may exit before its final checkpoint is written) then still has the session to resume.
    this.pauseSubscription = session.onDidChangeState((state) => { if (state === 'paused') save(); });
  }

  detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.pauseSubscription?.dispose();
    this.pauseSubscription = undefined;
  }

  /** Resolves when every write started so far has finished. */
  flush(): Promise<void> {
    return this.writing;
  }

  /** The saved session, if any (null when none or unreadable). */
  async pending(): Promise<{ record: AutosaveRecord; bytes: Uint8Array } | null> {
    if (!this.storageUri) return null;
    try {
      const raw = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.storageUri, RECORD_FILE));
      const record = parseAutosaveRecord(JSON.parse(new TextDecoder().decode(raw)));
      if (!record) return null;
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.storageUri, MODEL_FILE));
      return { record, bytes };
    } catch {
      return null;
    }
  }

  async discard(): Promise<void> {
    if (!this.storageUri) return;
    for (const name of [RECORD_FILE, MODEL_FILE]) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.storageUri, name)).then(undefined, () => undefined);
    }
  }

  dispose(): void {
    this.detach();
  }

  private enqueue(session: TrainingSession, bytes: Uint8Array, step: number): void {
    const storage = this.storageUri;
    if (!storage) return;
    const record: AutosaveRecord = {
      version: 1, file: session.source.uri.toString(), fileName: session.source.fileName, step,
      cell: session.info?.config.cell ?? 'unknown', savedAt: new Date().toISOString(),
    };
    // Writes run one after another, model before record, so the record never names a missing or older model.
    this.writing = this.writing.then(async () => {
      try {
        await vscode.workspace.fs.createDirectory(storage);
        await writeFileAtomically(vscode.Uri.joinPath(storage, MODEL_FILE), withRecordOf(session, bytes));
        await writeFileAtomically(vscode.Uri.joinPath(storage, RECORD_FILE), new TextEncoder().encode(JSON.stringify(record, null, 2)));
        this.log.info(`Autosaved step ${step} of ${record.fileName}.`);
      } catch (error) {
        this.log.warn(`Autosave failed: ${messageOf(error)}`);
      }
    });
  }
}
