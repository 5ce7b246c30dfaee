// Searching the history segments. Days are read newest first and only those the dates allow; in each segment the
// candidate lines are found by substring (needles built from the filters, all fields JSON-encoded exactly as
// written) before anything is parsed, and only the candidate punches are folded. A needle must be on the line that
// decides the punch's latest state, which holds for every field used: the punch's own fields are on every line,
// and the outcome and the employee are on the line of the latest outcome.
import type { HistoryPunch, HistoryQuery, HistoryResult, PunchLineage } from '../../shared/history';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile } from '../state/atomicFile';
import { naiveToInstant } from '../time';
import { type EventLine, foldPunch, keyOfLine, parseEventLine } from './historyLine';
import { listDays, rawPath, readSegment, readSegmentBytes, segmentPath } from './segmentFile';
import { readIndex } from './dayIndex';
import { type IndexNeedles, candidates, indexNeedlesOf, rangesOf, readLines } from './indexScan';

export interface SearchQuery extends HistoryQuery {
  /** Only these segment days (internal: the missing check-outs report). */
  onlyDays?: string[];
}

interface DeviceDir {
  deviceId: string;
  dir: string;
}

const DAY_MS = 86_400_000;

/** The zone of a device's naive times (meta.json, written by the history writer). */
async function zoneOf(dir: string): Promise<string | undefined> {
  const r = await readJsonFile<{ zone?: unknown }>(path.join(dir, 'meta.json'));
  return r.kind === 'ok' && typeof r.value?.zone === 'string' ? r.value.zone : undefined;
}

function instantOf(punchTime: string, zone: string): string | null {
  const r = naiveToInstant(punchTime, zone);
  return r.ok ? r.instant.toISOString() : null;
}

export async function searchSegments(devices: DeviceDir[], q: SearchQuery): Promise<HistoryResult> {
  const limit = q.limit ?? 100;
  const range = dateRange(q);
  const byDay = new Map<string, DeviceDir[]>();
  for (const d of devices)
    for (const day of q.onlyDays ?? (await listDays(d.dir)))
      if (inDays(day, range)) byDay.set(day, [...(byDay.get(day) ?? []), d]);
  const days = [...byDay.keys()].sort().reverse();
  const needles = needlesOf(q);
  const indexNeedles = indexNeedlesOf(q);
  const out: HistoryPunch[] = [];
  const scanned = { segments: 0, lines: 0 };
  const zones = new Map<string, string | undefined>();
  for (const day of days) {
    const found: HistoryPunch[] = [];
    for (const d of byDay.get(day)!) {
      scanned.segments++;
      if (!zones.has(d.deviceId)) zones.set(d.deviceId, await zoneOf(d.dir));
      const zone = zones.get(d.deviceId);
      const viaIndex = indexNeedles && (await scanIndexed(d, day, indexNeedles, scanned));
      const punches =
        viaIndex ?? scanBuffer(d.deviceId, await readSegmentBytes(segmentPath(d.dir, day)), needles, scanned);
      for (const p of punches) {
        if (!p.punchInstant && zone) p.punchInstant = instantOf(p.punchTime, zone);
        if (matches(p, q, range)) found.push(p);
      }
    }
    found.sort(newestFirst);
    out.push(...found);
    if (out.length > limit) break;
  }
  return { punches: out.slice(0, limit), truncated: out.length > limit, scanned };
}

/**
 * A filtered day through its index: only the candidates' lines are read. Undefined when the day has no index that
 * fits its segment, or when the candidates' lines are a good part of the segment anyway (it is read in full).
 */
async function scanIndexed(
  d: DeviceDir,
  day: string,
  n: IndexNeedles,
  scanned: { lines: number },
): Promise<HistoryPunch[] | undefined> {
  const file = segmentPath(d.dir, day);
  // Synchronous on purpose: the stat is quicker than a trip through the thread pool.
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (!size) return [];
  const idx = readIndex(d.dir, day, size);
  if (!idx) return undefined;
  const keys = candidates(idx, n);
  if (!keys.size) return [];
  const ranges = rangesOf(idx, keys);
  if (ranges.reduce((s, r) => s + r[1], 0) * 4 > size) return undefined;
  const byKey = readLines(file, keys, ranges, scanned);
  if (!byKey) return undefined;
  const out: HistoryPunch[] = [];
  for (const lines of byKey.values()) {
    const f = foldPunch(d.deviceId, lines);
    if (f) out.push(f.punch);
  }
  return out;
}

/** A punch's lineage: its events in order and the BioTime record as received. */
export async function findLineage(
  deviceId: string,
  dir: string,
  key: string,
  punchTime?: string,
): Promise<PunchLineage | undefined> {
  const needle = `{"k":${JSON.stringify(key)},`;
  const days = punchTime ? [punchTime.slice(0, 10)] : await listDays(dir);
  for (const day of days) {
    const text = await readSegment(segmentPath(dir, day));
    if (!text.includes(needle)) continue;
    const lines = text
      .split('\n')
      .filter((l) => l.startsWith(needle))
      .map(parseEventLine)
      .filter((l): l is EventLine => !!l);
    const folded = foldPunch(deviceId, lines);
    if (!folded) continue;
    return { ...folded, raw: await rawRecord(dir, day, key) };
  }
  return undefined;
}

async function rawRecord(dir: string, day: string, key: string): Promise<Record<string, unknown> | null> {
  const needle = `{"k":${JSON.stringify(key)},`;
  const text = await readSegment(rawPath(dir, day));
  const line = text.split('\n').find((l) => l.startsWith(needle));
  if (!line) return null;
  try {
    return (JSON.parse(line) as { raw: Record<string, unknown> }).raw;
  } catch {
    return null;
  }
}

/** Groups of alternatives: a line is a candidate when it holds one needle of every group. */
interface Needles {
  groups: Buffer[][];
  /** Case-insensitive needle: ASCII is searched in the lower-cased latin1 view of the bytes (same offsets). */
  name?: string;
}

function needlesOf(q: HistoryQuery): Needles {
  const j = (v: string) => Buffer.from(JSON.stringify(v).slice(1, -1));
  const field = (k: string, v: string) => Buffer.concat([Buffer.from(`"${k}":"`), j(v), Buffer.from('"')]);
  // Each field under its short name (events written inline, and dismissals) and its outcome name (`x`, see
  // outcomeLineWriter): a line holding either is a candidate.
  const both = (short: string, long: string, v: string) => [field(short, v), field(long, v)];
  const groups: Buffer[][] = [];
  if (q.empCode) groups.push(both('c', 'empCode', q.empCode));
  if (q.terminal) groups.push([...both('ts', 'terminalSn', q.terminal), ...both('ta', 'terminalAlias', q.terminal)]);
  if (q.employee) groups.push(both('e', 'employee', q.employee));
  if (q.outcome === 'rerun') groups.push([Buffer.from('"rk":"rerun"')]);
  else if (q.outcome) groups.push(both('o', 'outcome', q.outcome));
  return { groups, name: q.name ? JSON.stringify(q.name).slice(1, -1).toLowerCase() : undefined };
}

/** The key of the line holding byte `at` (every line starts with `{"k":"<key>"`). */
function keyAt(buf: Buffer, at: number): { key: string; next: number } | undefined {
  const start = buf.lastIndexOf(0x0a, at) + 1;
  const nl = buf.indexOf(0x0a, at);
  const next = nl < 0 ? buf.length : nl + 1;
  if (buf[start] !== 0x7b || buf[start + 5] !== 0x22) return { key: '', next };
  const end = buf.indexOf(0x22, start + 6);
  return end > start + 6 ? { key: buf.toString('latin1', start + 6, end), next } : { key: '', next };
}

function keysWith(buf: Buffer, needles: Buffer[]): Set<string> {
  const keys = new Set<string>();
  for (const n of needles)
    for (let i = buf.indexOf(n); i >= 0;) {
      const k = keyAt(buf, i);
      if (k?.key) keys.add(k.key);
      if (!k || k.next >= buf.length) break;
      i = buf.indexOf(n, k.next);
    }
  return keys;
}

function keysWithName(buf: Buffer, name: string): Set<string> {
  const keys = new Set<string>();
  // Non-ASCII needles need real Unicode lower-casing; ASCII ones keep byte offsets in the latin1 view.
  const ascii = /^[\x20-\x7e]*$/.test(name);
  const text = ascii ? buf.toString('latin1').toLowerCase() : buf.toString('utf8').toLowerCase();
  for (let i = text.indexOf(name); i >= 0;) {
    const start = text.lastIndexOf('\n', i) + 1;
    const nl = text.indexOf('\n', i);
    const k = keyOfLine(text.slice(start, Math.min(start + 200, nl < 0 ? text.length : nl)));
    if (k) keys.add(k);
    if (nl < 0) break;
    i = text.indexOf(name, nl + 1);
  }
  return keys;
}

/** Up to this many candidate keys, their lines are found by searching for each key rather than walking every line. */
const FEW_KEYS = 32;

/** Every line of the given keys, in file order, found by searching the bytes for each key's line start. */
function linesOfKeys(buf: Buffer, keys: Set<string>, scanned: { lines: number }): Map<string, EventLine[]> {
  const byKey = new Map<string, EventLine[]>();
  for (const k of keys) {
    const needle = Buffer.from(`{"k":${JSON.stringify(k)},`);
    const lines: EventLine[] = [];
    for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) {
      if (i > 0 && buf[i - 1] !== 0x0a) continue;
      const nl = buf.indexOf(0x0a, i);
      scanned.lines++;
      const l = parseEventLine(buf.toString('utf8', i, nl < 0 ? buf.length : nl));
      if (l) lines.push(l);
    }
    if (lines.length) byKey.set(k, lines);
  }
  return byKey;
}

/** One walk over the lines: only the candidates' lines (all lines without candidates) are decoded and parsed. */
function walk(buf: Buffer, candidates: Set<string> | undefined, scanned: { lines: number }): Map<string, EventLine[]> {
  const byKey = new Map<string, EventLine[]>();
  for (let pos = 0; pos < buf.length;) {
    const nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl;
    scanned.lines++;
    const k = keyAt(buf, pos)?.key;
    if (k && (!candidates || candidates.has(k))) {
      const l = parseEventLine(buf.toString('utf8', pos, end));
      if (l) {
        const list = byKey.get(k);
        if (list) list.push(l);
        else byKey.set(k, [l]);
      }
    }
    pos = end + 1;
  }
  return byKey;
}

function scanBuffer(deviceId: string, buf: Buffer, n: Needles, scanned: { lines: number }): HistoryPunch[] {
  if (!buf.length) return [];
  let candidates: Set<string> | undefined;
  const narrow = (keys: Set<string>) => {
    candidates = candidates ? new Set([...candidates].filter((k) => keys.has(k))) : keys;
  };
  for (const g of n.groups) {
    narrow(keysWith(buf, g));
    if (!candidates!.size) return [];
  }
  if (n.name) {
    narrow(keysWithName(buf, n.name));
    if (!candidates!.size) return [];
  }
  const byKey =
    candidates && candidates.size <= FEW_KEYS ? linesOfKeys(buf, candidates, scanned) : walk(buf, candidates, scanned);
  const out: HistoryPunch[] = [];
  for (const lines of byKey.values()) {
    const f = foldPunch(deviceId, lines);
    if (f) out.push(f.punch);
  }
  return out;
}

interface Range {
  fromMs?: number;
  toMs?: number;
  fromDay?: string;
  toDay?: string;
}

/** --from/--to are dates in the operator's zone; segments are days of BioTime time, so one day of margin each way. */
function dateRange(q: HistoryQuery): Range {
  const zone = q.zone ?? 'UTC';
  const r: Range = {};
  if (q.from) {
    const i = naiveToInstant(`${q.from} 00:00:00`, zone);
    if (i.ok) r.fromMs = i.instant.getTime();
    r.fromDay = shiftDay(q.from, -1);
  }
  if (q.to) {
    const i = naiveToInstant(`${q.to} 23:59:59`, zone);
    if (i.ok) r.toMs = i.instant.getTime() + 999;
    r.toDay = shiftDay(q.to, 1);
  }
  return r;
}

function shiftDay(day: string, by: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + by * DAY_MS).toISOString().slice(0, 10);
}

function inDays(day: string, r: Range): boolean {
  if (day === 'undated') return r.fromDay === undefined && r.toDay === undefined;
  return (!r.fromDay || day >= r.fromDay) && (!r.toDay || day <= r.toDay);
}

function matches(p: HistoryPunch, q: HistoryQuery, r: Range): boolean {
  if (q.empCode && p.empCode !== q.empCode) return false;
  if (q.terminal && p.terminalSn !== q.terminal && p.terminalAlias !== q.terminal) return false;
  if (q.employee && p.employee !== q.employee) return false;
  if (q.outcome === 'rerun' ? !p.rerun : q.outcome && p.outcome !== q.outcome) return false;
  if (q.name) {
    const n = q.name.toLowerCase();
    if (!p.name.toLowerCase().includes(n) && !(p.employeeName ?? '').toLowerCase().includes(n)) return false;
  }
  if (r.fromMs !== undefined || r.toMs !== undefined) {
    const t = p.punchInstant
      ? Date.parse(p.punchInstant)
      : Date.parse(`${p.punchTime.replace(' ', 'T')}Z`); /* zone unknown: BioTime's clock as UTC */
    if (Number.isNaN(t)) return false;
    if (r.fromMs !== undefined && t < r.fromMs) return false;
    if (r.toMs !== undefined && t > r.toMs) return false;
  }
  return true;
}

function newestFirst(a: HistoryPunch, b: HistoryPunch): number {
  return a.punchTime < b.punchTime ? 1 : a.punchTime > b.punchTime ? -1 : a.deviceId.localeCompare(b.deviceId);
}
