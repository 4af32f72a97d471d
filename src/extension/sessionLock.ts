/**
 * Who owns the workspace's training session, so a window reload never leaves a worker training
 * unseen. In code-server a reload starts a new extension host while the old one lives on (it
 * waits hours for its window to reconnect), and kept training at full speed with nobody to see it.
 *
 * A live session writes a small lock file into the workspace storage and refreshes it (a
 * heartbeat). A new extension host that finds a fresh lock of another owner claims it: the owner
 * reads the claim at its next heartbeat, stops its session (the final checkpoint is autosaved) and
 * removes the lock, and the new window then offers to resume from that checkpoint. A lock whose
 * heartbeat is old belongs to a host that is gone, and is ignored.
 */

import * as vscode from 'vscode';
import { type SessionFollower } from './sessionHost';
import { type Logger, type TrainingSession } from './trainingSession';
import { writeFileAtomically } from './modelFiles';

export const HEARTBEAT_MS = 2000;
/** Heartbeats missed before a lock counts as left behind by a host that is gone. */
const STALE_BEATS = 3;
/** How long a new window waits for the owner of a live lock to stop and save. */
const TAKEOVER_MS = 20_000;
const LOCK_FILE = 'session.lock.json';

export interface LockRecord {
  readonly owner: string;
  readonly beat: number;
  readonly file: string;
  readonly step: number;
  /** Another extension host asking this one to stop (its owner id). */
  readonly claimedBy?: string;
}

export function parseLock(value: unknown): LockRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  return typeof r.owner === 'string' && typeof r.beat === 'number' && typeof r.file === 'string' && typeof r.step === 'number'
    && (r.claimedBy === undefined || typeof r.claimedBy === 'string') ? (r as unknown as LockRecord) : null;
}

export class SessionLock implements SessionFollower, vscode.Disposable {
  /** This extension host. */
  readonly owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  private timer: ReturnType<typeof setInterval> | undefined;
  private session: TrainingSession | null = null;
  private beating = false;

  constructor(
    private readonly storageUri: vscode.Uri | undefined,
    private readonly log: Logger,
    /** Stops the session and waits until its final checkpoint is saved. */
    private readonly stopAndSave: (session: TrainingSession) => Promise<void>,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  follow(session: TrainingSession): vscode.Disposable[] {
    this.release();
    if (!this.storageUri) return [];
    this.session = session;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.heartbeatMs);
    return [session.onDidChangeState((state) => {
      if (state === 'stopped' || state === 'failed') this.release();
    })];
  }

  forget(): void {
    this.release();
  }

  /**
   * At activation: when another extension host holds a live session here, asks it to stop and
   * waits until it has (its checkpoint is then autosaved). Returns whether there was one.
   */
  async takeOver(): Promise<boolean> {
    const first = await this.read();
    if (!first || first.owner === this.owner || this.isStale(first)) return false;
    this.log.info(`Another window's session on ${first.file} (step ${first.step}) is live; asking it to stop here so this window can resume it.`);
    const until = Date.now() + TAKEOVER_MS;
    while (Date.now() < until) {
      const now = await this.read();
      if (!now || this.isStale(now)) return true;
      if (now.claimedBy !== this.owner) await this.write({ ...now, claimedBy: this.owner });
      await new Promise((r) => setTimeout(r, Math.min(500, this.heartbeatMs / 2)));
    }
    this.log.warn('The other window\'s session did not stop in time; it trains on there.');
    return true;
  }

  dispose(): void {
    this.release();
  }

  /**
   * One heartbeat at a time: on a starved extension host the file writes take longer than the
   * interval, and overlapping beats raced each other's rename of the lock file (code-server logged
   * "Unable to delete nonexistent file" eight at a time).
   */
  private async tick(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await this.beat();
    } finally {
      this.beating = false;
    }
  }

  private async beat(): Promise<void> {
    const session = this.session;
    if (!session || !session.machine.isLive) return;
    const current = await this.read();
    if (current?.claimedBy && current.claimedBy !== this.owner && this.session === session) {
      this.log.info('Another window (or this one, reloaded) took over the session: stopping here, with the checkpoint saved.');
      this.stopTimer();
      this.session = null;
      await this.stopAndSave(session);
      await this.remove();
      return;
    }
    await this.write({ owner: this.owner, beat: Date.now(), file: session.source.fileName, step: session.latestProgress?.step ?? session.info?.step ?? 0 });
  }

  private isStale(lock: LockRecord): boolean {
    return Date.now() - lock.beat > STALE_BEATS * this.heartbeatMs;
  }

  private release(): void {
    this.stopTimer();
    if (this.session) void this.removeIfOurs();
    this.session = null;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async removeIfOurs(): Promise<void> {
    const lock = await this.read();
    if (lock?.owner === this.owner) await this.remove();
  }

  private uri(): vscode.Uri | undefined {
    return this.storageUri && vscode.Uri.joinPath(this.storageUri, LOCK_FILE);
  }

  private async read(): Promise<LockRecord | null> {
    const uri = this.uri();
    if (!uri) return null;
    try {
      return parseLock(JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))));
    } catch {
      return null;
    }
  }

  private async write(lock: LockRecord): Promise<void> {
    const uri = this.uri();
    if (!uri || !this.storageUri) return;
    try {
      await vscode.workspace.fs.createDirectory(this.storageUri);
      await writeFileAtomically(uri, new TextEncoder().encode(JSON.stringify(lock)));
    } catch (error) {
      this.log.warn(`Could not write the session lock: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async remove(): Promise<void> {
    const uri = this.uri();
    if (uri) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  }
}
