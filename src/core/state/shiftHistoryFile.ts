// The history of a site's Shift Type decisions (issue 15: "Last Sync of Checkin of each configured Shift Type over
// time with what held it back"): state/sites/<site>.shifts.json, rewritten atomically after each decision. Bounded
// twice: repeated decisions are merged into one point (see ShiftHistoryPoint) and only the newest MAX_SHIFT_POINTS
// points are kept — with one Shift Type moved every run that is MAX_SHIFT_POINTS hours, about five months.
import * as path from 'node:path';
import type { ShiftHistoryPoint, ShiftSyncRecord } from '../../shared/model';
import { readJsonFile, writeFileAtomic } from './atomicFile';

export const MAX_SHIFT_POINTS = 4000;

export function shiftHistoryFile(stateDir: string, siteId: string): string {
  return path.join(stateDir, 'sites', `${encodeURIComponent(siteId)}.shifts.json`);
}

const hourOf = (iso: string) => iso.slice(0, 13);

/** Adds the decisions taken at `at` to `points` (oldest first), merging as described above. Pure. */
export function mergeShiftDecisions(
  points: ShiftHistoryPoint[],
  at: string,
  records: readonly ShiftSyncRecord[],
  max = MAX_SHIFT_POINTS,
): ShiftHistoryPoint[] {
  const out = [...points];
  for (const r of records) {
    const lastSync = r.to ?? r.from;
    let prev: ShiftHistoryPoint | undefined;
    for (let i = out.length - 1; i >= 0 && !prev; i--) if (out[i].shiftType === r.shiftType) prev = out[i];
    const same =
      prev &&
      prev.status === r.status &&
      (r.status === 'moved' ? hourOf(prev.firstAt) === hourOf(at) : prev.lastSync === lastSync);
    if (prev && same) {
      const i = out.lastIndexOf(prev);
      out[i] = { ...prev, lastSync, at, count: prev.count + 1, reason: r.reason };
    } else
      out.push({ shiftType: r.shiftType, status: r.status, lastSync, firstAt: at, at, count: 1, reason: r.reason });
  }
  return out.length > max ? out.slice(out.length - max) : out;
}

export async function readShiftHistory(stateDir: string, siteId: string): Promise<ShiftHistoryPoint[]> {
  const r = await readJsonFile<{ points?: unknown }>(shiftHistoryFile(stateDir, siteId));
  if (r.kind !== 'ok' || !r.value || !Array.isArray(r.value.points)) return [];
  return r.value.points.filter(isPoint);
}

/**
 * The decisions of the sites with Shift Types (one site, or all when `site` is null) over the last `days` days
 * before `now`: what the dashboard draws and `biotime-sync report` prints.
 */
export async function recentShiftHistory(
  stateDir: string,
  sites: readonly { id: string; shiftTypes: readonly unknown[] }[],
  site: string | null,
  days: number,
  now: Date,
): Promise<{ site: string; points: ShiftHistoryPoint[] }[]> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const out = [];
  for (const s of sites)
    if (s.shiftTypes.length && (!site || s.id === site))
      out.push({ site: s.id, points: (await readShiftHistory(stateDir, s.id)).filter((p) => p.at >= since) });
  return out;
}

export async function appendShiftHistory(
  stateDir: string,
  siteId: string,
  at: string,
  records: readonly ShiftSyncRecord[],
): Promise<void> {
  if (!records.length) return;
  const points = mergeShiftDecisions(await readShiftHistory(stateDir, siteId), at, records);
  await writeFileAtomic(shiftHistoryFile(stateDir, siteId), JSON.stringify({ points }));
}

function isPoint(v: unknown): v is ShiftHistoryPoint {
  const p = v as ShiftHistoryPoint;
  return (
    !!p &&
    typeof p === 'object' &&
    typeof p.shiftType === 'string' &&
    typeof p.status === 'string' &&
    typeof p.at === 'string' &&
    typeof p.firstAt === 'string' &&
    typeof p.count === 'number'
  );
}
