// Reading transactions with id > afterId from BioTime's page-numbered list.
//
// Cursor design (decided):
// - BioTime has no id filter (unknown query params such as id__gt are silently ignored, so a guessed filter would
//   return everything), but without `ordering` it lists in ascending id. Ids are assigned on arrival, so new punches
//   land at the end and the list is stable under appends.
// - So we locate the first page that holds an id > afterId, then stream forward page by page. Locating tries the
//   hint page (where the previous run stopped) first, then binary-searches page numbers using `count` (one request
//   per probe; a page whose last id ≤ cursor means "go right"). Without a `count`, it gallops (1, 2, 4, … pages).
// - A start page is accepted only with evidence that nothing between the cursor and its first row was missed:
//   either it straddles the cursor (first id ≤ cursor < last id), or it is page 1, or the previous page ends at or
//   below the cursor and both were read with the same `count`. Reads that find nothing newer need no evidence:
//   yielding nothing can skip nothing.
// - Offset pagination shifts rows when the list changes under us: a late-committed lower id pushes rows right
//   (overlap: harmless but it means positions moved); a deletion pulls rows left (a row could slip past us). So when
//   `count` changes between consecutive reads, or a page starts at or below the highest id already yielded, we
//   re-locate from that id and continue. Ids are yielded strictly ascending, so nothing is yielded twice.
// - Page URLs are always built from our base URL with page + 1; `next` is only a hint that more pages exist, since
//   BioTime builds it with its own idea of its host (often an internal address).
// - We send both `page_size` and `limit` (the 8.5 manuals' name). A server that ignores both answers with its own
//   page size; we notice (a non-last page with a different row count) and follow its size.
import { BioTimeError, CancelledError } from '../core/errors';
import type { Logger, Punch, TransactionPage, TransactionQuery } from '../core/ports';
import { detailOf, expectJson, statusError } from './answers';
import type { BioTimeApi } from './api';
import { parseEnvelope, parsePunch, type ParseOptions } from './parse';

export const TRANSACTIONS_PATH = '/iclock/api/transactions/';
const MAX_LOCATE_ATTEMPTS = 8;
const MAX_STUCK_RELOCATIONS = 6;
const MAX_SIZE_CHANGES = 2;
const MAX_PAGE = 1e9;

export interface PageRead {
  page: number;
  count: number | null;
  next: string | null;
  punches: Punch[];
  /** Lowest and highest id on the page (records without id ignored). */
  first?: number;
  last?: number;
  /** No rows: a 404 "Invalid page." past the end, or an empty list. */
  missing: boolean;
}

/** Internal: the located position is not trustworthy; start again at `candidate`. */
class Restart {
  constructor(readonly candidate: number) {}
}

export interface ReaderDeps {
  api: BioTimeApi;
  logger: Logger;
  parse: ParseOptions;
}

export function clampPageSize(n: number): number {
  return Number.isFinite(n) ? Math.min(10_000, Math.max(1, Math.floor(n))) : 100;
}

/** Fetches one page of the transaction list (page_size + limit, optional start_time). */
export async function fetchTransactionPage(d: ReaderDeps, page: number, size: number, startTime?: string, signal?: AbortSignal): Promise<PageRead & { rowCount: number }> {
  const { api } = d;
  const what = `GET ${TRANSACTIONS_PATH} (page ${page})`;
  const params = { page, page_size: size, limit: size, start_time: startTime || undefined };
  const res = await api.send({ method: 'GET', url: TRANSACTIONS_PATH, params, retry: 'read', signal });
  if (res.status === 404) {
    // DRF answers a page past the end with 404 {"detail": "Invalid page."}.
    if (page > 1 || /invalid page/i.test(detailOf(res.text))) return { page, count: null, next: null, punches: [], missing: true, rowCount: 0 };
    throw statusError(res, api.server, what);
  }
  const env = parseEnvelope(expectJson(res, api.server, what), api.server, what);
  const punches = env.rows.map((r) => parsePunch(r, d.parse));
  let first: number | undefined;
  let last: number | undefined;
  for (const p of punches) {
    if (p.id === null) continue;
    if (last !== undefined && p.id <= last) {
      throw new BioTimeError(
        'order',
        `BioTime does not list transactions in id order; page ${page} lists id ${p.id} after id ${last} (${api.server}).`,
        'BioTime Sync relies on the default ascending-id order of /iclock/api/transactions/. Check for a proxy or customisation that sorts the list, and report the BioTime version.',
      );
    }
    first ??= p.id;
    last = p.id;
  }
  return { page, count: env.count, next: env.next, punches, first, last, missing: punches.length === 0, rowCount: env.rows.length };
}

export class TransactionReader {
  private size: number;
  private sizeChanges = 0;
  /** Highest id yielded so far (afterId before the first). */
  private cursor: number;
  /** Set once a row with id > afterId was seen: records without id are yielded only after that point. */
  private started = false;
  private readonly yieldedWithoutId = new Set<string>();

  constructor(
    private readonly d: ReaderDeps,
    private readonly q: TransactionQuery,
  ) {
    this.size = clampPageSize(q.pageSize);
    this.cursor = q.afterId;
  }

  async *pages(): AsyncGenerator<TransactionPage> {
    let cur = await this.locate(this.hintPage());
    let stuck = 0;
    let lastRelocatedAt: number | undefined;
    let endRetriedAt: number | undefined;
    while (cur) {
      this.checkAbort();
      const punches = this.take(cur);
      const isLast = this.isLast(cur);
      yield { punches, page: cur.page, hint: { pageSize: this.size, page: cur.page, ...(this.q.startTime ? { startTime: this.q.startTime } : {}) }, totalCount: cur.count ?? (cur.page - 1) * this.size + cur.punches.length, isLast };
      if (isLast) return;
      this.checkAbort();
      let nxt: PageRead;
      try {
        nxt = await this.fetch(cur.page + 1);
      } catch (e) {
        if (!(e instanceof Restart)) throw e;
        cur = await this.locate(e.candidate);
        continue;
      }
      if (nxt.missing) {
        if (nxt.next !== null) {
          this.d.logger.warn(`${this.d.api.server}: page ${nxt.page} of the transactions is empty but BioTime says more follow; stopping here for this run.`);
          return;
        }
        // BioTime said more pages follow, yet there are none: rows were deleted (later rows may have moved onto the
        // page just read) or `count` was stale. Look once more from the cursor, then stop.
        if (endRetriedAt === this.cursor) return;
        endRetriedAt = this.cursor;
        cur = await this.locate(cur.page);
        continue;
      }
      this.checkSamePage(cur, nxt);
      if (nxt.count === cur.count && (nxt.first === undefined || nxt.first > this.cursor)) {
        cur = nxt;
        continue;
      }
      stuck = lastRelocatedAt === this.cursor ? stuck + 1 : 0;
      lastRelocatedAt = this.cursor;
      if (stuck >= MAX_STUCK_RELOCATIONS) {
        throw new BioTimeError('badResponse', `${this.d.api.server}: the transaction pages kept shifting while reading past id ${this.cursor}; stopped to avoid skipping punches.`, 'The next run continues from the same point; if this repeats, report it with the BioTime version.');
      }
      this.d.logger.debug(`${this.d.api.server}: transactions moved between page reads (count ${cur.count} → ${nxt.count}); locating id ${this.cursor} again`);
      cur = await this.locate(cur.page + 1, nxt);
    }
  }

  /** Punches on the page that are new to this read, updating the cursor. */
  private take(page: PageRead): Punch[] {
    const out: Punch[] = [];
    for (const p of page.punches) {
      if (p.id !== null) {
        if (p.id > this.q.afterId) this.started = true;
        if (p.id > this.cursor) {
          out.push(p);
          this.cursor = p.id;
        }
      } else if (this.started && !this.yieldedWithoutId.has(p.key)) {
        this.yieldedWithoutId.add(p.key);
        out.push(p);
      }
    }
    return out;
  }

  private isLast(p: PageRead): boolean {
    return p.next === null || (p.count !== null && p.page * this.size >= p.count);
  }

  private hintPage(): number {
    const h = this.q.hint;
    if (!h || (h.startTime || undefined) !== (this.q.startTime || undefined)) return 1;
    if (!(Number.isSafeInteger(h.page) && h.page >= 1 && Number.isSafeInteger(h.pageSize) && h.pageSize >= 1)) return 1;
    return Math.floor(((h.page - 1) * h.pageSize) / this.size) + 1;
  }

  private checkAbort(): void {
    if (this.q.signal?.aborted) throw new CancelledError();
  }

  private checkSamePage(a: PageRead, b: PageRead): void {
    if (a.first !== undefined && a.first === b.first && a.last === b.last && a.punches.length === b.punches.length) {
      throw new BioTimeError('badResponse', `${this.d.api.server} returned the same transactions for pages ${a.page} and ${b.page}: it seems to ignore the page parameter.`, 'Report the BioTime version; a proxy that caches by path only can cause this too.');
    }
  }

  private async fetch(page: number): Promise<PageRead> {
    const r = await fetchTransactionPage(this.d, page, this.size, this.q.startTime, this.q.signal);
    const n = r.rowCount;
    // A server that ignores page_size (or caps it) pages with its own size; our page arithmetic must follow it.
    if (n > this.size || (n > 0 && n < this.size && r.next !== null)) {
      if (++this.sizeChanges > MAX_SIZE_CHANGES) {
        throw new BioTimeError('badResponse', `${this.d.api.server} answers transaction pages of changing sizes (last ${n} rows for page_size ${this.size}).`, 'Report the BioTime version.');
      }
      this.d.logger.warn(`${this.d.api.server}: BioTime answered ${n} rows per page for page_size ${this.size}; following its page size.`);
      const old = this.size;
      this.size = n;
      throw new Restart(Math.floor(((page - 1) * old) / n) + 1);
    }
    return r;
  }

  private async locate(candidate: number, have?: PageRead): Promise<PageRead | null> {
    for (let attempt = 1; attempt <= MAX_LOCATE_ATTEMPTS; attempt++) {
      try {
        return await this.locateOnce(Math.max(1, candidate), have);
      } catch (e) {
        if (!(e instanceof Restart)) throw e;
        candidate = e.candidate;
        have = undefined;
      }
    }
    throw new BioTimeError('badResponse', `${this.d.api.server}: the transaction list kept changing while looking for id ${this.cursor} (${MAX_LOCATE_ATTEMPTS} attempts).`, 'The next run tries again from the same point.');
  }

  private async locateOnce(c: number, have?: PageRead): Promise<PageRead | null> {
    const probes = new Map<number, PageRead>();
    const record = (r: PageRead): PageRead => {
      // A server that ignores `page` answers page 1 everywhere, which would look like "nothing new" for ever.
      for (const o of probes.values()) if (o.page !== r.page) this.checkSamePage(o, r);
      probes.set(r.page, r);
      return r;
    };
    const probe = async (p: number): Promise<PageRead> => probes.get(p) ?? record(have?.page === p ? have : await this.fetch(p));
    const P = await probe(c);
    if (P.missing) {
      if (c === 1) return null;
      const one = await probe(1);
      return one.missing ? null : this.search(1, this.lastPage(one.count), probe, probes);
    }
    const cursor = this.cursor;
    if (P.last === undefined || P.last <= cursor) {
      return this.isLast(P) ? P : this.search(c + 1, this.lastPage(P.count), probe, probes, P);
    }
    if (P.first! <= cursor || c === 1) return P;
    // P starts above the cursor: is anything between the cursor and P's first row on the page before?
    const Q = record(await this.fetch(c - 1));
    if (!Q.missing && Q.last === undefined && Q.count === P.count) return P;
    if (!Q.missing && Q.last !== undefined) {
      if (Q.last <= cursor && Q.count === P.count) return P;
      if (Q.last > cursor && (Q.first! <= cursor || c - 1 === 1)) return Q;
      if (Q.last > cursor) return this.search(1, c - 1, probe, probes);
    }
    throw new Restart(c);
  }

  private lastPage(count: number | null): number | undefined {
    return count === null ? undefined : Math.max(1, Math.ceil(count / this.size));
  }

  /**
   * Smallest page ≥ lo whose last id is above the cursor (or that is past the end), by binary search within
   * [lo, hi]; without `hi` (no count) it first gallops to find one. `before` is the page just left of `lo`.
   */
  private async search(lo: number, hi: number | undefined, probe: (p: number) => Promise<PageRead>, probes: Map<number, PageRead>, before?: PageRead): Promise<PageRead | null> {
    const cursor = this.cursor;
    const beyond = (r: PageRead) => r.missing || (r.last !== undefined && r.last > cursor);
    if (hi !== undefined && lo > hi) return before ?? null;
    if (hi === undefined) {
      for (let step = 1, at = lo; ; step *= 2, at = lo + step - 1) {
        if (at > MAX_PAGE) throw new BioTimeError('badResponse', `${this.d.api.server}: no end found in the transaction list.`);
        if (beyond(await probe(at))) {
          hi = at;
          break;
        }
        lo = at + 1;
      }
    }
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (beyond(await probe(mid))) hi = mid;
      else lo = mid + 1;
    }
    const R = await probe(lo);
    // Nothing newer than the cursor: the previous page (if read) still serves as the resume point.
    if (R.missing) return probes.get(lo - 1) ?? before ?? null;
    if (!beyond(R)) return R;
    if (R.first! <= cursor || lo === 1) return R;
    const E = probes.get(lo - 1);
    if (E && !E.missing && E.last !== undefined && E.last <= cursor && E.count === R.count) return R;
    throw new Restart(lo);
  }
}
