/**
 * The site's CPU, shared by the requests its workers are running (processor sharing). A real small Frappe site does
 * not get twice the work done with two workers busy: the workers, MariaDB and Redis share a couple of cores, and
 * frappe-wire/README.md "Cost" measured 82 documents/s with one stream of insert_many and only 92 with two. With a
 * capacity of C, k requests working at once each progress at min(1, C / k) of their own speed alone: one request
 * alone is never faster than its cost, and a desk user's GET that lands beside an insert slows it down (and is
 * slowed down by it), as on the real site.
 */
export interface CpuTimers {
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. */
  set(ms: number, fn: () => void): () => void;
}

export const realCpuTimers: CpuTimers = {
  now: () => performance.now(),
  set: (ms, fn) => {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

interface Job {
  remaining: number;
  done: () => void;
}

export class SharedCpu {
  private readonly jobs = new Set<Job>();
  private last = 0;
  private cancelTimer: (() => void) | undefined;
  private cancelled = false;

  /** `capacity`: requests' worth of work done at once when busy (read on every change, like the other knobs). */
  constructor(
    private readonly capacity: () => number,
    private readonly timers: CpuTimers = realCpuTimers,
  ) {}

  get active(): number {
    return this.jobs.size;
  }

  /** Resolves once `ms` of work is done at the shared rate; never resolves after cancelAll() (like TimerSet). */
  run(ms: number): Promise<void> {
    if (this.cancelled) return new Promise<void>(() => undefined);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.advance();
      this.jobs.add({ remaining: ms, done: resolve });
      this.schedule();
    });
  }

  cancelAll(): void {
    this.cancelled = true;
    this.cancelTimer?.();
    this.jobs.clear();
  }

  /** Each job's speed with the current number of jobs. */
  private rate(): number {
    const k = this.jobs.size;
    return k === 0 ? 0 : Math.min(1, Math.max(1e-3, this.capacity()) / k);
  }

  /** Charges the time since the last change to every job, at the rate that held during it. */
  private advance(): void {
    const now = this.timers.now();
    const spent = (now - this.last) * this.rate();
    this.last = now;
    if (spent <= 0) return;
    for (const j of this.jobs) j.remaining -= spent;
  }

  private schedule(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (!this.jobs.size || this.cancelled) return;
    let least = Infinity;
    for (const j of this.jobs) least = Math.min(least, j.remaining);
    this.cancelTimer = this.timers.set(Math.max(0, least / this.rate()), () => this.tick());
  }

  private tick(): void {
    this.cancelTimer = undefined;
    this.advance();
    // Timers fire a little late, never early; a job within a microsecond of its end is done.
    for (const j of [...this.jobs])
      if (j.remaining <= 1e-3) {
        this.jobs.delete(j);
        j.done();
      }
    this.schedule();
  }
}
