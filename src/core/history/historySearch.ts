// Searching the history segments. Days are read newest first and only those the dates allow; in each segment the
// candidate lines are found by substring (needles built from the filters, all fields JSON-encoded exactly as
// written) before anything is parsed, and only the candidate punches are folded. A needle must be on the line that
// decides the punch's latest state, which holds for every field used: the punch's own fields are on every line,
// and the outcome and the employee are on the line of the latest outcome.
import type { HistoryPunch, HistoryQuery, HistoryResult, PunchLineage } from '../../shared/history';
import { naiveToInstant } from '../time';
import { type EventLine, foldPunch, keyOfLine, parseEventLine } from './historyLine';
import { listDays, rawPath, readSegment, segmentPath } from './segmentFile';

export interface SearchQuery extends HistoryQuery {
  /** Only these segment days (internal: the missing check-outs report). */
  onlyDays?: string[];
}

interface DeviceDir {
  deviceId: string;
  dir: string;
}

const DAY_MS = 86_400_000;

export async function searchSegments(devices: DeviceDir[], q: SearchQuery): Promise<HistoryResult> {
  const limit = q.limit ?? 100;
  const range = dateRange(q);
  const byDay = new Map<string, DeviceDir[]>();
  for (const d of devices)
    for (const day of q.onlyDays ?? (await listDays(d.dir)))
      if (inDays(day, range)) byDay.set(day, [...(byDay.get(day) ?? []), d]);
  const days = [...byDay.keys()].sort().reverse();
  const needles = needlesOf(q);
  const out: HistoryPunch[] = [];
  const scanned = { segments: 0, lines: 0 };
  for (const day of days) {
    const found: HistoryPunch[] = [];
    for (const d of byDay.get(day)!) {
      const text = await readSegment(segmentPath(d.dir, day));
      scanned.segments++;
      for (const p of scanText(d.deviceId, text, needles, scanned)) if (matches(p, q, range)) found.push(p);
    }
    found.sort(newestFirst);
    out.push(...found);
    if (out.length > limit) break;
  }
  return { punches: out.slice(0, limit), truncated: out.length > limit, scanned };
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
  groups: string[][];
  /** Case-insensitive needle (searched in the lower-cased text). */
  name?: string;
}

function needlesOf(q: HistoryQuery): Needles {
  const j = (v: string) => JSON.stringify(v);
  const groups: string[][] = [];
  if (q.empCode) groups.push([`"c":${j(q.empCode)}`]);
  if (q.terminal) groups.push([`"ts":${j(q.terminal)}`, `"ta":${j(q.terminal)}`]);
  if (q.employee) groups.push([`"e":${j(q.employee)}`]);
  if (q.outcome === 'rerun') groups.push(['"rk":"rerun"']);
  else if (q.outcome) groups.push([`"o":${j(q.outcome)}`]);
  return { groups, name: q.name ? j(q.name).slice(1, -1).toLowerCase() : undefined };
}

function keysWith(text: string, needles: string[]): Set<string> {
  const keys = new Set<string>();
  for (const n of needles) {
    for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + 1)) {
      const start = text.lastIndexOf('\n', i) + 1;
      const end = text.indexOf('\n', i);
      const k = keyOfLine(text.slice(start, start + 200));
      if (k !== undefined) keys.add(k);
      if (end < 0) break;
      i = end;
    }
  }
  return keys;
}

function scanText(deviceId: string, text: string, n: Needles, scanned: { lines: number }): HistoryPunch[] {
  if (!text) return [];
  let candidates: Set<string> | undefined;
  const narrow = (keys: Set<string>) => {
    candidates = candidates ? new Set([...candidates].filter((k) => keys.has(k))) : keys;
  };
  for (const g of n.groups) {
    narrow(keysWith(text, g));
    if (!candidates!.size) return [];
  }
  if (n.name) {
    narrow(keysWith(text.toLowerCase(), [n.name]));
    if (!candidates!.size) return [];
  }
  const byKey = new Map<string, EventLine[]>();
  for (const line of text.split('\n')) {
    scanned.lines++;
    const k = keyOfLine(line);
    if (k === undefined || (candidates && !candidates.has(k))) continue;
    const l = parseEventLine(line);
    if (!l) continue;
    const list = byKey.get(k);
    if (list) list.push(l);
    else byKey.set(k, [l]);
  }
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
