import { zoneFormatter } from '../common/zoneFormatter';
import { pythonError } from './errors';

/**
 * Frappe Datetime columns are naive and mean the site's System Settings time zone (frappe-api.md §9).
 * Values go out as Python `str(datetime)`: "YYYY-MM-DD HH:MM:SS", plus ".ffffff" only when non-zero.
 */
export interface ParsedDatetime {
  /** "YYYY-MM-DD HH:MM:SS" */
  seconds: string;
  micro: number;
  dateOnly: boolean;
  /** Carried a zone offset ("Z", "+04:00"): Python gets an offset-aware datetime. */
  aware: boolean;
  /** The offset as Python prints it ("+05:30", "+00:00" for Z); "" when naive. */
  offset: string;
}

const pattern =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function validParts(y: number, m: number, d: number, hh: number, mi: number, ss: number): boolean {
  const probe = new Date(Date.UTC(y, m - 1, d));
  const dateOk = probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
  return dateOk && y >= 1 && hh < 24 && mi < 60 && ss < 60;
}

/**
 * What `frappe.utils.get_datetime` accepts in practice: ISO date, "date time" or "dateTtime", optional
 * fraction. Returns undefined for anything else (the caller decides how loudly to fail).
 */
export function parseDatetime(value: unknown): ParsedDatetime | undefined {
  if (typeof value !== 'string') return undefined;
  const match = pattern.exec(value.trim());
  if (!match) return undefined;
  const [y, m, d, hh, mi, ss] = match.slice(1, 7).map((part) => Number(part ?? 0));
  if (!validParts(y, m, d, hh, mi, ss)) return undefined;
  const micro = match[7] ? Number(match[7].padEnd(6, '0')) : 0;
  return {
    seconds: `${pad(y, 4)}-${pad(m)}-${pad(d)} ${pad(hh)}:${pad(mi)}:${pad(ss)}`,
    micro,
    dateOnly: match[4] === undefined,
    aware: match[8] !== undefined,
    offset: pythonOffset(match[8]),
  };
}

function pythonOffset(text: string | undefined): string {
  if (!text) return '';
  if (text.toUpperCase() === 'Z') return '+00:00';
  const digits = text.slice(1).replace(':', '').padEnd(4, '0');
  return `${text[0]}${digits.slice(0, 2)}:${digits.slice(2, 4)}`;
}

export function formatParsed(parsed: ParsedDatetime, keepMicro: boolean): string {
  return keepMicro && parsed.micro !== 0 ? `${parsed.seconds}.${pad(parsed.micro, 6)}` : parsed.seconds;
}

/** `get_datetime` on garbage ends in dateutil's ParserError, an unhandled 500. */
export function requireDatetime(value: unknown): ParsedDatetime {
  const parsed = parseDatetime(value);
  if (parsed) return parsed;
  throw pythonError('ParserError', 'dateutil.parser._parser.ParserError', `Unknown string format: ${String(value)}`);
}

/** Fixed-width key so naive datetimes compare correctly as strings. */
export function datetimeKey(value: unknown): string {
  if (value === null || value === undefined || value === '') return '0001-01-01 00:00:00.000000';
  const parsed = parseDatetime(value);
  return parsed ? `${parsed.seconds}.${pad(parsed.micro, 6)}` : String(value);
}

const formatterFor = zoneFormatter;

/** `now_datetime()`: the instant rendered as naive wall-clock time in the site zone. */
export function siteDatetime(date: Date, timeZone: string): ParsedDatetime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  const seconds = `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  return { seconds, micro: date.getUTCMilliseconds() * 1000, dateOnly: false, aware: false, offset: '' };
}

/** Today's date in the site zone ("YYYY-MM-DD"), the default for a missing `between` bound. */
export function siteToday(date: Date, timeZone: string): string {
  return siteDatetime(date, timeZone).seconds.slice(0, 10);
}
