// A desk user on the Frappe site while a contender syncs: a cheap GET of one Employee every 100 ms (issue 14), from
// the benchmark's parent process, timed from send to answer. The same probe runs on the idle site first, so each
// contender has its own "idle" and "during" figures from the same servers.
import { percentile } from './metrics';
import { CREDENTIALS } from './world';

export const PROBE_EVERY_MS = 100;
/** The sandbox's stats key of the probe's request (bench/metrics requestsPerPunch leaves these out). */
export const PROBE_ROUTE = 'GET /api/resource/Employee/{name}';
/** Probes taken on the idle site before each contender starts. */
export const IDLE_PROBES = 30;

export interface LatencyFigures {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface DeskFigures {
  idle: LatencyFigures;
  during: LatencyFigures;
}

export function latencyFigures(samples: number[]): LatencyFigures {
  const s = [...samples].sort((a, b) => a - b);
  return {
    count: s.length,
    p50Ms: percentile(s, 50),
    p95Ms: percentile(s, 95),
    maxMs: s.length ? s[s.length - 1] : null,
  };
}

export class DeskProbe {
  /** Requests sent (answered or not), so the contenders' request counts can leave them out. */
  sent = 0;
  private readonly samples: number[] = [];
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly url: string;

  constructor(frappeUrl: string, employee: string) {
    this.url = `${frappeUrl}/api/resource/Employee/${encodeURIComponent(employee)}`;
  }

  start(): void {
    this.fire();
    this.timer = setInterval(() => this.fire(), PROBE_EVERY_MS);
  }

  /** Stops firing, waits for the probes in flight (they were asked during the window), returns every duration. */
  async stop(): Promise<number[]> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
    return [...this.samples];
  }

  /** The idle site: IDLE_PROBES probes, one every 100 ms, after one unrecorded probe that opens the connection. */
  async idle(): Promise<number[]> {
    this.fire();
    await Promise.all(this.pending);
    this.samples.length = 0;
    this.start();
    await new Promise((r) => setTimeout(r, IDLE_PROBES * PROBE_EVERY_MS - PROBE_EVERY_MS / 2));
    return this.stop();
  }

  private fire(): void {
    this.sent++;
    const t = performance.now();
    const p = fetch(this.url, {
      headers: { Accept: 'application/json', Authorization: `token ${CREDENTIALS.apiKey}:${CREDENTIALS.apiSecret}` },
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 200) this.samples.push(performance.now() - t);
      })
      .catch(() => undefined)
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
