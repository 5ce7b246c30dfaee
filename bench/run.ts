// `npm run bench`: the three-way comparison, the large backlog and the zero-latency run, in one process tree.
// The sandboxes run in this (parent) process; every contender runs in its own child process (bench/child.ts), so
// its RSS and CPU are its own. Each contender gets freshly started servers loaded with the same backlog.
import * as fs from 'node:fs';
import * as os from 'node:os';
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
import { formatMarkdown, formatText, type BenchReport, type ContenderFigures } from './report';
import { planBacklog, type Backlog } from './workload';
import { startWorld, type Costs } from './world';

interface Spec {
  name: string;
  label: string;
  kind: ContenderKind;
  userControl: UserControlMode;
}

const COMPARISON: Spec[] = [
  { name: 'engine', label: '1. engine as shipped', kind: 'engine', userControl: 'off' },
  { name: 'engine-user-control', label: '1b. engine, frappe-user control', kind: 'engine', userControl: 'frappe-user' },
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

async function measure(
  spec: Spec,
  backlog: Backlog,
  costs: Costs,
  o: BenchOptions,
  pageSize: number,
  keepProgress = false,
): Promise<Measured> {
  const world = await startWorld(backlog, costs);
  try {
    const job: Job = {
      kind: spec.kind,
      biotimeUrl: world.biotime.url,
      frappeUrl: world.frappe.url,
      userControl: spec.userControl,
      pageSize,
      keepProgress,
    };
    log(`  running ${spec.label} on ${backlog.punches.length} punches…`);
    const sandboxProgress: ProgressSample[] = [];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const cpuMs = () => {
      const c = process.cpuUsage(cpu0);
      return (c.user + c.system) / 1000;
    };
    const onProgress = (processed: number) =>
      sandboxProgress.push({ processed, ms: performance.now() - t0, cpuMs: cpuMs() });
    const result = await runInChild(job, { cpuProfDir: o.cpuProfDir, onProgress });
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
        { biotime: { ...world.biotime.stats.byRoute }, frappe: { ...world.frappe.stats.byRoute } },
        punches,
      ),
      peakRssMb: result.peakRssMb,
      processMaxRssMb: result.maxRssMb,
      cpuSeconds: result.cpuMs / 1000,
      sandboxCpuSeconds,
      loadAverage: os.loadavg()[0],
      counts: result.counts,
      checkinsWritten: world.frappe.counters.checkinsWritten,
      frappeWorkerBusyShare: world.frappe.counters.workMs / (Math.max(1, costs.workers) * result.wallMs),
      notes: result.notes,
    };
    log(`    ${figures.wallSeconds.toFixed(2)} s, ${figures.punchesPerSecond.toFixed(0)} punches/s`);
    for (const n of result.notes) log(`    note: ${n}`);
    return { result, figures, sandboxProgress };
  } finally {
    await world.close();
  }
}

interface Context {
  o: BenchOptions;
  costs: Costs;
  pageSize: number;
}

async function runComparison(c: Context, backlog: Backlog, seedBacklog: Backlog): Promise<Measured[]> {
  const { o } = c;
  const unknown = (o.contenders ?? []).filter((n) => !COMPARISON.some((x) => x.name === n));
  if (unknown.length)
    throw new UsageError(
      `unknown contender(s) ${unknown.join(', ')}; known: ${COMPARISON.map((x) => x.name).join(', ')}`,
    );
  log(
    `Comparison on ${o.punches} punches (sandboxes in this process, pid ${process.pid}; each contender in its own child process)`,
  );
  const out: Measured[] = [];
  for (const spec of COMPARISON.filter((x) => !o.contenders || o.contenders.includes(x.name))) {
    out.push(await measure(spec, spec.kind === 'seed' ? seedBacklog : backlog, c.costs, o, c.pageSize));
  }
  return out;
}

async function runLarge(c: Context): Promise<BenchReport['largeBacklog']> {
  log(`Large backlog: ${c.o.large} punches, engine alone`);
  const spec: Spec = { name: 'engine-large', label: 'engine, large backlog', kind: 'engine', userControl: 'off' };
  const m = await measure(spec, planBacklog({ punches: c.o.large }), c.costs, c.o, c.pageSize, true);
  const f = m.figures;
  return {
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
  log(`Zero latency and zero server cost: ${c.o.zero} punches, engine alone`);
  const spec: Spec = { name: 'engine-zero', label: 'engine, zero latency', kind: 'engine', userControl: 'off' };
  const { figures: f } = await measure(
    spec,
    planBacklog({ punches: c.o.zero }),
    { latencyMs: 0, perDocCostMs: 0, workers: c.o.workers },
    c.o,
    c.pageSize,
  );
  return {
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
  contenders: ContenderFigures[],
  large: BenchReport['largeBacklog'],
  zero: BenchReport['zeroLatency'],
  seedOnSubset: boolean,
) {
  const by = (name: string) => contenders.find((x) => x.name === name);
  const [engine, engineUc, seed, fbast] = ['engine', 'engine-user-control', 'seed-per-punch', 'add-log-per-punch'].map(
    by,
  );
  const ratios = {
    engineVsSeed: ratio(engineUc?.punchesPerSecond, seed?.punchesPerSecond),
    engineVsFbast: ratio(engine?.punchesPerSecond, fbast?.punchesPerSecond),
    seedOnSubset,
  };
  let floor: BenchReport['floor'] = null;
  if (engine) {
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
  const targets: Target[] = [
    target(
      'engineVsSeed',
      'engine ÷ seed per punch, punches/s (both frappe-user control)',
      ratios.engineVsSeed,
      'min',
      30,
    ),
    target('engineVsFbast', 'engine ÷ add_log per punch, punches/s (no user control)', ratios.engineVsFbast, 'min', 10),
    target('floor', 'engine wall time ÷ floor', floor?.engineRatio, 'max', 1.5),
    target(
      'frappeRequests',
      'engine Frappe requests per punch besides user control',
      besides.length ? Math.max(...besides) : null,
      'max',
      0.05,
    ),
    target(
      'largeRss',
      `engine peak RSS at ${large?.punches ?? 0} punches, MB`,
      large && large.punches >= 200_000 ? large.peakRssMb : null,
      'max',
      200,
      true,
    ),
    target('cpu', 'engine punches per CPU second, zero latency', zero?.punchesPerCpuSecond, 'min', 20_000),
  ];
  return { ratios, floor, targets };
}

async function main(): Promise<void> {
  const o = parseBenchArgs(process.argv.slice(2));
  if (o.cpuProfDir) fs.mkdirSync(o.cpuProfDir, { recursive: true });
  const loadAverageAtStart = os.loadavg()[0];
  const pageSize = benchConfig('http://127.0.0.1:1', 'http://127.0.0.1:2', 'off').devices.find(
    (d) => d.id === DEVICE_ID,
  )!.pageSize;
  const c: Context = {
    o,
    costs: { latencyMs: o.latencyMs, perDocCostMs: o.perDocCostMs, workers: o.workers },
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
    settings: {
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
    ...judge(o, contenders, large, zero, seedBacklog !== backlog),
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
