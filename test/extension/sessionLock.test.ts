// The session lock (issue 13 point 6): a reloaded window, or a second one, takes the workspace's
// live session over from the extension host that still runs it, instead of leaving it training
// unseen; a lock left by a host that is gone is ignored. Two SessionLocks over one storage folder
// stand for the two extension hosts.
import { strict as assert } from 'node:assert';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionLock } from '../../src/extension/sessionLock';
import { type TrainingSession } from '../../src/extension/trainingSession';
import { EventEmitter, Uri, workspace } from './fakeVscode';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** Waits until `ok()` (a busy machine delays the heartbeats' file writes). */
async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
  }
}

/** What the lock reads of a session, with a Stop that ends it. */
function fakeSession(): TrainingSession & { stopped: boolean } {
  const state = new EventEmitter<string>();
  const s = {
    stopped: false,
    machine: { get isLive() { return !s.stopped; } },
    source: { fileName: 'corpus.txt' },
    latestProgress: { step: 120 },
    info: { step: 0 },
    onDidChangeState: state.event,
    stop: async () => { s.stopped = true; state.fire('stopped'); },
  };
  return s as unknown as TrainingSession & { stopped: boolean };
}

describe('extension: the session lock (a reload never orphans a training worker)', () => {
  let dir: string;
  let storage: Uri;
  const lockFile = (): string => path.join(dir, 'session.lock.json');
  const disposables: { dispose(): unknown }[] = [];

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rnn-lens-lock-'));
    storage = Uri.file(dir);
  });
  afterEach(async () => {
    for (const d of disposables.splice(0)) d.dispose();
    await new Promise((r) => setTimeout(r, 50));
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('a new host claims a live session: the old one stops it, saved, and removes its lock; the new one then resumes', async () => {
    const saved: string[] = [];
    const old = new SessionLock(storage, quiet, async (s) => { await s.stop(); saved.push('final checkpoint'); }, 300);
    disposables.push(old);
    const session = fakeSession();
    disposables.push(...old.follow(session));
    await until('the lock', () => existsSync(lockFile()));
    const lock = JSON.parse(readFileSync(lockFile(), 'utf8'));
    assert.deepEqual([lock.owner, lock.file, lock.step], [old.owner, 'corpus.txt', 120]);
    const fresh = new SessionLock(storage, quiet, async () => { throw new Error('the new host has no session to stop'); }, 300);
    disposables.push(fresh);
    const t0 = Date.now();
    assert.equal(await fresh.takeOver(), true);
    assert.ok(session.stopped, 'the old host stopped its session');
    assert.deepEqual(saved, ['final checkpoint'], 'and saved it before letting go');
    assert.equal(existsSync(lockFile()), false, 'its lock is gone');
    assert.ok(Date.now() - t0 < 10_000, `took over in ${Date.now() - t0} ms`);
  });

  it('a lock whose heartbeat stopped (its host is gone) is ignored; so are none and our own', async () => {
    await fsp.writeFile(lockFile(), JSON.stringify({ owner: 'gone', beat: Date.now() - 60_000, file: 'corpus.txt', step: 5 }));
    const fresh = new SessionLock(storage, quiet, async () => {}, 300);
    assert.equal(await fresh.takeOver(), false);
    assert.equal(JSON.parse(readFileSync(lockFile(), 'utf8')).claimedBy, undefined, 'nothing claimed');
    await fsp.rm(lockFile());
    assert.equal(await fresh.takeOver(), false);
    const own = new SessionLock(storage, quiet, async () => {}, 300);
    disposables.push(own, ...own.follow(fakeSession()));
    await until('our own lock', () => existsSync(lockFile()));
    assert.equal(await own.takeOver(), false);
  });

  it('runs one heartbeat at a time when the file system is slower than the interval', async () => {
    const readFile = workspace.fs.readFile;
    let inFlight = 0;
    let most = 0;
    let reads = 0;
    workspace.fs.readFile = async (uri) => {
      inFlight++;
      reads++;
      most = Math.max(most, inFlight);
      try {
        await new Promise((r) => setTimeout(r, 60));
        return await readFile(uri);
      } finally {
        inFlight--;
      }
    };
    try {
      const lock = new SessionLock(storage, quiet, async (s) => { await s.stop(); }, 10);
      disposables.push(lock);
      disposables.push(...lock.follow(fakeSession()));
      await new Promise((r) => setTimeout(r, 400));
      assert.ok(reads >= 3, `${reads} heartbeats read the lock`);
      assert.equal(most, 1, `${most} heartbeats at once`);
    } finally {
      workspace.fs.readFile = readFile;
    }
  });

  it('a session that ends removes its lock, and a host without storage writes none', async () => {
    const lock = new SessionLock(storage, quiet, async () => {}, 300);
    const session = fakeSession();
    disposables.push(lock, ...lock.follow(session));
    await until('the lock', () => existsSync(lockFile()));
    await session.stop();
    await until('the lock to go', () => !existsSync(lockFile()));
    const none = new SessionLock(undefined, quiet, async () => {}, 300);
    assert.deepEqual(none.follow(fakeSession()), []);
    assert.equal(await none.takeOver(), false);
  });
});
