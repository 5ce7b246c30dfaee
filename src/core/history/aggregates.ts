// Per-day figures of a device's history, kept incrementally: each day's aggregate is cached in aggregates.json
// with the byte size of the segment it was computed from. Segments only grow (append-only), so an equal size means
// an equal content; a report recomputes only the days whose segment grew (today's, and the few a late terminal
// reached) and reads the rest from the cache. The writer pays nothing per punch; a stale or corrupt cache only
// costs time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DELAY_BUCKETS_MIN, type HistoryOutcome, type HistoryPunch, type WorstDelay } from '../../shared/history';
import { readJsonFile, writeFileAtomic } from '../state/atomicFile';
import { searchSegments } from './historySearch';
import { listDays, segmentPath } from './segmentFile';

export const WORST_KEPT = 5;
/** 3: worst delays stored as tuples and waits as numbers (half the file, half the parse). */
const CACHE_VERSION = 3;

export interface TerminalDay {
  alias: string;
  punches: number;
  delay: number[];
  worst: WorstDelay[];
  lastPunch: string | null;
  lastUpload: string | null;
}

export interface DayAggregate {
  /** Bytes of the segment this was computed from. */
  size: number;
  outcomes: Record<HistoryOutcome, number>;
  terminals: Record<string, TerminalDay>;
  /** Punch → checkin created, per delay bucket. */
  latency: number[];
  /** Failed punches: [first failed, resolved or null while still waiting] (ms since the epoch). */
  waits: [number, number | null][];
}

/** A worst delay on disk: [key, empCode, punchTime, uploadTime, delayMinutes] (the device is the file's). */
export type WorstTuple = [string, string, string, string, number];
export type CachedTerminal = Omit<TerminalDay, 'worst'> & { worst: WorstTuple[] };
/** A day's aggregate as the cache holds it (the report reads it so: worst delays become objects only when kept). */
export type CachedDay = Omit<DayAggregate, 'terminals'> & { terminals: Record<string, CachedTerminal> };

interface CacheFile {
  v: number;
  days: Record<string, CachedDay>;
}

function toCache(a: DayAggregate): CachedDay {
  const terminals: Record<string, CachedTerminal> = {};
  for (const [sn, t] of Object.entries(a.terminals))
    terminals[sn] = {
      ...t,
      worst: t.worst.map((w) => [w.key, w.empCode, w.punchTime, w.uploadTime, w.delayMinutes]),
    };
  return { ...a, terminals };
}

export function worstOf(deviceId: string, [key, empCode, punchTime, uploadTime, delayMinutes]: WorstTuple): WorstDelay {
  return { deviceId, key, empCode, punchTime, uploadTime, delayMinutes };
}

function fromCache(deviceId: string, c: CachedDay): DayAggregate {
  const terminals: Record<string, TerminalDay> = {};
  for (const sn in c.terminals) {
    const t = c.terminals[sn];
    terminals[sn] = {
      ...t,
      worst: t.worst.map((w) => worstOf(deviceId, w)),
    };
  }
  return { ...c, terminals };
}

export function emptyOutcomes(): Record<HistoryOutcome, number> {
  return { created: 0, duplicate: 0, failed: 0, skipped: 0, dismissed: 0 };
}

export function bucketOf(minutes: number): number {
  const i = DELAY_BUCKETS_MIN.findIndex((b) => minutes < b);
  return i < 0 ? DELAY_BUCKETS_MIN.length : i;
}

function naiveMs(t: string): number {
  return Date.parse(`${t.replace(' ', 'T')}Z`);
}

/** The aggregate of one day's punches. */
export function aggregateDay(deviceId: string, punches: HistoryPunch[], size: number): DayAggregate {
  const a: DayAggregate = {
    size,
    outcomes: emptyOutcomes(),
    terminals: {},
    latency: new Array(DELAY_BUCKETS_MIN.length + 1).fill(0),
    waits: [],
  };
  for (const p of punches) {
    a.outcomes[p.outcome]++;
    const sn = p.terminalSn || p.terminalAlias || '(unknown)';
    const t = (a.terminals[sn] ??= {
      alias: p.terminalAlias,
      punches: 0,
      delay: new Array(DELAY_BUCKETS_MIN.length + 1).fill(0),
      worst: [],
      lastPunch: null,
      lastUpload: null,
    });
    t.punches++;
    if (!t.lastPunch || p.punchTime > t.lastPunch) t.lastPunch = p.punchTime;
    if (p.uploadTime) {
      if (!t.lastUpload || p.uploadTime > t.lastUpload) t.lastUpload = p.uploadTime;
      const delay = Math.max(0, (naiveMs(p.uploadTime) - naiveMs(p.punchTime)) / 60_000);
      if (Number.isFinite(delay)) {
        t.delay[bucketOf(delay)]++;
        keepWorst(t.worst, {
          deviceId,
          key: p.key,
          empCode: p.empCode,
          punchTime: p.punchTime,
          uploadTime: p.uploadTime,
          delayMinutes: Math.round(delay),
        });
      }
    }
    if (p.outcome === 'created' && p.punchInstant) {
      const m = (Date.parse(p.lastChangedAt) - Date.parse(p.punchInstant)) / 60_000;
      if (Number.isFinite(m)) a.latency[bucketOf(Math.max(0, m))]++;
    }
    if (p.firstFailedAt)
      a.waits.push([Date.parse(p.firstFailedAt), p.outcome === 'failed' ? null : Date.parse(p.lastChangedAt)]);
  }
  return a;
}

export function keepWorst(list: WorstDelay[], w: WorstDelay): void {
  if (list.length >= WORST_KEPT && w.delayMinutes <= list[list.length - 1].delayMinutes) return;
  list.push(w);
  list.sort((x, y) => y.delayMinutes - x.delayMinutes);
  if (list.length > WORST_KEPT) list.length = WORST_KEPT;
}

/**
 * Every day's aggregate of a device (all days kept: a failed punch from months ago may still be waiting), from the
 * cache where the segment has not grown. Returns the days and how many were recomputed.
 */
export async function deviceAggregates(
  deviceId: string,
  dir: string,
): Promise<{ days: Map<string, DayAggregate>; recomputed: number }> {
  const r = await cachedAggregates(deviceId, dir);
  return { days: new Map([...r.days].map(([day, c]) => [day, fromCache(deviceId, c)])), recomputed: r.recomputed };
}

/** deviceAggregates in the cache's own form (what the report reads: no conversion of what it does not use). */
export async function cachedAggregates(
  deviceId: string,
  dir: string,
): Promise<{ days: Map<string, CachedDay>; recomputed: number }> {
  const file = path.join(dir, 'aggregates.json');
  const cached = await readJsonFile<CacheFile>(file);
  const cache = cached.kind === 'ok' && cached.value?.v === CACHE_VERSION ? cached.value.days : {};
  const days = new Map<string, CachedDay>();
  let recomputed = 0;
  for (const day of await listDays(dir)) {
    // Synchronous on purpose: hundreds of stat calls through the thread pool cost more than they wait.
    const size = fs.statSync(segmentPath(dir, day), { throwIfNoEntry: false })?.size ?? 0;
    let agg = cache[day];
    if (!agg || agg.size !== size) {
      const r = await searchSegments([{ deviceId, dir }], { limit: Number.MAX_SAFE_INTEGER, onlyDays: [day] });
      agg = toCache(aggregateDay(deviceId, r.punches, size));
      recomputed++;
    }
    days.set(day, agg);
  }
  if (recomputed || Object.keys(cache).length !== days.size) {
    // A cache only: a failed write (read-only or full disk) costs the next report time, nothing else.
    await writeFileAtomic(file, JSON.stringify({ v: CACHE_VERSION, days: Object.fromEntries(days) })).catch(
      () => undefined,
    );
  }
  return { days, recomputed };
}
