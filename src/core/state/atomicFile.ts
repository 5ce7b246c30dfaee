// Durable file writes: write a temporary file, fsync it, rename it over the target, fsync the directory.
// A crash at any point leaves either the old or the new content, never a torn file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors';

/** `data` may be produced piece by piece (a compaction streams the lines it keeps instead of holding them all). */
export async function writeFileAtomic(file: string, data: string | AsyncIterable<string>, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fs.promises.open(tmp, 'wx', mode);
  try {
    // The umask may have cleared bits of `mode` but never adds any; chmod makes the mode exact.
    if (process.platform !== 'win32') await fh.chmod(mode);
    if (typeof data === 'string') await fh.writeFile(data, 'utf8');
    else for await (const piece of data) await fh.write(piece);
    await fh.sync();
    await fh.close();
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
}

/**
 * Writes `data` over the start of an existing file without allocating anything: the rest of the file is filled
 * with spaces, so `data` must be JSON (or text that ignores trailing white space). For a full disk only, where a
 * new file cannot be written: a crash mid-write can tear the file. Returns false when `data` does not fit.
 */
export async function overwriteInPlace(file: string, data: string): Promise<boolean> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(file, 'r+');
    const { size } = await fh.stat();
    const bytes = Buffer.from(data, 'utf8');
    if (bytes.length > size) return false;
    const block = Buffer.alloc(size, 0x20);
    bytes.copy(block);
    await fh.write(block, 0, size, 0);
    await fh.sync();
    return true;
  } catch {
    return false;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** writeFileAtomic's temporary names: `.<target name>.<pid>.<12 hex digits>.tmp`. */
const TEMP_NAME = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/** A write takes milliseconds: a temporary file older than this was left by a writer killed before its rename. */
export const STALE_TEMP_MS = 60_000;

/**
 * Removes writeFileAtomic's temporary files in `dir` (not below it) older than `olderThanMs`, and nothing else.
 * Age decides, not the pid in the name: pids are reused, and a state directory on a share may be written from
 * another host, where a pid check here means nothing. Returns the names removed.
 */
export async function removeStaleTemps(dir: string, now: Date, olderThanMs = STALE_TEMP_MS): Promise<string[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((n) => TEMP_NAME.test(n))) {
    const file = path.join(dir, name);
    const st = await fs.promises.lstat(file).catch(() => undefined);
    if (!st?.isFile() || now.getTime() - st.mtimeMs < olderThanMs) continue;
    await fs.promises.rm(file, { force: true });
    removed.push(name);
  }
  return removed;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const dh = await fs.promises.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // directories cannot be fsync'd on every platform (Windows); the rename itself is still atomic there
  }
}

export type ReadJson<T> = { kind: 'missing' } | { kind: 'ok'; value: T } | { kind: 'corrupt'; error: string };

export async function readJsonFile<T>(file: string): Promise<ReadJson<T>> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) as T };
  } catch (e) {
    return { kind: 'corrupt', error: errorMessage(e) };
  }
}

/** Moves a corrupt file aside (kept for inspection) so the next write starts clean. */
export async function quarantine(file: string, now: Date): Promise<string> {
  const aside = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  await fs.promises.rename(file, aside).catch(() => undefined);
  return aside;
}
