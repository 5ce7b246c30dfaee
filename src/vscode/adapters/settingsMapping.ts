// The vscode-free half of the settings adapter: how the raw settings arrays become the engine's raw config, how
// the engine's issue keys are named back to the operator, and how scalar settings are clamped. Unit-tested in
// test/unit/vscode.
import type { ConfigIssue } from '../../core/errors';

export const SETTINGS_SECTION = 'bioSync';

/** Setting keys, relative to the `bioSync` section (full key = `bioSync.<key>`). */
export const SettingKeys = {
  sites: 'sites',
  devices: 'devices',
  schedulerEnabled: 'scheduler.enabled',
  failureThreshold: 'notifications.consecutiveFailures',
  recentRuns: 'tree.recentRuns',
  runsLimit: 'runs.limit',
  mappingPageSize: 'mapping.pageSize',
  historyDays: 'historyDays',
  groupBySite: 'tree.groupBySite',
  runsGroupByDevice: 'runs.groupByDevice',
} as const;

export type SettingKey = (typeof SettingKeys)[keyof typeof SettingKeys];

export const fullKey = (key: SettingKey): string => `${SETTINGS_SECTION}.${key}`;

/** Scalar settings of the extension itself (the engine's config is the `sites`/`devices` arrays). */
export interface UiSettings {
  schedulerEnabled: boolean;
  failureThreshold: number;
  recentRuns: number;
  runsLimit: number;
  mappingPageSize: number;
  /** Devices under a node per site (when they belong to more than one site). */
  groupBySite: boolean;
  /** The Sync Runs view lists runs under their device; false: one flat list, newest first. */
  runsGroupByDevice: boolean;
}

export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : fallback;
  return Math.min(max, Math.max(min, n));
}

export function toUiSettings(get: (key: SettingKey) => unknown): UiSettings {
  return {
    schedulerEnabled: get(SettingKeys.schedulerEnabled) !== false,
    failureThreshold: clampInt(get(SettingKeys.failureThreshold), 1, 100, 3),
    recentRuns: clampInt(get(SettingKeys.recentRuns), 1, 50, 5),
    runsLimit: clampInt(get(SettingKeys.runsLimit), 1, 500, 30),
    mappingPageSize: clampInt(get(SettingKeys.mappingPageSize), 25, 2000, 200),
    groupBySite: get(SettingKeys.groupBySite) !== false,
    runsGroupByDevice: get(SettingKeys.runsGroupByDevice) !== false,
  };
}

/** The raw config validateConfig() receives: the two arrays (and historyDays) exactly as the operator wrote them. */
export function toRawConfig(
  sites: unknown,
  devices: unknown,
  historyDays?: unknown,
): { sites: unknown; devices: unknown; historyDays?: unknown } {
  return { sites: sites ?? [], devices: devices ?? [], ...(historyDays !== undefined ? { historyDays } : {}) };
}

/** A config issue named the way the operator sees it in settings.json, with the device or site it belongs to. */
export interface SettingsIssue {
  /** `bioSync.devices[0].intervalMinutes` */
  key: string;
  message: string;
  /** Id of the device or site the key belongs to, when it can be told. */
  ownerId?: string;
  ownerKind?: 'device' | 'site';
}

const ENTRY = /^(sites|devices)\[(\d+)\]/;

export function toSettingsIssues(issues: ConfigIssue[], raw: { sites: unknown; devices: unknown }): SettingsIssue[] {
  return issues.map((issue) => {
    const key = issue.key.startsWith(`${SETTINGS_SECTION}.`) ? issue.key : `${SETTINGS_SECTION}.${issue.key}`;
    const m = ENTRY.exec(issue.key);
    if (!m) return { key, message: issue.message };
    const list = m[1] === 'sites' ? raw.sites : raw.devices;
    const entry = Array.isArray(list) ? (list[Number(m[2])] as unknown) : undefined;
    const id =
      entry && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string'
        ? (entry as { id: string }).id
        : undefined;
    return { key, message: issue.message, ownerId: id, ownerKind: m[1] === 'sites' ? 'site' : 'device' };
  });
}

/** One line per issue, for the log. */
export function formatSettingsIssues(issues: SettingsIssue[]): string {
  return issues.map((i) => `${i.key}: ${i.message}`).join('\n');
}
