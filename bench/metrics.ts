// Pure arithmetic of the benchmark: requests per punch, the floor the server costs allow, linearity of a long
// run and the targets. No I/O here, so test/unit/bench can check every figure the report prints.

/** Requests counted by the sandboxes, by route key ("GET /api/resource/Employee"), per server. */
export interface RouteCounts {
  biotime: Record<string, number>;
  frappe: Record<string, number>;
}

export interface RequestsPerPunch {
  /** "<server> <route key>" → requests per punch, e.g. "frappe POST /api/method/frappe.client.insert_many". */
  byEndpoint: Record<string, number>;
  biotime: number;
  frappe: number;
  /** Frappe requests that toggle or read User records (the user-control step). */
  frappeUserControl: number;
  /** Frappe requests per punch besides user control: the "at most 0.05" figure. */
  frappeBesidesUserControl: number;
  total: number;
}

/** The user-control step talks to User documents only; no other step of any contender reads or writes them. */
export function isUserControlRoute(route: string): boolean {
  return /^(GET|PUT|PATCH) \/api\/resource\/User(\/|$)/.test(route);
}

export function requestsPerPunch(counts: RouteCounts, punches: number): RequestsPerPunch {
  const per = (n: number) => (punches > 0 ? n / punches : 0);
  const byEndpoint: Record<string, number> = {};
  let biotime = 0;
  let frappe = 0;
  let uc = 0;
  for (const [route, n] of Object.entries(counts.biotime)) {
    byEndpoint[`biotime ${route}`] = per(n);
    biotime += n;
  }
  for (const [route, n] of Object.entries(counts.frappe)) {
    byEndpoint[`frappe ${route}`] = per(n);
    frappe += n;
    if (isUserControlRoute(route)) uc += n;
  }
  return {
    byEndpoint,
    biotime: per(biotime),
    frappe: per(frappe),
    frappeUserControl: per(uc),
    frappeBesidesUserControl: per(frappe - uc),
    total: per(biotime + frappe),
  };
}

export interface FloorInput {
  /** Employee Checkins the site really wrote during the run. */
  documents: number;
  perDocCostMs: number;
  /** Frappe workers (requests handled at once). */
  workers: number;
  biotimeLatencyMs: number;
  frappeLatencyMs: number;
}

export interface Floor {
  seconds: number;
  /** documents × per-document cost / workers. */
  serverWorkSeconds: number;
  /** Round trips no client can overlap with the writes (see FLOOR_ROUND_TRIPS). */
  roundTripSeconds: number;
  roundTrips: { biotime: number; frappe: number };
}

/**
 * Round trips that must happen before the first checkin can be written or after the last one is sent, so no
 * pipelining hides them: BioTime login and the first page of transactions; the Employee lookup and the duplicate
 * lookup for that page; and the last write's own round trip (its server work is in the document term). Every
 * other request can overlap with server work, so the floor does not count it.
 */
export const FLOOR_ROUND_TRIPS = { biotime: 2, frappe: 3 } as const;

export function computeFloor(i: FloorInput): Floor {
  const workers = Math.max(1, i.workers);
  const serverWorkSeconds = (i.documents * i.perDocCostMs) / workers / 1000;
  const roundTripSeconds =
    (FLOOR_ROUND_TRIPS.biotime * i.biotimeLatencyMs + FLOOR_ROUND_TRIPS.frappe * i.frappeLatencyMs) / 1000;
  return {
    seconds: serverWorkSeconds + roundTripSeconds,
    serverWorkSeconds,
    roundTripSeconds,
    roundTrips: { ...FLOOR_ROUND_TRIPS },
  };
}

/** Progress of a long run: punches processed by `ms` after the start, with the CPU time used by then. */
export interface ProgressSample {
  processed: number;
  ms: number;
  cpuMs?: number;
}

export interface Linearity {
  firstHalfMsPer1k: number;
  secondHalfMsPer1k: number;
  /** second / first: 1 is perfectly linear, 2 means the second half ran at half the speed. */
  growth: number;
}

/**
 * Time per 1,000 punches in the first and the second half of a run, from page-by-page progress samples. The
 * halves are measured from the first sample (fixed start-up costs such as login are not spread over the first
 * half) to the first sample at or past half the punches, and from there to the last sample.
 */
export function linearity(samples: ProgressSample[], field: 'ms' | 'cpuMs' = 'ms'): Linearity | undefined {
  const s = samples.filter((x) => x.processed > 0 && x[field] !== undefined);
  if (s.length < 3) return undefined;
  const first = s[0];
  const last = s[s.length - 1];
  const mid = s.find((x) => x.processed >= last.processed / 2 && x !== first && x !== last);
  if (!mid) return undefined;
  const per1k = (a: ProgressSample, b: ProgressSample) =>
    ((b[field]! - a[field]!) / Math.max(1, b.processed - a.processed)) * 1000;
  const firstHalfMsPer1k = per1k(first, mid);
  const secondHalfMsPer1k = per1k(mid, last);
  return {
    firstHalfMsPer1k,
    secondHalfMsPer1k,
    growth: firstHalfMsPer1k > 0 ? secondHalfMsPer1k / firstHalfMsPer1k : Infinity,
  };
}

/** Up to `n` samples spread evenly over the list (first and last included), for a readable printout. */
export function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n <= 1) return [items[items.length - 1]];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]);
  return out;
}

export interface Target {
  id: string;
  label: string;
  /** The figure as measured, and the bound it is held to. */
  value: number | null;
  bound: number;
  /** 'min': value must be at least bound; 'max': value must be at most (below, when strict) bound. */
  kind: 'min' | 'max';
  strict?: boolean;
  pass: boolean | null;
  /** The benchmark profile the target is judged on (bench/profiles.ts). */
  profile?: 'real' | 'engine';
}

export function target(
  id: string,
  label: string,
  value: number | null | undefined,
  kind: 'min' | 'max',
  bound: number,
  strict = false,
  profile?: 'real' | 'engine',
): Target {
  const v = value === undefined || value === null || !Number.isFinite(value) ? null : value;
  const pass = v === null ? null : kind === 'min' ? v >= bound : strict ? v < bound : v <= bound;
  return { id, label, value: v, bound, kind, ...(strict ? { strict } : {}), pass, ...(profile ? { profile } : {}) };
}

export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** Nearest-rank percentile of an ascending list; null when it is empty. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
