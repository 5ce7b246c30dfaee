// The punch-mapping panel's message protocol, shared by the host (src/vscode/webviews/mappingPanel.ts) and the
// webview (src/webview/mapping.ts). Both sides validate what arrives with the parse functions below; the host then
// handles it with an exhaustive switch. Nothing secret is ever part of a message: rows are PunchOutcomes.
import type { OutcomeKind, PunchOutcome, RunKind } from './model';

/** What became of a punch that a run recorded as failed (a run's outcomes are history; this is the present). */
export type PunchNow =
  | { state: 'failing' }
  | {
      state: 'resolved';
      outcome: Exclude<OutcomeKind, 'failed'>;
      runId: string;
      runKind: RunKind;
      at: string;
      checkin?: string;
    }
  | { state: 'dismissed'; at: string }
  | { state: 'gone' };

/**
 * A row of the panel: the outcome as recorded, plus for failed rows of a run what became of the punch since
 * (`now`, with `nowText` to show) — absent on failed-punch lists, where every row is still failing.
 */
export type MappingRow = PunchOutcome & { now?: PunchNow; nowText?: string };

/** What a panel shows; kept in the webview state so the panel can be restored after a reload. */
export type MappingSourceRef =
  | { kind: 'run'; runId: string }
  | { kind: 'failed'; deviceId: string }
  | { kind: 'plan'; deviceId: string; runId: string };

export const SORT_KEYS = [
  'transactionId',
  'empCode',
  'name',
  'punchTime',
  'terminal',
  'logType',
  'employee',
  'outcome',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const OUTCOME_FILTERS = ['all', 'created', 'duplicate', 'failed', 'skipped'] as const;
export type OutcomeFilter = (typeof OUTCOME_FILTERS)[number];

export interface MappingQuery {
  outcome: OutcomeFilter;
  /** Case-insensitive; matches id, code, names, employee, terminal, log type, checkin and reason. */
  search: string;
  sort: SortKey;
  descending: boolean;
  /** Zero-based page. */
  page: number;
}

export const DEFAULT_QUERY: MappingQuery = {
  outcome: 'all',
  search: '',
  sort: 'punchTime',
  descending: false,
  page: 0,
};

export type MappingTotals = Record<OutcomeKind, number> & { all: number };

/** Header of the panel. */
export interface MappingSourceInfo {
  ref: MappingSourceRef;
  title: string;
  subtitle: string;
  /** A dry-run plan: rows say what would happen; "Apply" runs the sync for real. */
  isPlan: boolean;
  /** The source can rerun its failed rows. */
  canRerun: boolean;
  /** Why it cannot, when it is not a plan (e.g. the device was removed). */
  cannotRerun?: string;
}

/**
 * Host → webview.
 * - `source`: what the panel shows (sent after `ready`, and again when a plan is applied).
 * - `page`: one page of rows for the query with sequence `seq`, with totals per outcome for the whole source.
 * - `rowsUpdated`: rows changed in place (after a rerun); the webview replaces them where they are shown.
 * - `busy`/`notice`: progress and results of actions.
 */
export type HostToWebview =
  | { type: 'source'; source: MappingSourceInfo }
  | {
      type: 'page';
      seq: number;
      rows: MappingRow[];
      page: number;
      pageCount: number;
      pageSize: number;
      matched: number;
      totals: MappingTotals;
    }
  | { type: 'rowsUpdated'; rows: MappingRow[]; totals: MappingTotals }
  | { type: 'busy'; busy: boolean; message?: string }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

/**
 * Webview → host.
 * - `ready`: the script is listening; the host sends nothing before it.
 * - `query`: show this page; the answer echoes `seq` so stale answers are dropped.
 * - `rerun`: rerun these failed rows (punch keys). `apply`: run the previewed sync for real.
 * - `open`: open a document in Frappe's desk. `link`: Link to Employee… for an unknown code.
 */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'query'; seq: number; query: MappingQuery }
  | { type: 'rerun'; keys: string[] }
  | { type: 'apply' }
  | { type: 'open'; doctype: 'Employee' | 'Employee Checkin'; name: string; deviceId: string }
  | { type: 'link'; key: string };

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown, max = 500): v is string => typeof v === 'string' && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function parseQuery(v: unknown): MappingQuery | undefined {
  if (!isObj(v)) return undefined;
  const { outcome, search, sort, descending, page } = v;
  if (
    !OUTCOME_FILTERS.includes(outcome as OutcomeFilter) ||
    !isStr(search, 200) ||
    !SORT_KEYS.includes(sort as SortKey) ||
    typeof descending !== 'boolean' ||
    !isInt(page)
  )
    return undefined;
  return { outcome: outcome as OutcomeFilter, search, sort: sort as SortKey, descending, page };
}

export function parseSourceRef(v: unknown): MappingSourceRef | undefined {
  if (!isObj(v)) return undefined;
  if (v.kind === 'run' && isStr(v.runId, 200)) return { kind: 'run', runId: v.runId };
  if (v.kind === 'failed' && isStr(v.deviceId, 200)) return { kind: 'failed', deviceId: v.deviceId };
  if (v.kind === 'plan' && isStr(v.deviceId, 200) && isStr(v.runId, 200))
    return { kind: 'plan', deviceId: v.deviceId, runId: v.runId };
  return undefined;
}

/** Validates a message from the webview; undefined when it is not one of WebviewToHost. */
export function parseWebviewToHost(msg: unknown): WebviewToHost | undefined {
  if (!isObj(msg)) return undefined;
  switch (msg.type) {
    case 'ready':
    case 'apply':
      return { type: msg.type };
    case 'query': {
      const query = parseQuery(msg.query);
      return isInt(msg.seq) && query ? { type: 'query', seq: msg.seq, query } : undefined;
    }
    case 'rerun':
      return Array.isArray(msg.keys) && msg.keys.length <= 10_000 && msg.keys.every((k) => isStr(k, 200))
        ? { type: 'rerun', keys: msg.keys as string[] }
        : undefined;
    case 'open':
      return (msg.doctype === 'Employee' || msg.doctype === 'Employee Checkin') &&
        isStr(msg.name, 200) &&
        msg.name &&
        isStr(msg.deviceId, 200)
        ? { type: 'open', doctype: msg.doctype, name: msg.name, deviceId: msg.deviceId }
        : undefined;
    case 'link':
      return isStr(msg.key, 200) ? { type: 'link', key: msg.key } : undefined;
    default:
      return undefined;
  }
}

/** Validates a message from the host (the webview checks what it receives too). */
export function parseHostToWebview(msg: unknown): HostToWebview | undefined {
  if (!isObj(msg)) return undefined;
  switch (msg.type) {
    case 'source':
      return isObj(msg.source) && parseSourceRef(msg.source.ref) && isStr(msg.source.title)
        ? (msg as HostToWebview)
        : undefined;
    case 'page':
      return isInt(msg.seq) &&
        Array.isArray(msg.rows) &&
        isInt(msg.page) &&
        isInt(msg.pageCount) &&
        isInt(msg.matched) &&
        isObj(msg.totals)
        ? (msg as HostToWebview)
        : undefined;
    case 'rowsUpdated':
      return Array.isArray(msg.rows) && isObj(msg.totals) ? (msg as HostToWebview) : undefined;
    case 'busy':
      return typeof msg.busy === 'boolean' ? (msg as HostToWebview) : undefined;
    case 'notice':
      return (msg.level === 'info' || msg.level === 'error') && isStr(msg.message, 2000)
        ? (msg as HostToWebview)
        : undefined;
    default:
      return undefined;
  }
}

/** The webview's persisted state (vscode.setState): enough to restore the panel and the operator's view of it. */
export interface MappingWebviewState {
  ref: MappingSourceRef;
  query: MappingQuery;
  selected: string[];
}

export function parseWebviewState(v: unknown): MappingWebviewState | undefined {
  if (!isObj(v)) return undefined;
  const ref = parseSourceRef(v.ref);
  if (!ref) return undefined;
  return {
    ref,
    query: parseQuery(v.query) ?? DEFAULT_QUERY,
    selected: Array.isArray(v.selected) ? v.selected.filter((k): k is string => isStr(k, 200)) : [],
  };
}
