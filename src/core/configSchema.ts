// The generic half of the configuration check: a small spec language (strings of known formats, bounded numbers,
// enums, objects, arrays, maps), the walker that checks a value against a spec and returns it defaulted while
// collecting every problem by JSON path, and the JSON Schema built from the same spec. The spec table itself (which
// key is what) is config.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clip, describe, describePath, describeUrl, joinKey, suggest, unknownKeyMessage } from './configMessages';
import type { ConfigIssue } from './errors';

export const CONFIG_LIMITS = {
  maxFileBytes: 1024 * 1024,
  maxStringLength: 2048,
  maxItems: 1000,
  maxDepth: 64,
  /** Further problems are counted, not listed: a hostile file must not produce a megabyte of messages. */
  maxIssues: 200,
} as const;

export type StringFormat = 'id' | 'url' | 'timeZone' | 'importSince' | 'file' | 'text' | 'hours';
export type Spec =
  | { t: 'string'; format: StringFormat; numberHint?: string; urlOf?: 'device' | 'site' }
  | { t: 'int'; min: number; max: number }
  | { t: 'number'; min: number; max: number }
  | { t: 'boolean' }
  | { t: 'enum'; values: readonly string[] }
  | ObjectSpec
  | { t: 'array'; items: Spec }
  | { t: 'map'; keyLabel: string; keyMax: number; values: Spec; keyRule?: KeyRule };
/** A rule on the keys of a map beyond their length: the JSON Schema pattern and the check with its message. */
export interface KeyRule {
  pattern: string;
  problem(key: string): string | undefined;
}
export interface ObjectSpec {
  t: 'object';
  props: Record<string, Prop>;
  /** Where secrets belong, for the message when one is written into this object. */
  secretHint?: string;
  schemaExtra?: Record<string, unknown>;
}
export interface Prop {
  spec: Spec;
  /** Key of its description in the table's descriptions (the JSON Schema's `description`). */
  d: string;
  required?: boolean;
  default?: unknown;
  /** Accepted in input but not part of the result. */
  omit?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// The walker

/** The problems found so far, by JSON path; `baseDir` resolves relative file paths (tls.caFile). */
export class Issues {
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

/** Checks an object against its spec: every key known, every required one present; returns it defaulted. */
export function checkObject(
  spec: ObjectSpec,
  v: unknown,
  at: string,
  issues: Issues,
): Record<string, unknown> | undefined {
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
    if (!fs.statSync(file).isFile()) return problem(`${describePath(file)} is not a file; expected a PEM file`);
    fs.accessSync(file, fs.constants.R_OK);
    return file;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    return problem(`cannot read the CA file ${describePath(file)}: ${why}`);
  }
}

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

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.prototype.toString.call(v) === '[object Object]'
  );
}

/** Freezes a value all the way down: the defaults and each validated configuration are shared, never changed. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON Schema

/** The JSON Schema (draft-07) of a spec; `descriptions` holds the text of each property's `d`. */
export function schemaOf(spec: Spec, descriptions: Readonly<Record<string, string>>): Record<string, unknown> {
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
      return { type: 'array', items: schemaOf(spec.items, descriptions), maxItems: CONFIG_LIMITS.maxItems };
    case 'map':
      return {
        type: 'object',
        propertyNames: {
          minLength: 1,
          maxLength: spec.keyMax,
          ...(spec.keyRule ? { pattern: spec.keyRule.pattern } : {}),
        },
        additionalProperties: schemaOf(spec.values, descriptions),
        maxProperties: CONFIG_LIMITS.maxItems,
      };
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(spec.props)) {
        const def = prop.default === undefined ? {} : { default: structuredClone(prop.default) };
        properties[key] = { ...schemaOf(prop.spec, descriptions), description: descriptions[prop.d], ...def };
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
