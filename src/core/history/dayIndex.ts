// The index of a day segment: `<day>.idx` beside `<day>.jsonl`, one short text line per segment line, so a search
// finds its candidate punches in about a third of the bytes and then reads only their lines from the segment.
//   <key> TAB <offset> TAB <length> TAB k<kind> TAB o<outcome> TAB c<code> TAB e<employee> TAB s<serial> TAB a<alias>
//         TAB n<name> TAB N<employee name> LF
// kind: o = outcome, or = outcome of a rerun, x = dismissed, p = user-control patch (only key, offset, length and
// kind), - = a line that does not parse (torn by a crash; empty key). Values are JSON-escaped without quotes, so
// none holds a tab or a line feed, and a needle `TAB c<value> TAB` matches exactly one field.
//
// The segment is the truth and the index only a shortcut. The writer (one process, under the state lock) appends to
// the index after the segment's fsync, without its own fsync: a crash leaves it behind the segment or with a torn
// last line, never ahead. Before each append the writer checks that the index ends where the segment's new lines
// start, and otherwise catches it up from the segment (or rebuilds it when it does not fit). Readers never write it
// (they run beside the writer without the lock): an index behind its segment is completed in memory from the
// segment's tail, and a day whose index is missing or does not fit its segment is read in full.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexTail, parseEventLine } from './historyLine';
import { type AppendFiles, type DayLines, replaceFile, segmentPath } from './segmentFile';

export const INDEX_NAME = /^(\d{4}-\d{2}-\d{2}|undated)\.idx$/;

export function indexPath(dir: string, day: string): string {
  return path.join(dir, `${day}.idx`);
}

/** A segment line's index line: its key, offset and length in bytes (without the line feed), then `tail`. */
function entry(key: string, off: number, len: number, tail: string): string {
  return `${key}\t${off}\t${len}\t${tail}`;
}

/** The index entries of lines just appended at `base`; `ascii` as encodeLines (segmentFile.ts) said. */
export function indexEntries(d: DayLines, base: number, ascii: boolean): string {
  let s = '';
  for (let i = 0, pos = base; i < d.lines.length; i++) {
    const len = (ascii ? d.lines[i].length : Buffer.byteLength(d.lines[i])) - 1;
    s += entry(d.keys[i], pos, len, d.tails[i]);
    pos += len + 1;
  }
  return s;
}

/**
 * Index lines for the complete lines of `buf` (segment bytes starting at segment offset `base`); `buf` ends at a line
 * feed. A line that does not parse gets an entry of kind `-`, so the index always covers the segment contiguously.
 */
export function entriesOf(buf: Buffer, base: number): string {
  let out = '';
  for (let pos = 0; pos < buf.length;) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const l = nl > pos ? parseEventLine(buf.toString('utf8', pos, nl)) : undefined;
    out += entry(l?.k ?? '', base + pos, nl - pos, l ? indexTail(l) : 'k-\n');
    pos = nl + 1;
  }
  return out;
}

/** The segment offset an index covers up to (the end of its last line's segment line), or undefined if malformed. */
export function coverageOf(idx: Buffer): number | undefined {
  if (!idx.length) return 0;
  const start = idx.lastIndexOf(0x0a, idx.length - 2) + 1;
  const f = idx.toString('latin1', start, idx.length - 1).split('\t', 3);
  const off = Number(f[1]);
  const len = Number(f[2]);
  return f.length === 3 && f[1] !== '' && f[2] !== '' && Number.isInteger(off) && Number.isInteger(len)
    ? off + len + 1
    : undefined;
}

/** An index's complete lines (a torn last line, a crash mid-append, is cut). */
export function completeLines(idx: Buffer): Buffer {
  return idx.subarray(0, idx.lastIndexOf(0x0a) + 1);
}

/** A file's bytes, or undefined when it does not exist. */
function readIfAny(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Bytes [from, to) of a file, read synchronously: a search reads thousands of small pieces, and a trip through
 * the thread pool for each costs more than the read (on a loaded machine, several times more). */
export function readRangeSync(file: string, from: number, to: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, from + got);
      if (!n) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** Bytes [from, to) of a file. */
export async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, from + got);
      if (!bytesRead) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/**
 * For a reader: the day's index covering the segment's complete lines up to `segmentSize` (its tail completed in
 * memory from the segment), or undefined when the day has no usable index (read the segment in full).
 */
export function readIndex(dir: string, day: string, segmentSize: number): Buffer | undefined {
  const raw = readIfAny(indexPath(dir, day));
  if (!raw) return undefined;
  const idx = completeLines(raw);
  const covered = coverageOf(idx);
  if (covered === undefined || covered > segmentSize) return undefined;
  if (covered === segmentSize) return idx;
  const tail = readRangeSync(segmentPath(dir, day), covered, segmentSize);
  const end = tail.lastIndexOf(0x0a) + 1;
  return end ? Buffer.concat([idx, Buffer.from(entriesOf(tail.subarray(0, end), covered))]) : idx;
}

/** Where this process left an index file: its size and the segment offset it covers up to. */
export interface IndexMark {
  size: number;
  covers: number;
}

/**
 * The writer's common case: the index is where this process left it and covers the segment up to `base`, so
 * `entries` go straight after it (through the writer's open files). Undefined when the file is not as left (the
 * caller then goes through appendIndex, which completes or rebuilds it).
 */
export function appendIndexNow(
  files: AppendFiles,
  file: string,
  known: IndexMark,
  base: number,
  end: number,
  entries: Buffer,
): IndexMark | undefined {
  if (known.covers !== base) return undefined;
  return files.appendAt(file, known.size, entries) ? { size: known.size + entries.length, covers: end } : undefined;
}

/**
 * The writer's side: appends `entries`, the index lines of the segment lines just appended at [base, end), first
 * making the index cover the segment up to `base`. `known` is where this process left the file (undefined when it
 * does not know, e.g. its first write of that day); returns where it leaves it now.
 */
export async function appendIndex(
  dir: string,
  day: string,
  base: number,
  end: number,
  entries: string,
  known: IndexMark | undefined,
): Promise<IndexMark> {
  const file = indexPath(dir, day);
  const fh = await fs.promises.open(file, 'a+', 0o600);
  let rebuild = false;
  try {
    const { size } = await fh.stat();
    let prefix = '';
    if (!known || known.size !== size || known.covers !== base) {
      // Not where this process left it (a crash, a first write, an older version): complete it from the segment.
      const idx = Buffer.alloc(size);
      if (size) await fh.read(idx, 0, size, 0);
      const whole = completeLines(idx);
      const covered = coverageOf(whole);
      // Torn, malformed, or ahead of the segment: rebuilt below.
      rebuild = covered === undefined || covered > base || whole.length !== size;
      if (!rebuild && covered! < base)
        prefix = entriesOf(await readRange(segmentPath(dir, day), covered!, base), covered!);
    }
    if (!rebuild) {
      const text = prefix + entries;
      await fh.write(text);
      return { size: size + Buffer.byteLength(text), covers: end };
    }
  } finally {
    await fh.close();
  }
  const text = entriesOf(await readRange(segmentPath(dir, day), 0, base), 0) + entries;
  await replaceFile(file, text);
  return { size: Buffer.byteLength(text), covers: end };
}
