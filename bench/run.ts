// `npm run bench`: the three-way comparison, the large backlog and the zero-latency run, in one process tree.
// The sandboxes run in this (parent) process; every contender runs in its own child process (bench/child.ts), so
// its RSS and CPU are its own. Each contender gets freshly started servers loaded with the same backlog.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchConfig, DEVICE_ID } from './contenders/engine';
import { runInChild } from './fork';
import type { ContenderKind, Job, JobResult, UserControlMode } from './job';
import {
  computeFloor,
  linearity,
  ratio,
  requestsPerPunch,
  spread,
  target,
  type ProgressSample,
  type Target,
} from './metrics';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './options';
import { DeskProbe, latencyFigures, PROBE_ROUTE } from './probe';
import { ENGINE, profileNamed, type Profile } from './profiles';
import { formatMarkdown, formatText, type BenchReport, type ContenderFigures } from './report';
import { logTypeOf, planBacklog, type Backlog } from './workload';
import { startWorld, type Costs, type World } from './world';

interface Spec {
  name: string;
  label: string;
  kind: ContenderKind;
  userControl: UserControlMode;
  streams?: number;
  writeMode?: string;
}

const COMPARISON: Spec[] = [
  { name: 'engine', label: '1. engine as shipped (polite writes)', kind: 'engine', userControl: 'off' },
  { name: 'engine-user-control', label: '1b. engine, frappe-user control', kind: 'engine', userControl: 'frappe-user' },
  {
    name: 'engine-fast',
    label: '1c. engine, writeMode "fast"',
    kind: 'engine',
    userControl: 'off',
    writeMode: 'fast',
  },
  { name: 'capacity-1', label: '0a. raw insert_many, 1 stream', kind: 'capacity', userControl: 'off', streams: 1 },
  { name: 'capacity-2', label: '0b. raw insert_many, 2 streams', kind: 'capacity', userControl: 'off', streams: 2 },
  { name: 'seed-per-punch', label: '2. seed per punch, frappe-user control', kind: 'seed', userControl: 'frappe-user' },
  {
    name: 'add-log-per-punch',
    label: '3. add_log_based_on_employee_field per punch',
    kind: 'fbast',
    userControl: 'off',
  },
];

const log = (m: string) => process.stderr.write(`${m}\n`);

interface Measured {
  result: JobResult;
  figures: ContenderFigures;
  /** This (sandbox) process's CPU by the child's progress, for jobs with keepProgress. */
  sandboxProgress: ProgressSample[];
}

/**
 * The documents the engine writes for this backlog (known employees, not already checked in, one per employee and
 * time), as insert_many wants them: what the capacity contenders send.
 */
function engineDocuments(backlog: Backlog, world: World): Record<string, unknown>[] {
  const taken = new Set(backlog.existing.map((x) => `${world.employeeOf.get(x.code)}\u0000${x.time}`));
  const docs: Record<string, unknown>[] = [];
  for (const p of backlog.punches) {
    const employee = world.employeeOf.get(p.code);
    if (!employee || taken.has(`${employee}\u0000${p.time}`)) continue;
    taken.add(`${employee}\u0000${p.time}`);
    const log_type = logTypeOf(p.state);
    docs.push({ doctype: 'Employee Checkin', employee, time: p.time, log_type, device_id: world.biotime.url });
  }
  return docs;
}

/** The sandbox's request counts without the desk probe's own GETs (no contender reads one Employee by name). */
function withoutProbe(byRoute: Record<string, number>, probes: number): Record<string, number> {
  const out = { ...byRoute };
  const left = (out[PROBE_ROUTE] ?? 0) - probes;
  if (left > 0) out[PROBE_ROUTE] = left;
  else delete out[PROBE_ROUTE];
  return out;
}

async function measure(
  spec: Spec,
  backlog: Backlog,
  costs: Costs,
  o: BenchOptions,
  pageSize: number,
  keepProgress = false,
  eventLoop = true,
): Promise<Measured> {
  const world = await startWorld(backlog, costs);
  let docsDir: string | undefined;
  try {
    const job: Job = {
      kind: spec.kind,
      biotimeUrl: world.biotime.url,
      frappeUrl: world.frappe.url,
      userControl: spec.userControl,
      pageSize,
      keepProgress,
      eventLoop,
      ...(spec.writeMode ? { writeMode: spec.writeMode } : {}),
    };
    if (spec.kind === 'capacity') {
      docsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-bench-docs-'));
      job.docsFile = path.join(docsDir, 'docs.json');
      job.streams = spec.streams;
      fs.writeFileSync(job.docsFile, JSON.stringify(engineDocuments(backlog, world)));
    }
    log(`  running ${spec.label} on ${backlog.punches.length} punches (${costs.name} profile)…`);
    const probeOn = [...world.employeeOf.values()][0];
    const idleProbe = new DeskProbe(world.frappe.url, probeOn);
    const idle = await idleProbe.idle();
    // The contender's own request counts start now; the probe's requests during the sync are taken out below.
    world.frappe.stats.reset();
    const during = new DeskProbe(world.frappe.url, probeOn);
    const sandboxProgress: ProgressSample[] = [];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const cpuMs = () => {
      const c = process.cpuUsage(cpu0);
      return (c.user + c.system) / 1000;
    };
    const onProgress = (processed: number) =>
      sandboxProgress.push({ processed, ms: performance.now() - t0, cpuMs: cpuMs() });
    const result = await runInChild(job, { cpuProfDir: o.cpuProfDir, onProgress, onStart: () => during.start() });
    const duringSamples = await during.stop();
    const sandboxCpuSeconds = cpuMs() / 1000;
    if (result.error) throw new Error(`${spec.label} failed: ${result.error}`);
    const punches = backlog.punches.length;
    const figures: ContenderFigures = {
      name: spec.name,
      label: spec.label,
      userControl: spec.userControl,
      punches,
      wallSeconds: result.wallMs / 1000,
      punchesPerSecond: punches / (result.wallMs / 1000),
      requestsPerPunch: requestsPerPunch(
        { biotime: { ...world.biotime.stats.byRoute }, frappe: withoutProbe(world.frappe.stats.byRoute, during.sent) },
        punches,
      ),
      peakRssMb: result.peakRssMb,
      processMaxRssMb: result.maxRssMb,
      cpuSeconds: result.cpuMs / 1000,
      sandboxCpuSeconds,
      loadAverage: os.loadavg()[0],
      counts: result.counts,
      checkinsWritten: world.frappe.counters.checkinsWritten,
      checkinsPerSecond: world.frappe.counters.checkinsWritten / (result.wallMs / 1000),
      frappeWorkerBusyShare: world.frappe.counters.workMs / (Math.max(1, costs.workers) * result.wallMs),
      desk: { idle: latencyFigures(idle), during: latencyFigures(duringSamples) },
      eventLoop: result.eventLoop,
      profile: costs.name,
      notes: result.notes,
    };
    const d = figures.desk;
    log(
      `    ${figures.wallSeconds.toFixed(2)} s, ${figures.punchesPerSecond.toFixed(0)} punches/s, ${figures.checkinsPerSecond.toFixed(0)} checkins/s; desk GET p95 ${d.idle.p95Ms?.toFixed(0)} ms idle, ${d.during.p95Ms?.toFixed(0)} ms during (max ${d.during.maxMs?.toFixed(0)}); event loop p99 ${result.eventLoop.p99Ms.toFixed(1)} ms, max ${result.eventLoop.maxMs.toFixed(1)} ms`,
    );
    for (const n of result.notes) log(`    note: ${n}`);
    return { result, figures, sandboxProgress };
  } finally {
    await world.close();
    if (docsDir) fs.rmSync(docsDir, { recursive: true, force: true });
  }
}

interface Context {
  o: BenchOptions;
  /** The comparison's site (--profile). */
  costs: Costs;
  /** The large and zero-latency parts' site: always the engine profile (with --latency/--workers/--doc-cost). */
  engineCosts: Costs;
  pageSize: number;
}

/**
 * The comparison's contenders on a profile. On the engine profile the site is not the limit and politeness is not
 * what is measured: the engine writes "fast" (two requests in flight, as issue 4's targets assume).
 */
function comparisonSpecs(profile: Profile): Spec[] {
  if (profile.name === 'real') return COMPARISON;
  return COMPARISON.filter((x) => x.name !== 'engine-fast').map((x) =>
    x.kind === 'engine' ? { ...x, writeMode: 'fast', label: `${x.label.replace(' (polite writes)', '')}, fast` } : x,
  );
}

async function runComparison(c: Context, backlog: Backlog, seedBacklog: Backlog): Promise<Measured[]> {
  const { o } = c;
  const specs = comparisonSpecs(c.costs);
  const unknown = (o.contenders ?? []).filter((n) => !specs.some((x) => x.name === n));
  if (unknown.length)
    throw new UsageError(
      `unknown contender(s) ${unknown.join(', ')} on the ${c.costs.name} profile; known: ${specs.map((x) => x.name).join(', ')}`,
    );
  log(
    `Comparison on ${o.punches} punches, ${c.costs.name} profile (sandboxes in this process, pid ${process.pid}; each contender in its own child process)`,
  );
  const out: Measured[] = [];
  for (const spec of specs.filter((x) => !o.contenders || o.contenders.includes(x.name))) {
    out.push(await measure(spec, spec.kind === 'seed' ? seedBacklog : backlog, c.costs, o, c.pageSize));
  }
  return out;
}

async function runLarge(c: Context): Promise<BenchReport['largeBacklog']> {
  log(`Large backlog: ${c.o.large} punches, engine alone (fast writes), engine profile`);
  const spec: Spec = {
    name: 'engine-large',
    label: 'engine, large backlog',
    kind: 'engine',
    userControl: 'off',
    writeMode: 'fast',
  };
  const m = await measure(spec, planBacklog({ punches: c.o.large }), c.engineCosts, c.o, c.pageSize, true);
  const f = m.figures;
  return {
    profile: 'engine',
    eventLoop: f.eventLoop,
    punches: f.punches,
    wallSeconds: f.wallSeconds,
    punchesPerSecond: f.punchesPerSecond,
    peakRssMb: f.peakRssMb,
    processMaxRssMb: f.processMaxRssMb,
    rssSamplesMb: spread(m.result.rssSamples, 8),
    linearity: linearity(m.result.progress) ?? null,
    engineCpuLinearity: linearity(m.result.progress, 'cpuMs') ?? null,
    sandboxCpuLinearity: linearity(m.sandboxProgress, 'cpuMs') ?? null,
    sandboxCpuSeconds: f.sandboxCpuSeconds,
    cpuSeconds: f.cpuSeconds,
    requestsPerPunch: f.requestsPerPunch,
    counts: f.counts,
  };
}

async function runZero(c: Context): Promise<BenchReport['zeroLatency']> {
  log(`Zero latency and zero server cost: ${c.o.zero} punches, engine alone (fast writes)`);
  const spec: Spec = {
    name: 'engine-zero',
    label: 'engine, zero latency',
    kind: 'engine',
    userControl: 'off',
    writeMode: 'fast',
  };
  const { figures: f } = await measure(
    spec,
    planBacklog({ punches: c.o.zero }),
    { ...c.engineCosts, latencyMs: 0, perDocCostMs: 0 },
    c.o,
    c.pageSize,
    false,
    false,
  );
  return {
    profile: 'engine',
    punches: f.punches,
    wallSeconds: f.wallSeconds,
    cpuSeconds: f.cpuSeconds,
    punchesPerCpuSecond: f.punches / f.cpuSeconds,
    punchesPerSecond: f.punchesPerSecond,
    peakRssMb: f.peakRssMb,
  };
}

/** Ratios, floor and targets from whatever parts ran (a part that did not run leaves its figures null). */
function judge(
  o: BenchOptions,
  profile: Profile,
  contenders: ContenderFigures[],
  large: BenchReport['largeBacklog'],
  zero: BenchReport['zeroLatency'],
  seedOnSubset: boolean,
) {
  const by = (name: string) => contenders.find((x) => x.name === name);
  const [engine, engineUc, seed, fbast, cap1, cap2] = [
    'engine',
    'engine-user-control',
    'seed-per-punch',
    'add-log-per-punch',
    'capacity-1',
    'capacity-2',
  ].map(by);
  const onEngine = profile.name === 'engine';
  const capacity = {
    profile: profile.name,
    oneStreamPerSecond: cap1?.checkinsPerSecond ?? null,
    twoStreamsPerSecond: cap2?.checkinsPerSecond ?? null,
  };
  const ratios = {
    profile: profile.name,
    engineVsSeed: ratio(engineUc?.punchesPerSecond, seed?.punchesPerSecond),
    engineVsFbast: ratio(engine?.punchesPerSecond, fbast?.punchesPerSecond),
    /** Engine checkins written per second ÷ two raw insert_many streams' (the site's capacity, same run). */
    engineVsCapacity: ratio(engine?.checkinsPerSecond, capacity.twoStreamsPerSecond ?? undefined),
    seedOnSubset,
  };
  const deskLatency: BenchReport['deskLatency'] = {};
  for (const c of contenders)
    deskLatency[c.name] = {
      profile: c.profile,
      idleP50Ms: c.desk.idle.p50Ms,
      idleP95Ms: c.desk.idle.p95Ms,
      duringP50Ms: c.desk.during.p50Ms,
      duringP95Ms: c.desk.during.p95Ms,
      duringMaxMs: c.desk.during.maxMs,
      samples: { idle: c.desk.idle.count, during: c.desk.during.count },
    };
  let floor: BenchReport['floor'] = null;
  if (engine && onEngine) {
    const fl = computeFloor({
      documents: engine.checkinsWritten,
      perDocCostMs: o.perDocCostMs,
      workers: o.workers,
      biotimeLatencyMs: o.latencyMs,
      frappeLatencyMs: o.latencyMs,
    });
    floor = {
      ...fl,
      documents: engine.checkinsWritten,
      perDocCostMs: o.perDocCostMs,
      workers: o.workers,
      latencyMs: o.latencyMs,
      engineSeconds: engine.wallSeconds,
      engineRatio: ratio(engine.wallSeconds, fl.seconds),
    };
  }
  const besides = [engine, engineUc]
    .filter((x) => x !== undefined)
    .map((x) => x.requestsPerPunch.frappeBesidesUserControl);
  const desk = engine?.desk;
  const deskRatio = ratio(desk?.during.p95Ms ?? undefined, desk?.idle.p95Ms ?? undefined);
  // Issue 4's comparison targets hold on the engine profile only (on the real site the site is the limit).
  const ifEngine = (v: number | null | undefined) => (onEngine ? v : null);
  const ifReal = (v: number | null | undefined) => (onEngine ? null : v);
  const targets: Target[] = [
    target(
      'engineVsSeed',
      'engine ÷ seed per punch, punches/s (both frappe-user control)',
      ifEngine(ratios.engineVsSeed),
      'min',
      30,
      false,
      'engine',
    ),
    target(
      'engineVsFbast',
      'engine ÷ add_log per punch, punches/s (no user control)',
      ifEngine(ratios.engineVsFbast),
      'min',
      10,
      false,
      'engine',
    ),
    target('floor', 'engine wall time ÷ floor', floor?.engineRatio, 'max', 1.5, false, 'engine'),
    target(
      'frappeRequests',
      'engine Frappe requests per punch besides user control',
      ifEngine(besides.length ? Math.max(...besides) : null),
      'max',
      0.05,
      false,
      'engine',
    ),
    target(
      'largeRss',
      `engine peak RSS at ${large?.punches ?? 0} punches, MB`,
      large && large.punches >= 200_000 ? large.peakRssMb : null,
      'max',
      200,
      true,
      'engine',
    ),
    target(
      'cpu',
      'engine punches per CPU second, zero latency',
      zero?.punchesPerCpuSecond,
      'min',
      20_000,
      false,
      'engine',
    ),
    target('deskP95', 'desk GET p95 during the engine’s sync ÷ idle p95', ifReal(deskRatio), 'max', 2, false, 'real'),
    target(
      'engineVsCapacity',
      'engine checkins/s ÷ the site’s capacity (2 raw insert_many streams)',
      ifReal(ratios.engineVsCapacity),
      'min',
      0.85,
      false,
      'real',
    ),
    target(
      'eventLoopP99',
      `engine event-loop delay p99 at ${large?.punches ?? 0} punches, ms`,
      large && large.punches >= 200_000 ? large.eventLoop.p99Ms : null,
      'max',
      20,
      false,
      'engine',
    ),
    target(
      'eventLoopMax',
      `engine event-loop delay max at ${large?.punches ?? 0} punches, ms`,
      large && large.punches >= 200_000 ? large.eventLoop.maxMs : null,
      'max',
      50,
      false,
      'engine',
    ),
    target(
      'largeRss1M',
      `engine peak RSS at ${large?.punches ?? 0} punches, MB (judged at 1,000,000)`,
      large && large.punches >= 1_000_000 ? large.peakRssMb : null,
      'max',
      150,
      true,
      'engine',
    ),
  ];
  const eventLoop = large ? { profile: 'engine' as const, punches: large.punches, ...large.eventLoop } : null;
  return { ratios, capacity, deskLatency, eventLoop, floor, targets };
}

async function main(): Promise<void> {
  const o = parseBenchArgs(process.argv.slice(2));
  if (o.cpuProfDir) fs.mkdirSync(o.cpuProfDir, { recursive: true });
  const loadAverageAtStart = os.loadavg()[0];
  const pageSize = benchConfig('http://127.0.0.1:1', 'http://127.0.0.1:2', 'off').devices.find(
    (d) => d.id === DEVICE_ID,
  )!.pageSize;
  const comparison = profileNamed(o.profile);
  const c: Context = {
    o,
    costs: {
      ...comparison,
      latencyMs: o.latencyMs,
      workers: o.workers,
      perDocCostMs: comparison.name === 'engine' ? o.perDocCostMs : comparison.perDocCostMs,
    },
    engineCosts: { ...ENGINE, latencyMs: o.latencyMs, workers: o.workers, perDocCostMs: o.perDocCostMs },
    pageSize,
  };
  const backlog = planBacklog({ punches: o.punches });
  const seedBacklog = o.seedPunches < o.punches ? planBacklog({ punches: o.seedPunches }) : backlog;

  const measured = o.only.includes('compare') ? await runComparison(c, backlog, seedBacklog) : [];
  const large = o.large > 0 && o.only.includes('large') ? await runLarge(c) : null;
  const zero = o.zero > 0 && o.only.includes('zero') ? await runZero(c) : null;
  const contenders = measured.map((m) => m.figures);
  const w = backlog.stats;
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      loadAverageAtStart,
    },
    profile: o.profile,
    profiles: { comparison: c.costs, largeAndZero: c.engineCosts },
    settings: {
      profile: o.profile,
      punches: o.punches,
      seedPunches: o.seedPunches,
      large: o.large,
      zero: o.zero,
      latencyMs: o.latencyMs,
      perDocCostMs: o.perDocCostMs,
      workers: o.workers,
      only: o.only,
      pageSize,
      sandboxes: 'both sandboxes in the parent process, each contender in its own child process',
    },
    workload: {
      punches: w.punches,
      employees: backlog.employees.length,
      unknownCodes: backlog.employees.filter((e) => !e.known).length,
      unknownPunches: w.unknown,
      alreadyCheckedIn: w.already,
      lateUploads: w.late,
      byState: w.byState,
      days: w.days,
    },
    contenders,
    ...judge(o, c.costs, contenders, large, zero, seedBacklog !== backlog),
    largeBacklog: large,
    zeroLatency: zero,
  };
  if (large && large.punches < 200_000)
    log(`note: the large backlog has ${large.punches} punches; the RSS target is judged at 200,000 or more only.`);
  const written = new Set(contenders.filter((x) => x.punches === o.punches).map((x) => x.checkinsWritten));
  if (written.size > 1)
    log(`WARNING: the contenders did not write the same number of checkins: ${[...written].join(', ')}`);
  console.log(formatText(report));
  console.log('\nREADME table:\n');
  console.log(formatMarkdown(report));
  if (o.out) {
    fs.writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
    log(`wrote ${o.out}`);
  }
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    log(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
