/**
 * Simulated server capacity: at most `limit()` handlers run at once and the rest wait in FIFO order, the
 * way a fixed pool of gunicorn/uwsgi workers behaves. The limit is read on every acquire so tests can
 * change it on a running server; 0 means unlimited.
 */
export class WorkerPool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: () => number) {}

  get busy(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = (): void => {
        this.active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          this.drain();
        });
      };
      this.waiting.push(grant);
      this.drain();
    });
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const limit = this.limit();
      if (limit > 0 && this.active >= limit) return;
      const next = this.waiting.shift();
      next?.();
    }
  }
}

/**
 * setTimeout-based sleeps that the server can cancel all at once on close, so a pending latency or
 * simulated-work timer never keeps the process (or a test run) alive after the sandbox is gone.
 */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();
  private cancelled = false;

  /** Resolves after `ms`; never resolves once cancelAll() ran (the request is abandoned with its socket). */
  sleep(ms: number): Promise<void> {
    if (this.cancelled) return new Promise<void>(() => undefined);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /**
   * Like sleep, but exact below the event loop's 1 ms timer granularity: the whole milliseconds are a timer, the
   * fraction is waited out on setImmediate (I/O keeps being served). setTimeout(0.5) lasts about 1.1 ms, which
   * would double a 0.5 ms per-document cost on single-document requests and not on batches.
   */
  sleepPrecise(ms: number): Promise<void> {
    if (this.cancelled) return new Promise<void>(() => undefined);
    if (ms <= 0) return Promise.resolve();
    const end = performance.now() + ms;
    const whole = Math.floor(ms);
    return this.sleep(whole).then(
      () =>
        new Promise<void>((resolve) => {
          const spin = (): void => {
            if (this.cancelled) return;
            if (performance.now() >= end) resolve();
            else setImmediate(spin);
          };
          spin();
        }),
    );
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
