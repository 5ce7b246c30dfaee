import { columnsOf, type DocTypeMeta } from './doctypes';
import { fieldNotPermitted, FrappeError, illegalSql, pythonError } from './errors';
import { compileFilters, kindOf, normalise, parseJsonParam, resolveField } from './filters';
import type { Doc } from './table';

/** Arguments of `frappe.client.get_list` / `GET /api/resource/{DocType}`, as received (strings or JSON). */
export interface ListArgs {
  fields?: unknown;
  filters?: unknown;
  or_filters?: unknown;
  order_by?: unknown;
  limit_start?: unknown;
  limit_page_length?: unknown;
  as_dict?: unknown;
  /** Parent doctype, required for a child doctype (permission is checked on the parent). */
  parent?: unknown;
}

interface Column {
  field: string;
  alias: string;
}

function parseFields(meta: DocTypeMeta, raw: unknown): Column[] {
  let fields = raw;
  if (typeof fields === 'string') {
    const text = fields.trim();
    fields = text.startsWith('[') ? parseJsonParam(text) : text.split(',').map((f) => f.trim());
  }
  if (fields === undefined || fields === null || (Array.isArray(fields) && fields.length === 0)) fields = ['name'];
  if (!Array.isArray(fields)) fields = [String(fields)];
  return (fields as unknown[]).flatMap((item) => {
    const text = String(item).trim();
    if (text === '*' || text === `\`tab${meta.name}\`.*`) return columnsOf(meta).map((c) => ({ field: c, alias: c }));
    const [expr, alias] = text.split(/\s+as\s+/i);
    const field = permittedField(meta, expr);
    return [{ field, alias: alias?.replace(/`/g, '').trim() || field }];
  });
}

/** v15 checks `fields` before the query runs: an unknown one is a DataError 417, not a database error (b5). */
function permittedField(meta: DocTypeMeta, expr: string): string {
  try {
    return resolveField(meta, expr, 'field list').fieldname;
  } catch (err) {
    if (FrappeError.is(err, 'OperationalError')) throw fieldNotPermitted(expr.replace(/`/g, '').trim());
    throw err;
  }
}

// What `sanitize_order_by` refuses before the query runs (e4: "time desc; select 1").
const sqlInOrderBy = /;|--|\/\*|\b(select|union|insert|update|delete|drop|sleep)\b/i;

type Sorter = (a: Doc, b: Doc) => number;

function parseOrderBy(meta: DocTypeMeta, raw: unknown): Sorter[] {
  const text = typeof raw === 'string' && raw.trim() ? raw : `${meta.sortField} ${meta.sortOrder}`;
  if (sqlInOrderBy.test(text)) throw illegalSql();
  return text.split(',').map((part) => {
    const match = /^(.*?)(?:\s+(asc|desc))?$/i.exec(part.trim()) as RegExpExecArray;
    const field = resolveField(meta, match[1], 'order clause');
    const sign = match[2]?.toLowerCase() === 'desc' ? -1 : 1;
    const kind = kindOf(field);
    const isNull = (d: Doc): boolean => d[field.fieldname] === null || d[field.fieldname] === undefined;
    return (a: Doc, b: Doc): number => {
      // MariaDB sorts NULL first ascending, last descending.
      if (isNull(a) || isNull(b)) return isNull(a) === isNull(b) ? 0 : (isNull(a) ? -1 : 1) * sign;
      const x = normalise(kind, a[field.fieldname]);
      const y = normalise(kind, b[field.fieldname]);
      return x === y ? 0 : (x < y ? -1 : 1) * sign;
    };
  });
}

function toInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (Number.isInteger(n)) return n;
  throw pythonError('ValueError', 'ValueError', `invalid literal for int() with base 10: '${String(value)}' (${name})`);
}

/** `limit_page_length` defaults to 20 and 0 means "no limit". */
export function runList(
  meta: DocTypeMeta,
  rows: Doc[],
  args: ListArgs,
  today: string,
  hidden: ReadonlySet<string> = new Set(),
): unknown[] {
  const columns = parseFields(meta, args.fields).filter((c) => !hidden.has(c.field));
  const predicate = compileFilters(meta, args.filters, args.or_filters, today);
  const sorters = parseOrderBy(meta, args.order_by);
  const start = Math.max(0, toInt(args.limit_start, 0, 'limit_start'));
  const length = toInt(args.limit_page_length, 20, 'limit_page_length');
  const matched = rows.filter(predicate);
  // Array.prototype.sort is stable, so ties keep insertion order like an InnoDB scan would.
  matched.sort((a, b) => {
    for (const sorter of sorters) {
      const r = sorter(a, b);
      if (r !== 0) return r;
    }
    return 0;
  });
  const page = length > 0 ? matched.slice(start, start + length) : matched.slice(start);
  const asDict = args.as_dict === undefined || ![0, '0', false, 'false', 'False'].includes(args.as_dict as string);
  const row = (doc: Doc): unknown[] => columns.map((c) => doc[c.field] ?? null);
  return page.map((doc) =>
    asDict ? Object.fromEntries(columns.map((c) => [c.alias, doc[c.field] ?? null])) : row(doc),
  );
}

export function countRows(meta: DocTypeMeta, rows: Doc[], filters: unknown, today: string): number {
  const predicate = compileFilters(meta, filters, undefined, today);
  return rows.reduce((n, doc) => (predicate(doc) ? n + 1 : n), 0);
}
