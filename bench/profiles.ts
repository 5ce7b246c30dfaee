// The two sites the benchmark can simulate. "real" is the Frappe HR v15 site measured in
// docs/reference/frappe-wire/README.md ("Cost"): on it the site is the limit, and what counts is how much of
// its capacity the engine uses and what that costs the people working on it. "engine" is the cheap site of the
// earlier benchmark (0.5 ms per checkin): there the site hardly limits, so it measures the engine's own cost.
import type { SiteCosts } from '../src/sandbox/frappe/server';

export const PROFILES = ['real', 'engine'] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface Profile {
  name: ProfileName;
  /** One line for the printout. */
  description: string;
  /** Network round trip added to every request on both servers (does not hold a worker). */
  latencyMs: number;
  /** Frappe requests handled at once (gunicorn sync workers); the rest wait in a FIFO queue. */
  workers: number;
  /** Frappe work per Employee Checkin written, on every insert path (the engine profile's whole cost model). */
  perDocCostMs: number;
  /** Per-request, per-document and per-row costs (the real profile). */
  costs?: Partial<SiteCosts>;
  /** The site's CPU shared by busy workers: two requests at once get this much done, not twice one. */
  cpuCapacity?: number;
}

/**
 * The measured site: get_logged_user 6 ms (5 network + 1), a single insert 21 ms, an Employee GET 17 ms, a list of
 * 2,100 rows 41 ms, insert_many 7.4 ms a document on a small table and about 12 ms on a bigger one; one stream of
 * 200-document insert_many 82 documents/s, two 92 (so two busy workers do 1.12× the work of one).
 */
export const REAL: Profile = {
  name: 'real',
  description:
    'the measured Frappe HR v15 site: workers as a queue sharing 1.12 workers’ worth of CPU, 1 ms per request, insert_many 7.4 ms a document growing 1 ms per 1,000 checkins in the table up to 12 ms, 15 ms per single write, 11 ms per document GET, 0.017 ms per list row',
  latencyMs: 5,
  workers: 2,
  perDocCostMs: 0,
  costs: {
    perRequestMs: 1,
    insertManyDocMs: 7.4,
    insertManyGrowthMsPer1k: 1,
    insertManyDocMaxMs: 12,
    singleWriteMs: 15,
    readDocMs: 11,
    listRowMs: 0.017,
  },
  cpuCapacity: 1.12,
};

/** The cheap site of issue 4's benchmark: where the engine's own CPU and round trips show. */
export const ENGINE: Profile = {
  name: 'engine',
  description:
    'a cheap site for the engine’s own cost: workers each working alone, a fixed cost per checkin written, nothing else',
  latencyMs: 5,
  workers: 2,
  perDocCostMs: 0.5,
};

export function profileNamed(name: ProfileName): Profile {
  return name === 'real' ? REAL : ENGINE;
}
