// BioTime and Frappe both speak naive wall-clock times ("YYYY-MM-DD HH:MM:SS"), each in its own server's zone.
// A punch is converted from the BioTime zone to the Frappe site zone through the real instant, using the IANA
// rules (DST included). A wall time that does not exist in the BioTime zone (the hour skipped when clocks go
// forward) is refused rather than guessed; one that exists twice (clocks go back) is read as the first
// occurrence, because BioTime stores no offset to tell them apart.
import { tzOffset } from '@date-fns/tz';

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;

export interface NaiveParts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

export function parseNaive(text: string): NaiveParts | undefined {
  const m = NAIVE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return undefined; // 2026-02-30
  return { y, mo, d, h, mi, s };
}

/** "YYYY-MM-DD HH:MM:SS" with fractions dropped and 'T' replaced; undefined when not a valid date-time. */
export function normaliseNaive(text: string): string | undefined {
  const p = parseNaive(text);
  return p ? formatParts(p) : undefined;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function formatParts(p: NaiveParts): string {
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

/** The wall-clock time of an instant in a zone. */
export function formatInZone(instant: Date, zone: string): string {
  const offsetMin = tzOffset(zone, instant);
  const local = new Date(instant.getTime() + offsetMin * 60_000);
  return formatParts({
    y: local.getUTCFullYear(),
    mo: local.getUTCMonth() + 1,
    d: local.getUTCDate(),
    h: local.getUTCHours(),
    mi: local.getUTCMinutes(),
    s: local.getUTCSeconds(),
  });
}

export type ToInstant = { ok: true; instant: Date } | { ok: false; reason: string };

/** The instant a naive wall time in `zone` denotes. */
export function naiveToInstant(text: string, zone: string): ToInstant {
  const p = parseNaive(text);
  if (!p) return { ok: false, reason: `'${text}' is not a date-time` };
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  const wanted = formatParts(p);
  // Try the offsets in force just before and just after: the earlier one wins for repeated hours.
  const candidates = [tzOffset(zone, new Date(asUtc - 86_400_000)), tzOffset(zone, new Date(asUtc)), tzOffset(zone, new Date(asUtc + 86_400_000))];
  const seen = new Set<number>();
  const matches: number[] = [];
  for (const off of candidates) {
    if (seen.has(off)) continue;
    seen.add(off);
    const instant = asUtc - off * 60_000;
    if (formatInZone(new Date(instant), zone) === wanted) matches.push(instant);
  }
  if (!matches.length) return { ok: false, reason: `${wanted} does not exist in ${zone} (clocks moved forward at that hour)` };
  return { ok: true, instant: new Date(Math.min(...matches)) };
}

/** Converts a naive time from one zone to another; identical zones only normalise the text. */
export function convertNaive(text: string, fromZone: string, toZone: string): { ok: true; time: string } | { ok: false; reason: string } {
  if (fromZone === toZone) {
    const n = normaliseNaive(text);
    return n ? { ok: true, time: n } : { ok: false, reason: `'${text}' is not a date-time` };
  }
  const r = naiveToInstant(text, fromZone);
  return r.ok ? { ok: true, time: formatInZone(r.instant, toZone) } : r;
}

/** Adds seconds to a naive time (zone-free arithmetic on wall-clock fields). */
export function addSecondsNaive(text: string, seconds: number): string {
  const p = parseNaive(text);
  if (!p) return text;
  const t = new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) + seconds * 1000);
  return formatParts({ y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() });
}
