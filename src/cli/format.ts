// Human output of the CLI: run summaries, the punch-to-checkin mapping, failed punches, status, doctor reports.
import type {
  DeviceStatus,
  DoctorCheck,
  FailedPunch,
  PunchOutcome,
  RunSummary,
  ShiftSyncRecord,
} from '../shared/model';

export function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function summaryLine(s: RunSummary): string {
  const c = s.counts;
  const head = `${s.deviceId}: ${s.kind === 'dryRun' ? 'dry run (nothing written)' : s.kind} ${s.status}`;
  const counts = `fetched ${c.fetched}, created ${c.created}, duplicates ${c.duplicate}, failed ${c.failed}, skipped ${c.skipped}, user-control calls ${c.userControlCalls}${c.userControlFailed ? ` (${c.userControlFailed} failed)` : ''}`;
  const secs = s.durationMs !== null ? ` in ${(s.durationMs / 1000).toFixed(1)} s` : '';
  const when = s.startedAt ? `, started ${localTime(s.startedAt)}` : '';
  const err = s.error ? `\n  error: ${s.error.message}${s.error.hint ? `\n  fix: ${s.error.hint}` : ''}` : '';
  const wrong = s.wrongCheckins?.length
    ? `\n  stored with the wrong time (delete these checkins in Frappe): ${s.wrongCheckins.join(', ')}`
    : '';
  return `${head}${secs} — ${counts}\n  run ${s.runId}${when}${err}${wrong}`;
}

export function mappingTable(outcomes: PunchOutcome[]): string {
  return table(
    outcomes.map((o) => [
      o.transactionId === null ? o.key.slice(0, 12) : String(o.transactionId),
      o.empCode,
      o.name,
      o.punchTime,
      o.siteTime ?? '-',
      o.terminalAlias,
      `${o.punchState}→${o.logType ?? '-'}`,
      o.employee ?? '-',
      o.outcome,
      o.checkin ?? o.duplicateOf ?? o.reason ?? '',
      o.userControl ? `${o.userControl.action}:${o.userControl.result}` : '',
    ]),
    [
      'id',
      'code',
      'name',
      'punch time (BioTime)',
      'time sent (site)',
      'terminal',
      'state',
      'employee',
      'outcome',
      'checkin / reason',
      'user control',
    ],
  );
}

export function failedTable(list: FailedPunch[]): string {
  return table(
    list.map((f) => [
      f.deviceId,
      f.key,
      f.empCode,
      f.name,
      f.punchTime,
      f.terminalAlias,
      String(f.attempts),
      localTime(f.lastTriedAt),
      f.reason,
    ]),
    ['device', 'punch', 'code', 'name', 'punch time (BioTime)', 'terminal', 'tries', 'last tried', 'reason'],
  );
}

/**
 * An instant for an operator: the local time of this computer (the TZ environment variable, else the system zone)
 * with its UTC offset, e.g. "2026-11-20 12:00:05 +04:00". JSON output keeps the ISO UTC form.
 */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const offset = `${sign}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${offset}`;
}

export function statusTable(list: DeviceStatus[]): string {
  return table(
    list.map((s) => [
      s.deviceId,
      s.health,
      s.lastSyncAt ? localTime(s.lastSyncAt) : 'never',
      localTime(s.nextRunAt),
      s.cursor === null ? '-' : String(s.cursor),
      watchedIds(s) ? String(watchedIds(s)) : '-',
      String(s.failedCount),
      s.terminals
        .filter((t) => t.offline)
        .map((t) => t.alias || t.sn)
        .join(', ') || '-',
      s.lastRun
        ? `${s.lastRun.runId} (${s.lastRun.kind === 'dryRun' ? 'dry run' : s.lastRun.kind} ${s.lastRun.status})`
        : '-',
      s.lastError?.message ?? '',
    ]),
    [
      'device',
      'state',
      'last sync',
      'next run',
      'cursor',
      'watched ids',
      'failed',
      'offline terminals',
      'last run (id for show-run)',
      'last error',
    ],
  );
}

/** Ids below the cursor not seen yet (out-of-order commits, rows moved between page reads): runs still look for them. */
export function watchedIds(s: DeviceStatus): number {
  return s.watchedGaps.reduce((n, g) => n + g.to - g.from + 1, 0);
}

export function shiftTable(records: ShiftSyncRecord[]): string {
  return table(
    records.map((r) => [r.site, r.shiftType, r.status, r.from ?? '-', r.to ?? '-', r.reason]),
    ['site', 'shift type', 'status', 'was', 'moved to', 'why'],
  );
}

export function doctorReport(checks: DoctorCheck[]): string {
  const icon = { ok: '✔', warn: '!', fail: '✘' } as const;
  return checks
    .map((c) => `${icon[c.status]} ${c.target} · ${c.check}: ${c.detail}${c.fix ? `\n    → ${c.fix}` : ''}`)
    .join('\n');
}
