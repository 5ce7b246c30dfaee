// Configuration: validation, defaults and the JSON Schema, all driven by one spec table so the three never drift.
// The CLI reads a JSON file (parseConfigText); the extension builds the same shape from its settings
// (validateConfig). Every problem is reported at once, by JSON path, before anything is contacted.
//
// This module is the table (which key is what, its default and description) and the checks across keys. The
// walker that checks a value against the table and the JSON Schema built from it are configSchema.ts; the wording
// ("did you mean", how values are shown) configMessages.ts; the JSON syntax scanner configText.ts.
import * as path from 'node:path';
import type {
  DeviceConfig,
  GeoPoint,
  ShiftFeedConfig,
  SiteConfig,
  SyncConfig,
  TlsConfig,
  UserControlConfig,
} from './configTypes';
import { SITE_CHANGE_ACTIONS } from './configTypes';
import { scanJsonText } from './configText';
import { describe, suggest } from './configMessages';
import {
  CONFIG_LIMITS,
  checkObject,
  deepFreeze,
  isPlainObject,
  Issues,
  schemaOf,
  type ObjectSpec,
  type Prop,
  type Spec,
  type StringFormat,
} from './configSchema';
import { ConfigError, type ConfigIssue, errorMessage } from './errors';
import { PUNCH_STATE_KEY_PATTERN, punchStateKeyProblem } from './punchStateKeys';

const PUNCH_STATE_ACTIONS = ['IN', 'OUT', 'NONE', 'SKIP'] as const;

export const DEFAULTS = deepFreeze({
  site: {
    tls: { verify: true },
    timeoutSeconds: 30,
    shiftTypes: [] as ShiftFeedConfig[],
    shiftSyncMarginMinutes: 5,
    writeMode: 'polite' as const,
  },
  device: {
    enabled: true,
    intervalMinutes: 5,
    authScheme: 'jwt' as const,
    // Merged under the configured punchStates, so adding "5": "OUT" never silently turns "1" into IN.
    punchStates: { '0': 'IN', '1': 'OUT' } as Record<string, 'IN' | 'OUT' | 'NONE' | 'SKIP'>,
    otherPunchStates: 'IN' as const,
    onSiteChange: 'keepCursor' as const,
    userControl: { mode: 'off', onIn: 'enable', onOut: 'disable', exempt: [] as string[] } as UserControlConfig,
    pageSize: 200,
    tls: { verify: true },
    timeoutSeconds: 30,
    offlineAfterMinutes: 60,
    terminalLocations: {} as Record<string, GeoPoint>,
  },
});

/** Every description, in one place: the JSON Schema (and through it the extension's settings) reuses them. */
export const CONFIG_DESCRIPTIONS = {
  root: 'BioTime Sync configuration: the Frappe HR sites and the BioTime servers (devices) that feed them. Secrets never go here.',
  $schema: 'JSON Schema reference for editors; ignored by BioTime Sync.',
  sites: 'Frappe HR sites that receive Employee Checkins.',
  'site.id': 'Short id of the site, used in logs and in FRAPPE_API_KEY_<SITE> / FRAPPE_API_SECRET_<SITE>.',
  'site.url': 'Base URL of the Frappe site, e.g. https://hr.example.com (http or https, no credentials).',
  'site.timeZone': 'IANA time zone of the site (System Settings time_zone); read from the site when omitted.',
  'site.tls': 'TLS settings for this site.',
  'site.timeoutSeconds':
    'Deadline of one HTTP request to the site (connecting, headers and the whole body), in seconds.',
  'site.shiftTypes': 'Shift Types whose "Last Sync of Checkin" this tool moves forward after each run.',
  'site.shiftSyncMarginMinutes': 'Safety margin, in minutes, subtracted before moving "Last Sync of Checkin".',
  'site.fastWriteHours':
    'Hours when checkins are written as with writeMode "fast" although writeMode is "polite", e.g. "22:00-06:00" (this computer\'s local time; may cross midnight): a catch-up at night, polite by day.',
  'site.writeMode':
    'How checkins are written: "polite" (default) keeps one insert_many request in flight, about a second of the site\'s work each, so a Frappe worker stays free for the people using the site; "fast" keeps two 200-document requests in flight (about 10% more throughput, but the desk waits seconds per click), for a catch-up at night.',
  'shift.shiftType': 'Name of the Shift Type in Frappe HR.',
  'shift.devices': 'Ids of the devices feeding this Shift Type; omitted means every device of the site.',
  devices: 'BioTime servers to read punches from.',
  historyDays:
    'Days the punch history keeps every punch seen with its outcome (searched by `biotime-sync history`); older days are dropped.',
  'device.id': 'Short id of the device, used in logs, state files and BIOTIME_PASSWORD_<DEVICE>.',
  'device.name': 'Display name; defaults to the id.',
  'device.url':
    'Base URL of the BioTime server, e.g. https://biotime.example.com:8081 (also sent as the checkin device_id).',
  'device.username': 'BioTime user the API logs in as (the password comes from the environment or the keychain).',
  'device.site': "Id of the site that receives this device's punches.",
  'device.enabled': 'Whether the scheduler syncs this device.',
  'device.intervalMinutes': 'Minutes between two scheduled syncs.',
  'device.timeZone': "IANA time zone of BioTime's naive punch times; defaults to the site's zone.",
  'device.authScheme': 'BioTime authentication: "jwt" (JWT tokens) or "token" (general API tokens).',
  'device.punchStates':
    'What each BioTime punch_state becomes: IN, OUT, NONE (no log type) or SKIP. Merged over {"0": "IN", "1": "OUT"}.',
  'device.otherPunchStates': 'What punch states not listed in punchStates become.',
  'device.onSiteChange':
    "When this device's site changes: keepCursor (go on from where it is; older punches are not imported into the new site) or readFromImportSince (read again from importSince, or from the first transaction, into the new site).",
  'device.userControl': 'Enable or disable employees on the terminals after their checkins.',
  'userControl.mode':
    'Mechanism: off, area (move to a no-access area and back), resign (resign and reinstate) or frappe-user (toggle the linked Frappe User).',
  'userControl.onIn': 'What an IN punch does to the employee.',
  'userControl.onOut': 'What an OUT punch does to the employee.',
  'userControl.noAccessArea':
    'Area mode: code of the BioTime area with no terminals where disabled employees are moved.',
  'userControl.exempt': 'Employee codes never touched (as strings, to keep leading zeros).',
  'device.pageSize': 'Transactions per page read from BioTime.',
  'device.importSince':
    'Only punches at or after this BioTime time are imported: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS".',
  'device.tls': 'TLS settings for this BioTime server.',
  'device.timeoutSeconds':
    'Deadline of one HTTP request to BioTime (connecting, headers and the whole body), in seconds.',
  'device.offlineAfterMinutes': 'A terminal silent longer than this many minutes is reported offline.',
  'device.terminalLocations': 'Coordinates per terminal serial number, sent when a punch has none.',
  'device.location': 'Coordinates of the device, used when neither the punch nor its terminal has any.',
  'tls.verify': 'Verify the server certificate. Turning it off is an explicit opt-out for this server only.',
  'tls.caFile':
    'PEM file of a CA to trust for this server (e.g. a self-signed certificate); relative to the config file.',
  'geo.latitude': 'Latitude in degrees, -90 to 90.',
  'geo.longitude': 'Longitude in degrees, -180 to 180.',
} as const;

type DescriptionKey = keyof typeof CONFIG_DESCRIPTIONS;

// ---------------------------------------------------------------------------------------------------------------
// The spec table

const str = (format: StringFormat, extra: Partial<Extract<Spec, { t: 'string' }>> = {}): Spec => ({
  t: 'string',
  format,
  ...extra,
});
const int = (min: number, max: number): Spec => ({ t: 'int', min, max });
const num = (min: number, max: number): Spec => ({ t: 'number', min, max });
const oneOf = (...values: string[]): Spec => ({ t: 'enum', values });
const p = (spec: Spec, d: DescriptionKey, more: Omit<Prop, 'spec' | 'd'> = {}): Prop => ({ spec, d, ...more });
const req = (spec: Spec, d: DescriptionKey): Prop => p(spec, d, { required: true });

const TLS: ObjectSpec = {
  t: 'object',
  props: {
    verify: p({ t: 'boolean' }, 'tls.verify', { default: true }),
    caFile: p(str('file'), 'tls.caFile'),
  } satisfies Record<keyof TlsConfig, Prop>,
};
const GEO: ObjectSpec = {
  t: 'object',
  props: {
    latitude: req(num(-90, 90), 'geo.latitude'),
    longitude: req(num(-180, 180), 'geo.longitude'),
  } satisfies Record<keyof GeoPoint, Prop>,
};
const USER_CONTROL: ObjectSpec = {
  t: 'object',
  props: {
    mode: p(oneOf('off', 'area', 'resign', 'frappe-user'), 'userControl.mode', { default: 'off' }),
    onIn: p(oneOf('enable', 'disable', 'none'), 'userControl.onIn', { default: 'enable' }),
    onOut: p(oneOf('enable', 'disable', 'none'), 'userControl.onOut', { default: 'disable' }),
    noAccessArea: p(str('text'), 'userControl.noAccessArea'),
    exempt: p(
      { t: 'array', items: str('text', { numberHint: 'write employee codes as strings to keep leading zeros' }) },
      'userControl.exempt',
      { default: [] },
    ),
  } satisfies Record<keyof UserControlConfig, Prop>,
  schemaExtra: {
    if: { properties: { mode: { const: 'area' } }, required: ['mode'] },
    then: { required: ['noAccessArea'] },
  },
};
const SHIFT: ObjectSpec = {
  t: 'object',
  props: {
    shiftType: req(str('text'), 'shift.shiftType'),
    devices: p({ t: 'array', items: str('id') }, 'shift.devices'),
  } satisfies Record<keyof ShiftFeedConfig, Prop>,
};
const SITE: ObjectSpec = {
  t: 'object',
  secretHint: 'put the API key and secret in FRAPPE_API_KEY_<SITE> and FRAPPE_API_SECRET_<SITE> or the keychain',
  props: {
    id: req(str('id'), 'site.id'),
    url: req(str('url', { urlOf: 'site' }), 'site.url'),
    timeZone: p(str('timeZone'), 'site.timeZone'),
    tls: p(TLS, 'site.tls', { default: DEFAULTS.site.tls }),
    timeoutSeconds: p(int(5, 600), 'site.timeoutSeconds', { default: DEFAULTS.site.timeoutSeconds }),
    shiftTypes: p({ t: 'array', items: SHIFT }, 'site.shiftTypes', { default: DEFAULTS.site.shiftTypes }),
    shiftSyncMarginMinutes: p(int(0, 1440), 'site.shiftSyncMarginMinutes', {
      default: DEFAULTS.site.shiftSyncMarginMinutes,
    }),
    writeMode: p(oneOf('polite', 'fast'), 'site.writeMode', { default: DEFAULTS.site.writeMode }),
    fastWriteHours: p(str('hours'), 'site.fastWriteHours'),
  } satisfies Record<keyof SiteConfig, Prop>,
};
const D = DEFAULTS.device;
const DEVICE: ObjectSpec = {
  t: 'object',
  secretHint: 'put the password in BIOTIME_PASSWORD_<DEVICE> or the keychain',
  props: {
    id: req(str('id'), 'device.id'),
    name: p(str('text'), 'device.name'),
    url: req(str('url', { urlOf: 'device' }), 'device.url'),
    username: req(str('text'), 'device.username'),
    site: req(str('id'), 'device.site'),
    enabled: p({ t: 'boolean' }, 'device.enabled', { default: D.enabled }),
    intervalMinutes: p(int(1, 1440), 'device.intervalMinutes', { default: D.intervalMinutes }),
    timeZone: p(str('timeZone'), 'device.timeZone'),
    authScheme: p(oneOf('jwt', 'token'), 'device.authScheme', { default: D.authScheme }),
    punchStates: p(
      {
        t: 'map',
        keyLabel: 'a punch state',
        keyMax: 16,
        values: oneOf(...PUNCH_STATE_ACTIONS),
        keyRule: { pattern: PUNCH_STATE_KEY_PATTERN, problem: punchStateKeyProblem },
      },
      'device.punchStates',
      { default: D.punchStates },
    ),
    otherPunchStates: p(oneOf(...PUNCH_STATE_ACTIONS), 'device.otherPunchStates', { default: D.otherPunchStates }),
    onSiteChange: p(oneOf(...SITE_CHANGE_ACTIONS), 'device.onSiteChange', { default: D.onSiteChange }),
    userControl: p(USER_CONTROL, 'device.userControl', { default: D.userControl }),
    pageSize: p(int(10, 1000), 'device.pageSize', { default: D.pageSize }),
    importSince: p(str('importSince'), 'device.importSince'),
    tls: p(TLS, 'device.tls', { default: D.tls }),
    timeoutSeconds: p(int(5, 600), 'device.timeoutSeconds', { default: D.timeoutSeconds }),
    offlineAfterMinutes: p(int(5, 100000), 'device.offlineAfterMinutes', { default: D.offlineAfterMinutes }),
    terminalLocations: p(
      { t: 'map', keyLabel: 'a terminal serial number', keyMax: 64, values: GEO },
      'device.terminalLocations',
      {
        default: D.terminalLocations,
      },
    ),
    location: p(GEO, 'device.location'),
  } satisfies Record<keyof DeviceConfig, Prop>,
};
const ROOT: ObjectSpec = {
  t: 'object',
  secretHint: 'put secrets in the environment (BIOTIME_PASSWORD_<DEVICE>, FRAPPE_API_KEY_<SITE>, ...) or the keychain',
  props: {
    $schema: p(str('text'), '$schema', { omit: true }),
    sites: p({ t: 'array', items: SITE }, 'sites', { default: [] }),
    devices: p({ t: 'array', items: DEVICE }, 'devices', { default: [] }),
    historyDays: p(int(1, 3650), 'historyDays', { default: 400 }),
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Public API

export interface ConfigOptions {
  /** Directory relative `tls.caFile` paths are resolved against (default: the current directory). */
  baseDir?: string;
}

/** Validates a configuration object and returns it fully defaulted and deep-frozen; throws ConfigError. */
export function validateConfig(raw: unknown, source = 'configuration', options: ConfigOptions = {}): SyncConfig {
  return validateWith(raw, source, options, []);
}

/**
 * Parses and validates the text of a configuration file. Syntax errors are reported with their line and column
 * under the key "(file)"; duplicate keys (which JSON.parse would silently drop) are reported by path.
 */
export function parseConfigText(text: string, source: string, options: ConfigOptions = {}): SyncConfig {
  const r = readConfigText(text, source, options);
  if ('fatal' in r) throw new ConfigError([r.fatal], source);
  return validateWith(r.raw, source, r.options, r.duplicates);
}

/**
 * The JSON of a configuration file, before validation: a problem that makes the whole file unusable (`fatal`), or
 * the parsed value with the duplicate keys found on the way (JSON.parse would silently keep only the last one).
 */
export function readConfigText(
  text: string,
  source: string,
  options: ConfigOptions = {},
): { fatal: ConfigIssue } | { raw: unknown; duplicates: ConfigIssue[]; options: ConfigOptions } {
  const fail = (message: string): never => {
    throw new ConfigError([{ key: '(file)', message }], source);
  };
  const baseDir = options.baseDir ?? path.dirname(path.resolve(source));
  try {
    return readConfigTextOrThrow(text, { ...options, baseDir }, fail);
  } catch (e) {
    if (ConfigError.is(e)) return { fatal: e.issues[0] };
    throw e;
  }
}

function readConfigTextOrThrow(
  text: string,
  options: ConfigOptions,
  fail: (message: string) => never,
): { raw: unknown; duplicates: ConfigIssue[]; options: ConfigOptions } {
  const max = CONFIG_LIMITS.maxFileBytes;
  if (text.length > max || Buffer.byteLength(text, 'utf8') > max) {
    fail(`the file is larger than 1 MB (${max} bytes); this cannot be a BioTime Sync configuration`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') fail('the file is empty; expected a JSON object with "sites" and "devices"');
  const scan = scanJsonText(body, CONFIG_LIMITS.maxDepth);
  if (scan.error) fail(`invalid JSON at line ${scan.error.line}, column ${scan.error.column}: ${scan.error.message}`);
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    fail(`invalid JSON: ${errorMessage(e).slice(0, 200)}`);
  }
  const duplicates = scan.duplicates.map((d) => ({
    key: d.path,
    message: `duplicate key (again at line ${d.line}, column ${d.column}); JSON keeps only the last one, remove the others`,
  }));
  return { raw, duplicates, options };
}

/** JSON Schema (draft-07) of the configuration file, built from the same table as the validator. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'BioTime Sync configuration',
    ...schemaOf(ROOT, CONFIG_DESCRIPTIONS),
    description: CONFIG_DESCRIPTIONS.root,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

function validateWith(raw: unknown, source: string, options: ConfigOptions, early: ConfigIssue[]): SyncConfig {
  const r = collectConfigIssues(raw, options, early);
  if (r.issues.length || !r.config) throw new ConfigError(r.issues, source);
  return deepFreeze(r.config as SyncConfig);
}

/**
 * Every problem of a configuration object, by JSON path, without throwing; `config` is the defaulted result (valid
 * only when there are no issues). The per-device check (configCheck.ts) splits the issues by entry.
 */
export function collectConfigIssues(
  raw: unknown,
  options: ConfigOptions = {},
  early: ConfigIssue[] = [],
): { config: Partial<SyncConfig> | undefined; issues: ConfigIssue[] } {
  const issues = new Issues(options.baseDir ?? process.cwd());
  for (const i of early) issues.add(i.key, i.message);
  if (!isPlainObject(raw)) {
    issues.add('(root)', `expected a JSON object with "sites" and "devices", got ${describe(raw)}`);
    return { config: undefined, issues: issues.all() };
  }
  const out = checkObject(ROOT, raw, '', issues) as Partial<SyncConfig>;
  crossCheck(out, issues);
  return { config: out, issues: issues.all() };
}

/** Freezes a configuration checked by collectConfigIssues without issues. */
export function freezeConfig(config: Partial<SyncConfig>): SyncConfig {
  return deepFreeze(config as SyncConfig);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks across keys: ids, references, defaults that depend on other keys

function crossCheck(out: Partial<SyncConfig>, issues: Issues): void {
  const sites = (out.sites ?? []) as (Partial<SiteConfig> | undefined)[];
  const devices = (out.devices ?? []) as (Partial<DeviceConfig> | undefined)[];
  uniqueIds('sites', sites, issues);
  uniqueIds('devices', devices, issues);
  const siteIds = sites.map((s) => s?.id).filter((id): id is string => id !== undefined);
  devices.forEach((d, i) => {
    if (!d) return;
    if (d.name === undefined && d.id !== undefined) d.name = d.id;
    if (d.punchStates) d.punchStates = { ...DEFAULTS.device.punchStates, ...d.punchStates };
    if (d.site !== undefined && !siteIds.includes(d.site)) {
      const hint = suggest(d.site, siteIds);
      const known = siteIds.length
        ? `configured sites: ${siteIds.map((s) => `"${s}"`).join(', ')}`
        : '"sites" is empty';
      issues.add(
        `devices[${i}].site`,
        `no site with id "${d.site}" (${known})${hint ? `; did you mean "${hint}"?` : ''}`,
      );
    }
    if (d.userControl?.mode === 'area' && d.userControl.noAccessArea === undefined) {
      issues.add(
        `devices[${i}].userControl.noAccessArea`,
        'required when mode is "area": the code of a BioTime area with no terminals',
      );
    }
  });
  sites.forEach((s, i) =>
    s?.shiftTypes?.forEach((feed, j) =>
      feed?.devices?.forEach((id, k) => {
        if (id === undefined || s.id === undefined) return;
        const dev = devices.find((d) => d?.id === id);
        const at = `sites[${i}].shiftTypes[${j}].devices[${k}]`;
        if (!dev) issues.add(at, `no device with id "${id}"`);
        else if (dev.site !== s.id) issues.add(at, `device "${id}" belongs to site "${dev.site}", not "${s.id}"`);
      }),
    ),
  );
}

/** Ids are compared ignoring case: they name state files and environment variables. */
function uniqueIds(list: 'sites' | 'devices', items: ({ id?: string } | undefined)[], issues: Issues): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (item?.id === undefined) return;
    const first = seen.get(item.id.toLowerCase());
    if (first === undefined) seen.set(item.id.toLowerCase(), i);
    else {
      issues.add(
        `${list}[${i}].id`,
        `duplicate id "${item.id}" (${list}[${first}] has it; ids are compared ignoring case)`,
      );
      // Both entries are named: neither may run alone, they would share state files and environment variables.
      issues.add(`${list}[${first}].id`, `duplicate id "${item.id}" (${list}[${i}] has it too)`);
    }
  });
}
