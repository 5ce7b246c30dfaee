// Configuration: validation, defaults and the JSON Schema, all driven by one spec table so the three never drift.
// The CLI reads a JSON file (parseConfigText); the extension builds the same shape from its settings
// (validateConfig). Every problem is reported at once, by JSON path, before anything is contacted.
//
// Longer than the ~300-line house cap on purpose: the spec table, the descriptions and the checks and schema it
// drives are one responsibility, and splitting them would separate each key from its rule. The JSON syntax
// scanner (a separate concern) lives in configText.ts.
import * as fs from 'node:fs';
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
import { PUNCH_STATE_KEY_PATTERN, punchStateKeyProblem } from './punchStateKeys';
import { ConfigError, type ConfigIssue } from './errors';

export const CONFIG_LIMITS = {
  maxFileBytes: 1024 * 1024,
  maxStringLength: 2048,
  maxItems: 1000,
  maxDepth: 64,
  /** Further problems are counted, not listed: a hostile file must not produce a megabyte of messages. */
  maxIssues: 200,
} as const;

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

type StringFormat = 'id' | 'url' | 'timeZone' | 'importSince' | 'file' | 'text' | 'hours';
type Spec =
  | { t: 'string'; format: StringFormat; numberHint?: string; urlOf?: 'device' | 'site' }
  | { t: 'int'; min: number; max: number }
  | { t: 'number'; min: number; max: number }
  | { t: 'boolean' }
  | { t: 'enum'; values: readonly string[] }
  | ObjectSpec
  | { t: 'array'; items: Spec }
  | { t: 'map'; keyLabel: string; keyMax: number; values: Spec; keyRule?: KeyRule };
/** A rule on the keys of a map beyond their length: the JSON Schema pattern and the check with its message. */
interface KeyRule {
  pattern: string;
  problem(key: string): string | undefined;
}
interface ObjectSpec {
  t: 'object';
  props: Record<string, Prop>;
  /** Where secrets belong, for the message when one is written into this object. */
  secretHint?: string;
  schemaExtra?: Record<string, unknown>;
}
interface Prop {
  spec: Spec;
  d: DescriptionKey;
  required?: boolean;
  default?: unknown;
  /** Accepted in input but not part of the result. */
  omit?: boolean;
}

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
    fail(`invalid JSON: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`);
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
    ...schemaOf(ROOT),
    description: CONFIG_DESCRIPTIONS.root,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

class Issues {
  readonly list: ConfigIssue[] = [];
  private dropped = 0;
  constructor(readonly baseDir: string) {}
  /** A function message is only built while there is room (suggestions cost time on hostile files). */
  add(key: string, message: string | (() => string)): void {
    if (this.list.length < CONFIG_LIMITS.maxIssues)
      this.list.push({ key, message: typeof message === 'string' ? message : message() });
    else this.dropped++;
  }
  all(): ConfigIssue[] {
    return this.dropped
      ? [...this.list, { key: '(more)', message: `${this.dropped} more problems not listed` }]
      : this.list;
  }
}

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

function check(spec: Spec, v: unknown, at: string, issues: Issues): unknown {
  switch (spec.t) {
    case 'string':
      return checkString(spec, v, at, issues);
    case 'int':
    case 'number': {
      const ok = typeof v === 'number' && (spec.t === 'int' ? Number.isInteger(v) : Number.isFinite(v));
      if (ok && v >= spec.min && v <= spec.max) return v;
      return void issues.add(at, `expected ${expectText(spec)}, got ${describe(v)}`);
    }
    case 'boolean':
      return typeof v === 'boolean' ? v : void issues.add(at, `expected true or false, got ${describe(v)}`);
    case 'enum': {
      if (typeof v === 'string' && spec.values.includes(v)) return v;
      const hint = typeof v === 'string' ? suggest(v, spec.values) : undefined;
      return void issues.add(
        at,
        `expected ${expectText(spec)}, got ${describe(v)}${hint ? `; did you mean "${hint}"?` : ''}`,
      );
    }
    case 'object':
      return checkObject(spec, v, at, issues);
    case 'array':
      return checkArray(spec.items, v, at, issues);
    case 'map':
      return checkMap(spec, v, at, issues);
  }
}

function checkObject(spec: ObjectSpec, v: unknown, at: string, issues: Issues): Record<string, unknown> | undefined {
  if (!isPlainObject(v)) return void issues.add(at, `expected an object, got ${describe(v)}`);
  const known = Object.keys(spec.props);
  for (const key of Object.keys(v)) {
    if (!Object.hasOwn(spec.props, key))
      issues.add(joinKey(at, key), () => unknownKeyMessage(key, known, spec.secretHint));
  }
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(spec.props)) {
    const value = Object.hasOwn(v, key) ? v[key] : undefined;
    let result: unknown;
    if (value === undefined) {
      if (prop.required) issues.add(joinKey(at, key), `missing required key; expected ${expectText(prop.spec)}`);
      result = structuredClone(prop.default);
    } else {
      result = check(prop.spec, value, joinKey(at, key), issues);
    }
    if (result !== undefined && !prop.omit) out[key] = result;
  }
  return out;
}

function checkArray(items: Spec, v: unknown, at: string, issues: Issues): unknown[] | undefined {
  if (!Array.isArray(v)) return void issues.add(at, `expected an array, got ${describe(v)}`);
  if (v.length > CONFIG_LIMITS.maxItems) {
    return void issues.add(at, `expected at most ${CONFIG_LIMITS.maxItems} items, got ${v.length}`);
  }
  // A plain loop, not v.map: an own "constructor" key on a hostile array would hijack map's species lookup.
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i++) out.push(check(items, v[i], `${at}[${i}]`, issues));
  return out;
}

function checkMap(spec: Extract<Spec, { t: 'map' }>, v: unknown, at: string, issues: Issues): unknown {
  if (!isPlainObject(v)) return void issues.add(at, `expected an object, got ${describe(v)}`);
  const keys = Object.keys(v);
  if (keys.length > CONFIG_LIMITS.maxItems) {
    return void issues.add(at, `expected at most ${CONFIG_LIMITS.maxItems} entries, got ${keys.length}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const kp = `${at}[${JSON.stringify(clip(key, 40))}]`;
    if (key.trim() === '' || key.length > spec.keyMax) {
      issues.add(kp, `expected ${spec.keyLabel} of 1 to ${spec.keyMax} characters as the key`);
      continue;
    }
    const keyProblem = spec.keyRule?.problem(key);
    if (keyProblem) {
      issues.add(kp, keyProblem);
      continue;
    }
    const value = check(spec.values, v[key], kp, issues);
    // defineProperty, not assignment: a key such as "__proto__" must stay a plain entry.
    if (value !== undefined)
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkString(spec: Extract<Spec, { t: 'string' }>, v: unknown, at: string, issues: Issues): unknown {
  if (typeof v !== 'string') {
    const message =
      typeof v === 'number' && spec.numberHint ? spec.numberHint : `expected ${expectText(spec)}, got ${describe(v)}`;
    return void issues.add(at, message);
  }
  if (v.length > CONFIG_LIMITS.maxStringLength) {
    return void issues.add(at, `expected at most ${CONFIG_LIMITS.maxStringLength} characters, got ${v.length}`);
  }
  const problem = (message: string): undefined => void issues.add(at, message);
  switch (spec.format) {
    case 'text':
      return v.trim() === '' ? problem(`expected ${expectText(spec)}, got an empty string`) : v;
    case 'id':
      return ID_RE.test(v) ? v : problem(`expected ${expectText(spec)}, got ${describe(v)}`);
    case 'url':
      return checkUrl(v, spec.urlOf ?? 'device', problem);
    case 'timeZone':
      return checkTimeZone(v, problem);
    case 'importSince':
      return checkImportSince(v, problem);
    case 'hours':
      return parseHoursWindow(v)
        ? v.trim()
        : problem(`expected a window of hours "HH:MM-HH:MM" (e.g. "22:00-06:00", this computer's time), got "${v}"`);
    case 'file':
      return checkReadableFile(v, issues.baseDir, problem);
  }
}

/** "HH:MM-HH:MM" → minutes after midnight [from, to); undefined when malformed. Crossing midnight is allowed. */
export function parseHoursWindow(v: string): { from: number; to: number } | undefined {
  const m = /^\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*$/.exec(v);
  if (!m) return undefined;
  const [h1, m1, h2, m2] = m.slice(1).map(Number);
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) return undefined;
  const from = h1 * 60 + m1;
  const to = h2 * 60 + m2;
  return from === to ? undefined : { from, to };
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Checks a base URL and returns it normalised (origin only); exported for the field validators. */
export function checkUrl(v: string, of: 'device' | 'site', problem: (m: string) => undefined): string | undefined {
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    return problem(`expected an http or https URL such as "https://server.example.com:8081", got ${describeUrl(v)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return problem(`only http and https URLs are accepted, got scheme "${clip(u.protocol, 20)}"`);
  }
  if (u.username || u.password) {
    const where =
      of === 'device'
        ? 'the password in BIOTIME_PASSWORD_<DEVICE>'
        : 'the API key and secret in FRAPPE_API_KEY_<SITE> and FRAPPE_API_SECRET_<SITE>';
    return problem(`credentials in URLs are refused: put ${where} or the keychain`);
  }
  if (u.search || u.hash || /[?#]/.test(v)) {
    return problem(
      `a query string or fragment ("?…", "#…") is not allowed; give the base URL only, got ${describeUrl(v)}`,
    );
  }
  // BioTime and Frappe both answer at the root of their host: a path is a page or API address pasted by mistake
  // (".../iclock/api/transactions/", ".../app/home"), and every request built on it would fail later.
  const pathname = u.pathname.replace(/\/+$/, '');
  if (pathname) {
    return problem(
      `remove the path "${clip(u.pathname, 60)}": give the base URL of the ${of === 'device' ? 'BioTime server' : 'Frappe site'} only, "${u.origin}"`,
    );
  }
  return u.origin;
}

let zoneNames: readonly string[] | undefined;
/** Checks an IANA zone name; exported for the field validators (wizard, CLI) so every place says the same. */
export function checkTimeZone(v: string, problem: (m: string) => undefined): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return v;
  } catch {
    zoneNames ??= Intl.supportedValuesOf('timeZone');
    const hint = suggest(v, zoneNames);
    return problem(
      `unknown time zone ${describe(v)}; expected an IANA name such as "Asia/Dubai"${hint ? `; did you mean "${hint}"?` : ''}`,
    );
  }
}

function checkImportSince(v: string, problem: (m: string) => undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(v);
  const [y, mo, d, h = 0, mi = 0, s = 0] = m ? m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) : [];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const real =
    m && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  if (!real) return problem(`expected a date "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (BioTime time), got ${describe(v)}`);
  return m[4] === undefined ? `${v} 00:00:00` : v;
}

function checkReadableFile(v: string, baseDir: string, problem: (m: string) => undefined): string | undefined {
  if (v.trim() === '') return problem('expected the path of a PEM file, got an empty string');
  const file = path.resolve(baseDir, v);
  try {
    if (!fs.statSync(file).isFile()) return problem(`${describe(file)} is not a file; expected a PEM file`);
    fs.accessSync(file, fs.constants.R_OK);
    return file;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    return problem(`cannot read the CA file ${describe(file)}: ${why}`);
  }
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

// ---------------------------------------------------------------------------------------------------------------
// Messages

function expectText(spec: Spec): string {
  switch (spec.t) {
    case 'string':
      return {
        id: 'an id of 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit',
        url: 'an http or https URL',
        timeZone: 'an IANA time zone name such as "Asia/Dubai"',
        importSince: 'a date "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS"',
        file: 'the path of a PEM file',
        text: 'a non-empty string',
        hours: 'a window of hours "HH:MM-HH:MM"',
      }[spec.format];
    case 'int':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${spec.values.map((x) => `"${x}"`).join(', ')}`;
    case 'array':
      return 'an array';
    default:
      return 'an object';
  }
}

const SECRET_KEY_RE = /pass(word|wd)?|secret|token|api_?key|credential/i;

function unknownKeyMessage(key: string, known: string[], secretHint?: string): string {
  if (SECRET_KEY_RE.test(key) && secretHint) return `secrets are not allowed in the configuration: ${secretHint}`;
  const hint = suggest(key, known);
  return hint
    ? `unknown key; did you mean '${hint}'?`
    : `unknown key; expected one of ${known.filter((k) => k !== '$schema').join(', ')}`;
}

/** The closest candidate by edit distance (ignoring case), when it is close enough to be a typo. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (input.length > 64) return undefined;
  const a = input.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const dist = editDistance(a, c.toLowerCase());
    if (dist < bestDist) [best, bestDist] = [c, dist];
  }
  if (best === undefined) return undefined;
  const prefix = a.length >= 4 && best.toLowerCase().startsWith(a);
  if (bestDist <= Math.max(1, Math.floor(best.length / 3)) || prefix) return best;
  // A long shared start with one candidate only ("intervall" → "intervalMinutes"): a shortened or mistyped key.
  const starts = candidates.filter((c) => commonPrefix(a, c.toLowerCase()) >= Math.max(6, a.length - 2));
  return starts.length === 1 ? starts[0] : undefined;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Levenshtein distance where swapping two neighbours counts once (the commonest typo: "mdoe"). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    [before, prev] = [prev, row];
  }
  return prev[b.length];
}

function describe(v: unknown): string {
  if (v === null) return 'null (leave the key out to use the default)';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(clip(v, 60));
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** URLs are shown with any user-info masked: a URL that failed to parse may still carry a password. */
function describeUrl(v: string): string {
  return JSON.stringify(clip(v.replace(/\/\/[^/?#]*@/, '//…@'), 80));
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function joinKey(at: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return at ? `${at}.${key}` : key;
  return `${at}[${JSON.stringify(clip(key, 40))}]`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.prototype.toString.call(v) === '[object Object]'
  );
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON Schema

function schemaOf(spec: Spec): Record<string, unknown> {
  switch (spec.t) {
    case 'string': {
      const s: Record<string, unknown> = { type: 'string', maxLength: CONFIG_LIMITS.maxStringLength };
      if (spec.format === 'id') s.pattern = ID_RE.source;
      if (spec.format === 'url') Object.assign(s, { format: 'uri', pattern: '^https?://' });
      if (spec.format === 'importSince') s.pattern = '^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}:\\d{2})?$';
      if (spec.format === 'hours') s.pattern = '^\\s*\\d{2}:\\d{2}\\s*-\\s*\\d{2}:\\d{2}\\s*$';
      if (spec.format === 'text' || spec.format === 'file') s.minLength = 1;
      return s;
    }
    case 'int':
    case 'number':
      return { type: spec.t === 'int' ? 'integer' : 'number', minimum: spec.min, maximum: spec.max };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: [...spec.values] };
    case 'array':
      return { type: 'array', items: schemaOf(spec.items), maxItems: CONFIG_LIMITS.maxItems };
    case 'map':
      return {
        type: 'object',
        propertyNames: {
          minLength: 1,
          maxLength: spec.keyMax,
          ...(spec.keyRule ? { pattern: spec.keyRule.pattern } : {}),
        },
        additionalProperties: schemaOf(spec.values),
        maxProperties: CONFIG_LIMITS.maxItems,
      };
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(spec.props)) {
        const def = prop.default === undefined ? {} : { default: structuredClone(prop.default) };
        properties[key] = { ...schemaOf(prop.spec), description: CONFIG_DESCRIPTIONS[prop.d], ...def };
      }
      const required = Object.keys(spec.props).filter((k) => spec.props[k].required);
      return {
        type: 'object',
        properties,
        ...(required.length ? { required } : {}),
        additionalProperties: false,
        ...structuredClone(spec.schemaExtra ?? {}),
      };
    }
  }
}
