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
