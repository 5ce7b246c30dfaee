// The campaign: N scenarios from one seed, `jobs` at a time (each has its own servers and state directory), and
// the totals the table and `--out` report.
import { runScenario, type RunReport } from './runScenario';
import { generateScenario, type Scenario } from './scenario';
import type { Violation } from './invariants';

export interface CampaignOptions {
  runs: number;
  seed: number;
  /** Run indexes to run instead of 0..runs-1 (replay). */
  only?: number[];
  jobs: number;
  cli: string;
  keep: 'never' | 'failed' | 'always';
  /** Scenarios without the faults that cost a full client timeout (the short campaign of npm test). */
  quick?: boolean;
  onRun?: (report: RunReport, scenario: Scenario, done: number, total: number) => void;
}

export interface CampaignTotals {
  seed: number;
  quick: boolean;
  runs: number;
  passed: number;
  failed: number;
  punches: number;
  created: number;
  lost: number;
  duplicated: number;
  wrong: number;
  failedByReason: Record<string, number>;
  faults: Record<string, number>;
  cliProcesses: number;
  durationMs: number;
  violations: (Violation & { run: number; runSeed: number })[];
  failedRuns: { run: number; runSeed: number; replay: string }[];
}

export interface CampaignResult {
  totals: CampaignTotals;
  reports: RunReport[];
  scenarios: Map<number, Scenario>;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const t0 = Date.now();
  const indexes = o.only?.length ? o.only : Array.from({ length: o.runs }, (_, i) => i);
  const scenarios = new Map(indexes.map((i) => [i, generateScenario(o.seed, i, { quick: o.quick })]));
  const reports: RunReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < indexes.length) {
      const s = scenarios.get(indexes[next++])!;
      const r = await runScenario(s, { cli: o.cli, keep: o.keep });
      reports.push(r);
      o.onRun?.(r, s, reports.length, indexes.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, indexes.length)) }, worker));
  reports.sort((a, b) => a.index - b.index);
  return { totals: totalsOf(o.seed, reports, Date.now() - t0, o.quick), reports, scenarios };
}

export function totalsOf(seed: number, reports: RunReport[], durationMs: number, quick = false): CampaignTotals {
  const t: CampaignTotals = {
    seed,
    quick,
    runs: reports.length,
    passed: 0,
    failed: 0,
    punches: 0,
    created: 0,
    lost: 0,
    duplicated: 0,
    wrong: 0,
    failedByReason: {},
    faults: {},
    cliProcesses: 0,
    durationMs,
    violations: [],
    failedRuns: [],
  };
  for (const r of reports) {
    if (r.passed) t.passed++;
    else {
      t.failed++;
      t.failedRuns.push({ run: r.index, runSeed: r.seed, replay: replayCommand(seed, r.index, quick) });
    }
    t.punches += r.punches;
    t.created += r.created;
    t.lost += r.lost;
    t.duplicated += r.duplicated;
    t.wrong += r.wrong;
    t.cliProcesses += r.processes;
    for (const [k, n] of Object.entries(r.failedByReason)) t.failedByReason[k] = (t.failedByReason[k] ?? 0) + n;
    for (const [k, n] of Object.entries(r.faults)) t.faults[k] = (t.faults[k] ?? 0) + n;
    for (const { kind, detail } of r.violations) t.violations.push({ kind, detail, run: r.index, runSeed: r.seed });
  }
  return t;
}

export function replayCommand(seed: number, index: number, quick = false): string {
  return `npm run chaos -- --seed ${seed} --only ${index}${quick ? ' --quick' : ''}`;
}
