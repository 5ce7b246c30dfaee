// A contender's own process: runs one sync against the servers the parent started and reports wall time, its
// CPU time and its RSS (sampled on every page and every 250 ms), so each contender's memory is its own.
// Started by bench/fork.ts; the job comes as JSON in argv[2] and the result goes back over the IPC channel.
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { ContenderRun, EventLoopFigures, Job, JobResult, RssSample } from './job';
import { emptyCounts } from './job';
import type { ProgressSample } from './metrics';
import { runEngine } from './contenders/engine';
import { runCapacity } from './contenders/capacity';
import { runFbast } from './contenders/fbast';
import { runSeed } from './contenders/seed';

const MB = 1024 * 1024;
const SAMPLE_MS = 250;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const run = { engine: runEngine, seed: runSeed, fbast: runFbast, capacity: runCapacity }[job.kind];
  global.gc?.();
  // The process's own noise first (other agents on the machine deschedule it too), then the sync's.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 1000));
  idle.disable();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  // Garbage-collection pauses, to tell the engine's own long tasks from the collector's.
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  });
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
      rssSamples.push({ ms, processed, rssMb, heapUsedMb: process.memoryUsage().heapUsed / MB });
    }
  };
  const timer = setInterval(() => sample(false), SAMPLE_MS);
  process.send?.({ type: 'started' });
  if (job.eventLoop !== false) loop.enable();
  gcObserver.observe({ entryTypes: ['gc'] });
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
  loop.disable();
  gcObserver.disconnect();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample(false);
  rssSamples.push({
    ms: wallMs,
    processed,
    rssMb: process.memoryUsage.rss() / MB,
    heapUsedMb: process.memoryUsage().heapUsed / MB,
  });
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
    ...(outcome.engineCpuMs !== undefined ? { engineCpuMs: outcome.engineCpuMs } : {}),
    ...(outcome.historyCost ? { historyCost: outcome.historyCost } : {}),
    eventLoop: { ...loopFigures(loop, idle), gcPauses: gc.count, gcTotalMs: gc.totalMs, gcMaxMs: gc.maxMs },
    ...(error ? { error } : {}),
  };
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

const toMs = (ns: number) => ns / 1e6;

function loopFigures(h: IntervalHistogram, idle: IntervalHistogram): EventLoopFigures {
  return {
    p50Ms: toMs(h.percentile(50)),
    p99Ms: toMs(h.percentile(99)),
    maxMs: toMs(h.max),
    meanMs: toMs(h.mean),
    idleP99Ms: toMs(idle.percentile(99)),
    idleMaxMs: toMs(idle.max),
  };
}

void main();
