// One process syncs a state directory at a time. Operators open several editor windows and may run the CLI beside
// them; all share the same state. The lock is a file created with O_EXCL holding the owner's pid and a heartbeat
// (the file's mtime, refreshed while held). A holder that crashed is detected by a dead pid or a stale heartbeat
// and the lock is taken over, so a crash never blocks syncing for good.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorMessage, isDiskFull, StateError } from '../errors';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  owner: string;
  token: string;
}

export interface LockOptions {
  /** Label of the holder shown to others ("CLI run", "VS Code window"). */
  owner: string;
  /** A lock whose heartbeat is older than this is considered abandoned. */
  staleMs?: number;
  heartbeatMs?: number;
  /** Runs each time the lock is taken (clean-up of what a crashed holder left); its failure never loses the lock. */
  onAcquire?: () => Promise<void>;
}

const LOCK_NAME = 'sync.lock';

export class StateDirLock {
  private held: LockOwner | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly file: string;
  private readonly staleMs: number;

  constructor(
    readonly dir: string,
    private readonly opts: LockOptions,
  ) {
    this.file = path.join(dir, LOCK_NAME);
    this.staleMs = opts.staleMs ?? 120_000;
  }

  get isHeld(): boolean {
    return this.held !== undefined;
  }

  /** Takes the lock if free (or abandoned). Returns false when a live process holds it. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    await fs.promises.mkdir(this.dir, { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      const me: LockOwner = {
        pid: process.pid,
        host: os.hostname(),
        startedAt: new Date().toISOString(),
        owner: this.opts.owner,
        token: randomBytes(8).toString('hex'),
      };
      try {
        const fh = await fs.promises.open(this.file, 'wx', 0o600);
        try {
          await fh.writeFile(JSON.stringify(me));
          await fh.sync();
          await fh.close();
        } catch (e) {
          // An empty lock file (a full disk) would shut every later process out: it goes with the failed write.
          await fh.close().catch(() => undefined);
          await fs.promises.rm(this.file, { force: true }).catch(() => undefined);
          throw e;
        }
        this.held = me;
        this.startHeartbeat();
        await this.opts.onAcquire?.().catch(() => undefined);
        return true;
      } catch (e) {
        if (isDiskFull(e))
          throw new StateError(
            'diskFull',
            `The disk holding the state directory ${this.dir} is full (${(e as NodeJS.ErrnoException).code}): nothing was synced.`,
            'Free space on that disk, then run again.',
          );
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new StateError('io', `Cannot create the lock file in ${this.dir}: ${errorMessage(e)}`);
      }
      const holder = await this.holder();
      if (holder && !(await this.isAbandoned(holder))) return false;
      // Abandoned: move it aside atomically; if another process got there first, the rename fails and we retry.
      await fs.promises.rename(this.file, `${this.file}.stale-${randomBytes(4).toString('hex')}`).then(
        () =>
          fs.promises
            .readdir(this.dir)
            .then((names) =>
              Promise.all(
                names
                  .filter((n) => n.startsWith(`${LOCK_NAME}.stale-`))
                  .map((n) => fs.promises.rm(path.join(this.dir, n), { force: true })),
              ),
            ),
        () => undefined,
      );
    }
    return false;
  }

  /** Takes the lock or throws a StateError('locked') naming the holder. */
  async acquire(): Promise<void> {
    if (await this.tryAcquire()) return;
    const h = await this.holder();
    throw new StateError(
      'locked',
      `Another BioTime Sync process is syncing ${this.dir}` +
        (h ? ` (${h.owner}, pid ${h.pid} on ${h.host}, since ${h.startedAt}).` : '.'),
      'Wait for it to finish, or stop it. A crashed holder is detected automatically within two minutes.',
    );
  }

  async holder(): Promise<LockOwner | undefined> {
    try {
      return JSON.parse(await fs.promises.readFile(this.file, 'utf8')) as LockOwner;
    } catch {
      return undefined;
    }
  }

  private async isAbandoned(h: LockOwner): Promise<boolean> {
    if (h.host === os.hostname() && !pidAlive(h.pid)) return true;
    try {
      const st = await fs.promises.stat(this.file);
      return Date.now() - st.mtimeMs > this.staleMs;
    } catch {
      return true;
    }
  }

  private startHeartbeat(): void {
    const every = this.opts.heartbeatMs ?? Math.max(1000, Math.floor(this.staleMs / 4));
    this.heartbeat = setInterval(() => {
      const now = new Date();
      fs.promises.utimes(this.file, now, now).catch(() => undefined);
    }, every);
    this.heartbeat.unref();
  }

  async release(): Promise<void> {
    if (!this.held) return;
    clearInterval(this.heartbeat);
    const current = await this.holder();
    if (current?.token === this.held.token) await fs.promises.rm(this.file, { force: true });
    this.held = undefined;
  }
}

/** Whether a process with this pid exists on this host. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
