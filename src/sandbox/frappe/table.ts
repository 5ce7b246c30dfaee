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

/**
 * One doctype's rows in insertion order, plus secondary indexes (name collation, unique keys, the
 * checkin duplicate key) so the sandbox stays O(1) per insert when the benchmark writes many rows.
 */
export class Table {
  private readonly rows = new Map<string, Doc>();
  private readonly byCollatedName = new Map<string, string>();
  private readonly indexes = new Map<string, { key: KeyFn; entries: Map<string, Set<string>> }>();

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

  lookup(index: string, key: string): Doc[] {
    const names = this.indexes.get(index)?.entries.get(key);
    return names ? [...names].map((name) => this.rows.get(name) as Doc) : [];
  }

  /** Inserts or replaces by `name` (a replaced row keeps its position); returns the previous row. */
  put(doc: Doc): Doc | undefined {
    const name = String(doc.name);
    const previous = this.rows.get(name);
    if (previous) this.unindex(name, previous);
    this.rows.set(name, doc);
    this.byCollatedName.set(collate(name), name);
    for (const { key, entries } of this.indexes.values()) {
      const k = key(doc);
      if (k === undefined) continue;
      let names = entries.get(k);
      if (!names) entries.set(k, (names = new Set()));
      names.add(name);
    }
    return previous;
  }

  remove(name: string): Doc | undefined {
    const doc = this.rows.get(name);
    if (!doc) return undefined;
    this.rows.delete(name);
    this.byCollatedName.delete(collate(name));
    this.unindex(name, doc);
    return doc;
  }

  private unindex(name: string, doc: Doc): void {
    for (const { key, entries } of this.indexes.values()) {
      const k = key(doc);
      if (k !== undefined) entries.get(k)?.delete(name);
    }
  }
}
