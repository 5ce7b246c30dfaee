import type { SandboxRequest, SandboxResponse } from '../common/httpServer';
import { parseFilterDateTime } from './clock';
import type { LinkBase } from './pagination';
import { envelope, invalidPage, listPage, pageSize, resolvePage } from './pagination';
import type { JsonRecord } from './records';
import type { BioTimeStore } from './store';
import type { OrderTerm, TxFilter } from './transactionTable';

export interface ListSettings {
  links: LinkBase;
  defaultPageSize: number;
}

export const notFound: SandboxResponse = { status: 404, body: { detail: 'Not found.' } };

/** django-filter ignores empty values, so `?emp_code=` filters nothing. */
function param(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

function parseFilter(query: URLSearchParams, timeZone: string | undefined): TxFilter | SandboxResponse {
  const filter: TxFilter = {
    emp_code: param(query, 'emp_code'),
    terminal_sn: param(query, 'terminal_sn'),
    terminal_alias: param(query, 'terminal_alias'),
  };
  const errors: Record<string, string[]> = {};
  for (const [name, key] of [
    ['start_time', 'start'],
    ['end_time', 'end'],
  ] as const) {
    const raw = param(query, name);
    if (raw === undefined) continue;
    const parsed = parseFilterDateTime(raw, timeZone);
    if (parsed === undefined) errors[name] = ['Enter a valid date/time.'];
    else filter[key] = parsed;
  }
  return Object.keys(errors).length > 0 ? { status: 400, body: errors } : filter;
}

/** DRF OrderingFilter with only the four honoured terms; invalid terms are dropped silently (§3.1). */
function parseOrdering(query: URLSearchParams): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const raw of (query.get('ordering') ?? '').split(',')) {
    const term = raw.trim();
    const field = term.replace(/^-/, '');
    if (field === 'punch_time' || field === 'upload_time') terms.push({ field, desc: term.startsWith('-') });
  }
  return terms;
}

export function listTransactions(req: SandboxRequest, store: BioTimeStore, settings: ListSettings): SandboxResponse {
  const filter = parseFilter(req.query, store.clock.timeZone);
  if ('status' in filter) return filter;
  const ordering = parseOrdering(req.query);
  const size = pageSize(req.query, settings.defaultPageSize);
  // One pass counts and slices; the page guess is re-checked against the count ("last" needs a second pass).
  const rawPage = Number((req.query.get('page') ?? '1').trim());
  const guess = Number.isInteger(rawPage) && rawPage >= 1 ? rawPage : 1;
  let result = store.table.query(filter, ordering, (guess - 1) * size, size);
  const at = resolvePage(req.query, size, result.count);
  if (!at) return invalidPage;
  if (at.page !== guess) result = store.table.query(filter, ordering, (at.page - 1) * size, size);
  return { status: 200, body: envelope(req, settings.links, at, result.count, result.items) };
}

export function transactionDetail(req: SandboxRequest, store: BioTimeStore, id: number): SandboxResponse {
  if (req.method === 'DELETE') return store.deletePunch(id) ? { status: 204 } : notFound;
  const record = store.table.get(id);
  return record ? { status: 200, body: record } : notFound;
}

function terminalMatches(record: JsonRecord, query: URLSearchParams): boolean {
  const has = (field: string, value: string | undefined, partial: boolean): boolean => {
    if (value === undefined) return true;
    const actual = String(record[field] ?? '');
    return partial ? actual.toLowerCase().includes(value.toLowerCase()) : actual === value;
  };
  const area = record.area as { id?: number } | null;
  const areaFilter = param(query, 'area');
  return (
    // `sn` matches partially on real servers (§6), so clients must re-check serials themselves.
    has('sn', param(query, 'sn'), true) &&
    has('sn', param(query, 'sn_icontains'), true) &&
    has('alias', param(query, 'alias'), false) &&
    has('alias', param(query, 'alias_icontains'), true) &&
    has('state', param(query, 'state'), false) &&
    (areaFilter === undefined || String(area?.id ?? '') === areaFilter)
  );
}

export function listTerminals(req: SandboxRequest, store: BioTimeStore, settings: ListSettings): SandboxResponse {
  const rows = store.terminals().filter((record) => terminalMatches(record, req.query));
  return listPage(req, settings.links, settings.defaultPageSize, rows);
}

export function terminalDetail(store: BioTimeStore, id: number): SandboxResponse {
  const record = store.terminals().find((row) => row.id === id);
  return record ? { status: 200, body: record } : notFound;
}
