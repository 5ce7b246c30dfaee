// The sync cursor's arithmetic: where a run starts reading, which ids on a page it has not seen yet, and the cursor
// after a page. The cursor is the highest id passed (hwm), the ids just below it that were seen (recent, for
// transactions committed out of id order) and the watched gaps (gaps.ts); its fingerprint lets the next run notice
// a BioTime database restore, which reuses transaction ids (checkRestore).
import { BioTimeError } from './errors';
import { resetCursorHint } from './fixHints';
import type { GapSet } from './gaps';
import type { AttendanceSource, Logger } from './ports';
import type { DeviceCursor, Punch } from './types';

/** Ids just below the cursor that every run reads again, for transactions committed out of id order. */
export const OVERLAP_IDS = 50;

/** What identifies the punch under the cursor: a restored database gives its id to another punch. */
export function fingerprint(p: Punch): string {
  return `${p.id}|${p.empCode}|${p.punchTime}`;
}

/** The id a run reads after: a little below the cursor (OVERLAP_IDS), lower still to look for the oldest gap. */
export function readFrom(cursor: DeviceCursor, gaps: GapSet): number {
  return Math.max(0, Math.min(cursor.hwm - OVERLAP_IDS, (gaps.min ?? Infinity) - 1));
}

/** Whether a read id is new to the cursor: above it, in a watched gap, or in the overlap and not seen yet. */
export function unseen(id: number, cursor: DeviceCursor, recent: Set<number>, gaps: GapSet | undefined): boolean {
  return id > cursor.hwm || !!gaps?.has(id) || (id > cursor.hwm - OVERLAP_IDS && !recent.has(id));
}

/**
 * The cursor after a page: past every id on it (all of them have outcomes now). Ids skipped over above the old
 * cursor become watched gaps; ids that were gaps and now appeared are no longer watched.
 */
export function advance(
  cursor: DeviceCursor,
  page: Punch[],
  recent: Set<number>,
  gaps: GapSet | undefined,
  now: Date,
): DeviceCursor {
  let hwm = cursor.hwm;
  let top: Punch | undefined;
  for (const p of page) {
    if (p.id === null) continue;
    recent.add(p.id);
    gaps?.remove(p.id);
    if (p.id > hwm) {
      if (gaps && hwm > 0 && p.id > hwm + 1) gaps.add(hwm + 1, p.id - 1, now);
      hwm = p.id;
      top = p;
    }
  }
  for (const id of recent) if (id <= hwm - OVERLAP_IDS) recent.delete(id);
  return {
    hwm,
    recent: [...recent].sort((a, b) => a - b),
    hint: cursor.hint,
    hwmFingerprint: top ? fingerprint(top) : cursor.hwmFingerprint,
    ...(gaps ? { gaps: gaps.toJSON() } : cursor.gaps ? { gaps: cursor.gaps } : {}),
  };
}

/** A BioTime database restore reuses transaction ids: the punch under our cursor would then be another one. */
export async function checkRestore(
  cursor: DeviceCursor,
  at: { deviceId: string; source: AttendanceSource; logger: Logger; signal?: AbortSignal },
): Promise<void> {
  if (!cursor.hwm || !cursor.hwmFingerprint) return;
  const t = await at.source.getTransaction(cursor.hwm, at.signal);
  if (!t) {
    at.logger.warn(
      `Device ${at.deviceId}: BioTime transaction ${cursor.hwm} (the sync cursor) no longer exists. If the BioTime database was restored, reset the cursor: ${resetCursorHint(at.deviceId)}.`,
    );
    return;
  }
  if (fingerprint(t) !== cursor.hwmFingerprint) {
    throw new BioTimeError(
      'idsWentBack',
      `BioTime transaction ${cursor.hwm} is now a different punch (${t.empCode} at ${t.punchTime}): the BioTime database was restored or reinstalled and transaction ids are being reused.`,
      `Nothing was synced. Reset the cursor so every punch is read again (existing checkins are recognised as duplicates): ${resetCursorHint(at.deviceId)}.`,
    );
  }
}
