// The backlog every contender syncs: a deterministic office of 500 people punching day after day, as a first
// import or a week-offline catch-up looks. 5% of the codes are unknown to Frappe, 2% of the punches are already
// checked in (entered by hand), states mix plain IN/OUT with breaks (2/3), overtime (4/5) and the "undefined"
// 255 some terminals send, and one terminal is offline one day a week and uploads that day's punches three days
// late (higher ids, older punch times).
import { createRng } from '../src/sandbox/common/rng';

export type LogType = 'IN' | 'OUT';

/** The punch-state table every contender uses (the seed's "other values → IN" included). */
export const PUNCH_STATES: Record<string, LogType> = {
  '0': 'IN',
  '1': 'OUT',
  '2': 'OUT',
  '3': 'IN',
  '4': 'IN',
  '5': 'OUT',
};
export const OTHER_STATES: LogType = 'IN';

export function logTypeOf(state: string): LogType {
  return PUNCH_STATES[state] ?? OTHER_STATES;
}

export interface BacklogOptions {
  punches: number;
  employees?: number;
  unknownShare?: number;
  alreadyShare?: number;
  seed?: number;
}

export interface BenchEmployee {
  code: string;
  /** Has an Employee with this Biometric ID in Frappe. */
  known: boolean;
  /** The linked Frappe User holds System Manager (user control must leave it alone). */
  systemManager: boolean;
}

export interface PlannedPunch {
  code: string;
  /** Naive BioTime time; BioTime and the site share one zone in the benchmark, so no contender converts. */
  time: string;
  state: string;
  terminal: string;
  upload: string;
  late: boolean;
}

export interface Backlog {
  employees: BenchEmployee[];
  /** In arrival order: BioTime assigns ids in this order. */
  punches: PlannedPunch[];
  /** Checkins entered by hand before the sync (same employee, time and log type as a punch). */
  existing: Array<{ code: string; time: string; logType: LogType }>;
  stats: {
    punches: number;
    unknown: number;
    already: number;
    late: number;
    byState: Record<string, number>;
    days: number;
  };
}

export const TERMINALS = ['T1', 'T2', 'T3', 'T4'];
/** Terminal T4 is offline one weekday in seven and uploads that day three days later. */
const OFFLINE_TERMINAL = 'T4';
const LATE_DAYS = 3;
const FIRST_DAY = Date.UTC(2025, 0, 5);
const DAY = 86_400_000;

export function naive(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** One person's punches on one day: [state, seconds after midnight]. */
function dayPattern(rng: () => number): Array<[string, number]> {
  const r = rng();
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo));
  const inAt = int(7.5 * 3600, 8.5 * 3600);
  const outAt = int(16.5 * 3600, 18 * 3600);
  if (r < 0.6)
    return [
      ['0', inAt],
      ['1', outAt],
    ];
  if (r < 0.85) {
    const brk = int(12 * 3600, 12.5 * 3600);
    return [
      ['0', inAt],
      ['2', brk],
      ['3', brk + int(1800, 3600)],
      ['1', outAt],
    ];
  }
  if (r < 0.95) {
    const ot = outAt + int(600, 1800);
    return [
      ['0', inAt],
      ['1', outAt],
      ['4', ot],
      ['5', ot + int(3600, 7200)],
    ];
  }
  return [['255', int(8 * 3600, 9 * 3600)]];
}

export function planBacklog(o: BacklogOptions): Backlog {
  const rng = createRng(o.seed ?? 20250105);
  const n = Math.max(1, Math.floor(o.punches));
  const count = o.employees ?? 500;
  const unknownEvery = Math.round(1 / (o.unknownShare ?? 0.05));
  const employees: BenchEmployee[] = Array.from({ length: count }, (_, i) => ({
    code: String(10001 + i),
    known: (i + 1) % unknownEvery !== 0,
    systemManager: i % 100 === 7,
  }));
  const punches: PlannedPunch[] = [];
  let day = 0;
  for (; punches.length < n; day++) {
    const midnight = FIRST_DAY + day * DAY;
    const offline = day % 7 === 3;
    for (let e = 0; e < count && punches.length < n; e++) {
      const terminal = TERMINALS[e % TERMINALS.length];
      const late = offline && terminal === OFFLINE_TERMINAL;
      for (const [state, sec] of dayPattern(rng)) {
        const at = midnight + sec * 1000;
        const upload = late ? at + LATE_DAYS * DAY + Math.floor(rng() * 3600_000) : at + Math.floor(rng() * 120_000);
        punches.push({ code: employees[e].code, time: naive(at), state, terminal, upload: naive(upload), late });
        if (punches.length >= n) break;
      }
    }
  }
  // Arrival order; ties keep generation order (Array.prototype.sort is stable).
  punches.sort((a, b) => (a.upload < b.upload ? -1 : a.upload > b.upload ? 1 : 0));
  const known = new Set(employees.filter((e) => e.known).map((e) => e.code));
  const alreadyShare = o.alreadyShare ?? 0.02;
  const existing: Backlog['existing'] = [];
  const byState: Record<string, number> = {};
  let unknown = 0;
  let late = 0;
  for (const p of punches) {
    byState[p.state] = (byState[p.state] ?? 0) + 1;
    if (p.late) late++;
    if (!known.has(p.code)) unknown++;
    else if (rng() < alreadyShare) existing.push({ code: p.code, time: p.time, logType: logTypeOf(p.state) });
  }
  return {
    employees,
    punches,
    existing,
    stats: { punches: punches.length, unknown, already: existing.length, late, byState, days: day },
  };
}
