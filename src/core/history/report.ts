// The operations report (`biotime-sync report`, the dashboard): the history's daily aggregates over the last N days
// plus the engine's live figures (cursor, watched ids, failed list, Shift Types). Days are days of punch time.
import { performance } from 'node:perf_hooks';
import {
  DELAY_BUCKETS_MIN,
  HISTORY_OUTCOMES,
  type DayRow,
  type DeviceReportRow,
  type OpsReport,
  type TerminalReport,
} from '../../shared/history';
import type { DeviceStatus, ShiftSyncRecord } from '../../shared/model';
import { formatInZone, naiveToInstant } from '../time';
import { type CachedDay, cachedAggregates, emptyOutcomes, keepWorst, worstOf, WORST_KEPT } from './aggregates';

export interface ReportInput {
  devices: { id: string; site: string; dir: string }[];
  days: number;
  zone: string;
  now: Date;
  site?: string;
  status: DeviceStatus[];
  shifts: { site: string; records: ShiftSyncRecord[] }[];
}

const DAY_MS = 86_400_000;

export function dayList(now: Date, zone: string, days: number): string[] {
  const today = formatInZone(now, zone).slice(0, 10);
  const base = Date.parse(`${today}T00:00:00Z`);
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(new Date(base - i * DAY_MS).toISOString().slice(0, 10));
  return out;
}

export async function buildReport(input: ReportInput): Promise<OpsReport> {
  const started = performance.now();
  const devices = input.devices.filter((d) => !input.site || d.site === input.site);
  const days = dayList(input.now, input.zone, input.days);
  const inRange = new Set(days);
  const perDay = new Map<string, DayRow>(days.map((d) => [d, emptyRow(d)]));
  const totals = emptyOutcomes();
  const terminals = new Map<string, TerminalReport>();
  const latency = new Array(DELAY_BUCKETS_MIN.length + 1).fill(0);
  const waits: [number, number][] = [];
  for (const d of devices) {
    const { days: aggs } = await cachedAggregates(d.id, d.dir);
    for (const [day, a] of aggs) {
      for (const [from, to] of a.waits) waits.push([from, to ?? Infinity]);
      if (!inRange.has(day)) continue;
      addDay(perDay.get(day)!, a);
      for (const o of HISTORY_OUTCOMES) totals[o] += a.outcomes[o];
      a.latency.forEach((n, i) => (latency[i] += n));
      mergeTerminals(terminals, d.id, a);
    }
  }
  const ends = endsOfDays(days, input.zone);
  // Waiting at instant E: started at or before E and not resolved by E. Counted with two sorted lists and binary
  // searches (a resolution before its start, a clock step, counts as resolved at the start).
  const froms = waits.map(([from]) => from).sort((a, b) => a - b);
  const tos = waits.map(([from, to]) => Math.max(from, to)).sort((a, b) => a - b);
  for (const [i, row] of [...perDay.values()].entries())
    row.failedWaiting = countAtMost(froms, ends[i]) - countAtMost(tos, ends[i]);
  return {
    generatedAt: input.now.toISOString(),
    days: input.days,
    zone: input.zone,
    ...(input.site ? { site: input.site } : {}),
    perDay: [...perDay.values()],
    totals,
    terminals: [...terminals.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId) || a.sn.localeCompare(b.sn)),
    checkinLatency: latency,
    devices: deviceRows(devices, input.status),
    shiftTypes: input.shifts
      .filter((s) => !input.site || s.site === input.site)
      .flatMap((s) =>
        s.records.map((r) => ({
          site: s.site,
          shiftType: r.shiftType,
          lastSyncOfCheckin: r.to ?? r.from,
          status: r.status,
          reason: r.reason,
        })),
      ),
    buildMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

function emptyRow(day: string): DayRow {
  return { day, created: 0, duplicate: 0, failed: 0, skipped: 0, dismissed: 0, failedWaiting: 0 };
}

function addDay(row: DayRow, a: CachedDay): void {
  for (const o of HISTORY_OUTCOMES) row[o] += a.outcomes[o];
}

function mergeTerminals(into: Map<string, TerminalReport>, deviceId: string, a: CachedDay): void {
  for (const [sn, t] of Object.entries(a.terminals)) {
    const id = `${deviceId}\u0000${sn}`;
    let r = into.get(id);
    if (!r) {
      r = {
        deviceId,
        sn,
        alias: t.alias,
        punches: 0,
        delay: new Array(DELAY_BUCKETS_MIN.length + 1).fill(0),
        worst: [],
        lastPunch: null,
        lastUpload: null,
      };
      into.set(id, r);
    }
    r.punches += t.punches;
    t.delay.forEach((n, i) => (r.delay[i] += n));
    for (const w of t.worst)
      if (r.worst.length < WORST_KEPT || w[4] > r.worst[r.worst.length - 1].delayMinutes)
        keepWorst(r.worst, worstOf(deviceId, w));
    if (t.lastPunch && (!r.lastPunch || t.lastPunch > r.lastPunch)) r.lastPunch = t.lastPunch;
    if (t.lastUpload && (!r.lastUpload || t.lastUpload > r.lastUpload)) r.lastUpload = t.lastUpload;
  }
}

/** How many of the sorted numbers are <= x. */
function countAtMost(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The last instant of each day in the zone. A zone conversion is slow (hundreds of days take tens of ms), so within
 * a week whose two ends are exactly 7 × 24 hours apart the days between are 24 hours apart (no zone changes its
 * offset twice, there and back, within a week); a week with a change (DST) is split until each day is computed.
 */
function endsOfDays(days: string[], zone: string): number[] {
  const out = new Array<number>(days.length);
  const fill = (lo: number, hi: number, a: number, b: number) => {
    out[lo] = a;
    out[hi] = b;
    if (hi - lo < 2) return;
    if (b - a === (hi - lo) * DAY_MS) {
      for (let i = lo + 1; i < hi; i++) out[i] = a + (i - lo) * DAY_MS;
      return;
    }
    const mid = (lo + hi) >> 1;
    const m = endOfDay(days[mid], zone);
    fill(lo, mid, a, m);
    fill(mid, hi, m, b);
  };
  let prev = days.length ? endOfDay(days[0], zone) : 0;
  out[0] = prev;
  for (let lo = 0; lo < days.length - 1; lo += 7) {
    const hi = Math.min(lo + 7, days.length - 1);
    const next = endOfDay(days[hi], zone);
    fill(lo, hi, prev, next);
    prev = next;
  }
  return out;
}

function endOfDay(day: string, zone: string): number {
  const r = naiveToInstant(`${day} 23:59:59`, zone);
  return r.ok ? r.instant.getTime() + 999 : Date.parse(`${day}T23:59:59.999Z`);
}

function deviceRows(devices: { id: string; site: string }[], status: DeviceStatus[]): DeviceReportRow[] {
  return devices.map((d) => {
    const s = status.find((x) => x.deviceId === d.id);
    return {
      deviceId: d.id,
      site: d.site,
      cursor: s?.cursor ?? null,
      watchedIds: (s?.watchedGaps ?? []).reduce((n, g) => n + g.to - g.from + 1, 0),
      failedWaiting: s?.failedCount ?? 0,
      lastSyncAt: s?.lastSyncAt ?? null,
    };
  });
}
