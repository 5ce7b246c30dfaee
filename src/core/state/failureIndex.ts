// What memory keeps of a device's live failed punches (failedJournal.ts): per key its first failure, attempts, kind
// of failure and the journal line holding the punch now, in columns of typed arrays. An object, an ISO string and a
// map entry per punch cost about 250 bytes, 12 MB for the 50,000 failed punches a million-punch backlog leaves with
// 5% unknown codes; here a punch costs its map entry and 18 bytes of columns. Numeric keys (BioTime transaction
// ids) are kept as numbers, so their strings are not held either.
import type { FailedPunch } from '../../shared/model';
import type { FailedPrefilter } from '../ports';

/** One failed punch as the index knows it. */
export interface KeptFailure {
  firstFailedAt: string;
  attempts: number;
  /** The punch's current line: the n-th non-empty line of the file, from 0. */
  line: number;
}

/** A transaction id as a key: digits without a leading zero, small enough to be held as a small integer. */
const NUMERIC = /^[1-9]\d{0,8}$/;
const slotKey = (key: string): string | number => (NUMERIC.test(key) ? Number(key) : key);

export class FailureIndex {
  private readonly slots = new Map<string | number, number>();
  private lines = new Int32Array(16);
  private attempts = new Int32Array(16);
  /** firstFailedAt in ms when it is a canonical ISO time (what the engine writes); NaN otherwise, see `odd`. */
  private firsts = new Float64Array(16);
  private kinds = new Uint8Array(16);
  /** firstFailedAt values a time in ms would not give back as they were (hand edits, older files). */
  private readonly odd = new Map<number, string | undefined>();
  /** Failure codes met, numbered in `kinds`. */
  private readonly codes: string[] = [];
  private readonly free: number[] = [];
  private used = 0;

  get size(): number {
    return this.slots.size;
  }

  has(key: string): boolean {
    return this.slots.has(slotKey(key));
  }

  get(key: string): KeptFailure | undefined {
    const s = this.slots.get(slotKey(key));
    if (s === undefined) return undefined;
    return { firstFailedAt: this.firstAt(s), attempts: this.attempts[s], line: this.lines[s] };
  }

  /** The line holding `key`'s punch, or -1. */
  lineOf(key: string): number {
    const s = this.slots.get(slotKey(key));
    return s === undefined ? -1 : this.lines[s];
  }

  *keys(): IterableIterator<string> {
    for (const k of this.slots.keys()) yield String(k);
  }

  /** Records the punch now on `line` (a new failure, another attempt or an edit). */
  put(p: Pick<FailedPunch, 'key' | 'firstFailedAt' | 'attempts' | 'failure'>, line: number): void {
    const key = slotKey(p.key);
    let s = this.slots.get(key);
    if (s === undefined) {
      s = this.free.pop() ?? this.grow();
      this.slots.set(key, s);
    }
    this.lines[s] = line;
    this.attempts[s] = p.attempts;
    this.kinds[s] = this.codeOf(p.failure);
    const ms = typeof p.firstFailedAt === 'string' ? Date.parse(p.firstFailedAt) : NaN;
    if (Number.isFinite(ms) && new Date(ms).toISOString() === p.firstFailedAt) {
      this.firsts[s] = ms;
      this.odd.delete(s);
    } else {
      this.firsts[s] = NaN;
      this.odd.set(s, p.firstFailedAt);
    }
  }

  delete(key: string): boolean {
    const k = slotKey(key);
    const s = this.slots.get(k);
    if (s === undefined) return false;
    this.slots.delete(k);
    this.odd.delete(s);
    this.free.push(s);
    return true;
  }

  /** The lines of the punches `pre` accepts. */
  linesWhere(pre: FailedPrefilter): Set<number> {
    let code = pre.failure === undefined ? -1 : this.codes.indexOf(pre.failure);
    const out = new Set<number>();
    if (pre.failure !== undefined && code < 0) return out;
    if (code >= 255) code = -1; // a shared number: every punch is a candidate, the caller's filter decides
    for (const s of this.slots.values()) {
      if (code >= 0 && this.kinds[s] !== code) continue;
      if (pre.attemptsBelow !== undefined && !(this.attempts[s] < pre.attemptsBelow)) continue;
      out.add(this.lines[s]);
    }
    return out;
  }

  /** The slots of the live punches in line order (for a compaction, which renumbers them with setLineAt). */
  byLine(): Int32Array {
    return Int32Array.from(this.slots.values()).sort((a, b) => this.lines[a] - this.lines[b]);
  }

  lineAt(slot: number): number {
    return this.lines[slot];
  }

  setLineAt(slot: number, line: number): void {
    this.lines[slot] = line;
  }

  private firstAt(s: number): string {
    return Number.isNaN(this.firsts[s]) ? (this.odd.get(s) as string) : new Date(this.firsts[s]).toISOString();
  }

  private codeOf(failure: string | undefined): number {
    const f = failure ?? '';
    let i = this.codes.indexOf(f);
    if (i < 0) i = this.codes.push(f) - 1;
    // More than 255 distinct codes cannot come from the engine; they share the last number and are read from the file.
    return Math.min(i, 255);
  }

  private grow(): number {
    const s = this.used++;
    if (s < this.lines.length) return s;
    const n = this.lines.length * 2;
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
    this.lines = widen(this.lines, new Int32Array(n));
    this.attempts = widen(this.attempts, new Int32Array(n));
    this.firsts = widen(this.firsts, new Float64Array(n));
    this.kinds = widen(this.kinds, new Uint8Array(n));
    return s;
  }
}
