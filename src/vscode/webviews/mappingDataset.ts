// The rows behind a mapping panel, queried on the host side: filter by outcome, search, sort and page. The webview
// only ever holds one page, so a run of 50,000 punches never reaches it whole. The filtered order is cached per
// (outcome, search, sort) so paging is O(page size). vscode-free; measured in test/unit/vscode.
import type { OutcomeKind } from '../../shared/model';
import type { MappingQuery, MappingRow, MappingTotals, SortKey } from '../../shared/webviewProtocol';

export interface MappingPage {
  rows: MappingRow[];
  page: number;
  pageCount: number;
  pageSize: number;
  matched: number;
  totals: MappingTotals;
}

type SortValue = string | number;

function sortValue(o: MappingRow, key: SortKey): SortValue {
  switch (key) {
    case 'transactionId':
      return o.transactionId ?? Number.MAX_SAFE_INTEGER;
    case 'empCode':
      return /^\d+$/.test(o.empCode) ? o.empCode.padStart(20, '0') : o.empCode.toLowerCase();
    case 'name':
      return o.name.toLowerCase();
    case 'punchTime':
      return o.punchTime;
    case 'terminal':
      return (o.terminalAlias || o.terminalSn).toLowerCase();
    case 'logType':
      return o.logType ?? '~';
    case 'employee':
      return (o.employee ?? '~').toLowerCase();
    case 'outcome':
      return o.outcome;
    default: {
      const never: never = key;
      return never;
    }
  }
}

function haystack(o: MappingRow): string {
  return [
    o.transactionId ?? '',
    o.empCode,
    o.name,
    o.employee ?? '',
    o.employeeName ?? '',
    o.terminalAlias,
    o.terminalSn,
    o.checkin ?? '',
    o.duplicateOf ?? '',
    o.reason ?? '',
    o.nowText ?? '',
    o.punchTime,
    // The log type as the panel shows it ("→ IN", "→ none"), so searching "IN" or "OUT" finds it.
    o.logType ?? (o.outcome === 'skipped' ? 'skip' : 'none'),
  ]
    .join('\u0001')
    .toLowerCase();
}

export class MappingDataset {
  private readonly rows: MappingRow[];
  private readonly byKey = new Map<string, number>();
  private hay: (string | undefined)[];
  private readonly sortCache = new Map<SortKey, SortValue[]>();
  private order: { key: string; indices: number[] } | undefined;
  private totalsCache: MappingTotals | undefined;

  constructor(rows: MappingRow[]) {
    this.rows = rows;
    rows.forEach((r, i) => this.byKey.set(r.key, i));
    this.hay = new Array(rows.length);
  }

  get size(): number {
    return this.rows.length;
  }

  get(key: string): MappingRow | undefined {
    const i = this.byKey.get(key);
    return i === undefined ? undefined : this.rows[i];
  }

  totals(): MappingTotals {
    if (!this.totalsCache) {
      const t: MappingTotals = { all: this.rows.length, created: 0, duplicate: 0, failed: 0, skipped: 0 };
      for (const r of this.rows) t[r.outcome]++;
      this.totalsCache = t;
    }
    return this.totalsCache;
  }

  /** Every row (for annotating them). */
  all(): readonly MappingRow[] {
    return this.rows;
  }

  /** Replaces rows by key where they are (a rerun's new outcomes); returns the rows that were replaced. */
  replace(updates: MappingRow[]): MappingRow[] {
    const changed: MappingRow[] = [];
    for (const u of updates) {
      const i = this.byKey.get(u.key);
      if (i === undefined) continue;
      this.rows[i] = u;
      this.hay[i] = undefined;
      changed.push(u);
    }
    if (changed.length) {
      this.sortCache.clear();
      this.order = undefined;
      this.totalsCache = undefined;
    }
    return changed;
  }

  private sortValues(key: SortKey): SortValue[] {
    let v = this.sortCache.get(key);
    if (!v) this.sortCache.set(key, (v = this.rows.map((r) => sortValue(r, key))));
    return v;
  }

  private matching(q: MappingQuery): number[] {
    const cacheKey = `${q.outcome}\u0000${q.search.trim().toLowerCase()}\u0000${q.sort}\u0000${q.descending}`;
    if (this.order?.key === cacheKey) return this.order.indices;
    const needle = q.search.trim().toLowerCase();
    const want: OutcomeKind | undefined = q.outcome === 'all' ? undefined : q.outcome;
    const indices: number[] = [];
    for (let i = 0; i < this.rows.length; i++) {
      const r = this.rows[i];
      if (want && r.outcome !== want) continue;
      if (needle && !(this.hay[i] ??= haystack(r)).includes(needle)) continue;
      indices.push(i);
    }
    const values = this.sortValues(q.sort);
    const dir = q.descending ? -1 : 1;
    indices.sort((a, b) => {
      const x = values[a];
      const y = values[b];
      return x < y ? -dir : x > y ? dir : a - b;
    });
    this.order = { key: cacheKey, indices };
    return indices;
  }

  query(q: MappingQuery, pageSize: number): MappingPage {
    const indices = this.matching(q);
    const pageCount = Math.max(1, Math.ceil(indices.length / pageSize));
    const page = Math.min(q.page, pageCount - 1);
    const rows = indices.slice(page * pageSize, (page + 1) * pageSize).map((i) => this.rows[i]);
    return { rows, page, pageCount, pageSize, matched: indices.length, totals: this.totals() };
  }
}
