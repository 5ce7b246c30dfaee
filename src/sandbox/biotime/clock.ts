/**
 * BioTime speaks naive server-local wall-clock time ("YYYY-MM-DD HH:MM:SS", no zone). The sandbox renders
 * its own clock (opts.now()) in the zone named by the `timeZone` option, like a server whose OS zone is set.
 */
import { zoneFormatter } from '../common/zoneFormatter';
const formatterFor = zoneFormatter;

// Seeding 300k punches renders the same clock second over and over; Intl formatting is the slow part.
const lastRendered = new Map<string, { second: number; text: string }>();

/** Renders an instant as naive local time in `timeZone` (process zone when undefined). */
export function formatLocal(date: Date, timeZone: string | undefined): string {
  const second = Math.floor(date.getTime() / 1000);
  const cached = lastRendered.get(timeZone ?? '');
  if (cached && cached.second === second) return cached.text;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  const day = `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}`;
  const text = `${day} ${parts.hour}:${parts.minute}:${parts.second}`;
  lastRendered.set(timeZone ?? '', { second, text });
  return text;
}

/** Throws RangeError early when a configured zone is not a valid IANA name. */
export function assertTimeZone(timeZone: string | undefined): void {
  formatterFor(timeZone);
}

const naivePattern = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?$/;
const awarePattern = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function validDate(y: number, m: number, d: number, hh: number, mm: number, ss: number): boolean {
  const probe = new Date(Date.UTC(y, m - 1, d, hh, mm, ss));
  return (
    probe.getUTCFullYear() === y &&
    probe.getUTCMonth() === m - 1 &&
    probe.getUTCDate() === d &&
    hh < 24 &&
    mm < 60 &&
    ss < 60
  );
}

/**
 * Parses a `start_time`/`end_time` filter value the way a Django DateTimeField would: date-only means
 * midnight, fractions are dropped, and an offset-aware value is converted to the server's zone.
 * Returns the canonical naive string, or undefined when invalid (→ 400 "Enter a valid date/time.").
 */
export function parseFilterDateTime(value: string, timeZone: string | undefined): string | undefined {
  const text = value.trim();
  const naive = naivePattern.exec(text);
  if (naive) {
    const [y, m, d, hh, mm, ss] = naive.slice(1).map((part) => Number(part ?? 0));
    if (!validDate(y, m, d, hh, mm, ss)) return undefined;
    const pad = (n: number): string => String(n).padStart(2, '0');
    return `${naive[1]}-${naive[2]}-${naive[3]} ${pad(hh)}:${pad(mm)}:${pad(ss)}`;
  }
  if (awarePattern.test(text)) {
    const instant = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (!Number.isNaN(instant.getTime())) return formatLocal(instant, timeZone);
  }
  return undefined;
}
