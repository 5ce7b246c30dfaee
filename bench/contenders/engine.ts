// Contender 1: the engine as shipped — createEngine with the real BioTime and Frappe clients, file state in a
// temporary directory, every default left alone (page size, polite writes, write journal, fsyncs); the "fast"
// contender sets the site's writeMode and nothing else.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine } from '../../src/app/createEngine';
import { StaticCredentials } from '../../src/app/staticCredentials';
import { validateConfig } from '../../src/core/config';
import type { Logger } from '../../src/core/ports';
import { PunchHistory } from '../../src/core/history/punchHistory';
import type { PunchOutcome } from '../../src/shared/model';
import type { ContenderRun, HistoryCost, Job, UserControlMode } from '../job';
import { CREDENTIALS, ZONE } from '../world';
import { OTHER_STATES, PUNCH_STATES } from '../workload';

export const DEVICE_ID = 'bench';

/** The configuration a user would write for this office; the page size is the engine's default. */
export function benchConfig(biotimeUrl: string, frappeUrl: string, userControl: UserControlMode, writeMode?: string) {
  return validateConfig({
    sites: [{ id: 'site', url: frappeUrl, timeZone: ZONE, ...(writeMode ? { writeMode } : {}) }],
    devices: [
      {
        id: DEVICE_ID,
        name: 'Benchmark office',
        url: biotimeUrl,
        username: CREDENTIALS.username,
        site: 'site',
        timeZone: ZONE,
        punchStates: PUNCH_STATES,
        otherPunchStates: OTHER_STATES,
        userControl: { mode: userControl },
      },
    ],
  });
}

export async function runEngine(job: Job, progress: (processed: number) => void): Promise<ContenderRun> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-bench-'));
  const notes: string[] = [];
  const logger: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (m) => void (notes.length < 5 && notes.push(`warn: ${m}`)),
    error: (m) => void (notes.length < 5 && notes.push(`error: ${m}`)),
  };
  const credentials = new StaticCredentials({
    biotimePassword: CREDENTIALS.password,
    frappeApiKey: CREDENTIALS.apiKey,
    frappeApiSecret: CREDENTIALS.apiSecret,
  });
  const handle = createEngine({
    config: benchConfig(job.biotimeUrl, job.frappeUrl, job.userControl, job.writeMode),
    stateDir,
    credentials,
    logger,
    lockOwner: 'benchmark',
    history: job.history !== false,
  });
  // CPU of this process after each page, to tell the engine's steady state from its start (replayHistory).
  const cpuAt: Array<{ processed: number; micros: number }> = [];
  const sub = handle.engine.onEvent((e) => {
    if (e.type !== 'punchesProcessed') return;
    progress(e.processed);
    if (job.replayHistory) {
      const c = process.cpuUsage();
      cpuAt.push({ processed: e.processed, micros: c.user + c.system });
    }
  });
  try {
    const cpu0 = process.cpuUsage();
    const summary = await handle.engine.runDevice(DEVICE_ID);
    const engineCpu = process.cpuUsage(cpu0);
    if (summary.status !== 'completed')
      throw new Error(`engine run ${summary.status}: ${summary.error?.message ?? 'no error recorded'}`);
    const c = summary.counts;
    if (c.userControlCalls)
      notes.push(`user control: ${c.userControlCalls} employee(s) applied once each, ${c.userControlFailed} failed`);
    const counts = { created: c.created, duplicate: c.duplicate, failed: c.failed, skipped: c.skipped };
    const engineCpuMs = (engineCpu.user + engineCpu.system) / 1000;
    if (!job.replayHistory) return { counts, notes, engineCpuMs };
    const wallMs = Date.parse(summary.finishedAt ?? '') - Date.parse(summary.startedAt);
    const end = engineCpu;
    const half = cpuAt.find((p) => p.processed >= c.fetched / 2) ?? cpuAt[0];
    const start = cpu0.user + cpu0.system;
    const secondHalf = half
      ? { punches: c.fetched - half.processed, engineCpuMs: (start + end.user + end.system - half.micros) / 1000 }
      : { punches: 0, engineCpuMs: 0 };
    const cost = await replayHistory(stateDir, summary.runId, wallMs);
    return { counts, notes, engineCpuMs, historyCost: { ...cost, engineCpuMs, secondHalf } };
  } finally {
    sub.dispose();
    await handle.dispose();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * What keeping the history cost for the punches the engine just synced: the run record's outcomes written into a fresh
 * PunchHistory the way the engine hands them over (a batch per page with each outcome's JSON, the run's own pace on
 * the history's clock, so its timed writes — fsync, progress mark — come as often as in the run, and a flush at the
 * end). Only the history's calls are timed (nothing else runs in the process meanwhile). Twice: the first pass pays
 * for compiling the history's code, as a fresh process does once; the second (another device's folder) is the cost
 * per punch of a long sync. The run record is kept as JSON text and each batch parsed just before its call: the
 * engine holds one batch of outcomes at a time, and a hundred thousand parsed outcomes kept alive would make every
 * garbage collection here dearer than in a run.
 */
async function replayHistory(
  stateDir: string,
  runId: string,
  wallMs: number,
): Promise<Pick<HistoryCost, 'punches' | 'batches' | 'historyCpuMs' | 'historyWarmCpuMs'>> {
  const prefix = '{"t":"o","o":';
  const json = fs
    .readFileSync(path.join(stateDir, 'runs', `${encodeURIComponent(runId)}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length, -1));
  const pageSize = benchConfig('http://x', 'http://x', 'off').devices[0].pageSize;
  const batches = Math.ceil(json.length / pageSize);
  const step = Number.isFinite(wallMs) && batches ? wallMs / batches : 0;
  const pass = async (deviceId: string): Promise<number> => {
    let clock = Date.now();
    // The run's own state folder (its history was off): the writer stats the real run record after each batch.
    const history = new PunchHistory(stateDir, {
      now: () => new Date(clock),
      historyDays: () => 400,
      listRuns: async () => [],
    });
    (globalThis as { gc?: () => void }).gc?.(); // the child runs with --expose-gc
    let cpuMicros = 0;
    const timed = async (call: () => Promise<unknown>) => {
      const c0 = process.cpuUsage();
      await call();
      const c = process.cpuUsage(c0);
      cpuMicros += c.user + c.system;
    };
    await timed(() => history.catchUp(deviceId, ZONE));
    for (let i = 0; i < json.length; i += pageSize) {
      const texts = json.slice(i, i + pageSize);
      const outcomes = texts.map((t) => JSON.parse(t) as PunchOutcome);
      await timed(() => history.recordBatch({ deviceId, runId, runKind: 'sync', outcomes, json: texts, zone: ZONE }));
      clock += step;
    }
    await timed(() => history.flush());
    return cpuMicros / 1000;
  };
  const historyCpuMs = await pass(DEVICE_ID);
  const historyWarmCpuMs = await pass(`${DEVICE_ID}-again`);
  return { punches: json.length, batches, historyCpuMs, historyWarmCpuMs };
}
