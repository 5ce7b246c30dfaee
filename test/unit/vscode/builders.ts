// Small builders for the extension's unit tests (style rule 18: build payloads, do not copy JSON by hand).
import type { OutcomeKind, PunchOutcome } from '../../../src/shared/model';

const OUTCOMES: OutcomeKind[] = ['created', 'duplicate', 'failed', 'skipped'];

export function outcome(i: number, patch: Partial<PunchOutcome> = {}): PunchOutcome {
  const kind = OUTCOMES[i % 4];
  const code = String(1000 + (i % 500));
  const minute = String(i % 60).padStart(2, '0');
  const hour = String(6 + ((i >> 6) % 14)).padStart(2, '0');
  return {
    key: String(i + 1),
    deviceId: 'hq',
    transactionId: i + 1,
    empCode: code,
    name: `Person ${code}`,
    punchTime: `2026-03-${String(1 + (i % 28)).padStart(2, '0')} ${hour}:${minute}:00`,
    siteTime: null,
    uploadTime: null,
    terminalSn: `SN${i % 7}`,
    terminalAlias: `Gate ${i % 7}`,
    punchState: String(i % 2),
    punchStateDisplay: i % 2 ? 'Check Out' : 'Check In',
    logType: i % 2 ? 'OUT' : 'IN',
    employee: kind === 'failed' && i % 3 === 0 ? null : `HR-EMP-${String(i % 500).padStart(5, '0')}`,
    employeeName: `Person ${code}`,
    outcome: kind,
    ...(kind === 'created' ? { checkin: `EMP-CKIN-03-2026-${String(i).padStart(6, '0')}` } : {}),
    ...(kind === 'duplicate' ? { duplicateOf: `EMP-CKIN-03-2026-${String(i - 1).padStart(6, '0')}` } : {}),
    ...(kind === 'failed'
      ? {
          reason: i % 3 === 0 ? `No Employee with Biometric ID ${code}` : 'Inactive employee',
          failure: i % 3 === 0 ? 'unknownEmployee' : 'refused',
        }
      : {}),
    ...(kind === 'skipped' ? { reason: 'punch state 255 is SKIP' } : {}),
    ...patch,
  } as PunchOutcome;
}

export function outcomes(n: number): PunchOutcome[] {
  return Array.from({ length: n }, (_, i) => outcome(i));
}
