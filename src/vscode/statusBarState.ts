// What the status bar item says and when a failing device deserves a notification, as pure functions of the
// engine's state (style rules 14 and 16). vscode-free.
import type { DeviceStatus, RunSummary } from '../shared/model';

export type BarState =
  | { kind: 'unconfigured' }
  | { kind: 'invalid'; problems: number }
  | { kind: 'running'; count: number }
  | { kind: 'error'; failing: DeviceStatus[] }
  | { kind: 'idle'; devices: number; lastSyncAt: string | null; follower: boolean };

export function barState(
  host: 'unconfigured' | 'invalid' | 'ready',
  problems: number,
  running: number,
  statuses: DeviceStatus[],
  follower: boolean,
): BarState {
  if (host === 'unconfigured') return { kind: 'unconfigured' };
  if (host === 'invalid') return { kind: 'invalid', problems };
  if (running > 0) return { kind: 'running', count: running };
  const failing = statuses.filter((s) => s.enabled && s.health === 'error');
  if (failing.length) return { kind: 'error', failing };
  const last =
    statuses
      .map((s) => s.lastSyncAt)
      .filter((t): t is string => !!t)
      .sort()
      .pop() ?? null;
  return { kind: 'idle', devices: statuses.length, lastSyncAt: last, follower };
}

export function barText(s: BarState): { text: string; tooltip: string; error: boolean } {
  switch (s.kind) {
    case 'unconfigured':
      return {
        text: '$(circle-slash) BioTime',
        tooltip: 'BioTime Sync: no device configured. Click to open the view.',
        error: false,
      };
    case 'invalid':
      return {
        text: '$(warning) BioTime: settings',
        tooltip: `BioTime Sync: ${s.problems} problem(s) in the settings; nothing syncs until they are fixed.`,
        error: true,
      };
    case 'running':
      return {
        text: `$(sync~spin) BioTime: syncing ${s.count}`,
        tooltip: `BioTime Sync: ${s.count} device(s) syncing.`,
        error: false,
      };
    case 'error': {
      const first = s.failing[0];
      const msg = first.lastError?.message ?? 'last run failed';
      return {
        text: `$(error) BioTime: ${s.failing.length} failing`,
        tooltip: `BioTime Sync: ${s.failing.map((d) => d.name).join(', ')} failing.\n${first.name}: ${msg}`,
        error: true,
      };
    }
    case 'idle':
      return {
        text: '$(check) BioTime',
        tooltip: `BioTime Sync: ${s.devices} device(s) OK${s.lastSyncAt ? `, last sync ${new Date(s.lastSyncAt).toLocaleString()}` : ''}${s.follower ? '\nSyncs run in another window.' : ''}`,
        error: false,
      };
    default: {
      const never: never = s;
      return never;
    }
  }
}

/**
 * After a background sync: 'notify' once when a device reaches `threshold` failures in a row, 'reset' when it
 * succeeds again (so the next streak notifies), 'none' otherwise. Reruns and previews never count.
 */
export function failureDecision(
  run: RunSummary,
  status: DeviceStatus | undefined,
  threshold: number,
  alreadyNotified: boolean,
): 'notify' | 'reset' | 'none' {
  if (run.kind !== 'sync') return 'none';
  if (run.status === 'completed') return alreadyNotified ? 'reset' : 'none';
  if (run.status !== 'failed' || alreadyNotified || !status) return 'none';
  return status.consecutiveFailures >= threshold ? 'notify' : 'none';
}
