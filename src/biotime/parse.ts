// Tolerant parsing of BioTime list envelopes and records. BioTime versions disagree on types (numbers as strings,
// ints where strings are documented, "-" or null for empty), so every field is read loosely. A record that cannot
// become a checkin is still returned, with `problem` set, so it turns into a failed punch with a reason instead of
// disappearing.
import { TZDate } from '@date-fns/tz';
import { createHash } from 'node:crypto';
import { BioTimeError } from '../core/errors';
import type { Punch, TerminalInfo } from '../core/types';
import { mentionsLicence } from './answers';

export type Json = Record<string, unknown>;

export interface Envelope {
  /** BioTime's `count` (rows matching the query), null when absent or unreadable. */
  count: number | null;
  /** The `next` link, only to know whether BioTime thinks there is more; never followed (internal host). */
  next: string | null;
  rows: unknown[];
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `{count, next, previous, msg, code, data}`; `results` is the DRF name some 8.5 servers send beside or
 * instead of `data`. A bare JSON list is accepted as a single page. A non-zero `code` is BioTime reporting an error.
 */
export function parseEnvelope(value: unknown, server: string, what: string): Envelope {
  if (Array.isArray(value)) return { count: value.length, next: null, rows: value };
  if (!isObject(value))
    throw new BioTimeError('badResponse', `${server} answered ${what} with JSON that is not a list.`);
  checkCode(value, server, what);
  const data = Array.isArray(value.data) ? value.data : undefined;
  const results = Array.isArray(value.results) ? value.results : undefined;
  const rows = data?.length ? data : results?.length ? results : (data ?? results);
  if (!rows)
    throw new BioTimeError(
      'badResponse',
      `${server} answered ${what} without a "data" list.`,
      'Check that the device URL points at BioTime itself, not at a proxy page.',
    );
  const next = typeof value.next === 'string' && value.next.trim() !== '' && value.next !== 'null' ? value.next : null;
  return { count: looseInt(value.count), next, rows };
}

/** BioTime's own error signal inside a 200 answer: `code` other than 0 with a `msg`. */
export function checkCode(value: Json, server: string, what: string): void {
  const code = value.code;
  if (code === undefined || code === null || code === '' || looseInt(code) === 0) return;
  const msg = looseText(value.msg).slice(0, 200);
  const reason = mentionsLicence(msg) ? 'license' : 'http';
  throw new BioTimeError(
    reason,
    `${server} reported error code ${looseText(code)} for ${what}${msg ? `: ${msg}` : ''}.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Loose field readers

export function looseInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^\s*-?\d+(\.0+)?\s*$/.test(v)) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

export function looseNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v.trim());
  return null;
}

/** Text as BioTime meant it: null/undefined → "", numbers → their decimal text, strings trimmed. */
export function looseText(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

const DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Normalises a BioTime timestamp to naive `YYYY-MM-DD HH:MM:SS` (server wall clock). Accepts a `T` separator,
 * missing seconds and fractions (dropped). A time with a UTC offset is converted into `timeZone` when one is
 * known; without one it is refused, since guessing would shift the punch.
 */
export function normaliseDateTime(v: unknown, timeZone?: string): string | null {
  if (typeof v !== 'string') return null;
  const m = DATE_TIME.exec(v.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  )
    return null;
  if (m[7]) {
    if (!timeZone) return null;
    const offset = m[7].toUpperCase() === 'Z' ? 0 : offsetMinutes(m[7]);
    const local = new TZDate(utc - offset * 60_000, timeZone);
    return formatParts(
      local.getFullYear(),
      local.getMonth() + 1,
      local.getDate(),
      local.getHours(),
      local.getMinutes(),
      local.getSeconds(),
    );
  }
  return formatParts(y, mo, d, h, mi, s);
}

function offsetMinutes(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function formatParts(y: number, mo: number, d: number, h: number, mi: number, s: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(mo)}-${p(d)} ${p(h)}:${p(mi)}:${p(s)}`;
}

/** JSON with sorted keys, so a record's hash does not depend on the server's key order. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function rawKey(raw: unknown): string {
  return `raw:${createHash('sha1').update(stableStringify(raw)).digest('hex')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Records

export interface ParseOptions {
  /** IANA zone of BioTime's naive times; only used for the rare timestamp that carries an offset. */
  timeZone?: string;
}

/** A transaction record → Punch. Never throws: what is wrong goes into `problem`. */
export function parsePunch(input: unknown, opts: ParseOptions = {}): Punch {
  const raw: Json = isObject(input) ? input : { value: input as unknown };
  const problems: string[] = [];
  if (!isObject(input)) problems.push('record is not a JSON object');

  const id = looseInt(raw.id);
  const validId = id !== null && id > 0 ? id : null;
  if (validId === null && isObject(input))
    problems.push(
      raw.id === undefined || raw.id === null
        ? 'record has no id'
        : `id '${looseText(raw.id)}' is not a positive integer`,
    );

  const empCode = looseText(raw.emp_code);
  if (!empCode) problems.push('empty emp_code');

  const punchTime = normaliseDateTime(raw.punch_time, opts.timeZone);
  if (punchTime === null) problems.push(`punch_time '${looseText(raw.punch_time)}' is not a date-time`);

  const lat = looseNumber(raw.latitude);
  const lon = looseNumber(raw.longitude);
  // 0,0 is what app-less terminals send for "no position"; out-of-range values are garbage.
  const hasPosition =
    lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0);

  const punch: Punch = {
    key: validId !== null ? String(validId) : rawKey(raw),
    id: validId,
    empCode,
    name: [looseText(raw.first_name), looseText(raw.last_name)].filter(Boolean).join(' '),
    punchTime: punchTime ?? looseText(raw.punch_time),
    uploadTime: normaliseDateTime(raw.upload_time, opts.timeZone),
    // Opaque: "0".."5", "255", letters on old data; an int on some 9.x payloads. Missing maps as "other".
    punchState: looseText(raw.punch_state),
    punchStateDisplay: looseText(raw.punch_state_display),
    terminalSn: looseText(raw.terminal_sn),
    terminalAlias: looseText(raw.terminal_alias),
    areaAlias: looseText(raw.area_alias),
    latitude: hasPosition ? lat : null,
    longitude: hasPosition ? lon : null,
    raw,
  };
  if (problems.length) punch.problem = problems.join('; ');
  return punch;
}

/** A terminal record (§6). `area` is an object on most versions, a name or id on others; `area_name` may sit beside it. */
export function parseTerminal(input: unknown): TerminalInfo {
  const raw: Json = isObject(input) ? input : {};
  const area = raw.area;
  const areaName = isObject(area) ? looseText(area.area_name) || looseText(area.area_code) : looseText(area);
  return {
    id: looseInt(raw.id),
    sn: looseText(raw.sn),
    alias: looseText(raw.alias),
    area: looseText(raw.area_name) || areaName,
    lastActivity: normaliseDateTime(raw.last_activity),
    userCount: looseInt(raw.user_count),
    transactionCount: looseInt(raw.transaction_count),
    raw,
  };
}
