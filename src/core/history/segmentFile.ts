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
export async function appendLines(file: string, text: string, sync = true): Promise<{ base: number; end: number }> {
  const fh = await fs.promises.open(file, 'a+', 0o600);
  try {
    const { size } = await fh.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const bytes = Buffer.from(prefix + text);
    await fh.write(bytes);
    if (sync) await fh.sync();
    return { base: size + prefix.length, end: size + bytes.length };
  } finally {
    await fh.close();
  }
}

// Reused from batch to batch: a new Buffer per batch counted as external memory and brought on full garbage
// collections of the engine's whole heap. What they return is valid until the next call (use it synchronously).
let scratch: Buffer = Buffer.allocUnsafe(1 << 17);
let entryScratch: Buffer = Buffer.allocUnsafe(1 << 15);

/** `buf`, or a larger one (a power of two) when it holds fewer than `need` bytes. */
function atLeast(buf: Buffer, need: number): Buffer {
  return need > buf.length ? Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(need))) : buf;
}

/**
 * A batch's lines for one day's segment, each with its punch key and the tail of its index entry. The lines are
 * joined by the string engine into chunks (ropes, each flattened once when encoded): a call per chunk cost less than
 * one per part of every line. Chunks stay under CHUNK_CHARS so the flat copies are short-lived young objects (a
 * string over 128 KB is placed with the long-lived ones and freed only by a full collection). The index entries are
 * made after the append, once the lines' offsets are known.
 */
export class DayLines {
  private readonly chunks: string[] = [];
  /** Characters in all chunks. */
  length = 0;
  /** Each line, its line feed included. */
  readonly lines: string[] = [];
  readonly keys: string[] = [];
  readonly tails: string[] = [];
  private chunk = '';

  constructor(readonly day: string) {}

  add(key: string, line: string, tail: string): void {
    if (this.chunk.length && this.chunk.length + line.length > CHUNK_CHARS) this.seal();
    this.chunk += line;
    this.length += line.length;
    this.lines.push(line);
    this.keys.push(key);
    this.tails.push(tail);
  }

  /** The chunks, the last one included. */
  all(): string[] {
    this.seal();
    return this.chunks;
  }

  private seal(): void {
    if (this.chunk) this.chunks.push(this.chunk);
    this.chunk = '';
  }
}

const CHUNK_CHARS = 32 * 1024;

/**
 * The lines' UTF-8 bytes in the reused buffer, and whether they are all ASCII (then a line's byte length is its
 * length: every other character takes two bytes or more).
 */
export function encodeLines(d: DayLines): { bytes: Buffer; ascii: boolean } {
  scratch = atLeast(scratch, d.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
  let n = 0;
  for (const chunk of d.all()) n += scratch.write(chunk, n);
  return { bytes: scratch.subarray(0, n), ascii: n === d.length };
}

/** Index entries' bytes in the second reused buffer. */
export function encodeEntries(entries: string): Buffer {
  entryScratch = atLeast(entryScratch, entries.length * 3);
  return entryScratch.subarray(0, entryScratch.write(entries, 0));
}

/**
 * The files the writer appends to batch after batch (a day's segment and index), kept open between batches: an
 * open, a stat and a close per file and batch cost more than the write itself. Calls are synchronous (a batch is a
 * few dozen KB into the page cache; the fsync that makes it durable stays asynchronous, syncFile). Before each use one
 * fstat checks the file is still there under its name (deleted or replaced: it is opened again) and gives its size
 * as it is now, so another writer's bytes are never overwritten or miscounted. Close them when a run ends.
 */
export class AppendFiles {
  private readonly fds = new Map<string, number>();
  /** Per file: where this process's last append ended (its last byte is then a line feed). */
  private readonly ends = new Map<string, number>();

  constructor(private readonly max = 4) {}

  /** Appends whole lines after the file's last complete line; returns where they start and where they end. */
  appendLines(file: string, bytes: Buffer): { base: number; end: number } {
    const { fd, size } = this.open(file);
    try {
      let prefix = 0;
      if (size > 0 && this.ends.get(file) !== size) {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = 1;
      }
      if (prefix) writeAll(fd, Buffer.from('\n'));
      writeAll(fd, bytes);
      const end = size + prefix + bytes.length;
      this.ends.set(file, end);
      return { base: size + prefix, end };
    } catch (e) {
      this.close(file);
      throw e;
    }
  }

  /** Appends `bytes` if the file is `size` bytes long now; false (nothing written) otherwise. */
  appendAt(file: string, size: number, bytes: Buffer): boolean {
    const h = this.open(file);
    try {
      if (h.size !== size) return false;
      writeAll(h.fd, bytes);
      return true;
    } catch (e) {
      this.close(file);
      throw e;
    }
  }

  close(file: string): void {
    const fd = this.fds.get(file);
    this.fds.delete(file);
    this.ends.delete(file);
    if (fd !== undefined) fs.closeSync(fd);
  }

  closeAll(): void {
    for (const file of [...this.fds.keys()]) this.close(file);
  }

  private open(file: string): { fd: number; size: number } {
    const kept = this.fds.get(file);
    if (kept !== undefined) {
      const st = fs.fstatSync(kept);
      if (st.nlink > 0) return { fd: kept, size: st.size };
      this.close(file); // deleted or replaced under its name since
    }
    const fd = fs.openSync(file, 'a+', 0o600);
    this.fds.set(file, fd);
    this.ends.delete(file);
    if (this.fds.size > this.max) this.close(this.fds.keys().next().value as string);
    try {
      return { fd, size: fs.fstatSync(fd).size };
    } catch (e) {
      this.close(file);
      throw e;
    }
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
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
