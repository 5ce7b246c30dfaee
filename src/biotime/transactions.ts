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
//   it straddles the cursor (first id ≤ cursor < last id), or it is page 1, or the page before it ends at or below
//   the cursor and was read before it with no deletion in between. Reads that find nothing newer need no
//   evidence: yielding nothing can skip nothing.
// - Offset pagination shifts rows when the list changes under us. Inserts (a punch committed late with a lower id)
//   push rows right: we may see a row again, which the id filter drops. Deletions pull rows left: a row could slip
//   onto a page already read. `count` tells them apart. So when `count` changes between consecutive reads, or a
//   page starts at or below the highest id yielded, we re-locate from that id; with the pages in hand as evidence
//   this costs nothing when the list only grew, and a re-read of the previous page after a deletion. Ids are
//   yielded strictly ascending, so nothing is yielded twice within a read. Blind spot (accepted): one insert and
//   one delete between the same two reads leave `count` unchanged; punches are rarely deleted in BioTime.
// - Page URLs are always built from our base URL with page + 1; `next` is only a hint that more pages exist, since
//   BioTime builds it with its own idea of its host (often an internal address).
// - We send both `page_size` and `limit` (the 8.5 manuals' name). A server that ignores both answers with its own
//   page size; we notice (a non-last page with a different row count) and follow its size.
import { BioTimeError, CancelledError } from '../core/errors';
import type { Punch, TransactionPage, TransactionQuery } from '../core/types';
import { clampPageSize, fetchTransactionPage, type PageRead, type ReaderDeps } from './transactionPage';

const MAX_LOCATE_ATTEMPTS = 8;
const MAX_STUCK_RELOCATIONS = 6;
const MAX_SIZE_CHANGES = 2;
const MAX_PAGE = 1e9;

/** Internal: the located position is not trustworthy; start again at `candidate`. */
class Restart {
  constructor(readonly candidate: number) {}
}

export class TransactionReader {
  private size: number;
  private sizeChanges = 0;
  /** `count` of every page read so far, by read order: tells whether the list moved after a given read. */
  private readonly counts: (number | null)[] = [];
  /** Highest id yielded so far (afterId before the first). */
  private cursor: number;
  /** Set once a row with id > afterId was seen: records without id are yielded only after that point. */
  private started = false;
  private readonly yieldedWithoutId = new Set<string>();
  /** Smallest page found empty (at the current page size) while no later read showed rows there. */
  private emptyFrom: number | undefined;
  private countWarned = false;

  constructor(
    private readonly deps: ReaderDeps,
    private readonly query: TransactionQuery,
  ) {
    this.size = clampPageSize(query.pageSize);
    this.cursor = query.afterId;
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
      yield {
        punches,
        page: cur.page,
        hint: {
          pageSize: this.size,
          page: cur.page,
          ...(this.query.startTime ? { startTime: this.query.startTime } : {}),
        },
        totalCount: cur.count ?? (cur.page - 1) * this.size + cur.punches.length,
        isLast,
      };
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
          this.deps.logger.warn(
            `${this.deps.api.server}: page ${nxt.page} of the transactions is empty but BioTime says more follow; stopping here for this run.`,
          );
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
      if (this.unchanged(cur, nxt) && (nxt.first === undefined || nxt.first > this.cursor)) {
        cur = nxt;
        continue;
      }
      stuck = lastRelocatedAt === this.cursor ? stuck + 1 : 0;
      lastRelocatedAt = this.cursor;
      if (stuck >= MAX_STUCK_RELOCATIONS) {
        throw new BioTimeError(
          'badResponse',
          `${this.deps.api.server}: the transaction pages kept shifting while reading past id ${this.cursor}; stopped to avoid skipping punches.`,
          'The next run continues from the same point; if this repeats, report it with the BioTime version.',
        );
      }
      this.deps.logger.debug(
        `${this.deps.api.server}: transactions moved between page reads (count ${cur.count} → ${nxt.count}); locating id ${this.cursor} again`,
      );
      // Usually free: the pages in hand are the evidence when the list only grew.
      cur = await this.locate(cur.page + 1, [cur, nxt]);
    }
  }

  /** Punches on the page that are new to this read, updating the cursor. */
  private take(page: PageRead): Punch[] {
    const out: Punch[] = [];
    // Records without an id cannot be placed by id: keep those on any page that holds new rows (wherever they sit on
    // it), and every one when reading from the very beginning.
    if (this.query.afterId === 0 || page.punches.some((p) => p.id !== null && p.id > this.query.afterId))
      this.started = true;
    for (const p of page.punches) {
      if (p.id !== null) {
        if (p.id > this.query.afterId) this.started = true;
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
    const h = this.query.hint;
    if (!h || (h.startTime || undefined) !== (this.query.startTime || undefined)) return 1;
    if (!(Number.isSafeInteger(h.page) && h.page >= 1 && Number.isSafeInteger(h.pageSize) && h.pageSize >= 1)) return 1;
    return Math.floor(((h.page - 1) * h.pageSize) / this.size) + 1;
  }

  private checkAbort(): void {
    if (this.query.signal?.aborted) throw new CancelledError();
  }

  private checkSamePage(a: PageRead, b: PageRead): void {
    if (a.first !== undefined && a.first === b.first && a.last === b.last && a.punches.length === b.punches.length) {
      throw new BioTimeError(
        'badResponse',
        `${this.deps.api.server} returned the same transactions for pages ${a.page} and ${b.page}: it seems to ignore the page parameter.`,
        'Report the BioTime version; a proxy that caches by path only can cause this too.',
      );
    }
  }

  private async fetch(page: number): Promise<PageRead> {
    const r: PageRead & { rowCount: number } = await fetchTransactionPage(
      this.deps,
      page,
      this.size,
      this.query.startTime,
      this.query.signal,
    );
    r.seq = this.counts.push(r.count) - 1;
    const n = r.rowCount;
    // A short page whose successor is empty is the end, whatever `next` and `count` claim (a bogus count): not a
    // server paging with a smaller size of its own, which would answer that page too.
    if (n > 0 && n < this.size && r.next !== null && (await this.emptyAt(page + 1))) return { ...r, next: null };
    // A server that ignores page_size (or caps it) pages with its own size; our page arithmetic must follow it.
    if (n > this.size || (n > 0 && n < this.size && r.next !== null)) {
      if (++this.sizeChanges > MAX_SIZE_CHANGES) {
        throw new BioTimeError(
          'badResponse',
          `${this.deps.api.server} answers transaction pages of changing sizes (last ${n} rows for page_size ${this.size}).`,
          'Report the BioTime version.',
        );
      }
      this.deps.logger.warn(
        `${this.deps.api.server}: BioTime answered ${n} rows per page for page_size ${this.size}; following its page size.`,
      );
      const old = this.size;
      this.size = n;
      this.emptyFrom = undefined;
      throw new Restart(Math.floor(((page - 1) * old) / n) + 1);
    }
    if (r.missing) this.noteEmpty(page);
    else if (this.emptyFrom !== undefined && page >= this.emptyFrom) this.emptyFrom = undefined;
    return r;
  }

  private async emptyAt(page: number): Promise<boolean> {
    const r = await fetchTransactionPage(this.deps, page, this.size, this.query.startTime, this.query.signal);
    if (r.missing) this.noteEmpty(page);
    return r.missing;
  }

  /**
   * A page is empty. When `count` promised more than a whole page beyond it (a bogus count of a million rows over a
   * few real pages), say so once: searches are then bounded by this page instead of the count. A shortfall of less
   * than a page is rows deleted during the read, not worth a warning.
   */
  private noteEmpty(page: number): void {
    this.emptyFrom = Math.min(this.emptyFrom ?? page, page);
    const count = [...this.counts].reverse().find((c) => c !== null) ?? null;
    if (this.countWarned || count === null || page >= Math.ceil(count / this.size)) return;
    this.countWarned = true;
    this.deps.logger.warn(
      `${this.deps.api.server}: BioTime's count says ${count} transactions (${Math.ceil(count / this.size)} pages of ${this.size}) but page ${page} is empty: the count is wrong, or many rows were deleted during the read. Reading goes on up to the last page that has rows; if this repeats, report it with the BioTime version.`,
    );
  }

  private async locate(candidate: number, known: PageRead[] = []): Promise<PageRead | null> {
    for (let attempt = 1; attempt <= MAX_LOCATE_ATTEMPTS; attempt++) {
      try {
        return await this.locateOnce(Math.max(1, candidate), known);
      } catch (e) {
        if (!(e instanceof Restart)) throw e;
        candidate = e.candidate;
        known = [];
      }
    }
    throw new BioTimeError(
      'badResponse',
      `${this.deps.api.server}: the transaction list kept changing while looking for id ${this.cursor} (${MAX_LOCATE_ATTEMPTS} attempts).`,
      'The next run tries again from the same point.',
    );
  }

  /** No read between `a` and `b` (inclusive, either order) saw a `count` other than `a`'s. */
  private unchanged(a: PageRead, b: PageRead): boolean {
    const [lo, hi] = [Math.min(a.seq ?? 0, b.seq ?? 0), Math.max(a.seq ?? 0, b.seq ?? 0)];
    return this.counts.slice(lo, hi + 1).every((c) => c === null || c === a.count);
  }

  /**
   * Whether `count` never went down from read `a` to the later read `b`. Inserts only push rows right, which can
   * make us see a row twice (filtered by id) but never miss one; a delete pulls rows left and can. An insert and a
   * delete between the same two reads cancel out and go unnoticed (accepted: BioTime punches are rarely deleted).
   * A 404 past the end carries no count and says nothing either way.
   */
  private noDecrease(a: PageRead, b: PageRead): boolean {
    if (a.seq === undefined || b.seq === undefined || a.seq >= b.seq) return false;
    let prev: number | null = null;
    for (const c of this.counts.slice(a.seq, b.seq + 1)) {
      if (c === null) continue;
      if (prev !== null && c < prev) return false;
      prev = c;
    }
    return true;
  }

  private async locateOnce(c: number, known: PageRead[]): Promise<PageRead | null> {
    const probes = new Map<number, PageRead>(known.map((k) => [k.page, k]));
    const record = (r: PageRead): PageRead => {
      // A server that ignores `page` answers page 1 everywhere, which would look like "nothing new" for ever.
      for (const o of probes.values()) if (o.page !== r.page) this.checkSamePage(o, r);
      probes.set(r.page, r);
      return r;
    };
    const probe = async (p: number): Promise<PageRead> => probes.get(p) ?? record(await this.fetch(p));
    const ctx: Probing = { probes, record, probe };
    const guessed = await probe(c);
    if (guessed.missing) {
      if (c === 1) return null;
      const one = await probe(1);
      return one.missing ? null : this.search(1, this.lastPage(one.count), ctx);
    }
    if (guessed.last === undefined || guessed.last <= this.cursor)
      return this.isLast(guessed) ? guessed : this.search(c + 1, this.lastPage(guessed.count), ctx, guessed);
    return this.confirm(guessed, ctx);
  }

  /** The last page to search: as `count` says, but never past a page already found empty (a bogus count). */
  private lastPage(count: number | null): number | undefined {
    const byCount = count === null ? undefined : Math.max(1, Math.ceil(count / this.size));
    return this.emptyFrom !== undefined && (byCount === undefined || this.emptyFrom < byCount)
      ? this.emptyFrom
      : byCount;
  }

  /**
   * Smallest page ≥ lo whose last id is above the cursor (or that is past the end), by binary search within
   * [lo, hi]; without `hi` (no count) it first gallops to find one. `before` is the page just left of `lo`.
   */
  private async search(lo: number, hi: number | undefined, ctx: Probing, before?: PageRead): Promise<PageRead | null> {
    const cursor = this.cursor;
    const beyond = (r: PageRead) => r.missing || (r.last !== undefined && r.last > cursor);
    if (hi !== undefined && lo > hi) return before ?? null;
    if (hi === undefined) {
      for (let step = 1, at = lo; ; step *= 2, at = lo + step - 1) {
        if (at > MAX_PAGE)
          throw new BioTimeError('badResponse', `${this.deps.api.server}: no end found in the transaction list.`);
        if (beyond(await ctx.probe(at))) {
          hi = at;
          break;
        }
        lo = at + 1;
      }
    }
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (beyond(await ctx.probe(mid))) hi = mid;
      else lo = mid + 1;
    }
    const found = await ctx.probe(lo);
    // Nothing newer than the cursor: the page before (if read) still serves as the resume point.
    if (found.missing) return ctx.probes.get(lo - 1) ?? before ?? null;
    return beyond(found) ? this.confirm(found, ctx) : found;
  }

  /**
   * `candidate` holds ids above the cursor. Accept it as the start only when nothing between the cursor and its
   * first row can be elsewhere: it straddles the cursor, or it is page 1, or the page before ends at or below the
   * cursor and was read before the candidate with no deletion in between (or with no change at all).
   */
  private async confirm(candidate: PageRead, ctx: Probing): Promise<PageRead | null> {
    const cursor = this.cursor;
    if (candidate.first! <= cursor || candidate.page === 1) return candidate;
    const endsAtOrBeforeCursor = (r: PageRead) => !r.missing && (r.last === undefined || r.last <= cursor);
    const knownBefore = ctx.probes.get(candidate.page - 1);
    if (knownBefore && endsAtOrBeforeCursor(knownBefore) && this.noDecrease(knownBefore, candidate)) return candidate;
    const before = ctx.record(await this.fetch(candidate.page - 1));
    if (before.missing) throw new Restart(candidate.page);
    if (endsAtOrBeforeCursor(before)) {
      if (this.unchanged(candidate, before)) return candidate;
      // The list changed between the two reads: read the candidate again, after the page before it.
      const reread = ctx.record(await this.fetch(candidate.page));
      if (reread.missing || reread.last === undefined || reread.last <= cursor || !this.noDecrease(before, reread))
        throw new Restart(candidate.page);
      return reread;
    }
    // The page before holds ids above the cursor too: the start is that page or one before it.
    if (before.first! <= cursor || before.page === 1) return before;
    return this.search(1, before.page, ctx);
  }
}

interface Probing {
  probes: Map<number, PageRead>;
  record(r: PageRead): PageRead;
  probe(page: number): Promise<PageRead>;
}
