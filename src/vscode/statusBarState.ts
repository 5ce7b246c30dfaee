// What the status bar item says and when a failing device deserves a notification, as pure functions of the
// engine's state (style rules 14 and 16). vscode-free.
import type { DeviceStatus, RunSummary } from '../shared/model';
import { attentionReasons } from './tree/runGroups';

/** A device that needs the operator, with why (attentionReasons). */
export interface Attention {
  name: string;
  reasons: string[];
}

export type BarState =
  | { kind: 'unconfigured' }
  | { kind: 'invalid'; problems: number }
  | { kind: 'running'; count: number; failedPunches: number; attention: Attention[] }
  | { kind: 'error'; failing: DeviceStatus[]; failedPunches: number; attention: Attention[] }
  | {
      kind: 'idle';
      devices: number;
      /** Names of the disabled devices: they do not sync, so they are never counted as OK. */
      disabled: string[];
      lastSyncAt: string | null;
      follower: boolean;
      /** bioSync.scheduler.enabled is off: nothing syncs on its own. */
      schedulerOff: boolean;
      /** Failed punches waiting for a rerun or a dismissal, over every device. */
      failedPunches: number;
      /** Devices failing, with failed punches waiting or terminals offline. */
      attention: Attention[];
    };

export function barState(
  host: 'unconfigured' | 'invalid' | 'ready',
  problems: number,
  running: number,
  statuses: DeviceStatus[],
  follower: boolean,
  schedulerOff = false,
): BarState {
  if (host === 'unconfigured') return { kind: 'unconfigured' };
  if (host === 'invalid') return { kind: 'invalid', problems };
  const failedPunches = statuses.reduce((n, s) => n + (s.failedCount ?? 0), 0);
  const attention = statuses
    .map((s) => ({ name: s.name, reasons: attentionReasons({ ...s, terminals: s.terminals ?? [] }) }))
    .filter((a) => a.reasons.length);
  if (running > 0) return { kind: 'running', count: running, failedPunches, attention };
  const failing = statuses.filter((s) => s.enabled && s.health === 'error');
  if (failing.length) return { kind: 'error', failing, failedPunches, attention };
  const last =
    statuses
      .map((s) => s.lastSyncAt)
      .filter((t): t is string => !!t)
      .sort()
      .pop() ?? null;
  return {
    kind: 'idle',
    devices: statuses.length,
    disabled: statuses.filter((s) => !s.enabled).map((s) => s.name),
    lastSyncAt: last,
    follower,
    schedulerOff,
    failedPunches,
    attention,
  };
}

const punches = (n: number) => `${n} failed punch${n === 1 ? '' : 'es'}`;
const needs = (n: number) => `${n} device${n === 1 ? ' needs' : 's need'} attention`;

/** "Needs attention:" and one line per device with its reasons. */
function attentionLines(list: Attention[]): string[] {
  return list.length ? ['Needs attention:', ...list.map((a) => `• ${a.name}: ${a.reasons.join('; ')}`)] : [];
}

/** What a click on the item opens: the failed punches when some wait, the settings when they are wrong. */
export type BarCommand = 'bioSync.showFailedPunches' | 'bioSync.openSettings' | 'workbench.view.extension.bioSync';

const CLICK: Record<BarCommand, string> = {
  'bioSync.showFailedPunches': 'Click to open the Failed Punches view.',
  'bioSync.openSettings': 'Click to open the settings.',
  'workbench.view.extension.bioSync': 'Click to open the BioTime Sync view.',
};

export function barText(s: BarState): { text: string; tooltip: string; error: boolean; command: BarCommand } {
  const t = barTextOnly(s);
  const command: BarCommand =
    s.kind === 'invalid'
      ? 'bioSync.openSettings'
      : s.kind !== 'unconfigured' && s.failedPunches > 0
        ? 'bioSync.showFailedPunches'
        : 'workbench.view.extension.bioSync';
  return { ...t, tooltip: `${t.tooltip}\n${CLICK[command]}`, command };
}

function barTextOnly(s: BarState): { text: string; tooltip: string; error: boolean } {
  switch (s.kind) {
    case 'unconfigured':
      return { text: '$(circle-slash) BioTime', tooltip: 'BioTime Sync: no device configured.', error: false };
    case 'invalid':
      return {
        text: '$(warning) BioTime: settings',
        tooltip: `BioTime Sync: ${s.problems} problem(s) in the settings; the devices they concern do not sync until they are fixed.`,
        error: true,
      };
    case 'running':
      return {
        text: `$(sync~spin) BioTime: syncing ${s.count}${s.failedPunches ? ` · ${punches(s.failedPunches)}` : ''}`,
        tooltip: [`BioTime Sync: ${s.count} device(s) syncing.`, ...attentionLines(s.attention)].join('\n'),
        error: false,
      };
    case 'error': {
      const first = s.failing[0];
      const msg = first.lastError?.message ?? 'last run failed';
      const others = s.attention.length - s.failing.length;
      return {
        text: `$(error) BioTime: ${s.failing.length} failing${others > 0 ? ` · ${needs(s.attention.length)}` : ''}${s.failedPunches ? ` · ${punches(s.failedPunches)}` : ''}`,
        tooltip: [
          `BioTime Sync: ${s.failing.map((d) => d.name).join(', ')} failing.`,
          `${first.name}: ${msg}`,
          ...attentionLines(s.attention),
        ].join('\n'),
        error: true,
      };
    }
    case 'idle': {
      const syncing = s.devices - s.disabled.length;
      const lines = [
        s.schedulerOff
          ? `BioTime Sync: scheduled sync is off (bioSync.scheduler.enabled); ${syncing} device(s) sync only when asked.`
          : `BioTime Sync: ${syncing} device(s) syncing on schedule${s.lastSyncAt ? `, last sync ${new Date(s.lastSyncAt).toLocaleString()}` : ''}.`,
        s.disabled.length ? `Disabled (not syncing): ${s.disabled.join(', ')}.` : '',
        ...attentionLines(s.attention),
        s.failedPunches ? `${punches(s.failedPunches)} waiting: rerun or dismiss them in the Failed Punches view.` : '',
        s.follower ? 'Syncs run in another window.' : '',
      ];
      // The check mark only when everything is syncing on schedule and nothing waits for the operator; otherwise
      // every reason is named (scheduler off and disabled devices too: an attention count must not hide them).
      const waits = s.attention.length > 0 || s.failedPunches > 0;
      const parts = [
        s.attention.length ? needs(s.attention.length) : '',
        s.failedPunches ? punches(s.failedPunches) : '',
        s.schedulerOff ? 'scheduler off' : '',
        s.disabled.length ? `${s.disabled.length} disabled` : '',
      ].filter(Boolean);
      const text =
        waits || s.schedulerOff
          ? `${waits ? '$(warning)' : '$(circle-slash)'} BioTime: ${parts.join(' · ')}`
          : s.disabled.length
            ? `$(check) BioTime · ${s.disabled.length} disabled`
            : '$(check) BioTime';
      return { text, tooltip: lines.filter(Boolean).join('\n'), error: false };
    }
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
