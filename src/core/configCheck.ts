// Per-device configuration check: a problem stops only what it concerns, the rest keeps syncing.
//
// Result shape (used by the CLI and by the extension's tree and "open settings.json at the entry"):
//
//   checkConfig(raw, source?, options?) / checkConfigText(text, source, options?) → ConfigCheck {
//     config:   SyncConfig            the valid sites and the devices that can run (validated, defaulted, frozen)
//     devices:  DeviceConfig[]        = config.devices
//     stopped:  string[]              ids of configured devices that cannot run because of a problem
//     problems: ConfigProblem[] {
//       deviceId?, deviceName?        the device entry the problem is in (name falls back to the id)
//       siteId?                       the site entry it is in, or the site of the device
//       key                           the key inside that entry, e.g. "timeZone", "intervall", "userControl.mode";
//                                     "(entry)" for the entry itself, "(file)"/"(root)" for the whole file
//       message                       what is wrong and what to do, with a "did you mean" when there is one
//       path                          JSON path from the root, e.g. "devices[1].timeZone" (prefix "bioSync." in
//                                     settings.json); locates the entry even when it has no id
//       list?, index?                 "sites"/"devices" and the entry's index in that array
//       scope                         "device" (stops that device), "site" (stops the site's devices), "all"
//                                     (nothing can run), "shiftTypes" (only the site's Shift Types are held)
//       stops                         ids of the devices this problem stops
//     }[]
//   }
//
// formatConfigProblem(p) is the one-line text both hosts show ("device "Riyadh" (riyadh) · timeZone: …").
import type { DeviceConfig, SyncConfig } from './configTypes';
import { collectConfigIssues, freezeConfig, readConfigText, type ConfigOptions } from './config';
import type { ConfigIssue } from './errors';

export type ConfigProblemScope = 'device' | 'site' | 'all' | 'shiftTypes';

export interface ConfigProblem {
  deviceId?: string;
  deviceName?: string;
  siteId?: string;
  key: string;
  message: string;
  path: string;
  list?: 'sites' | 'devices';
  index?: number;
  scope: ConfigProblemScope;
  stops: string[];
}

export interface ConfigCheck {
  config: SyncConfig;
  devices: DeviceConfig[];
  stopped: string[];
  problems: ConfigProblem[];
}

type Raw = Record<string, unknown>;
const ENTRY = /^(sites|devices)\[(\d+)\](.*)$/;

/** Checks a configuration object entry by entry; never throws for a bad configuration. */
export function checkConfig(raw: unknown, options: ConfigOptions = {}): ConfigCheck {
  return checkWith(raw, options, []);
}

/** The same for the text of a configuration file (a file that is not JSON at all stops everything). */
export function checkConfigText(text: string, source: string, options: ConfigOptions = {}): ConfigCheck {
  const r = readConfigText(text, source, options);
  if ('fatal' in r) return nothingRuns([], [{ ...r.fatal, path: r.fatal.key, scope: 'all', stops: [] }]);
  return checkWith(r.raw, r.options, r.duplicates);
}

/** "device "Riyadh office" (riyadh) · timeZone: unknown time zone …" */
export function formatConfigProblem(p: ConfigProblem): string {
  const who =
    p.list === 'devices' || (p.list === undefined && p.deviceId)
      ? p.deviceId
        ? p.deviceName && p.deviceName !== p.deviceId
          ? `device "${p.deviceName}" (${p.deviceId})`
          : `device "${p.deviceId}"`
        : `the device entry at ${p.list}[${p.index}] (no valid id)`
      : p.list === 'sites'
        ? p.siteId
          ? `site "${p.siteId}"`
          : `the site entry at ${p.list}[${p.index}] (no valid id)`
        : 'the configuration';
  const stops =
    p.scope === 'site' && p.stops.length
      ? ` (stops ${p.stops
          .slice(0, 10)
          .map((s) => `"${s}"`)
          .join(', ')}${p.stops.length > 10 ? ` and ${p.stops.length - 10} more` : ''})`
      : p.scope === 'all'
        ? ' (nothing can run)'
        : '';
  return `${who} · ${p.key}: ${p.message}${stops}`;
}

/**
 * Stops more devices of a checked configuration for reasons found outside it (a secret missing from the environment
 * or the keychain): they leave `devices`, their problems are added, and Shift Types they feed are held.
 */
export function stopDevices(check: ConfigCheck, problems: ConfigProblem[]): ConfigCheck {
  const ids = new Set(problems.flatMap((p) => p.stops));
  if (!ids.size) return check;
  const out = [...check.problems, ...problems];
  const stoppedDevices = check.config.devices.filter((d) => ids.has(d.id));
  const sites = check.config.sites.map((site) => {
    const here = stoppedDevices.filter((d) => d.site === site.id).map((d) => d.id);
    const held = site.shiftTypes.filter((f) => here.some((id) => !f.devices || f.devices.includes(id)));
    if (!held.length) return site;
    out.push({
      siteId: site.id,
      key: 'shiftTypes',
      message: heldMessage(
        held.map((f) => f.shiftType),
        here,
      ),
      path: 'sites',
      list: 'sites',
      scope: 'shiftTypes',
      stops: [],
    });
    return { ...site, shiftTypes: site.shiftTypes.filter((f) => !held.includes(f)) };
  });
  const config = freezeConfig({ sites, devices: check.config.devices.filter((d) => !ids.has(d.id)) });
  return { config, devices: config.devices, stopped: [...check.stopped, ...ids], problems: out };
}

function heldMessage(shiftTypes: string[], devices: string[]): string {
  return `"Last Sync of Checkin" of ${shiftTypes.map((h) => `"${h}"`).join(', ')} is not moved while ${devices.map((s) => `"${s}"`).join(', ')} cannot run (its punches are not being read); fix that device first`;
}

function checkWith(raw: unknown, options: ConfigOptions, early: ConfigIssue[]): ConfigCheck {
  const first = collectConfigIssues(raw, options, early);
  const obj = isObject(raw) ? raw : {};
  const rawSites = arrayOf(obj.sites);
  const rawDevices = arrayOf(obj.devices);
  const allIds = rawDevices.map(deviceLabel);
  const problems = first.issues.map((i) => locate(i, rawSites, rawDevices));
  if (problems.some((p) => p.scope === 'all')) {
    for (const p of problems) if (p.scope === 'all') p.stops = allIds;
    return nothingRuns(allIds, problems);
  }
  const badSites = new Set(problems.filter((p) => p.list === 'sites').map((p) => p.index!));
  const badSiteIds = new Set(rawSites.filter((_, i) => badSites.has(i)).map((s) => str(s.id)));
  const badDevices = new Set(problems.filter((p) => p.list === 'devices').map((p) => p.index!));
  rawDevices.forEach((d, i) => {
    if (badSiteIds.has(str(d.site))) badDevices.add(i);
  });
  const stopped = rawDevices.flatMap((d, i) => (badDevices.has(i) ? [deviceLabel(d, i)] : []));
  const keptSites = rawSites.filter((_, i) => !badSites.has(i)).map((s) => ({ ...s }));
  const keptDevices = rawDevices.filter((_, i) => !badDevices.has(i));
  holdShiftFeeds(keptSites, rawDevices, badDevices, problems, rawSites);
  const second = collectConfigIssues({ ...obj, sites: keptSites, devices: keptDevices }, options);
  if (second.issues.length || !second.config) {
    // Cannot happen when every issue was attributed to its entry; if it does, run nothing rather than guess.
    const extra = second.issues.map((i) => ({ ...i, path: i.key, scope: 'all' as const, stops: allIds }));
    return nothingRuns(allIds, [...problems, ...extra]);
  }
  const config = freezeConfig(second.config);
  return { config, devices: config.devices, stopped, problems };
}

/**
 * A Shift Type fed by a stopped device must not be moved forward: its punches are not being read, and Frappe would
 * mark those people absent. Such feeds are held (left out of the running configuration) and reported.
 */
function holdShiftFeeds(
  keptSites: Raw[],
  rawDevices: Raw[],
  badDevices: Set<number>,
  problems: ConfigProblem[],
  rawSites: Raw[],
): void {
  for (const site of keptSites) {
    const stoppedHere = rawDevices
      .filter((d, i) => badDevices.has(i) && str(d.site) === str(site.id))
      .map((d) => str(d.id))
      .filter((x): x is string => !!x);
    if (!stoppedHere.length || !Array.isArray(site.shiftTypes)) continue;
    const held: string[] = [];
    site.shiftTypes = site.shiftTypes.filter((feed: unknown) => {
      const f = isObject(feed) ? feed : {};
      const feeds = Array.isArray(f.devices) ? f.devices : undefined;
      const blocked = stoppedHere.some((id) => !feeds || feeds.includes(id));
      if (blocked) held.push(String(f.shiftType));
      return !blocked;
    });
    if (!held.length) continue;
    const index = rawSites.findIndex((s) => str(s.id) === str(site.id));
    problems.push({
      siteId: str(site.id),
      key: 'shiftTypes',
      message: heldMessage(held, stoppedHere),
      path: `sites[${index}].shiftTypes`,
      list: 'sites',
      index,
      scope: 'shiftTypes',
      stops: [],
    });
  }
}

function locate(issue: ConfigIssue, rawSites: Raw[], rawDevices: Raw[]): ConfigProblem {
  const m = ENTRY.exec(issue.key);
  if (!m) return { key: issue.key, message: issue.message, path: issue.key, scope: 'all', stops: [] };
  const list = m[1] as 'sites' | 'devices';
  const index = Number(m[2]);
  const key = m[3].replace(/^\./, '') || '(entry)';
  const base = { key, message: issue.message, path: issue.key, list, index };
  if (list === 'devices') {
    const d = rawDevices[index] ?? {};
    const deviceId = str(d.id);
    return {
      ...base,
      ...(deviceId ? { deviceId, deviceName: nameOf(d.name) ?? deviceId } : {}),
      ...(str(d.site) ? { siteId: str(d.site) } : {}),
      scope: 'device',
      stops: [deviceLabel(d, index)],
    };
  }
  const siteId = str(rawSites[index]?.id);
  const stops = siteId ? rawDevices.flatMap((d, i) => (str(d.site) === siteId ? [deviceLabel(d, i)] : [])) : [];
  return { ...base, ...(siteId ? { siteId } : {}), scope: 'site', stops };
}

function nothingRuns(stopped: string[], problems: ConfigProblem[]): ConfigCheck {
  const config = freezeConfig({ sites: [], devices: [] });
  return { config, devices: config.devices, stopped, problems };
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function arrayOf(v: unknown): Raw[] {
  return Array.isArray(v) ? v.map((x) => (isObject(x) ? x : {})) : [];
}
/** A device's id, or its position when it has no usable id. */
function deviceLabel(d: Raw, i: number): string {
  return str(d.id) ?? `devices[${i}]`;
}
/**
 * An id of a raw entry, only when it is a well-formed id: a hostile or broken value (a number, a 100 kB string) is
 * itself a problem and must not be echoed into every message that names the entry.
 */
function str(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(v) ? v : undefined;
}

/** A display name, clipped: names are free text. */
function nameOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const one = [...v]
    .map((ch) => (ch < ' ' || ch === '"' ? ' ' : ch))
    .join('')
    .trim();
  return one.length > 60 ? `${one.slice(0, 60)}…` : one;
}
