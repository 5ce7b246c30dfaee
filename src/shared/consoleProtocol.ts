// Messages of the operations console webviews (the dashboard and the punch history panel), typed once and shared by
// the host panels and the webview scripts (style rule 10). Every message is validated on arrival on both sides.
import {
  HISTORY_OUTCOMES,
  type HistoryOutcomeFilter,
  type HistoryResult,
  type MissingCheckout,
  type OpsReport,
  type PunchLineage,
} from './history';
import type { ShiftHistoryPoint } from './model';

export const DASHBOARD_RANGES = [30, 90] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number];

/** Dashboard: host → webview. */
export type HostToDashboard =
  | {
      type: 'report';
      report: OpsReport;
      sites: string[];
      site: string | null;
      range: DashboardRange;
      /** Per site with Shift Types: its decisions over the range (state/sites/<site>.shifts.json). */
      shiftHistory: { site: string; points: ShiftHistoryPoint[] }[];
    }
  | { type: 'missing'; date: string; missing: MissingCheckout[] }
  | { type: 'error'; message: string };

/** Dashboard: webview → host. `site` null = all sites. */
export type DashboardToHost =
  { type: 'ready' } | { type: 'show'; site: string | null; range: DashboardRange } | { type: 'missing'; date: string };

/** The filters of the History panel (the CLI's `history` flags). */
export interface HistoryFilters {
  device?: string;
  site?: string;
  code?: string;
  employee?: string;
  name?: string;
  from?: string;
  to?: string;
  outcome?: HistoryOutcomeFilter;
  terminal?: string;
  limit: number;
}

/** History: host → webview. */
export type HostToHistory =
  | { type: 'init'; devices: string[]; sites: string[]; filters: HistoryFilters }
  | { type: 'results'; seq: number; result: HistoryResult }
  | { type: 'lineage'; lineage: PunchLineage | null; checkinUrl: string | null }
  | { type: 'error'; message: string };

/** History: webview → host. */
export type HistoryToHost =
  | { type: 'ready' }
  | { type: 'search'; seq: number; filters: HistoryFilters }
  | { type: 'open'; deviceId: string; key: string; punchTime: string }
  | { type: 'openCheckin'; deviceId: string; name: string };

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length <= max;
const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const optStr = (v: unknown) => v === undefined || (isStr(v) && v.length > 0);

export function parseDashboardToHost(m: unknown): DashboardToHost | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'show':
      return (m.site === null || isStr(m.site)) && DASHBOARD_RANGES.includes(m.range as DashboardRange)
        ? { type: 'show', site: m.site as string | null, range: m.range as DashboardRange }
        : undefined;
    case 'missing':
      return isDate(m.date) ? { type: 'missing', date: m.date } : undefined;
    default:
      return undefined;
  }
}

export function parseHostToDashboard(m: unknown): HostToDashboard | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'report':
      return isObj(m.report) && Array.isArray(m.sites) && Array.isArray(m.shiftHistory)
        ? (m as HostToDashboard)
        : undefined;
    case 'missing':
      return isDate(m.date) && Array.isArray(m.missing) ? (m as HostToDashboard) : undefined;
    case 'error':
      return isStr(m.message, 2000) ? (m as HostToDashboard) : undefined;
    default:
      return undefined;
  }
}

export function parseFilters(v: unknown): HistoryFilters | undefined {
  if (!isObj(v)) return undefined;
  const keys = ['device', 'site', 'code', 'employee', 'name', 'terminal'] as const;
  if (!keys.every((k) => optStr(v[k]))) return undefined;
  if ((v.from !== undefined && !isDate(v.from)) || (v.to !== undefined && !isDate(v.to))) return undefined;
  const outcomes: string[] = [...HISTORY_OUTCOMES, 'rerun'];
  if (v.outcome !== undefined && !outcomes.includes(v.outcome as string)) return undefined;
  if (typeof v.limit !== 'number' || !Number.isInteger(v.limit) || v.limit < 1 || v.limit > 10_000) return undefined;
  const out: HistoryFilters = { limit: v.limit };
  for (const k of keys) if (v[k] !== undefined) out[k] = v[k] as string;
  if (v.from) out.from = v.from as string;
  if (v.to) out.to = v.to as string;
  if (v.outcome) out.outcome = v.outcome as HistoryOutcomeFilter;
  return out;
}

export function parseHistoryToHost(m: unknown): HistoryToHost | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'search': {
      const filters = parseFilters(m.filters);
      return filters && typeof m.seq === 'number' ? { type: 'search', seq: m.seq, filters } : undefined;
    }
    case 'open':
      return isStr(m.deviceId) && isStr(m.key) && isStr(m.punchTime)
        ? { type: 'open', deviceId: m.deviceId, key: m.key, punchTime: m.punchTime }
        : undefined;
    case 'openCheckin':
      return isStr(m.deviceId) && isStr(m.name) && m.name
        ? { type: 'openCheckin', deviceId: m.deviceId, name: m.name }
        : undefined;
    default:
      return undefined;
  }
}

export function parseHostToHistory(m: unknown): HostToHistory | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'init':
      return Array.isArray(m.devices) && Array.isArray(m.sites) && parseFilters(m.filters)
        ? (m as HostToHistory)
        : undefined;
    case 'results':
      return typeof m.seq === 'number' && isObj(m.result) ? (m as HostToHistory) : undefined;
    case 'lineage':
      return m.lineage === null || isObj(m.lineage) ? (m as HostToHistory) : undefined;
    case 'error':
      return isStr(m.message, 2000) ? (m as HostToHistory) : undefined;
    default:
      return undefined;
  }
}
