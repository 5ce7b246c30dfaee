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

/**
 * The zone's UTC offset (minutes) when it is the same all through the UTC days d-1 .. d+1, else null (a DST change
 * is near). Memoised per zone and day: conversions then cost a map lookup, not an Intl call.
 */
const stable = new Map<string, number | null>();
function stableOffset(zone: string, dayUtcMs: number): number | null {
  const key = `${zone}|${dayUtcMs}`;
  let v = stable.get(key);
  if (v === undefined) {
    const offs = [-1, 0, 1, 2].map((k) => tzOffset(zone, new Date(dayUtcMs + k * 86_400_000)));
    v = offs.every((o) => o === offs[0]) ? offs[0] : null;
    if (stable.size > 50_000) stable.clear();
    stable.set(key, v);
  }
  return v;
}

const DAY = 86_400_000;

/** The wall-clock time of an instant in a zone. */
export function formatInZone(instant: Date, zone: string): string {
  const t = instant.getTime();
  const offsetMin = stableOffset(zone, t - (((t % DAY) + DAY) % DAY)) ?? tzOffset(zone, instant);
  const local = new Date(t + offsetMin * 60_000);
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
  return partsToInstant(p, zone);
}

function partsToInstant(p: NaiveParts, zone: string): ToInstant {
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  const quick = stableOffset(zone, Date.UTC(p.y, p.mo - 1, p.d));
  if (quick !== null) return { ok: true, instant: new Date(asUtc - quick * 60_000) };
  const wanted = formatParts(p);
  // Near a DST change: try the offsets in force around it; the earlier instant wins for repeated hours.
  const candidates = [
    tzOffset(zone, new Date(asUtc - DAY)),
    tzOffset(zone, new Date(asUtc)),
    tzOffset(zone, new Date(asUtc + DAY)),
  ];
  const matches: number[] = [];
  for (const off of new Set(candidates)) {
    const instant = asUtc - off * 60_000;
    if (formatInZone(new Date(instant), zone) === wanted) matches.push(instant);
  }
  if (!matches.length)
    return { ok: false, reason: `${wanted} does not exist in ${zone} (clocks moved forward at that hour)` };
  return { ok: true, instant: new Date(Math.min(...matches)) };
}

/**
 * Converts a naive time from one zone to another. With identical zones the text is only normalised — but a wall
 * time that does not exist there (a DST gap) is still refused: the terminal's clock cannot have shown it.
 */
export function convertNaive(
  text: string,
  fromZone: string,
  toZone: string,
): { ok: true; time: string } | { ok: false; reason: string } {
  const p = parseNaive(text);
  if (!p) return { ok: false, reason: `'${text}' is not a date-time` };
  const r = partsToInstant(p, fromZone);
  if (!r.ok) return r;
  return { ok: true, time: fromZone === toZone ? formatParts(p) : formatInZone(r.instant, toZone) };
}

/** Adds seconds to a naive time (zone-free arithmetic on wall-clock fields). */
export function addSecondsNaive(text: string, seconds: number): string {
  const p = parseNaive(text);
  if (!p) return text;
  const t = new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) + seconds * 1000);
  return formatParts({
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
  });
}
