// How fast checkins are written to a Frappe site (issue 14). A real small site is the limit of a sync: two gunicorn
// workers on two shared cores do about 90 checkins a second with insert_many, whatever the client does. Two
// 200-document requests in flight take a few percent more of that, but keep both workers busy for seconds at a
// time, and a payroll clerk's click waits behind them (p95 1.7 s measured, frappe-wire/README.md "Cost").
//
// "polite" (the default) keeps ONE insert_many in flight, so one worker is always free for the desk, and sizes it
// to about POLITE_REQUEST_MS of the site's work (from the time per document it observes), so the client notices a
// slower site within two seconds. Two seconds, not one: every request leaves the writing worker idle for a round
// trip, and the engine's share of the site's capacity is what a single stream gets minus those gaps (issue 14
// asks 85% of two streams; one stream gets ~89%). A longer request does not cost the desk: it has the other worker. When a request takes much longer per document than the recent best, someone else is
// using the site: the writer then pauses for the extra time the site took, leaving it that share. One stream of
// insert_many already gets about 90% of what two get on the measured site (82 vs 92 documents a second).
//
// "fast" is the earlier behaviour: two requests of up to 200 in flight, for a night catch-up nobody works during.
import type { WriteMode } from '../core/configTypes';

/** Minutes after midnight [from, to), crossing midnight when from > to (site.fastWriteHours). */
export interface HoursWindow {
  from: number;
  to: number;
}

export function inWindow(w: HoursWindow, at: Date): boolean {
  const m = at.getHours() * 60 + at.getMinutes();
  return w.from < w.to ? m >= w.from && m < w.to : m >= w.from || m < w.to;
}

/** Site work per polite insert_many request, in ms. */
export const POLITE_REQUEST_MS = 2000;
/** First polite request, before anything was observed. */
export const POLITE_FIRST_BATCH = 50;
export const POLITE_MIN_BATCH = 10;
/** A request this many times slower per document than the recent best means the site is busy with others. */
export const SLOWDOWN_FACTOR = 2;
/** Longest pause after a slow request. */
export const MAX_PAUSE_MS = 5000;
/** Observations the "recent best" is taken from (the table growing slows inserts slowly; others, suddenly). */
const WINDOW = 16;

export class WritePace {
  private readonly recent: number[] = [];
  private current: WriteMode;

  constructor(
    readonly configured: WriteMode,
    /** Requests in flight in fast mode (the site's workers). */
    private readonly fastInFlight: number,
    private readonly maxBatch: number,
    /** Local hours when a polite site is written fast (a night catch-up). */
    private readonly fastHours?: HoursWindow,
  ) {
    this.current = configured;
  }

  /** The mode of the writes starting now (set by at()). */
  get mode(): WriteMode {
    return this.current;
  }

  /** Chooses the mode for a call of the writer starting at `now`: fast inside fastWriteHours. */
  at(now: Date): WriteMode {
    this.current = this.configured === 'fast' || (this.fastHours && inWindow(this.fastHours, now)) ? 'fast' : 'polite';
    return this.current;
  }

  /** insert_many requests in flight at once. */
  get inFlight(): number {
    return this.mode === 'fast' ? this.fastInFlight : 1;
  }

  /** Documents for the next polite request out of `remaining`, evened out so the last one is not a stub. */
  nextSize(remaining: number): number {
    if (remaining <= 0) return 0;
    const perDoc = this.latestMsPerDoc();
    const wanted = perDoc === undefined ? POLITE_FIRST_BATCH : Math.round(POLITE_REQUEST_MS / Math.max(perDoc, 0.001));
    const size = Math.min(this.maxBatch, Math.max(POLITE_MIN_BATCH, wanted));
    const requests = Math.ceil(remaining / size);
    return Math.ceil(remaining / requests);
  }

  /**
   * Records an answered insert_many of `docs` documents that took `ms`, and returns how long to wait before the
   * next one: 0 normally, the extra time the site took when it was much slower than its recent best.
   */
  observe(docs: number, ms: number): number {
    if (docs <= 0 || !(ms >= 0)) return 0;
    const perDoc = ms / docs;
    const best = this.recent.length ? Math.min(...this.recent) : undefined;
    this.recent.push(perDoc);
    if (this.recent.length > WINDOW) this.recent.shift();
    if (this.mode === 'fast' || best === undefined || perDoc <= best * SLOWDOWN_FACTOR) return 0;
    return Math.min(MAX_PAUSE_MS, Math.round((perDoc - best) * docs));
  }

  private latestMsPerDoc(): number | undefined {
    // The mean of the last few, so one noisy answer does not halve or double the next request.
    const last = this.recent.slice(-3);
    return last.length ? last.reduce((a, b) => a + b, 0) / last.length : undefined;
  }
}
