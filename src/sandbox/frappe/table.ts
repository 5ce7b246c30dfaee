import type { DocTypeMeta } from './doctypes';

/** A stored row: every column of the doctype, `null` when unset (like a DB row). */
export type Doc = Record<string, unknown>;

/**
 * MariaDB's default collation (utf8mb4_unicode_ci, PAD SPACE) ignores case and trailing spaces for
 * `=`, `IN`, unique keys and name lookups (frappe-api.md §7). Applied to text columns only.
 */
export function collate(value: unknown): string {
  return String(value ?? '')
    .toLowerCase()
    .replace(/ +$/, '');
}

type KeyFn = (doc: Doc) => string | undefined;

/** Sorted (key, name) pairs; `key` is the comparable form the filters use, so a range holds exactly the matches. */
interface OrderedIndex {
  key: (doc: Doc) => string;
  entries: Array<[string, string]>;
}

/** First position whose key is >= `key` (or > `key` with `after`). */
function bound(entries: Array<[string, string]>, key: string, after: boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = entries[mid][0];
    if (k < key || (after && k === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One doctype's rows in insertion order, plus secondary indexes (name collation, unique keys, the
 * checkin duplicate key) so the sandbox stays O(1) per insert when the benchmark writes many rows.
 */
export class Table {
  private readonly rows = new Map<string, Doc>();
  private readonly byCollatedName = new Map<string, string>();
  private readonly indexes = new Map<string, { key: KeyFn; entries: Map<string, Set<string>> }>();
  private readonly ordered = new Map<string, OrderedIndex>();
  /** Insertion position of each row (a replaced row keeps its own), to give index answers in scan order. */
  private readonly position = new Map<string, number>();
  private inserted = 0;

  constructor(readonly meta: DocTypeMeta) {}

  addIndex(name: string, key: KeyFn): void {
    this.indexes.set(name, { key, entries: new Map() });
  }

  get size(): number {
    return this.rows.size;
  }

  /** Exact name first, then the collated match MariaDB would find. */
  get(name: string): Doc | undefined {
    const exact = this.rows.get(name);
    if (exact) return exact;
    const canonical = this.byCollatedName.get(collate(name));
    return canonical === undefined ? undefined : this.rows.get(canonical);
  }

  all(): Doc[] {
    return [...this.rows.values()];
  }

  /** Keeps `key(doc)` sorted so `range()` answers a bounded filter without scanning the table. */
  addOrderedIndex(name: string, key: (doc: Doc) => string): void {
    const entries = [...this.rows.values()].map((doc): [string, string] => [key(doc), String(doc.name)]);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.ordered.set(name, { key, entries });
  }

  hasOrderedIndex(name: string): boolean {
    return this.ordered.has(name);
  }

  /** Rows whose indexed key lies in [from, to] (either end open when undefined), in insertion order like `all()`. */
  range(index: string, from: string | undefined, to: string | undefined): Doc[] {
    const ordered = this.ordered.get(index);
    if (!ordered) throw new Error(`sandbox: no ordered index ${index}`);
    const start = from === undefined ? 0 : bound(ordered.entries, from, false);
    const end = to === undefined ? ordered.entries.length : bound(ordered.entries, to, true);
    return this.inScanOrder(ordered.entries.slice(start, Math.max(start, end)).map(([, name]) => name));
  }

  /** The rows named (exactly or by collation), each once, in insertion order. */
  named(names: unknown[]): Doc[] {
    const found = new Set<string>();
    for (const name of names) {
      const doc = this.get(String(name ?? ''));
      if (doc) found.add(String(doc.name));
    }
    return this.inScanOrder([...found]);
  }

  private inScanOrder(names: string[]): Doc[] {
    const at = (name: string): number => this.position.get(name) ?? 0;
    return names.sort((a, b) => at(a) - at(b)).map((name) => this.rows.get(name) as Doc);
  }

  lookup(index: string, key: string): Doc[] {
    const names = this.indexes.get(index)?.entries.get(key);
    return names ? [...names].map((name) => this.rows.get(name) as Doc) : [];
  }

  /** Inserts or replaces by `name` (a replaced row keeps its position); returns the previous row. */
  put(doc: Doc): Doc | undefined {
    const name = String(doc.name);
    const previous = this.rows.get(name);
    if (previous) this.unindex(name, previous);
    else this.position.set(name, this.inserted++);
    this.rows.set(name, doc);
    this.byCollatedName.set(collate(name), name);
    for (const { key, entries } of this.indexes.values()) {
      const k = key(doc);
      if (k === undefined) continue;
      let names = entries.get(k);
      if (!names) entries.set(k, (names = new Set()));
      names.add(name);
    }
    for (const { key, entries } of this.ordered.values()) {
      const k = key(doc);
      entries.splice(bound(entries, k, true), 0, [k, name]);
    }
    return previous;
  }

  remove(name: string): Doc | undefined {
    const doc = this.rows.get(name);
    if (!doc) return undefined;
    this.rows.delete(name);
    this.byCollatedName.delete(collate(name));
    this.position.delete(name);
    this.unindex(name, doc);
    return doc;
  }

  private unindex(name: string, doc: Doc): void {
    for (const { key, entries } of this.indexes.values()) {
      const k = key(doc);
      if (k !== undefined) entries.get(k)?.delete(name);
    }
    for (const { key, entries } of this.ordered.values()) {
      const k = key(doc);
      for (let i = bound(entries, k, false); i < entries.length && entries[i][0] === k; i++) {
        if (entries[i][1] === name) {
          entries.splice(i, 1);
          break;
        }
      }
    }
  }
}
