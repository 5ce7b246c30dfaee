// What the parent hands a contender's child process, and what the child reports back.
import type { ProgressSample } from './metrics';

export type ContenderKind = 'engine' | 'seed' | 'fbast' | 'capacity';
export type UserControlMode = 'off' | 'frappe-user';

export interface Job {
  kind: ContenderKind;
  biotimeUrl: string;
  frappeUrl: string;
  userControl: UserControlMode;
  /** BioTime page size for the comparison contenders (the engine uses its own default). */
  pageSize: number;
  /** Keep every page's progress sample (large run) rather than only the summary figures. */
  keepProgress: boolean;
  /** Capacity contender: the documents to insert (a JSON file of insert_many docs) and the streams to use. */
  docsFile?: string;
  streams?: number;
  /**
   * Sample the event loop every 1 ms during the sync (default true). The zero-latency run turns it off: a thousand
   * wake-ups a second would count in the CPU per punch it measures.
   */
  eventLoop?: boolean;
  /** Engine contender: the site's writeMode (default: the engine's default). */
  writeMode?: string;
  /** Engine only: false runs it without the punch history (bench/history.ts measures what the history costs). */
  history?: boolean;
  /**
   * Engine only: after the sync, write the run's outcomes into a fresh punch history in this process, batch by batch as
   * the engine hands them over, and report the CPU of each part (ContenderRun.historyCost).
   */
  replayHistory?: boolean;
}

/** The engine's CPU for a sync and the history's CPU for the same punches, measured one after the other in one process. */
export interface HistoryCost {
  punches: number;
  batches: number;
  engineCpuMs: number;
  historyCpuMs: number;
  /**
   * Steady state, as in a long sync: the engine's CPU over the second half of its punches, and the history's for the
   * same punches written a second time (into another device's folder) once its code has run.
   */
  secondHalf: { punches: number; engineCpuMs: number };
  historyWarmCpuMs: number;
}

/** Event-loop delay of the contender's process during the sync (perf_hooks.monitorEventLoopDelay, 1 ms resolution). */
export interface EventLoopFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** The same histogram over 1 s before the sync started, in the same process: the machine's own noise. */
  idleP99Ms: number;
  idleMaxMs: number;
  /** Garbage-collection pauses during the sync (PerformanceObserver 'gc'): how many, their total and the longest. */
  gcPauses?: number;
  gcTotalMs?: number;
  gcMaxMs?: number;
}

export interface Counts {
  created: number;
  duplicate: number;
  failed: number;
  skipped: number;
}

export interface ContenderRun {
  counts: Counts;
  notes: string[];
  /** Engine only: CPU of the sync itself (runDevice), without setting the engine up or removing its state after. */
  engineCpuMs?: number;
  historyCost?: HistoryCost;
}

export interface RssSample {
  ms: number;
  processed: number;
  rssMb: number;
  /** V8 heap in use at the sample (what the engine keeps, plus garbage not yet collected). */
  heapUsedMb?: number;
}

export interface JobResult {
  kind: ContenderKind;
  wallMs: number;
  /** CPU of the contender's own process during the sync (user + system). */
  cpuMs: number;
  rssBeforeMb: number;
  /** Highest RSS sampled during the sync (every page and every 250 ms). */
  peakRssMb: number;
  /** The kernel's peak RSS for the whole child process (start-up and TypeScript loading included). */
  maxRssMb: number;
  rssSamples: RssSample[];
  progress: ProgressSample[];
  counts: Counts;
  notes: string[];
  eventLoop: EventLoopFigures;
  engineCpuMs?: number;
  historyCost?: HistoryCost;
  error?: string;
}

export function emptyCounts(): Counts {
  return { created: 0, duplicate: 0, failed: 0, skipped: 0 };
}
