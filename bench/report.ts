// The benchmark's figures as one JSON document (`--out FILE`), and their printouts (console and README table).
import type { Counts, EventLoopFigures, RssSample } from './job';
import type { Floor, Linearity, RequestsPerPunch, Target } from './metrics';
import type { BenchOptions } from './options';
import type { DeskFigures } from './probe';
import type { Profile, ProfileName } from './profiles';

export interface ContenderFigures {
  name: string;
  label: string;
  userControl: 'off' | 'frappe-user';
  punches: number;
  wallSeconds: number;
  punchesPerSecond: number;
  requestsPerPunch: RequestsPerPunch;
  peakRssMb: number;
  /** The child process's whole-life peak (start-up and TypeScript loading included). */
  processMaxRssMb: number;
  cpuSeconds: number;
  /** CPU of the parent process (both sandboxes) while this contender ran. */
  sandboxCpuSeconds: number;
  /** The machine's 1-minute load average when this contender finished (other work on the box skews wall times). */
  loadAverage: number;
  counts: Counts;
  /** Employee Checkins the Frappe sandbox really wrote during this run. */
  checkinsWritten: number;
  /** Simulated server work ÷ (workers × wall time): how busy the contender kept the Frappe workers. */
  frappeWorkerBusyShare: number;
  /** Employee Checkins written per second of the sync (what the capacity contenders measure). */
  checkinsPerSecond: number;
  /** The desk probe: a GET of one Employee every 100 ms, on the idle site and during this contender's sync. */
  desk: DeskFigures;
  /** Event-loop delay of the contender's own process during its sync. */
  eventLoop: EventLoopFigures;
  /** The site these figures come from. */
  profile: ProfileName;
  notes: string[];
}

export interface DeskLatency {
  profile: ProfileName;
  idleP50Ms: number | null;
  idleP95Ms: number | null;
  duringP50Ms: number | null;
  duringP95Ms: number | null;
  duringMaxMs: number | null;
  samples: { idle: number; during: number };
}

export interface BenchReport {
  generatedAt: string;
  /** The comparison's profile ("real" by default); large and zero-latency parts always run on "engine". */
  profile: ProfileName;
  profiles: { comparison: Profile; largeAndZero: Profile };
  /** Desk probe per contender, by contender name (each entry says its profile). */
  deskLatency: Record<string, DeskLatency>;
  /** The site's capacity in Employee Checkins per second: raw insert_many of the engine's documents. */
  capacity: { profile: ProfileName; oneStreamPerSecond: number | null; twoStreamsPerSecond: number | null };
  /** The engine process's event-loop delay during the large run (engine profile). */
  eventLoop: null | (EventLoopFigures & { profile: 'engine'; punches: number });
  machine: { cpus: number; node: string; platform: string; loadAverageAtStart: number };
  settings: Omit<BenchOptions, 'out' | 'cpuProfDir'> & { pageSize: number; sandboxes: string };
  workload: {
    punches: number;
    employees: number;
    unknownCodes: number;
    unknownPunches: number;
    alreadyCheckedIn: number;
    lateUploads: number;
    byState: Record<string, number>;
    days: number;
  };
  contenders: ContenderFigures[];
  ratios: {
    profile: ProfileName;
    /** Engine checkins/s ÷ capacity.twoStreamsPerSecond. */
    engineVsCapacity: number | null;
    /** Engine (frappe-user user control) ÷ contender 2 (same user control), punches per second. */
    engineVsSeed: number | null;
    /** Engine (no user control) ÷ contender 3 (none), punches per second. */
    engineVsFbast: number | null;
    /** True when the seed contender ran on a prefix of the backlog (its rate is then measured, not the whole run). */
    seedOnSubset: boolean;
  };
  floor:
    | null
    | (Floor & {
        documents: number;
        perDocCostMs: number;
        workers: number;
        latencyMs: number;
        engineSeconds: number;
        engineRatio: number | null;
      });
  largeBacklog: null | {
    profile: 'engine';
    eventLoop: EventLoopFigures;
    punches: number;
    wallSeconds: number;
    punchesPerSecond: number;
    peakRssMb: number;
    processMaxRssMb: number;
    rssSamplesMb: RssSample[];
    linearity: Linearity | null;
    /** The same halves in CPU time: the engine's process, and the sandboxes' (parent) process. */
    engineCpuLinearity: Linearity | null;
    sandboxCpuLinearity: Linearity | null;
    cpuSeconds: number;
    sandboxCpuSeconds: number;
    requestsPerPunch: RequestsPerPunch;
    counts: Counts;
  };
  zeroLatency: null | {
    profile: 'engine';
    punches: number;
    wallSeconds: number;
    cpuSeconds: number;
    punchesPerCpuSecond: number;
    punchesPerSecond: number;
    peakRssMb: number;
  };
  targets: Target[];
}

const f = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

export function contenderRows(r: BenchReport): string[][] {
  const head = [
    'contender',
    'punches',
    'wall s',
    'punches/s',
    'BioTime req/punch',
    'Frappe req/punch',
    'of which user control',
    'checkins/s',
    'desk p95 idle ms',
    'desk p95 during ms',
    'desk max during ms',
    'peak RSS MB',
    'CPU s',
    'sandbox CPU s',
  ];
  return [
    head,
    ...r.contenders.map((c) => [
      c.label,
      int(c.punches),
      f(c.wallSeconds, 2),
      f(c.punchesPerSecond, 0),
      f(c.requestsPerPunch.biotime, 3),
      f(c.requestsPerPunch.frappe, 3),
      f(c.requestsPerPunch.frappeUserControl, 3),
      f(c.checkinsPerSecond, 0),
      f(c.desk.idle.p95Ms, 0),
      f(c.desk.during.p95Ms, 0),
      f(c.desk.during.maxMs, 0),
      f(c.peakRssMb, 0),
      f(c.cpuSeconds, 2),
      f(c.sandboxCpuSeconds, 2),
    ]),
  ];
}

const profileText = (t: Target) => (t.profile ? `[${t.profile}]` : '');
const passText = (t: Target) => (t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS');
const boundText = (t: Target) => `${t.kind === 'min' ? '≥' : t.strict ? '<' : '≤'} ${t.bound}`;

export function formatText(r: BenchReport): string {
  const out: string[] = [];
  const s = r.settings;
  out.push(
    `BioTime Sync benchmark — ${r.generatedAt}, ${r.machine.cpus} CPUs, Node ${r.machine.node}, load average ${f(r.machine.loadAverageAtStart, 2)} at start`,
  );
  out.push(
    `Comparison: ${r.profile} profile — ${r.profiles.comparison.description}; ${r.profiles.comparison.latencyMs} ms latency, ${r.profiles.comparison.workers} Frappe workers.`,
  );
  out.push(
    `Large backlog and zero latency: engine profile — ${r.profiles.largeAndZero.description}: ${s.perDocCostMs} ms per checkin, ${s.latencyMs} ms latency, ${s.workers} workers (the zero-latency part: 0 and 0); ${s.sandboxes}.`,
  );
  const w = r.workload;
  out.push(
    `Backlog: ${int(w.punches)} punches over ${w.days} days, ${w.employees} employees (${w.unknownCodes} codes unknown to Frappe → ${int(w.unknownPunches)} punches), ${int(w.alreadyCheckedIn)} already checked in, ${int(w.lateUploads)} late uploads, states ${Object.entries(
      w.byState,
    )
      .map(([k, v]) => `${k}:${v}`)
      .join(' ')}; BioTime page size ${s.pageSize} for every contender.`,
  );
  out.push('');
  if (r.contenders.length) out.push(`[${r.profile} profile]`, ...pad(contenderRows(r)), '');
  for (const c of r.contenders) {
    out.push(
      `${c.label}: created ${c.counts.created}, duplicate ${c.counts.duplicate}, failed ${c.counts.failed}, skipped ${c.counts.skipped}; checkins written by Frappe ${c.checkinsWritten}; load average ${f(c.loadAverage, 2)}`,
    );
    const eps = Object.entries(c.requestsPerPunch.byEndpoint).sort((a, b) => b[1] - a[1]);
    out.push(`    requests per punch: ${eps.map(([k, v]) => `${k} ${f(v, 4)}`).join('; ')}`);
    out.push(
      `    Frappe besides user control: ${f(c.requestsPerPunch.frappeBesidesUserControl, 4)} per punch; Frappe workers busy ${f(100 * c.frappeWorkerBusyShare, 0)}% of the run with checkin work`,
    );
    out.push(
      `    desk GET (every 100 ms): idle p50 ${f(c.desk.idle.p50Ms, 0)} / p95 ${f(c.desk.idle.p95Ms, 0)} / max ${f(c.desk.idle.maxMs, 0)} ms (${c.desk.idle.count}); during p50 ${f(c.desk.during.p50Ms, 0)} / p95 ${f(c.desk.during.p95Ms, 0)} / max ${f(c.desk.during.maxMs, 0)} ms (${c.desk.during.count}); event loop p99 ${f(c.eventLoop.p99Ms, 1)} ms, max ${f(c.eventLoop.maxMs, 1)} ms`,
    );
    for (const n of c.notes) out.push(`    note: ${n}`);
  }
  if (r.contenders.length) out.push('');
  if (r.capacity.twoStreamsPerSecond !== null || r.capacity.oneStreamPerSecond !== null)
    out.push(
      `Capacity [${r.capacity.profile} profile]: raw insert_many ${f(r.capacity.oneStreamPerSecond, 0)} checkins/s with 1 stream, ${f(r.capacity.twoStreamsPerSecond, 0)} with 2; engine ${f(r.ratios.engineVsCapacity, 2)}× the 2-stream capacity`,
    );
  if (r.contenders.length)
    out.push(
      `Ratios [${r.ratios.profile} profile] (punches/s, same backlog): engine+user control vs seed ${f(r.ratios.engineVsSeed, 1)}×${r.ratios.seedOnSubset ? ' (seed measured on a prefix of the backlog, see above)' : ''}; engine vs add_log-per-punch ${f(r.ratios.engineVsFbast, 1)}×`,
    );
  const fl = r.floor;
  if (fl)
    out.push(
      `Floor: ${int(fl.documents)} checkins × ${fl.perDocCostMs} ms / ${fl.workers} workers = ${f(fl.serverWorkSeconds, 2)} s, + ${fl.roundTrips.biotime} BioTime and ${fl.roundTrips.frappe} Frappe round trips × ${fl.latencyMs} ms = ${f(fl.roundTripSeconds, 3)} s → ${f(fl.seconds, 2)} s; engine ${f(fl.engineSeconds, 2)} s = ${f(fl.engineRatio, 2)}× the floor`,
    );
  if (r.largeBacklog) {
    const l = r.largeBacklog;
    out.push('');
    out.push(
      `Large backlog [engine profile] (engine alone, fast writes): ${int(l.punches)} punches in ${f(l.wallSeconds, 1)} s = ${f(l.punchesPerSecond, 0)} punches/s; peak RSS ${f(l.peakRssMb, 0)} MB (whole process ${f(l.processMaxRssMb, 0)} MB)`,
    );
    out.push(
      `    RSS samples (s: punches → MB RSS / heap used): ${l.rssSamplesMb.map((x) => `${f(x.ms / 1000, 0)}s: ${int(x.processed)} → ${f(x.rssMb, 0)}/${f(x.heapUsedMb, 0)}`).join(', ')}`,
    );
    const halves = (what: string, x: Linearity | null) =>
      x &&
      out.push(
        `    ${what} per 1k punches: first half ${f(x.firstHalfMsPer1k, 0)} ms, second half ${f(x.secondHalfMsPer1k, 0)} ms (×${f(x.growth, 2)})`,
      );
    halves('wall time', l.linearity);
    halves('engine CPU', l.engineCpuLinearity);
    halves('sandbox CPU', l.sandboxCpuLinearity);
    out.push(`    CPU: engine process ${f(l.cpuSeconds, 1)} s, sandboxes ${f(l.sandboxCpuSeconds, 1)} s`);
    const e = l.eventLoop;
    out.push(
      `    event-loop delay of the engine process (1 ms resolution): p50 ${f(e.p50Ms, 1)}, p99 ${f(e.p99Ms, 1)}, max ${f(e.maxMs, 1)} ms (the same process idle for 1 s before: p99 ${f(e.idleP99Ms, 1)}, max ${f(e.idleMaxMs, 1)} ms); ${e.gcPauses ?? 0} GC pauses, ${f(e.gcTotalMs, 0)} ms in all, longest ${f(e.gcMaxMs, 1)} ms`,
    );
    out.push(
      `    requests per punch: BioTime ${f(l.requestsPerPunch.biotime, 4)}, Frappe ${f(l.requestsPerPunch.frappe, 4)}; created ${l.counts.created}, duplicate ${l.counts.duplicate}, failed ${l.counts.failed}`,
    );
  }
  if (r.zeroLatency) {
    const z = r.zeroLatency;
    out.push(
      `Zero latency, zero server cost [engine profile] (engine alone): ${int(z.punches)} punches, ${f(z.wallSeconds, 2)} s wall (${f(z.punchesPerSecond, 0)} punches/s), engine process CPU ${f(z.cpuSeconds, 2)} s → ${f(z.punchesPerCpuSecond, 0)} punches per CPU second`,
    );
  }
  out.push('');
  out.push('Targets (issues 4 and 14; printed, not asserted; n/a = not measured in this run or on this profile):');
  out.push(
    ...pad(r.targets.map((t) => [`  ${passText(t)}`, `${profileText(t)} ${t.label}`, f(t.value, 3), boundText(t)])),
  );
  return out.join('\n');
}

/** The README's table. */
export function formatMarkdown(r: BenchReport): string {
  const rows = contenderRows(r);
  const lines = [
    `${r.profile} profile:`,
    '',
    `| ${rows[0].join(' | ')} |`,
    `|${rows[0].map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  ];
  for (const row of rows.slice(1)) lines.push(`| ${row.join(' | ')} |`);
  lines.push('');
  lines.push('| Target | Profile | Measured | Bound | |');
  lines.push('| --- | --- | ---: | ---: | --- |');
  for (const t of r.targets)
    lines.push(`| ${t.label} | ${t.profile ?? ''} | ${f(t.value, 3)} | ${boundText(t)} | ${passText(t).trim()} |`);
  return lines.join('\n');
}
