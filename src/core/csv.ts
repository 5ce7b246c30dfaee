// CSV output (RFC 4180), for the CLI and the extension. Cells that a spreadsheet would run as a formula (=, +, @, tab,
// CR) are prefixed with a quote: names and reasons come from BioTime and Frappe, and a punch name must never become a
// formula on the operator's PC.
import type { FailedPunch } from '../shared/model';

export function csv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * `biotime-sync failed --csv` and the extension's *Export CSV…* of the failed punches list: one writer, so the two
 * files have the same columns.
 */
export function failedCsv(list: readonly FailedPunch[]): string {
  return csv(
    [
      'device',
      'punch',
      'transaction_id',
      'emp_code',
      'name',
      'punch_time',
      'upload_time',
      'terminal',
      'state',
      'failure',
      'reason',
      'first_failed_at',
      'last_tried_at',
      'attempts',
    ],
    list.map((f) => [
      f.deviceId,
      f.key,
      f.transactionId,
      f.empCode,
      f.name,
      f.punchTime,
      f.uploadTime,
      f.terminalAlias || f.terminalSn,
      f.punchStateDisplay || f.punchState,
      f.failure,
      f.reason,
      f.firstFailedAt,
      f.lastTriedAt,
      f.attempts,
    ]),
  ).trimEnd();
}
