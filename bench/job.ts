// What the parent hands a contender's child process, and what the child reports back.
import type { ProgressSample } from './metrics';

export type ContenderKind = 'engine' | 'seed' | 'fbast';
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
  /** Engine only: false runs it without the punch history (bench/history.ts measures what the history costs). */
  history?: boolean;
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
}

export interface RssSample {
  ms: number;
  processed: number;
  rssMb: number;
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
  error?: string;
}

export function emptyCounts(): Counts {
  return { created: 0, duplicate: 0, failed: 0, skipped: 0 };
}
