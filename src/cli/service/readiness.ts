// What /readyz answers, as a pure function of the engine's status so it can be tested with a clock of our choice.
// Ready = the configuration is valid, this process holds the state lock (it is the one that syncs), and no enabled
// device's last success is older than three of its intervals. A device that has not synced yet since the process
// started is given three intervals for its first success.
import type { DeviceStatus } from '../../shared/model';

export interface ReadinessInput {
  now: Date;
  /** When this process started watching. */
  startedAt: Date;
  lockHeld: boolean;
  /** Who holds the lock when this process does not, as the lock file says (for the message). */
  lockHolder?: string;
  /** Configuration problems that stop devices (empty when the configuration is valid). */
  configProblems: string[];
  devices: (DeviceStatus & { intervalMinutes: number })[];
}

export interface DeviceReadiness {
  device: string;
  ready: boolean;
  reason: string;
}

export interface Readiness {
  ready: boolean;
  checks: { check: string; ok: boolean; detail: string }[];
  devices: DeviceReadiness[];
}

export const STALE_INTERVALS = 3;

export function deviceReadiness(d: ReadinessInput['devices'][number], now: Date, startedAt: Date): DeviceReadiness {
  if (!d.enabled) return { device: d.deviceId, ready: true, reason: 'disabled (not counted)' };
  const limitMs = STALE_INTERVALS * d.intervalMinutes * 60_000;
  const last = d.lastSyncAt ? Date.parse(d.lastSyncAt) : undefined;
  if (last !== undefined && now.getTime() - last <= limitMs)
    return { device: d.deviceId, ready: true, reason: `last success ${d.lastSyncAt}` };
  if (last === undefined && now.getTime() - startedAt.getTime() <= limitMs)
    return { device: d.deviceId, ready: true, reason: 'waiting for its first successful sync' };
  const since = last === undefined ? 'no successful sync yet' : `last success ${d.lastSyncAt}`;
  const why = d.lastError ? `; last error: ${d.lastError.message}` : '';
  return {
    device: d.deviceId,
    ready: false,
    reason: `${since}, more than ${STALE_INTERVALS} intervals (${STALE_INTERVALS * d.intervalMinutes} min) ago${why}`,
  };
}

export function readiness(i: ReadinessInput): Readiness {
  const devices = i.devices.map((d) => deviceReadiness(d, i.now, i.startedAt));
  const stale = devices.filter((d) => !d.ready);
  const checks = [
    {
      check: 'configuration',
      ok: i.configProblems.length === 0,
      detail: i.configProblems.length ? i.configProblems.join('; ') : 'valid',
    },
    {
      check: 'state lock',
      ok: i.lockHeld,
      detail: i.lockHeld
        ? 'held by this process'
        : `not held: ${i.lockHolder ?? 'another process'} syncs this state directory; this one only follows`,
    },
    {
      check: 'devices',
      ok: stale.length === 0,
      detail: stale.length
        ? `${stale.length} enabled device(s) without a recent success: ${stale.map((d) => d.device).join(', ')}`
        : `every enabled device synced within ${STALE_INTERVALS} intervals`,
    },
  ];
  return { ready: checks.every((c) => c.ok), checks, devices };
}
