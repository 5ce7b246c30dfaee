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
import type { ContenderRun, Job, UserControlMode } from '../job';
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
    const summary = await handle.engine.runDevice(DEVICE_ID);
    if (summary.status !== 'completed')
      throw new Error(`engine run ${summary.status}: ${summary.error?.message ?? 'no error recorded'}`);
    const c = summary.counts;
    if (c.userControlCalls)
      notes.push(`user control: ${c.userControlCalls} employee(s) applied once each, ${c.userControlFailed} failed`);
    return { counts: { created: c.created, duplicate: c.duplicate, failed: c.failed, skipped: c.skipped }, notes };
  } finally {
    sub.dispose();
    await handle.dispose();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}
