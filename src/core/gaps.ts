// Ids the cursor passed over without seeing. BioTime assigns transaction ids before its database transaction
// commits, so a long transaction (an attendance import, a slow upload) can make a low id visible after higher ids
// were read. Such ids are remembered as gaps and every run reads again from the oldest open gap, until the id
// appears (it is then processed) or the watch period ends (it was deleted, or the id was never used).
export type GapRange = [from: number, to: number, firstSeenAt: string, reads?: number];

/** Reads that must have looked for a gap, besides its age, before it is dropped (a laptop closed overnight must not expire it). */
export const GAP_MIN_READS = 3;

export const GAP_WATCH_MS = 2 * 60 * 60_000;
const MAX_RANGES = 500;

export class GapSet {
  private ranges: GapRange[];

  constructor(ranges: GapRange[] | undefined, now: Date, onExpire?: (r: GapRange) => void) {
    const cutoff = now.getTime() - GAP_WATCH_MS;
    this.ranges = [];
    for (const r of ranges ?? []) {
      if (Date.parse(r[2]) < cutoff && (r[3] ?? 0) >= GAP_MIN_READS) onExpire?.(r);
      else this.ranges.push(r);
    }
  }

  get min(): number | undefined {
    return this.ranges.length ? Math.min(...this.ranges.map((r) => r[0])) : undefined;
  }

  has(id: number): boolean {
    return this.ranges.some(([a, b]) => id >= a && id <= b);
  }

  add(from: number, to: number, now: Date): void {
    if (to < from) return;
    this.ranges.push([from, to, now.toISOString()]);
    if (this.ranges.length > MAX_RANGES) this.ranges.splice(0, this.ranges.length - MAX_RANGES);
  }

  /** The id appeared: split its range. */
  remove(id: number): void {
    const out: GapRange[] = [];
    for (const r of this.ranges) {
      const [a, b, t] = r;
      if (id < a || id > b) out.push(r);
      else {
        if (a <= id - 1) out.push([a, id - 1, t]);
        if (id + 1 <= b) out.push([id + 1, b, t]);
      }
    }
    this.ranges = out;
  }

  /** A complete read that started at `startedAt` looked for every gap already open then. */
  countRead(startedAt: string): void {
    for (const r of this.ranges) if (r[2] < startedAt) r[3] = (r[3] ?? 0) + 1;
  }

  toJSON(): GapRange[] {
    return this.ranges.map((r) => [...r] as GapRange);
  }
}
