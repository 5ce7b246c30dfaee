import { datetimeKey, parseDatetime } from './datetime';
import { fieldOf, type DocTypeMeta, type FieldMeta } from './doctypes';
import { pythonError, unknownColumn, validationError, type SqlClause } from './errors';
import { collate, type Doc } from './table';

/**
 * Filter shapes and operators of `frappe.client.get_list` (frappe-api.md §3): list of conditions (with or
 * without the doctype first, 2-element = "="), dict (value or [op, value]), bare list of names.
 */
export type Predicate = (doc: Doc) => boolean;

interface Condition {
  field: FieldMeta;
  op: string;
  value: unknown;
}

// `get_filter` in frappe/utils/data.py validates against this list.
const validOperators = [
  '=',
  '!=',
  '>',
  '<',
  '>=',
  '<=',
  'like',
  'not like',
  'in',
  'not in',
  'is',
  'between',
  'descendants of',
  'ancestors of',
  'not descendants of',
  'not ancestors of',
  'timespan',
  'previous',
  'next',
];

/** `frappe.parse_json`: JSON strings are decoded, anything else passes through; bad JSON is a 500. */
export function parseJsonParam(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw pythonError('JSONDecodeError', 'json.decoder.JSONDecodeError', (err as Error).message);
  }
}

export function resolveField(meta: DocTypeMeta, raw: string, clause: SqlClause): FieldMeta {
  // Accept "`tabEmployee`.`name`" and "tabEmployee.name" the way SQL would.
  const bare = raw.replace(/`/g, '').trim();
  const dot = bare.lastIndexOf('.');
  if (dot >= 0 && bare.slice(0, dot) !== `tab${meta.name}`) throw unknownColumn(bare, clause);
  const field = fieldOf(meta, dot >= 0 ? bare.slice(dot + 1) : bare);
  if (!field) throw unknownColumn(bare, clause);
  return field;
}

function condition(meta: DocTypeMeta, parts: unknown[]): Condition {
  const full =
    parts.length >= 4 ? parts : parts.length === 2 ? [meta.name, parts[0], '=', parts[1]] : [meta.name, ...parts];
  const [doctype, field, op, value] = full;
  if (doctype !== meta.name) throw unknownColumn(`tab${String(doctype)}.${String(field)}`, 'where clause');
  return { field: resolveField(meta, String(field), 'where clause'), op: String(op).trim().toLowerCase(), value };
}

function fromDict(meta: DocTypeMeta, dict: Record<string, unknown>): Condition[] {
  return Object.entries(dict).map(([key, value]) =>
    Array.isArray(value) ? condition(meta, [key, value[0], value[1]]) : condition(meta, [key, '=', value]),
  );
}

export function parseFilters(meta: DocTypeMeta, raw: unknown): Condition[] {
  const filters = parseJsonParam(raw);
  if (filters === undefined || filters === null || filters === '') return [];
  if (Array.isArray(filters)) {
    if (filters.length > 0 && filters.every((f) => typeof f === 'string' || typeof f === 'number')) {
      return [condition(meta, ['name', 'in', filters])];
    }
    return filters.flatMap((f) => {
      if (Array.isArray(f)) return [condition(meta, f)];
      if (f && typeof f === 'object') return fromDict(meta, f as Record<string, unknown>);
      throw validationError(`Filter must be a list or a dict: ${JSON.stringify(f)}`);
    });
  }
  if (typeof filters === 'object') return fromDict(meta, filters as Record<string, unknown>);
  throw validationError(`Filters must be a list or a dict, got ${JSON.stringify(filters)}`);
}

type Kind = 'number' | 'datetime' | 'text';

export function kindOf(field: FieldMeta): Kind {
  if (field.fieldtype === 'Int' || field.fieldtype === 'Check' || field.fieldtype === 'Float') return 'number';
  return field.fieldtype === 'Datetime' ? 'datetime' : 'text';
}

/** Comparable form of a value; NULL compares like `ifnull(col, '')`/0/min-date as in legacy db_query. */
export function normalise(kind: Kind, value: unknown): string | number {
  if (kind === 'number') {
    const n = Number(value ?? 0);
    return Number.isFinite(n) ? n : 0;
  }
  return kind === 'datetime' ? datetimeKey(value) : collate(value);
}

function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

function listValue(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(',').map((v) => v.trim());
  return value === null || value === undefined ? [] : [value];
}

// `get_between_date_filter`: date-only bounds on a Datetime column cover the whole day; a missing bound is today.
function betweenBounds(kind: Kind, value: unknown, today: string): [string | number, string | number] {
  const [from, to] = Array.isArray(value) ? value : listValue(value);
  if (kind !== 'datetime') return [normalise(kind, from), normalise(kind, to)];
  const fromKey = datetimeKey(from ?? today);
  const toParsed = parseDatetime(to ?? today);
  const toKey = toParsed?.dateOnly ? `${toParsed.seconds.slice(0, 10)} 23:59:59.999999` : datetimeKey(to ?? today);
  return [fromKey, toKey];
}

function compileOne(cond: Condition, today: string): Predicate {
  const { field, op, value } = cond;
  const name = field.fieldname;
  const kind = kindOf(field);
  const norm = (v: unknown): string | number => normalise(kind, v);
  const isSet = (doc: Doc): boolean => doc[name] !== null && doc[name] !== undefined && doc[name] !== '';
  if (!validOperators.includes(op)) throw validationError(`Operator must be one of ${validOperators.join(', ')}`);
  switch (op) {
    case '=':
      if (value === null) return (doc) => doc[name] === null || doc[name] === undefined;
      return (doc) => norm(doc[name]) === norm(value);
    case '!=':
      if (value === null) return (doc) => doc[name] !== null && doc[name] !== undefined;
      return (doc) => norm(doc[name]) !== norm(value);
    case '<':
      return (doc) => norm(doc[name]) < norm(value);
    case '>':
      return (doc) => norm(doc[name]) > norm(value);
    case '<=':
      return (doc) => norm(doc[name]) <= norm(value);
    case '>=':
      return (doc) => norm(doc[name]) >= norm(value);
    case 'like':
    case 'not like': {
      const regex = likeRegex(String(value ?? ''));
      return op === 'like'
        ? (doc) => regex.test(String(doc[name] ?? ''))
        : (doc) => !regex.test(String(doc[name] ?? ''));
    }
    case 'in':
    case 'not in': {
      const set = new Set(listValue(value).map(norm));
      return op === 'in' ? (doc) => set.has(norm(doc[name])) : (doc) => !set.has(norm(doc[name]));
    }
    case 'between': {
      const [from, to] = betweenBounds(kind, value, today);
      return (doc) => isSet(doc) && norm(doc[name]) >= from && norm(doc[name]) <= to;
    }
    case 'is':
      if (String(value).toLowerCase() === 'set') return isSet;
      if (String(value).toLowerCase() === 'not set') return (doc) => !isSet(doc);
      throw validationError(`Invalid value for operator "is": ${String(value)} (use "set" or "not set")`);
    default:
      throw validationError(`The sandbox does not implement the "${op}" filter operator`);
  }
}

/**
 * A condition of the AND filters that an index can answer: names (`name =`/`name in`) or a bounded range of a
 * Datetime column, in the same comparable form the predicate uses. The predicate still runs on every row the
 * index gives, so this only narrows what is scanned. Undefined when the filters offer none (or do not parse:
 * the full query then reports the error in its own order).
 */
export type Narrowing = { names: unknown[] } | { field: string; from?: string; to?: string };

export function narrowing(meta: DocTypeMeta, filters: unknown, today: string): Narrowing | undefined {
  try {
    const conditions = parseFilters(meta, filters);
    for (const { field, op, value } of conditions) {
      if (field.fieldname !== 'name') continue;
      if (op === 'in') return { names: listValue(value) };
      if (op === '=' && value !== null) return { names: [value] };
    }
    for (const { field, op, value } of conditions) {
      if (kindOf(field) !== 'datetime') continue;
      const key = (): string => String(normalise('datetime', value));
      if (op === 'between') {
        const [from, to] = betweenBounds('datetime', value, today);
        return { field: field.fieldname, from: String(from), to: String(to) };
      }
      if (op === '>=' || op === '>') return { field: field.fieldname, from: key() };
      if (op === '<=' || op === '<') return { field: field.fieldname, to: key() };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** AND of `filters`, further AND-ed with the OR of `or_filters` when given. */
export function compileFilters(meta: DocTypeMeta, filters: unknown, orFilters: unknown, today: string): Predicate {
  const all = parseFilters(meta, filters).map((c) => compileOne(c, today));
  const any = parseFilters(meta, orFilters).map((c) => compileOne(c, today));
  return (doc) => all.every((p) => p(doc)) && (any.length === 0 || any.some((p) => p(doc)));
}
