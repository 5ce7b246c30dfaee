// Append-only segment files (JSON lines). A crash mid-append leaves a torn last line: the next append starts on a
// fresh line so the torn bytes stay one unparsable line (skipped on read) and never swallow the next event.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SEGMENT_NAME = /^(\d{4}-\d{2}-\d{2}|undated)\.jsonl$/;

/** The segment (a day of punch time, BioTime's wall clock) a punch belongs to. */
export function dayOf(punchTime: string): string {
  const d = punchTime.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : 'undated';
}

/**
 * Appends text (whole lines), and fsyncs before resolving unless `sync` is false (the caller then syncs before it
 * relies on the lines surviving a power cut, see syncFile). Returns where the text starts in the file (after the
 * line feed that ends a torn line) and where it ends.
 */
export async function appendLines(
  file: string,
  text: string | Buffer,
  sync = true,
): Promise<{ base: number; end: number }> {
  const fh = await fs.promises.open(file, 'a+', 0o600);
  try {
    const { size } = await fh.stat();
    let prefix = 0;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = 1;
    }
    const body = typeof text === 'string' ? Buffer.from(text) : text;
    const bytes = prefix ? Buffer.concat([Buffer.from('\n'), body]) : body;
    await fh.write(bytes);
    if (sync) await fh.sync();
    return { base: size + prefix, end: size + bytes.length };
  } finally {
    await fh.close();
  }
}

let scratch = Buffer.allocUnsafe(1 << 17);

/**
 * `text` encoded into one buffer reused from call to call: a new Buffer per batch counted as external memory and
 * brought on full garbage collections of the engine's whole heap. Valid until the next call (use it synchronously).
 */
export function scratchBytes(text: string): Buffer {
  const need = Buffer.byteLength(text);
  if (need > scratch.length) scratch = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(need)));
  return scratch.subarray(0, scratch.write(text, 0));
}

/**
 * Lines encoded one after the other into the reused buffer (each followed by a line feed), without joining them into
 * one string first; `lengths[i]` is line i's byte length. Same lifetime as scratchBytes.
 */
export function scratchLines(texts: readonly string[], lengths: number[]): Buffer {
  let worst = 0;
  for (const t of texts) worst += t.length * 3 + 1; // UTF-8 needs at most 3 bytes per UTF-16 unit
  if (worst > scratch.length) scratch = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(worst)));
  let off = 0;
  lengths.length = 0;
  for (const t of texts) {
    const n = scratch.write(t, off);
    lengths.push(n);
    off += n;
    scratch[off++] = 0x0a;
  }
  return scratch.subarray(0, off);
}

/**
 * `appendLines` without the fsync, in synchronous calls: the writer appends a batch of a few dozen KB to the page
 * cache, where five awaited file operations cost more CPU than the writing itself (about 2 µs per punch of the
 * engine's 100). The fsync that makes the lines durable stays asynchronous (syncFile).
 */
export function appendLinesNow(file: string, bytes: Buffer): { base: number; end: number } {
  const fd = fs.openSync(file, 'a+', 0o600);
  try {
    const { size } = fs.fstatSync(fd);
    let prefix = 0;
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = 1;
    }
    const out = prefix ? Buffer.concat([Buffer.from('\n'), bytes]) : bytes;
    for (let done = 0; done < out.length;) done += fs.writeSync(fd, out, done, out.length - done);
    return { base: size + prefix, end: size + out.length };
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a file's data to the disk (a file deleted since, e.g. pruned, needs nothing). */
export async function syncFile(file: string): Promise<void> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The segment days present in a device folder, newest first. */
export async function listDays(dir: string): Promise<string[]> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  return names
    .map((n) => SEGMENT_NAME.exec(n)?.[1])
    .filter((d): d is string => !!d)
    .sort()
    .reverse();
}

export function segmentPath(dir: string, day: string): string {
  return path.join(dir, `${day}.jsonl`);
}

export function rawPath(dir: string, day: string): string {
  return path.join(dir, `${day}.raw.jsonl`);
}

/** A segment's text, or '' when it does not exist. */
export async function readSegment(file: string): Promise<string> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** A segment's bytes, or an empty buffer when it does not exist. */
export async function readSegmentBytes(file: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw e;
  }
}

/** Replaces a file by rename (no fsync): a reader sees the old or the new content, never a torn one. */
export async function replaceFile(file: string, data: string): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  await fs.promises.writeFile(tmp, data, { mode: 0o600 });
  await fs.promises.rename(tmp, file);
}
