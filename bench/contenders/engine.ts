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
  const sub = handle.engine.onEvent((e) => {
    if (e.type === 'punchesProcessed') progress(e.processed);
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
    if (!job.replayHistory) return { counts, notes };
    const engineCpuMs = (engineCpu.user + engineCpu.system) / 1000;
    const wallMs = Date.parse(summary.finishedAt ?? '') - Date.parse(summary.startedAt);
    return { counts, notes, historyCost: await replayHistory(stateDir, summary.runId, engineCpuMs, wallMs) };
  } finally {
    sub.dispose();
    await handle.dispose();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * What keeping the history cost for the punches the engine just synced: the run record's outcomes written into a fresh
 * PunchHistory the way the engine hands them over (a batch per page, the run's own pace on the history's clock, so its
 * timed writes — index entries, fsync, progress mark — come as often as in the run, and a flush at the end), with
 * nothing else running in the process. The engine's CPU was measured for the same punches just before.
 */
async function replayHistory(
  stateDir: string,
  runId: string,
  engineCpuMs: number,
  wallMs: number,
): Promise<HistoryCost> {
  const text = fs.readFileSync(path.join(stateDir, 'runs', `${encodeURIComponent(runId)}.jsonl`), 'utf8');
  const outcomes: PunchOutcome[] = [];
  const json: string[] = [];
  const prefix = '{"t":"o","o":';
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    outcomes.push(JSON.parse(line.slice(prefix.length, -1)) as PunchOutcome);
    // The engine hands the history each outcome's JSON as the run record holds it.
    json.push(line.slice(prefix.length, -1));
  }
  const pageSize = benchConfig('http://x', 'http://x', 'off').devices[0].pageSize;
  const batches: Array<{ outcomes: PunchOutcome[]; json: string[] }> = [];
  for (let i = 0; i < outcomes.length; i += pageSize)
    batches.push({ outcomes: outcomes.slice(i, i + pageSize), json: json.slice(i, i + pageSize) });
  let clock = Date.now();
  const step = Number.isFinite(wallMs) && batches.length ? wallMs / batches.length : 0;
  // The run's own state folder (its history was off): the writer stats the real run record after each batch.
  const history = new PunchHistory(stateDir, {
    now: () => new Date(clock),
    historyDays: () => 400,
    listRuns: async () => [],
  });
  // The parse above leaves megabytes of garbage: collected now, it is not counted as the history's (the child runs
  // with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const cpu0 = process.cpuUsage();
  await history.catchUp(DEVICE_ID, ZONE);
  for (const b of batches) {
    await history.recordBatch({ deviceId: DEVICE_ID, runId, runKind: 'sync', ...b, zone: ZONE });
    clock += step;
  }
  await history.flush();
  const c = process.cpuUsage(cpu0);
  return { punches: outcomes.length, batches: batches.length, engineCpuMs, historyCpuMs: (c.user + c.system) / 1000 };
}
