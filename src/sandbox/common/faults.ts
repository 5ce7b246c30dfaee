import { createRng } from './rng';

export type FaultKind = '500' | '502' | '503' | 'timeout' | 'reset' | '429' | 'malformed' | 'html';

/** Every matching request draws once: with probability `rate` it gets one of `kinds` (chosen uniformly). */
export interface RandomFaults {
  rate: number;
  kinds: FaultKind[];
  /** Only requests whose path (or "METHOD path") matches are eligible; all requests when omitted. */
  paths?: RegExp;
}

interface PlannedFault {
  kind: FaultKind;
  remaining: number;
  paths?: RegExp;
}

export const faultKinds: readonly FaultKind[] = ['500', '502', '503', 'timeout', 'reset', '429', 'malformed', 'html'];

function emptyCounts(): Record<FaultKind, number> {
  const counts = {} as Record<FaultKind, number>;
  for (const kind of faultKinds) counts[kind] = 0;
  return counts;
}

// A regex is tested against the bare path and against "METHOD path", so plans can target either
// "/iclock/api/transactions/" or "^POST " without a separate method option.
function matches(paths: RegExp | undefined, method: string, path: string): boolean {
  if (!paths) return true;
  paths.lastIndex = 0;
  if (paths.test(path)) return true;
  paths.lastIndex = 0;
  return paths.test(`${method} ${path}`);
}

/**
 * Decides, per request, whether the sandbox misbehaves. Deterministic injections (`injectNext`) are served
 * first, in the order they were planned; otherwise the random plan (seeded, so reproducible) draws once.
 */
export class FaultInjector {
  private readonly rng: () => number;
  private random: RandomFaults | undefined;
  private planned: PlannedFault[] = [];
  readonly counts: Record<FaultKind, number> = emptyCounts();

  constructor(seed = 1) {
    this.rng = createRng(seed);
  }

  setRandom(plan: RandomFaults | undefined): void {
    if (plan && (plan.rate < 0 || plan.rate > 1)) throw new RangeError(`fault rate must be in [0,1], got ${plan.rate}`);
    this.random = plan && plan.kinds.length > 0 ? plan : undefined;
  }

  injectNext(kind: FaultKind, count = 1, paths?: RegExp): void {
    if (count > 0) this.planned.push({ kind, remaining: count, paths });
  }

  /** Drops both the random plan and any pending deterministic injections (counts are kept). */
  clear(): void {
    this.random = undefined;
    this.planned = [];
  }

  take(method: string, path: string): FaultKind | undefined {
    const kind = this.takePlanned(method, path) ?? this.drawRandom(method, path);
    if (kind) this.counts[kind]++;
    return kind;
  }

  private takePlanned(method: string, path: string): FaultKind | undefined {
    const index = this.planned.findIndex((p) => matches(p.paths, method, path));
    if (index < 0) return undefined;
    const plan = this.planned[index];
    plan.remaining--;
    if (plan.remaining <= 0) this.planned.splice(index, 1);
    return plan.kind;
  }

  private drawRandom(method: string, path: string): FaultKind | undefined {
    const plan = this.random;
    if (!plan || !matches(plan.paths, method, path)) return undefined;
    // The kind is drawn only when a fault fires, so the sequence depends on the seed and request order alone.
    if (this.rng() >= plan.rate) return undefined;
    return plan.kinds[Math.floor(this.rng() * plan.kinds.length)];
  }
}
