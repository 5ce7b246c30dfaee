// A contender's own process: runs one sync against the servers the parent started and reports wall time, its
// CPU time and its RSS (sampled on every page and every 250 ms), so each contender's memory is its own.
// Started by bench/fork.ts; the job comes as JSON in argv[2] and the result goes back over the IPC channel.
import type { ContenderRun, Job, JobResult, RssSample } from './job';
import { emptyCounts } from './job';
import type { ProgressSample } from './metrics';
import { runEngine } from './contenders/engine';
import { runFbast } from './contenders/fbast';
import { runSeed } from './contenders/seed';

const MB = 1024 * 1024;
const SAMPLE_MS = 250;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const run = { engine: runEngine, seed: runSeed, fbast: runFbast }[job.kind];
  global.gc?.();
  const rssBeforeMb = process.memoryUsage.rss() / MB;
  const progress: ProgressSample[] = [];
  const rssSamples: RssSample[] = [];
  let peak = rssBeforeMb;
  let processed = 0;
  let lastKept = -Infinity;
  const t0 = performance.now();
  const sample = (fromPage: boolean) => {
    const ms = performance.now() - t0;
    const rssMb = process.memoryUsage.rss() / MB;
    peak = Math.max(peak, rssMb);
    // One RSS sample per second is kept for the report; the peak sees every sample.
    if (!fromPage && ms - lastKept >= 1000) {
      lastKept = ms;
      rssSamples.push({ ms, processed, rssMb });
    }
  };
  const timer = setInterval(() => sample(false), SAMPLE_MS);
  const cpu0 = process.cpuUsage();
  let outcome: ContenderRun = { counts: emptyCounts(), notes: [] };
  let error: string | undefined;
  try {
    outcome = await run(job, (n) => {
      processed = n;
      if (job.keepProgress) {
        const c = process.cpuUsage(cpu0);
        progress.push({ processed: n, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 });
        process.send?.({ type: 'progress', processed: n });
      }
      sample(true);
    });
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample(false);
  rssSamples.push({ ms: wallMs, processed, rssMb: process.memoryUsage.rss() / MB });
  if (!job.keepProgress) progress.push({ processed, ms: wallMs });
  const result: JobResult = {
    kind: job.kind,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBeforeMb,
    peakRssMb: peak,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rssSamples,
    progress,
    counts: outcome.counts,
    notes: outcome.notes,
    ...(error ? { error } : {}),
  };
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

void main();
