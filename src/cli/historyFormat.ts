// Human output of `history` and `report`.
import { DELAY_BUCKET_LABELS, type HistoryPunch, type MissingCheckout, type OpsReport } from '../shared/history';
import { csv } from '../core/csv';
import type { ShiftHistoryPoint } from '../shared/model';
import { localTime, table } from './format';

function result(p: HistoryPunch): string {
  switch (p.outcome) {
    case 'created':
      return `created ${p.checkin ?? ''}`.trim();
    case 'duplicate':
      return `duplicate of ${p.duplicateOf ?? '?'}`;
    case 'failed':
      return `failed: ${p.reason ?? p.failure ?? ''}`;
    case 'dismissed':
      return `dismissed (failed: ${p.reason ?? p.failure ?? ''})`;
    default:
      return p.outcome + (p.reason ? `: ${p.reason}` : '');
  }
}

export function historyTable(list: HistoryPunch[]): string {
  return table(
    list.map((p) => [
      p.punchTime,
      p.deviceId,
      p.transactionId === null ? p.key.slice(0, 12) : String(p.transactionId),
      p.empCode,
      p.name,
      p.terminalAlias || p.terminalSn,
      `${p.punchState}→${p.logType ?? '-'}`,
      p.uploadTime ?? '-',
      `${result(p)}${p.rerun ? ' (rerun)' : ''}`.slice(0, 90),
    ]),
    ['Punch time', 'Device', 'Id', 'Code', 'Name', 'Terminal', 'State', 'Uploaded', 'Outcome'],
  );
}

export function historyCsv(list: HistoryPunch[]): string {
  return csv(
    [
      'device',
      'punch',
      'transaction_id',
      'emp_code',
      'name',
      'punch_time',
      'upload_time',
      'terminal_sn',
      'terminal',
      'state',
      'log_type',
      'employee',
      'outcome',
      'checkin',
      'duplicate_of',
      'failure',
      'reason',
      'rerun',
      'first_seen_at',
      'last_changed_at',
    ],
    list.map((p) => [
      p.deviceId,
      p.key,
      p.transactionId,
      p.empCode,
      p.name,
      p.punchTime,
      p.uploadTime,
      p.terminalSn,
      p.terminalAlias,
      p.punchStateDisplay || p.punchState,
      p.logType,
      p.employee,
      p.outcome,
      p.checkin,
      p.duplicateOf,
      p.failure,
      p.reason,
      p.rerun ? 'yes' : 'no',
      p.firstSeenAt,
      p.lastChangedAt,
    ]),
  );
}

export function missingTable(list: MissingCheckout[]): string {
  return table(
    list.map((m) => [m.site, m.day, m.empCode, m.employee ?? '-', m.name, m.lastIn, m.terminal, m.outcome]),
    ['Site', 'Day', 'Code', 'Employee', 'Name', 'Last IN', 'Terminal', 'Checkin'],
  );
}

export function reportText(r: OpsReport, shiftHistory: { site: string; points: ShiftHistoryPoint[] }[] = []): string {
  const parts: string[] = [];
  parts.push(
    `Report of the last ${r.days} day(s)${r.site ? ` for site ${r.site}` : ''} (days of punch time; zone ${r.zone}; built in ${r.buildMs} ms)`,
  );
  parts.push(
    `Totals: created ${r.totals.created}, duplicates ${r.totals.duplicate}, failed ${r.totals.failed}, skipped ${r.totals.skipped}, dismissed ${r.totals.dismissed}`,
  );
  parts.push(
    table(
      r.perDay.map((d) =>
        [d.day, d.created, d.duplicate, d.failed, d.skipped, d.dismissed, d.failedWaiting].map(String),
      ),
      ['Day', 'Created', 'Duplicate', 'Failed', 'Skipped', 'Dismissed', 'Failed waiting'],
    ),
  );
  if (r.terminals.length)
    parts.push(
      `Terminals — upload delay (punch → upload):\n${table(
        r.terminals.map((t) => [
          t.deviceId,
          t.alias || t.sn,
          String(t.punches),
          DELAY_BUCKET_LABELS.map((l, i) => (t.delay[i] ? `${l}: ${t.delay[i]}` : ''))
            .filter(Boolean)
            .join(', '),
          t.worst[0] ? `${t.worst[0].delayMinutes} min (${t.worst[0].empCode} at ${t.worst[0].punchTime})` : '-',
          t.lastUpload ?? t.lastPunch ?? '-',
        ]),
        ['Device', 'Terminal', 'Punches', 'Delay distribution', 'Worst', 'Last activity'],
      )}`,
    );
  const lat = DELAY_BUCKET_LABELS.map((l, i) => (r.checkinLatency[i] ? `${l}: ${r.checkinLatency[i]}` : ''))
    .filter(Boolean)
    .join(', ');
  parts.push(`Punch → checkin created: ${lat || 'no checkin created in the period'}`);
  parts.push(
    table(
      r.devices.map((d) => [
        d.deviceId,
        d.site || '-',
        d.cursor === null ? '-' : String(d.cursor),
        String(d.watchedIds),
        String(d.failedWaiting),
        d.lastSyncAt ?? 'never',
      ]),
      ['Device', 'Site', 'Cursor', 'Watched ids', 'Failed waiting', 'Last sync'],
    ),
  );
  if (r.shiftTypes.length)
    parts.push(
      `Shift Types (Last Sync of Checkin):\n${table(
        r.shiftTypes.map((s) => [s.site, s.shiftType, s.lastSyncOfCheckin ?? '-', s.status, s.reason]),
        ['Site', 'Shift Type', 'Last Sync', 'Status', 'Why'],
      )}`,
    );
  const points = shiftHistory.flatMap((h) => h.points.map((p) => ({ site: h.site, ...p })));
  if (points.length)
    parts.push(
      `Last Sync of Checkin over time (oldest first; repeated decisions are one line):\n${table(
        points.map((p) => [
          p.site,
          p.shiftType,
          p.firstAt === p.at ? localTime(p.at) : `${localTime(p.firstAt)} – ${localTime(p.at)}`,
          p.lastSync ?? '-',
          p.count > 1 ? `${p.status} ×${p.count}` : p.status,
          p.reason,
        ]),
        ['Site', 'Shift Type', 'Decided', 'Last Sync', 'Status', 'Why'],
      )}`,
    );
  return parts.join('\n\n');
}
