// `npm run bench`: the three-way comparison, the large backlog and the zero-latency run, in one process tree.
// The sandboxes run in this (parent) process; every contender runs in its own child process (bench/child.ts), so
// its RSS and CPU are its own. Each contender gets freshly started servers loaded with the same backlog.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { benchConfig, DEVICE_ID } from './contenders/engine';
import { runInChild } from './fork';
import type { ContenderKind, Job, JobResult, UserControlMode } from './job';
import { computeFloor, linearity, ratio, requestsPerPunch, spread, target, type ProgressSample, type Target } from './metrics';
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
  { name: 'add-log-per-punch', label: '3. add_log_based_on_employee_field per punch', kind: 'fbast', userControl: 'off' },
];

const log = (m: string) => process.stderr.write(`${m}\n`);

interface Measured {
  result: JobResult;
  figures: ContenderFigures;
  /** This (sandbox) process's CPU by the child's progress, for jobs with keepProgress. */
  sandboxProgress: ProgressSample[];
}

async function measure(spec: Spec, backlog: Backlog, costs: Costs, o: BenchOptions, pageSize: number, keepProgress = false): Promise<Measured> {
  const world = await startWorld(backlog, costs);
  try {
    const job: Job = { kind: spec.kind, biotimeUrl: world.biotime.url, frappeUrl: world.frappe.url, userControl: spec.userControl, pageSize, keepProgress };
    log(`  running ${spec.label} on ${backlog.punches.length} punches…`);
    const sandboxProgress: ProgressSample[] = [];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const cpuMs = () => {
      const c = process.cpuUsage(cpu0);
      return (c.user + c.system) / 1000;
    };
    const onProgress = (processed: number) => sandboxProgress.push({ processed, ms: performance.now() - t0, cpuMs: cpuMs() });
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
      requestsPerPunch: requestsPerPunch({ biotime: { ...world.biotime.stats.byRoute }, frappe: { ...world.frappe.stats.byRoute } }, punches),
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

async function main(): Promise<void> {
  const o: BenchOptions = parseBenchArgs(process.argv.slice(2));
  if (o.cpuProfDir) fs.mkdirSync(o.cpuProfDir, { recursive: true });
  const loadAverageAtStart = os.loadavg()[0];
  const costs: Costs = { latencyMs: o.latencyMs, perDocCostMs: o.perDocCostMs, workers: o.workers };
  const pageSize = benchConfig('http://127.0.0.1:1', 'http://127.0.0.1:2', 'off').devices.find((d) => d.id === DEVICE_ID)!.pageSize;
  const backlog = planBacklog({ punches: o.punches });
  const seedBacklog = o.seedPunches < o.punches ? planBacklog({ punches: o.seedPunches }) : backlog;

  const measured: Measured[] = [];
  if (o.only.includes('compare')) {
    log(`Comparison on ${o.punches} punches (sandboxes in this process, pid ${process.pid}; each contender in its own child process)`);
    const unknown = (o.contenders ?? []).filter((n) => !COMPARISON.some((c) => c.name === n));
    if (unknown.length) throw new UsageError(`unknown contender(s) ${unknown.join(', ')}; known: ${COMPARISON.map((c) => c.name).join(', ')}`);
    for (const spec of COMPARISON.filter((c) => !o.contenders || o.contenders.includes(c.name))) measured.push(await measure(spec, spec.kind === 'seed' ? seedBacklog : backlog, costs, o, pageSize));
  }
  const by = (name: string) => measured.find((m) => m.figures.name === name)?.figures;
  const engine = by('engine');
  const floor = engine ? computeFloor({ documents: engine.checkinsWritten, perDocCostMs: o.perDocCostMs, workers: o.workers, biotimeLatencyMs: o.latencyMs, frappeLatencyMs: o.latencyMs }) : undefined;

  let large: BenchReport['largeBacklog'] = null;
  if (o.large > 0 && o.only.includes('large')) {
    log(`Large backlog: ${o.large} punches, engine alone`);
    const m = await measure({ name: 'engine-large', label: 'engine, large backlog', kind: 'engine', userControl: 'off' }, planBacklog({ punches: o.large }), costs, o, pageSize, true);
    const lin = linearity(m.result.progress);
    const engineCpu = linearity(m.result.progress, 'cpuMs');
    const sandboxCpu = linearity(m.sandboxProgress, 'cpuMs');
    large = {
      punches: m.figures.punches,
      wallSeconds: m.figures.wallSeconds,
      punchesPerSecond: m.figures.punchesPerSecond,
      peakRssMb: m.figures.peakRssMb,
      processMaxRssMb: m.figures.processMaxRssMb,
      rssSamplesMb: spread(m.result.rssSamples, 8),
      linearity: lin ?? null,
      engineCpuLinearity: engineCpu ?? null,
      sandboxCpuLinearity: sandboxCpu ?? null,
      sandboxCpuSeconds: m.figures.sandboxCpuSeconds,
      cpuSeconds: m.figures.cpuSeconds,
      requestsPerPunch: m.figures.requestsPerPunch,
      counts: m.figures.counts,
    };
  }

  let zero: BenchReport['zeroLatency'] = null;
  if (o.zero > 0 && o.only.includes('zero')) {
    log(`Zero latency and zero server cost: ${o.zero} punches, engine alone`);
    const m = await measure({ name: 'engine-zero', label: 'engine, zero latency', kind: 'engine', userControl: 'off' }, planBacklog({ punches: o.zero }), { latencyMs: 0, perDocCostMs: 0, workers: o.workers }, o, pageSize);
    zero = {
      punches: m.figures.punches,
      wallSeconds: m.figures.wallSeconds,
      cpuSeconds: m.figures.cpuSeconds,
      punchesPerCpuSecond: m.figures.punches / m.figures.cpuSeconds,
      punchesPerSecond: m.figures.punchesPerSecond,
      peakRssMb: m.figures.peakRssMb,
    };
  }

  const engineUc = by('engine-user-control');
  const seed = by('seed-per-punch');
  const fbast = by('add-log-per-punch');
  const ratios = { engineVsSeed: ratio(engineUc?.punchesPerSecond, seed?.punchesPerSecond), engineVsFbast: ratio(engine?.punchesPerSecond, fbast?.punchesPerSecond), seedOnSubset: seedBacklog !== backlog };
  const engineRatio = floor && engine ? ratio(engine.wallSeconds, floor.seconds) : null;
  const besides = [engine, engineUc].filter((x) => x !== undefined).map((x) => x.requestsPerPunch.frappeBesidesUserControl);
  const targets: Target[] = [
    target('engineVsSeed', 'engine ÷ seed per punch, punches/s (both frappe-user control)', ratios.engineVsSeed, 'min', 30),
    target('engineVsFbast', 'engine ÷ add_log per punch, punches/s (no user control)', ratios.engineVsFbast, 'min', 10),
    target('floor', 'engine wall time ÷ floor', engineRatio, 'max', 1.5),
    target('frappeRequests', 'engine Frappe requests per punch besides user control', besides.length ? Math.max(...besides) : null, 'max', 0.05),
    target('largeRss', `engine peak RSS at ${large?.punches ?? 0} punches, MB`, large && large.punches >= 200_000 ? large.peakRssMb : null, 'max', 200, true),
    target('cpu', 'engine punches per CPU second, zero latency', zero?.punchesPerCpuSecond, 'min', 20_000),
  ];
  const w = backlog.stats;
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverageAtStart },
    settings: { punches: o.punches, seedPunches: o.seedPunches, large: o.large, zero: o.zero, latencyMs: o.latencyMs, perDocCostMs: o.perDocCostMs, workers: o.workers, only: o.only, pageSize, sandboxes: 'both sandboxes in the parent process, each contender in its own child process' },
    workload: { punches: w.punches, employees: backlog.employees.length, unknownCodes: backlog.employees.filter((e) => !e.known).length, unknownPunches: w.unknown, alreadyCheckedIn: w.already, lateUploads: w.late, byState: w.byState, days: w.days },
    contenders: measured.map((m) => m.figures),
    ratios,
    floor: floor && engine ? { ...floor, documents: engine.checkinsWritten, perDocCostMs: o.perDocCostMs, workers: o.workers, latencyMs: o.latencyMs, engineSeconds: engine.wallSeconds, engineRatio } : null,
    largeBacklog: large,
    zeroLatency: zero,
    targets,
  };
  if (large && large.punches < 200_000) log(`note: the large backlog has ${large.punches} punches; the RSS target is judged at 200,000 or more only.`);
  const written = new Set(measured.filter((m) => m.figures.punches === o.punches).map((m) => m.figures.checkinsWritten));
  if (written.size > 1) log(`WARNING: the contenders did not write the same number of checkins: ${[...written].join(', ')}`);
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
