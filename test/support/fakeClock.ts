// A deterministic Clock for tests. Time only moves when the test says so: `advance(ms)` fires due timers and
// pending sleeps in order. With `autoAdvance` (handy for code that backs off between retries), every `sleep`
// moves the clock forward by its own duration and resolves at once. Every sleep is recorded in `sleeps`.
import { CancelledError } from '../../src/core/errors';
import type { Disposable } from '../../src/core/events';
import type { Clock } from '../../src/core/ports';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

export interface FakeClockOptions {
  /** Each sleep advances the clock by its duration and resolves immediately (default false). */
  autoAdvance?: boolean;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  readonly autoAdvance: boolean;
  /** Every duration passed to sleep(), in call order. */
  readonly sleeps: number[] = [];

  constructor(start: Date | string = '2024-05-24T06:00:00Z', options: FakeClockOptions = {}) {
    this.t = new Date(start).getTime();
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): Date {
    return new Date(this.t);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.autoAdvance) {
      this.advance(Math.max(0, ms));
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const timer = this.add(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = () => {
        this.remove(timer);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  setTimer(callback: () => void, ms: number): Disposable {
    const timer = this.add(ms, callback);
    return { dispose: () => this.remove(timer) };
  }

  /** Moves time forward, firing every timer due on the way (in due order). */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
    this.t = target;
  }

  /** Sets the time (forward only; timers due by then fire). */
  setNow(at: Date | string): void {
    this.advance(Math.max(0, new Date(at).getTime() - this.t));
  }

  /** Timers and sleeps not yet due. */
  get pending(): number {
    return this.timers.length;
  }

  private add(ms: number, fire: () => void): Timer {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fire };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return timer;
  }

  private remove(timer: Timer): void {
    this.timers = this.timers.filter((x) => x !== timer);
  }
}
