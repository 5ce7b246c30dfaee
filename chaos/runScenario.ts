// One run of the campaign: the scenario's cycles of the real CLI against its world, faults armed per cycle,
// SIGKILL triggered by the exact request or state write the scenario names, observation after every cycle,
// then a clean cycle and the final checks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FailedPunch, WatchedGap } from '../src/shared/model';
import type { HistoryPunch } from '../src/shared/history';
import { checkHistory } from './historyCheck';
import { CliProcess, cliEnv, type CliResult } from './cli';
import { expectationOf } from './expectations';
import {
  byKey,
  checkCursor,
  checkFinal,
  checkUserControl,
  checkinsOf,
  processed,
  scanStateDir,
  type Violation,
} from './invariants';
import { checkProcess, scanOutputs, tail, type Recorded } from './outputChecks';
import type { CycleSpec, FaultPlan, PunchSpec, Scenario } from './scenario';
import { Rng } from './rng';
import { armTriggers, targetOf } from './triggers';
import { ChaosWorld, USERNAME, type LedgerEntry } from './world';

export interface RunReport {
  index: number;
  seed: number;
  passed: boolean;
  violations: Violation[];
  punches: number;
  created: number;
  lost: number;
  duplicated: number;
  wrong: number;
  failedByReason: Record<string, number>;
  faults: Record<string, number>;
  processes: number;
  ms: number;
  /** Kept for inspection (failed runs, or --keep). */
  dir?: string;
}

export interface RunOptions {
  cli: string;
  keep: 'never' | 'failed' | 'always';
}

export async function runScenario(s: Scenario, o: RunOptions): Promise<RunReport> {
  const t0 = Date.now();
  const world = await ChaosWorld.start(s);
  const run = new ScenarioRun(world, o.cli);
  try {
    await run.execute();
  } catch (e) {
    run.violations.push({ kind: 'harness', detail: `the campaign itself failed: ${(e as Error)?.stack ?? String(e)}` });
  }
  const passed = run.violations.length === 0;
  const keep = o.keep === 'always' || (o.keep === 'failed' && !passed);
  await world.close(keep);
  return {
    index: s.index,
    seed: s.seed,
    passed,
    violations: run.violations,
    punches: world.ledger.length,
    created: run.tally?.created ?? 0,
    lost: run.tally?.lost ?? 0,
    duplicated: run.tally?.duplicated ?? 0,
    wrong: run.tally?.wrong ?? 0,
    failedByReason: run.tally?.failedByReason ?? {},
    faults: run.faultCounts(),
    processes: run.results.length,
    ms: Date.now() - t0,
    ...(keep ? { dir: world.dir } : {}),
  };
}

class ScenarioRun {
  readonly violations: Violation[] = [];
  readonly results: Recorded[] = [];
  tally: ReturnType<typeof checkFinal> | undefined;
  private readonly counts = new Map<string, number>();
  private readonly s: Scenario;
  private cursor = 0;
  /** Punches below the cursor whose ids the engine still watches as gaps (not passed yet; see checkCursor). */
  private deferred: LedgerEntry[] = [];
  /** The failed punches listed after the last cycle (what the sync has recorded so far). */
  private lastFailed: FailedPunch[] = [];
  private readonly secrets: Map<string, string>;
  private readonly rotatedPassword: string;

  constructor(
    private readonly world: ChaosWorld,
    private readonly cliPath: string,
  ) {
    this.s = world.scenario;
    this.rotatedPassword = `${this.s.secrets.wrongPassword}-rotated`;
    const x = this.s.secrets;
    this.secrets = new Map([
      ['the BioTime password', x.biotimePassword],
      ['the Frappe API key', x.frappeApiKey],
      ['the Frappe API secret', x.frappeApiSecret],
      ['a wrong BioTime password', x.wrongPassword],
      ['a wrong Frappe API secret', x.wrongSecret],
      ['the rotated BioTime password', this.rotatedPassword],
    ]);
  }

  async execute(): Promise<void> {
    for (let c = 0; c < this.s.cycles.length; c++) await this.cycle(c, this.s.cycles[c]);
    await this.finalCycle();
  }

  faultCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const inj of [this.world.biotime.faults, this.world.frappe.faults]) {
      for (const [kind, n] of Object.entries(inj.counts)) if (n) out[`http ${kind}`] = (out[`http ${kind}`] ?? 0) + n;
    }
    for (const [k, n] of this.counts) out[k] = n;
    return out;
  }

  private count(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  private commit(p: PunchSpec, cycle: number, midRead: boolean): void {
    this.world.commit(p, cycle, midRead);
    const kindCount: Record<string, string> = {
      late: 'late upload',
      dupRow: 'duplicated row',
      manual: 'hand-entered duplicate',
      emptyCode: 'odd record',
      badTime: 'odd record',
      noId: 'odd record',
      oddState: 'odd record',
      dstGap: 'DST-gap time',
    };
    if (kindCount[p.kind]) this.count(kindCount[p.kind]);
    if (midRead) this.count('upload mid-read');
    const x = expectationOf(this.s, p, this.world.employees);
    if (x.type === 'failed' && x.failure === 'refused') this.count('refused by Frappe');
    if (x.type === 'failed' && x.failure === 'unknownEmployee') this.count('unknown employee');
  }

  private fill(p: PunchSpec, cycle: number, midRead: boolean): void {
    this.world.fill(p, cycle, midRead);
    this.count('out-of-order commit');
  }

  private args(command: string, extra: string[] = []): string[] {
    return [command, '--config', this.world.configFile, '--state-dir', this.world.stateDir, ...extra];
  }

  private spawn(
    args: string[],
    env: NodeJS.ProcessEnv,
    failpoint?: { k: number; phase: 'before' | 'after' },
    extra: { preload?: Record<string, string>; closeStdoutEarly?: boolean } = {},
  ): CliProcess {
    return new CliProcess(args, {
      cli: this.cliPath,
      env,
      ...(failpoint ? { failpoint: { ...failpoint, root: this.world.stateDir } } : {}),
      ...extra,
    });
  }

  /** failpoint.cjs settings for the cycle's full disk and clock jump (the primary `run` only). */
  private preload(spec: CycleSpec): Record<string, string> {
    const out: Record<string, string> = {};
    if (spec.diskFullAt) {
      out.CHAOS_FS_FULL_AT = String(spec.diskFullAt);
      out.CHAOS_FS_ROOT = this.world.stateDir;
      out.CHAOS_FS_FULL_MARK = this.fullMark();
    }
    if (spec.clockJump) {
      out.CHAOS_CLOCK_JUMP_MS = String(spec.clockJump.ms);
      out.CHAOS_CLOCK_JUMP_AFTER = String(spec.clockJump.after);
    }
    return out;
  }

  private fullMark(): string {
    return path.join(this.world.dir, 'disk-full.mark');
  }

  private env(
    password = this.s.secrets.biotimePassword,
    apiSecret = this.s.secrets.frappeApiSecret,
  ): NodeJS.ProcessEnv {
    return cliEnv(this.s.processTz, { password, apiKey: this.s.secrets.frappeApiKey, apiSecret });
  }

  private async cycle(c: number, spec: CycleSpec): Promise<void> {
    this.upload(c, spec);
    const env = this.armFaults(c, spec);
    const from = this.results.length;
    await this.runProcesses(c, spec, env);
    this.disarmFaults(spec);
    for (const x of this.results.slice(from)) this.violations.push(...checkProcess(x));
    await this.observe(c);
    if (spec.pipeClosed) await this.pipeClosedEarly(`after cycle ${c + 1}`);
  }

  /** Before the cycle: out-of-order commits into ids reserved earlier, the cycle's uploads, new reservations. */
  private upload(c: number, spec: CycleSpec): void {
    for (const f of spec.fills) this.fill(f, c, false);
    let r = 0;
    spec.punches.forEach((p, i) => {
      while (r < spec.reserved.length && spec.reserved[r].after <= i) this.world.reserve(spec.reserved[r++].punch);
      this.commit(p, c, false);
    });
    while (r < spec.reserved.length) this.world.reserve(spec.reserved[r++].punch);
  }

  /** The cycle's faults on the servers; returns the CLI's environment (with a wrong secret when planned). */
  private armFaults(c: number, spec: CycleSpec): NodeJS.ProcessEnv {
    const w = this.world;
    w.skewSeconds = spec.skewSeconds;
    if (spec.skewSeconds) this.count('BioTime clock skew');
    if (this.s.internalHost && c === 0) this.count('next link on internal host');
    for (const plan of spec.http) this.sandbox(plan).faults.injectNext(plan.kind, plan.count, targetOf(plan));
    if (spec.random) this.sandbox(spec.random).faults.setRandom({ rate: spec.random.rate, kinds: spec.random.kinds });
    if (spec.jwtExpireAfter) {
      w.biotime.store.expireTokensAfter(spec.jwtExpireAfter);
      this.count('token expiry mid-pagination');
    }
    if (!spec.auth) return this.env();
    this.count(`bad credentials (${spec.auth})`);
    // Tokens cached from earlier cycles would hide the bad password: the server dropped them.
    if (spec.auth !== 'frappeWrongSecret') w.biotime.store.revokeTokens();
    if (spec.auth === 'biotimePasswordChanged') w.biotime.store.setPassword(USERNAME, this.rotatedPassword);
    if (spec.auth === 'biotimeWrongPassword') return this.env(this.s.secrets.wrongPassword);
    if (spec.auth === 'frappeWrongSecret') return this.env(undefined, this.s.secrets.wrongSecret);
    return this.env();
  }

  /** Credentials fixed, faults cleared; uploads planned mid-read that the CLI never reached arrive now. */
  private disarmFaults(spec: CycleSpec): void {
    const w = this.world;
    w.biotime.faults.clear();
    w.frappe.faults.clear();
    if (spec.auth === 'biotimePasswordChanged') w.biotime.store.setPassword(USERNAME, this.s.secrets.biotimePassword);
    if (spec.jwtExpireAfter) w.biotime.store.expireTokensAfter(0);
  }

  /** The cycle's `run` (SIGKILLed at the planned point, then restarted), with a second process beside it if planned. */
  private async runProcesses(c: number, spec: CycleSpec, env: NodeJS.ProcessEnv): Promise<void> {
    const runArgs = this.args('run', ['--verbose', ...(spec.json ? ['--json'] : [])]);
    const kill = spec.kill;
    fs.rmSync(this.fullMark(), { force: true });
    const checkinsBefore = checkinsOf(this.world).length;
    if (spec.clockJump) this.count('wall-clock jump');
    const primary = this.spawn(runArgs, env, kill?.at === 'stateWrite' ? { k: kill.k, phase: kill.phase } : undefined, {
      preload: this.preload(spec),
    });
    let requests = 0;
    const onRequest = () => {
      if (spec.stop && ++requests === spec.stop.k) {
        this.count('SIGSTOP then SIGCONT');
        primary.pause(spec.stop.ms);
      }
      startSecond();
    };
    let second: CliProcess | undefined;
    const startSecond = () => {
      if (!spec.concurrent || second) return;
      this.count(`second process (${spec.concurrent})`);
      second = this.spawn(this.args(spec.concurrent, spec.concurrent === 'status' ? ['--json'] : ['--verbose']), env);
    };
    const midRead = () => {
      for (const p of spec.midRead!.punches) this.commit(p, c, true);
      for (const f of spec.midRead!.fills) this.fill(f, c, true);
      this.deleteSynced(c, spec.midRead!.deletes);
    };
    const triggers = armTriggers(this.world, spec, {
      kill: (at) => (this.count(`SIGKILL at ${at}`), primary.kill()),
      midRead,
      request: onRequest,
      count: (k) => this.count(k),
    });
    const first = await primary.done;
    this.results.push({ result: first, json: spec.json, what: `cycle ${c + 1} run` });
    if (spec.diskFullAt) this.checkDiskFull(c, first, checkinsOf(this.world).length - checkinsBefore);
    if (kill?.at === 'stateWrite' && first.killedByUs) this.count('SIGKILL mid-state-write');
    startSecond();
    if (second) {
      const r2 = await second.done;
      this.results.push({
        result: r2,
        json: spec.concurrent === 'status',
        what: `cycle ${c + 1} concurrent ${spec.concurrent}`,
      });
      if (spec.concurrent === 'status' && !r2.killedByUs && r2.code !== 0)
        this.violations.push({
          kind: 'stateLoad',
          detail: `cycle ${c + 1}: \`status --json\` run beside a sync exited ${r2.code}: ${tail(r2.err)}`,
        });
    }
    if (first.killedByUs)
      this.results.push({
        result: await this.spawn(runArgs, env).done,
        json: spec.json,
        what: `cycle ${c + 1} run after SIGKILL`,
      });
    triggers.disarm();
    if (spec.midRead && !triggers.midReadDone) {
      for (const p of spec.midRead.punches) this.commit(p, c + 1, false);
      for (const f of spec.midRead.fills) this.fill(f, c + 1, false);
    }
  }

  /**
   * The state disk filled up during the cycle's run: the run must say so in words naming the state directory (never
   * a bare ENOSPC), report at least every checkin Frappe received from it, and not be left "running".
   */
  private checkDiskFull(c: number, r: CliResult, received: number): void {
    if (!fs.existsSync(this.fullMark())) return;
    this.count('state disk full');
    const what = `cycle ${c + 1} run (state disk full)`;
    const text = `${r.out}\n${r.err}`;
    if (/ENOSPC/.test(text) && !text.includes(`The disk holding the state directory ${this.world.stateDir} is full`))
      this.violations.push({
        kind: 'diskFull',
        detail: `${what} reported ENOSPC without saying what it means: ${tail(r.err)}`,
      });
    // A write the run can do without (the Shift Type bookkeeping, the token cache) may fail and the run complete:
    // then a warning must still say the disk is full.
    if (r.code === 0 && !text.includes('is full'))
      this.violations.push({
        kind: 'diskFull',
        detail: `${what} exited 0 and never said the disk is full (first refusal: ${fs.readFileSync(this.fullMark(), 'utf8').slice(0, 900)}): ${tail(r.err, 600)}`,
      });
    const reported = createdReported(r.out, this.s.cycles[c].json);
    if (reported !== undefined && reported < received)
      this.violations.push({
        kind: 'diskFull',
        detail: `${what} reported created ${reported} but Frappe received ${received} checkins from it`,
      });
    const runIds = runIdsOf(r.out, this.s.cycles[c].json);
    const runsDir = path.join(this.world.stateDir, 'runs');
    for (const id of runIds) {
      const file = path.join(runsDir, `${encodeURIComponent(id)}.json`);
      if (!fs.existsSync(file)) continue;
      try {
        const run = JSON.parse(fs.readFileSync(file, 'utf8')) as { status: string };
        if (run.status === 'running')
          this.violations.push({ kind: 'diskFull', detail: `${what}: run ${id} was left "running" on disk` });
      } catch (e) {
        this.violations.push({
          kind: 'diskFull',
          detail: `${what}: run ${id} summary unreadable: ${(e as Error).message}`,
        });
      }
    }
  }

  /** A reader that goes away at once (`… | head -c 0`): status 3, one line on stderr, no crash, no hang. */
  private async pipeClosedEarly(when: string): Promise<void> {
    this.count('output pipe closed early');
    const r = await this.spawn(this.args('failed', ['--json']), this.env(), undefined, { closeStdoutEarly: true }).done;
    this.results.push({ result: r, json: false, what: `failed --json ${when} (pipe closed early)` });
    const what = `failed --json ${when} with its pipe closed early`;
    if (r.hung) this.violations.push({ kind: 'hang', detail: `${what} did not finish` });
    else if (r.signal) this.violations.push({ kind: 'crash', detail: `${what} died of ${r.signal}: ${tail(r.err)}` });
    else if (r.code !== 3 || !/standard output was closed before everything was written/.test(r.err))
      this.violations.push({ kind: 'pipe', detail: `${what} exited ${r.code} (3 expected): ${tail(r.err)}` });
    if (/Unexpected error|\n\s+at [^\n]+:\d+:\d+\)?(\n|$)/.test(r.err))
      this.violations.push({ kind: 'crash', detail: `${what} printed a stack trace: ${tail(r.err, 1200)}` });
  }

  /** Deletes rows already synced (ids under the cursor seen after the previous cycle): later rows move up a page. */
  private deleteSynced(c: number, n: number): void {
    // Only rows the sync has really dealt with (a checkin or a failed punch): an id below the cursor may still be
    // a watched gap (committed out of order), and deleting it before it was ever visible is not a loss.
    const checkins = byKey(checkinsOf(this.world));
    const synced = this.world.ledger.filter(
      (e) => e.id !== null && e.id <= this.cursor && !e.deleted && processed(this.world, e, checkins, this.lastFailed),
    );
    const r = new Rng(this.s.seed ^ ((c + 1) * 0x2545f491));
    for (const e of r.sample(synced, Math.min(n, synced.length))) {
      this.world.biotime.store.deletePunch(e.id!);
      e.deleted = true;
      this.count('synced row deleted mid-read');
    }
  }

  private async finalCycle(): Promise<void> {
    const w = this.world;
    w.biotime.faults.clear();
    w.frappe.faults.clear();
    // Ids the last cycle reserved are committed now, below the cursor: the clean run must still find them.
    for (const x of this.s.cycles[this.s.cycles.length - 1]?.reserved ?? [])
      this.fill(x.punch, this.s.cycles.length, false);
    const result = await this.spawn(this.args('run', ['--verbose', '--json']), this.env()).done;
    this.results.push({ result, json: true, what: 'final clean run' });
    this.violations.push(...checkProcess({ result, json: true, what: 'final clean run' }));
    if (result.code !== 0)
      this.violations.push({
        kind: 'finalRun',
        detail: `the final clean run exited ${result.code ?? result.signal}:\n${tail(result.out, 1500)}\n${tail(result.err, 1500)}`,
      });
    const failed = await this.observe(this.s.cycles.length);
    this.tally = checkFinal(w, failed ?? [], this.violations);
    // A punch the cursor passed that a later run synced was deferred, not lost: say so, it tells the two bugs apart.
    const checkins = byKey(checkinsOf(w));
    for (const v of this.violations)
      if (v.kind === 'cursor' && v.entry && processed(w, v.entry, checkins, failed ?? []))
        v.detail += '; a later run synced it (deferred, not lost)';
    this.violations.push(...checkUserControl(w));
    const tokens = new Set(w.seenTokens);
    this.violations.push(...scanStateDir(w.stateDir, this.secrets, tokens));
    this.violations.push(...scanOutputs(this.results, this.secrets, tokens));
  }

  /** `status --json` and `failed --json` after a cycle: the state loads, and the cursor passed nothing unprocessed. */
  private async observe(c: number): Promise<FailedPunch[] | undefined> {
    const env = this.env();
    const [st, fl, hi] = await Promise.all([
      this.spawn(this.args('status', ['--json']), env).done,
      this.spawn(this.args('failed', ['--json']), env).done,
      this.spawn(this.args('history', ['--json', '--limit', '1000000']), env).done,
    ]);
    const when = c < this.s.cycles.length ? `after cycle ${c + 1}` : 'after the final run';
    this.results.push(
      { result: st, json: true, what: `status ${when}` },
      { result: fl, json: true, what: `failed ${when}` },
      { result: hi, json: true, what: `history ${when}` },
    );
    const history = parse<{ punches: HistoryPunch[] }>(hi)?.punches;
    if (!history)
      this.violations.push({
        kind: 'history',
        detail: `${when}: \`history --json\` failed: exit ${hi.code}: ${tail(hi.err)}`,
      });
    else
      this.violations.push(
        ...checkHistory(history, checkinsOf(this.world), this.world.biotime.url, when, c >= this.s.cycles.length),
      );
    const status = parse<{ devices: { cursor: number | null; watchedGaps?: WatchedGap[] }[]; problems: string[] }>(st);
    const failed = parse<{ failed: FailedPunch[] }>(fl)?.failed;
    if (!status || !failed) {
      this.violations.push({
        kind: 'stateLoad',
        detail: `${when}: status/failed --json did not load the state: exit ${st.code}/${fl.code}: ${tail(st.err)} ${tail(fl.err)}`,
      });
      return undefined;
    }
    if (status.problems?.length)
      this.violations.push({ kind: 'stateLoad', detail: `${when}: state problems: ${status.problems.join(' | ')}` });
    const cursor = status.devices[0]?.cursor ?? 0;
    if (cursor < this.cursor)
      this.violations.push({
        kind: 'cursor',
        detail: `${when}: the cursor went back from ${this.cursor} to ${cursor}`,
      });
    const checked = checkCursor(this.world, {
      cycle: c,
      before: this.cursor,
      after: cursor,
      failed,
      watched: status.devices[0]?.watchedGaps ?? [],
      deferred: this.deferred,
    });
    this.violations.push(...checked.violations);
    this.deferred = checked.deferred;
    this.cursor = Math.max(this.cursor, cursor);
    this.lastFailed = failed;
    return failed;
  }

  private sandbox(plan: Pick<FaultPlan, 'server'>) {
    return plan.server === 'biotime' ? this.world.biotime : this.world.frappe;
  }
}

/** The checkins a `run` says it created: `--json` runs, or the summary lines. undefined when it said nothing. */
function createdReported(out: string, json: boolean): number | undefined {
  if (json) {
    try {
      return (JSON.parse(out) as { runs: { counts: { created: number } }[] }).runs.reduce(
        (n, x) => n + x.counts.created,
        0,
      );
    } catch {
      return undefined;
    }
  }
  const all = [...out.matchAll(/created (\d+)/g)];
  return all.length ? all.reduce((n, m) => n + Number(m[1]), 0) : undefined;
}

function runIdsOf(out: string, json: boolean): string[] {
  if (!json) return [];
  try {
    return (JSON.parse(out) as { runs: { runId: string }[] }).runs.map((x) => x.runId);
  } catch {
    return [];
  }
}

function parse<T>(r: CliResult): T | undefined {
  if (r.code !== 0) return undefined;
  try {
    return JSON.parse(r.out) as T;
  } catch {
    return undefined;
  }
}
