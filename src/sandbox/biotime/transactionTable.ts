import type { JsonRecord } from './records';

/** `ordering` terms BioTime 9.5 honours (§3.1); every other value is ignored. */
export type OrderField = 'punch_time' | 'upload_time';
export interface OrderTerm {
  field: OrderField;
  desc: boolean;
}

/** Exact-match and punch-time-window filters of GET /iclock/api/transactions/ (already validated). */
export interface TxFilter {
  emp_code?: string;
  terminal_sn?: string;
  terminal_alias?: string;
  /** Inclusive bounds on punch_time, canonical "YYYY-MM-DD HH:MM:SS". */
  start?: string;
  end?: string;
}

interface TxRow {
  /** Sort key: the record's id, or a hidden sequence number for raw records stored without one. */
  id: number;
  record: JsonRecord;
}

function textField(record: JsonRecord, name: string): string | undefined {
  const value = record[name];
  return value === null || value === undefined ? undefined : String(value);
}

function matches(record: JsonRecord, filter: TxFilter): boolean {
  if (filter.emp_code !== undefined && textField(record, 'emp_code') !== filter.emp_code) return false;
  if (filter.terminal_sn !== undefined && textField(record, 'terminal_sn') !== filter.terminal_sn) return false;
  if (filter.terminal_alias !== undefined && textField(record, 'terminal_alias') !== filter.terminal_alias)
    return false;
  if (filter.start !== undefined || filter.end !== undefined) {
    const punch = textField(record, 'punch_time');
    if (punch === undefined) return false;
    // Naive "YYYY-MM-DD HH:MM:SS" strings order correctly as plain strings.
    if (filter.start !== undefined && punch < filter.start) return false;
    if (filter.end !== undefined && punch > filter.end) return false;
  }
  return true;
}

function hasFilter(filter: TxFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}

/**
 * The iclock_transaction table: rows kept in ascending id order (the API's default order), so an
 * unfiltered page is an index slice. Sorted views for `ordering` are cached until the next write.
 */
export class TransactionTable {
  private rows: TxRow[] = [];
  private nextId = 1;
  private readonly sorted = new Map<string, TxRow[]>();

  get size(): number {
    return this.rows.length;
  }

  /** Stores a new punch under the next id (arrival order); `build` receives that id. */
  add(build: (id: number) => JsonRecord): number {
    const id = this.nextId++;
    this.rows.push({ id, record: build(id) });
    this.sorted.clear();
    return id;
  }

  /** Stores a record as-is. A numeric `id` is kept (and placed in id order); otherwise one is assigned. */
  addRaw(record: JsonRecord): number {
    const explicit = typeof record.id === 'number' ? record.id : undefined;
    const id = explicit ?? this.nextId;
    const stored = explicit === undefined && !('id' in record) ? { id, ...record } : record;
    this.rows.splice(this.upperBound(id), 0, { id, record: stored });
    this.nextId = Math.max(this.nextId, id + 1);
    this.sorted.clear();
    return id;
  }

  delete(id: number): boolean {
    const index = this.indexOf(id);
    if (index < 0) return false;
    this.rows.splice(index, 1);
    this.sorted.clear();
    return true;
  }

  /** A database restore: rows at or above `nextId` were not in the backup, and ids are handed out again. */
  resetIds(nextId: number): void {
    this.rows = this.rows.filter((row) => row.id < nextId);
    this.nextId = nextId;
    this.sorted.clear();
  }

  get(id: number): JsonRecord | undefined {
    const index = this.indexOf(id);
    return index < 0 ? undefined : this.rows[index].record;
  }

  all(): JsonRecord[] {
    return this.rows.map((row) => row.record);
  }

  /** Counts matches and returns the [offset, offset + limit) slice of them, in the requested order. */
  query(
    filter: TxFilter,
    ordering: OrderTerm[],
    offset: number,
    limit: number,
  ): { count: number; items: JsonRecord[] } {
    const base = ordering.length > 0 ? this.sortedBy(ordering) : this.rows;
    if (!hasFilter(filter)) {
      return { count: base.length, items: base.slice(offset, offset + limit).map((row) => row.record) };
    }
    const items: JsonRecord[] = [];
    let count = 0;
    for (const row of base) {
      if (!matches(row.record, filter)) continue;
      if (count >= offset && count < offset + limit) items.push(row.record);
      count++;
    }
    return { count, items };
  }

  /** Transactions per terminal serial, for the terminals list. */
  countByTerminal(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { record } of this.rows) {
      const sn = textField(record, 'terminal_sn');
      if (sn) counts.set(sn, (counts.get(sn) ?? 0) + 1);
    }
    return counts;
  }

  // Ties break on ascending id so that paging through a sorted view is deterministic.
  private sortedBy(ordering: OrderTerm[]): TxRow[] {
    const key = ordering.map((term) => `${term.desc ? '-' : ''}${term.field}`).join(',');
    let view = this.sorted.get(key);
    if (!view) {
      view = [...this.rows].sort((a, b) => {
        for (const term of ordering) {
          const left = textField(a.record, term.field) ?? '';
          const right = textField(b.record, term.field) ?? '';
          if (left !== right) return (left < right ? -1 : 1) * (term.desc ? -1 : 1);
        }
        return a.id - b.id;
      });
      this.sorted.set(key, view);
    }
    return view;
  }

  private upperBound(id: number): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.rows[mid].id <= id) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private indexOf(id: number): number {
    const index = this.upperBound(id) - 1;
    return index >= 0 && this.rows[index].id === id ? index : -1;
  }
}
