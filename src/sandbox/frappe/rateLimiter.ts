import { FrappeError } from './errors';

export interface RateLimit {
  /** Processing time allowed per window, in milliseconds (`rate_limit.limit`, which Frappe counts in µs). */
  limitMs: number;
  windowSeconds: number;
}

/**
 * The optional site-wide limiter of `frappe/rate_limiter.py` (frappe-api.md §11): one budget of processing
 * time per fixed window, shared by every caller. A request costs its simulated work, at least 1 ms.
 */
export class RateLimiter {
  private window = -1;
  private usedMs = 0;

  constructor(
    private readonly config: () => RateLimit | undefined,
    private readonly clock: () => Date,
  ) {}

  private roll(): { limit: RateLimit; resetSeconds: number } | undefined {
    const limit = this.config();
    if (!limit) return undefined;
    const seconds = this.clock().getTime() / 1000;
    const window = Math.floor(seconds / limit.windowSeconds);
    if (window !== this.window) {
      this.window = window;
      this.usedMs = 0;
    }
    return { limit, resetSeconds: Math.max(1, Math.ceil((window + 1) * limit.windowSeconds - seconds)) };
  }

  /** `before_request`: throws TooManyRequestsError (429) once the window's budget is spent. */
  check(): void {
    const state = this.roll();
    if (!state || this.usedMs < state.limit.limitMs) return;
    throw new FrappeError('TooManyRequestsError', 429, '', {
      headers: { 'Retry-After': String(state.resetSeconds), ...this.headers() },
    });
  }

  record(workMs: number): void {
    if (this.roll()) this.usedMs += Math.max(1, workMs);
  }

  /** `X-RateLimit-*` headers (microseconds, like Frappe). */
  headers(): Record<string, string> {
    const state = this.roll();
    if (!state) return {};
    const limitUs = state.limit.limitMs * 1000;
    const usedUs = Math.min(this.usedMs * 1000, limitUs);
    return {
      'X-RateLimit-Limit': String(limitUs),
      'X-RateLimit-Used': String(usedUs),
      'X-RateLimit-Remaining': String(limitUs - usedUs),
      'X-RateLimit-Reset': String(state.resetSeconds),
    };
  }
}
