// A filtered search of one day through its index (dayIndex.ts): the candidate punches are found by needles in the
// index, then only their lines are read from the segment (every line of a candidate, so its fold is whole). The
// caller still checks each folded punch against the query: the index only narrows, it never decides.
import * as fs from 'node:fs';
import type { HistoryQuery } from '../../shared/history';
import { esc } from './historyLine';
import { type EventLine, parseEventLine } from './historyLine';

/** Groups of alternatives (a candidate line holds one of every group), and a case-insensitive name needle. */
export interface IndexNeedles {
  groups: Buffer[][];
  name?: string;
}

export function indexNeedlesOf(q: HistoryQuery): IndexNeedles | undefined {
  const field = (tag: string, v: string) => Buffer.from(`\t${tag}${esc(v)}\t`);
  const groups: Buffer[][] = [];
  if (q.empCode) groups.push([field('c', q.empCode)]);
  if (q.terminal) groups.push([field('s', q.terminal), field('a', q.terminal)]);
  if (q.employee) groups.push([field('e', q.employee)]);
  if (q.outcome === 'rerun') groups.push([Buffer.from('\tkor\t')]);
  else if (q.outcome) groups.push([field('o', q.outcome)]);
  const name = q.name ? esc(q.name).toLowerCase() : undefined;
  return groups.length || name ? { groups, name } : undefined;
}

/** The key of the index line holding byte `at`, and where the next line starts. */
function keyAt(buf: Buffer, at: number): { key: string; next: number } {
  const start = buf.lastIndexOf(0x0a, at - 1) + 1;
  const nl = buf.indexOf(0x0a, at);
  const tab = buf.indexOf(0x09, start);
  return { key: tab > start ? buf.toString('latin1', start, tab) : '', next: nl < 0 ? buf.length : nl + 1 };
}

function keysWith(idx: Buffer, needles: Buffer[]): Set<string> {
  const keys = new Set<string>();
  for (const n of needles)
    for (let i = idx.indexOf(n); i >= 0;) {
      const k = keyAt(idx, i);
      if (k.key) keys.add(k.key);
      if (k.next >= idx.length) break;
      i = idx.indexOf(n, k.next);
    }
  return keys;
}

function keysWithName(idx: Buffer, name: string): Set<string> {
  const keys = new Set<string>();
  // ASCII needles search the lower-cased latin1 view (same offsets); others need real Unicode lower-casing. Keys are
  // digits or `raw:<lower-case hex>`, which lower-casing leaves alone.
  const ascii = /^[\x20-\x7e]*$/.test(name);
  const text = (ascii ? idx.toString('latin1') : idx.toString('utf8')).toLowerCase();
  for (let i = text.indexOf(name); i >= 0;) {
    const start = text.lastIndexOf('\n', i) + 1;
    const tab = text.indexOf('\t', start);
    if (tab > start) keys.add(text.slice(start, tab));
    const nl = text.indexOf('\n', i);
    if (nl < 0) break;
    i = text.indexOf(name, nl + 1);
  }
  return keys;
}

/** Keys of the punches that may match: every group and the name have a needle on one of their index lines. */
export function candidates(idx: Buffer, n: IndexNeedles): Set<string> {
  let out: Set<string> | undefined;
  const narrow = (keys: Set<string>) => {
    out = out ? new Set([...out].filter((k) => keys.has(k))) : keys;
  };
  for (const g of n.groups) {
    narrow(keysWith(idx, g));
    if (!out!.size) return out!;
  }
  if (n.name) narrow(keysWithName(idx, n.name));
  return out ?? new Set();
}

/** Up to this many keys, each key's lines are found by a search of the index; more, by one walk over its lines. */
const FEW_KEYS = 3;

/** Segment byte ranges [offset, length] of every line of the given keys, in file order. */
export function rangesOf(idx: Buffer, keys: Set<string>): [number, number][] {
  const out: [number, number][] = [];
  const add = (start: number) => {
    const f = idx.toString('latin1', start, Math.min(idx.length, start + 64)).split('\t', 3);
    out.push([Number(f[1]), Number(f[2])]);
  };
  if (keys.size <= FEW_KEYS) {
    for (const k of keys) {
      const needle = Buffer.from(`\n${k}\t`);
      if (idx.subarray(0, needle.length - 1).equals(needle.subarray(1))) add(0);
      for (let i = idx.indexOf(needle); i >= 0; i = idx.indexOf(needle, i + 1)) add(i + 1);
    }
  } else {
    // Keys are mostly BioTime ids: those are compared as numbers read from the bytes (no string per line).
    const ids = new Set<number>();
    for (const k of keys) if (/^[1-9]\d{0,14}$/.test(k)) ids.add(Number(k));
    for (let pos = 0; pos < idx.length;) {
      let n = 0;
      let at = pos;
      if (idx[at] !== 0x30) for (let c = idx[at]; c >= 0x30 && c <= 0x39; c = idx[++at]) n = n * 10 + c - 0x30;
      const tab = idx[at] === 0x09 && at > pos && at - pos < 16 ? at : idx.indexOf(0x09, pos);
      if (tab === at ? ids.has(n) : tab > pos && keys.has(idx.toString('latin1', pos, tab))) add(pos);
      const nl = idx.indexOf(0x0a, tab < 0 ? pos : tab);
      pos = nl < 0 ? idx.length : nl + 1;
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Ranges closer than this are read in one call. */
const COALESCE = 16 * 1024;

/**
 * The lines at the given ranges of a segment, grouped per key in file order; undefined when a line is not the one
 * the index says (an index that does not fit its segment: the caller reads the segment in full).
 */
export function readLines(
  file: string,
  keys: Set<string>,
  ranges: [number, number][],
  scanned: { lines: number },
): Map<string, EventLine[]> | undefined {
  const byKey = new Map<string, EventLine[]>();
  // Synchronous, like readRangeSync: many small reads.
  const fd = fs.openSync(file, 'r');
  try {
    for (let i = 0; i < ranges.length;) {
      let j = i;
      while (j + 1 < ranges.length && ranges[j + 1][0] - (ranges[j][0] + ranges[j][1]) < COALESCE) j++;
      const from = ranges[i][0];
      const buf = Buffer.allocUnsafe(ranges[j][0] + ranges[j][1] - from);
      if (fs.readSync(fd, buf, 0, buf.length, from) < buf.length) return undefined;
      for (; i <= j; i++) {
        const [off, len] = ranges[i];
        const l = parseEventLine(buf.toString('utf8', off - from, off - from + len));
        scanned.lines++;
        if (!l || !keys.has(l.k)) return undefined;
        const list = byKey.get(l.k);
        if (list) list.push(l);
        else byKey.set(l.k, [l]);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return byKey;
}
