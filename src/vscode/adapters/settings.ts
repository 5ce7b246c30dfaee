// Settings are read in exactly this one place (style rule 11): the `bioSync.sites` / `bioSync.devices` arrays go
// through the engine's validateConfig(), the scalar settings are clamped, and writes go back to the scope the
// operator keeps them in (workspace or user).
import * as vscode from 'vscode';
import { validateConfig } from '../../core/config';
import { checkConfig, formatConfigProblem } from '../../core/configCheck';
import { ConfigError, errorMessage } from '../../core/errors';
import type { SyncConfig } from '../../core/configTypes';
import {
  SETTINGS_SECTION,
  SettingKeys,
  fullKey,
  toRawConfig,
  toSettingsIssues,
  toUiSettings,
  type SettingKey,
  type SettingsIssue,
  type UiSettings,
} from './settingsMapping';

export { SettingKeys, type UiSettings, type SettingsIssue };

/**
 * `ok` with `problems`: some entries are wrong; they stop only the devices they concern (`config` holds the others).
 * Not `ok`: nothing can run.
 */
export type SyncSettings =
  | { ok: true; config: SyncConfig; raw: RawEntries; problems: SettingsIssue[] }
  | { ok: false; issues: SettingsIssue[]; raw: RawEntries };

/** The arrays as written, for commands that edit one entry and write the array back. */
export interface RawEntries {
  sites: Record<string, unknown>[];
  devices: Record<string, unknown>[];
}

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION);
}

function entries(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object') : [];
}

export function readRawEntries(): RawEntries {
  const s = section();
  return { sites: entries(s.get(SettingKeys.sites)), devices: entries(s.get(SettingKeys.devices)) };
}

export function readSyncSettings(): SyncSettings {
  const s = section();
  const rawSites = s.get<unknown>(SettingKeys.sites);
  const rawDevices = s.get<unknown>(SettingKeys.devices);
  const raw = toRawConfig(rawSites, rawDevices, s.get<unknown>(SettingKeys.historyDays));
  const rawEntries = { sites: entries(rawSites), devices: entries(rawDevices) };
  try {
    return { ok: true, config: validateConfig(raw), raw: rawEntries, problems: [] };
  } catch (e) {
    if (ConfigError.is(e)) {
      // One bad entry stops only what it concerns: the valid devices keep syncing and keep their history.
      const check = checkConfig(raw);
      if (check.config.devices.length && !check.problems.some((p) => p.scope === 'all'))
        return {
          ok: true,
          config: check.config,
          raw: rawEntries,
          problems: check.problems.map((p) => ({
            key: `${SETTINGS_SECTION}.${p.path}`,
            message: formatConfigProblem(p),
            ...(p.deviceId ? { ownerId: p.deviceId, ownerKind: 'device' as const } : {}),
            ...(!p.deviceId && p.siteId ? { ownerId: p.siteId, ownerKind: 'site' as const } : {}),
          })),
        };
      return { ok: false, issues: toSettingsIssues(e.issues, raw), raw: rawEntries };
    }
    return {
      ok: false,
      issues: [{ key: fullKey(SettingKeys.devices), message: errorMessage(e) }],
      raw: rawEntries,
    };
  }
}

/**
 * `bioSync.devices` comes from the workspace (or a folder's) settings: shared with everyone who opens the workspace,
 * so a device there is synced on a schedule only by the machine chosen as its runner (runnerPolicy.ts). Arrays do
 * not merge across scopes: the workspace value, when set, is the whole list.
 */
export function devicesAreShared(): boolean {
  const i = section().inspect(SettingKeys.devices);
  return i?.workspaceFolderValue !== undefined || i?.workspaceValue !== undefined;
}

export function readUiSettings(): UiSettings {
  const s = section();
  return toUiSettings((key) => s.get(key));
}

export function affectsSyncConfig(e: vscode.ConfigurationChangeEvent): boolean {
  return [SettingKeys.sites, SettingKeys.devices, SettingKeys.schedulerEnabled, SettingKeys.historyDays].some((k) =>
    e.affectsConfiguration(fullKey(k)),
  );
}

export function affectsUi(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SETTINGS_SECTION);
}

/** Writes where the operator keeps the value: the workspace when it is set there, otherwise the user settings. */
function targetOf(key: SettingKey): vscode.ConfigurationTarget {
  const inspected = section().inspect(key);
  if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/** Replaces the device (by id) or appends it; also upserts `site` when given. Never receives secrets. */
export async function upsertDevice(
  device: Record<string, unknown> & { id: string },
  site?: Record<string, unknown> & { id: string },
): Promise<void> {
  const raw = readRawEntries();
  if (site) await writeEntries(SettingKeys.sites, upsert(raw.sites, site));
  await writeEntries(SettingKeys.devices, upsert(raw.devices, device));
}

export async function patchDevice(id: string, patch: Record<string, unknown>): Promise<void> {
  const raw = readRawEntries();
  await writeEntries(
    SettingKeys.devices,
    raw.devices.map((d) => (d.id === id ? { ...d, ...patch } : d)),
  );
}

export async function removeDevice(id: string): Promise<void> {
  await writeEntries(
    SettingKeys.devices,
    readRawEntries().devices.filter((d) => d.id !== id),
  );
}

export async function removeSite(id: string): Promise<void> {
  await writeEntries(
    SettingKeys.sites,
    readRawEntries().sites.filter((s) => s.id !== id),
  );
}

/** Replaces every entry whose id matches `isOwned` (used by the sandbox demo). */
export async function replaceEntries(
  isOwned: (id: unknown) => boolean,
  sites: object[],
  devices: object[],
): Promise<void> {
  const raw = readRawEntries();
  await writeEntries(SettingKeys.sites, [...raw.sites.filter((s) => !isOwned(s.id)), ...sites]);
  await writeEntries(SettingKeys.devices, [...raw.devices.filter((d) => !isOwned(d.id)), ...devices]);
}

function upsert(list: Record<string, unknown>[], entry: { id: string }): Record<string, unknown>[] {
  const i = list.findIndex((e) => e.id === entry.id);
  return i < 0 ? [...list, { ...entry }] : list.map((e, j) => (j === i ? { ...e, ...entry } : e));
}

async function writeEntries(key: SettingKey, value: unknown[]): Promise<void> {
  await section().update(key, value, targetOf(key));
}

/** Writes one of the view settings (a toggle command) where the operator keeps it. */
export async function writeViewSetting(
  key: typeof SettingKeys.runsGroupByDevice | typeof SettingKeys.groupBySite,
  value: boolean,
): Promise<void> {
  await section().update(key, value, targetOf(key));
}

export function openSettings(key: SettingKey = SettingKeys.devices): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', fullKey(key));
}
