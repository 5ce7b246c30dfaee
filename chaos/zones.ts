// Time zone arithmetic written independently of the engine (src/core/time.ts), from Intl alone: the checker must
// not agree with the engine just because it runs the same code.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** An instant as naive "YYYY-MM-DD HH:MM:SS" wall time in `zone`. */
export function wallTime(ms: number, zone: string): string {
  const p: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

function naiveUtcMs(naive: string): number {
  const [d, t] = naive.split(' ');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi, s] = t.split(':').map(Number);
  return Date.UTC(y, mo - 1, da, h, mi, s);
}

/**
 * The instants whose wall time in `zone` is `naive`, earliest first: none in a DST gap, two in a DST overlap.
 * Offsets are probed a day either side, which covers every real zone.
 */
export function instantsOf(naive: string, zone: string): number[] {
  const local = naiveUtcMs(naive);
  const found = new Set<number>();
  for (const probe of [local - 86_400_000, local - 3_600_000 * 3, local, local + 3_600_000 * 3, local + 86_400_000]) {
    const offset = naiveUtcMs(wallTime(probe, zone)) - probe;
    const candidate = local - offset;
    if (wallTime(candidate, zone) === naive) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/** BioTime wall time → Frappe wall time through the real instant (first occurrence); null in a DST gap. */
export function convertWallTime(naive: string, from: string, to: string): string | null {
  const [first] = instantsOf(naive, from);
  return first === undefined ? null : wallTime(first, to);
}

export function addDays(day: string, days: number): string {
  const t = new Date(naiveUtcMs(`${day} 00:00:00`) + days * 86_400_000);
  return t.toISOString().slice(0, 10);
}
