// The punch history and the operations report as every layer sees them (CLI, extension host, webviews). Types only.
import type { FailureCode, LogType, OutcomeKind, UserControlRecord } from './model';

/**
 * What became of a punch in the end: a run's outcome, or `dismissed` when the operator dropped the failed punch.
 * `rerun` (a filter, not an outcome) selects punches a rerun of failed punches processed.
 */
export type HistoryOutcome = OutcomeKind | 'dismissed';
export const HISTORY_OUTCOMES: readonly HistoryOutcome[] = ['created', 'duplicate', 'failed', 'skipped', 'dismissed'];
export type HistoryOutcomeFilter = HistoryOutcome | 'rerun';

/** One punch of the history: the BioTime facts and its latest outcome (earlier ones are in its lineage). */
export interface HistoryPunch {
  deviceId: string;
  key: string;
  transactionId: number | null;
  empCode: string;
  name: string;
  /** Naive BioTime time. */
  punchTime: string;
  /** The same instant in UTC (ISO), when the device's zone was known. */
  punchInstant: string | null;
  uploadTime: string | null;
  siteTime: string | null;
  terminalSn: string;
  terminalAlias: string;
  punchState: string;
  punchStateDisplay: string;
  logType: LogType | null;
  employee: string | null;
  employeeName: string | null;
  outcome: HistoryOutcome;
  checkin?: string;
  duplicateOf?: string;
  reason?: string;
  failure?: FailureCode;
  userControl?: UserControlRecord;
  /** A rerun of failed punches processed it at least once. */
  rerun: boolean;
  /** When it first failed, if it ever did (ISO): the start of its wait in the failed list. */
  firstFailedAt?: string;
  /** When the product first recorded an outcome for it, and when the latest one (ISO). */
  firstSeenAt: string;
  lastChangedAt: string;
  /** Run of the latest outcome ('' for an operator's dismissal). */
  runId: string;
}

/** A step of a punch's lineage, oldest first. */
export interface HistoryStep {
  at: string;
  runId: string;
  kind: 'outcome' | 'userControl' | 'dismissed';
  runKind?: 'sync' | 'rerun';
  outcome?: HistoryOutcome;
  checkin?: string;
  duplicateOf?: string;
  reason?: string;
  failure?: FailureCode;
  employee?: string | null;
  logType?: LogType | null;
  siteTime?: string | null;
  userControl?: UserControlRecord;
  recovered?: boolean;
}

/** A punch's whole story: raw BioTime record → decision → checkin link → user-control call. */
export interface PunchLineage {
  punch: HistoryPunch;
  /** The BioTime transaction exactly as received (null when it was not kept, e.g. recovered after a crash). */
  raw: Record<string, unknown> | null;
  steps: HistoryStep[];
}

export interface HistoryQuery {
  devices?: string[];
  empCode?: string;
  employee?: string;
  /** Case-insensitive substring of the BioTime name or the Frappe employee name. */
  name?: string;
  /** Dates `YYYY-MM-DD` in `zone` (the operator's zone), inclusive. */
  from?: string;
  to?: string;
  zone?: string;
  outcome?: HistoryOutcomeFilter;
  /** Terminal serial number or alias. */
  terminal?: string;
  limit?: number;
}

export interface HistoryResult {
  punches: HistoryPunch[];
  /** True when more punches matched than `limit`. */
  truncated: boolean;
  /** Segment files read and punches examined, for the curious operator and the benchmark. */
  scanned: { segments: number; lines: number };
}

/** Upload delay buckets (minutes, upper bounds; the last bucket is open). */
export const DELAY_BUCKETS_MIN = [1, 5, 15, 60, 240, 1440, 4320] as const;
export const DELAY_BUCKET_LABELS = ['<1 min', '1-5 min', '5-15 min', '15-60 min', '1-4 h', '4-24 h', '1-3 d', '>3 d'];

export interface WorstDelay {
  deviceId: string;
  key: string;
  empCode: string;
  punchTime: string;
  uploadTime: string;
  delayMinutes: number;
}

export interface TerminalReport {
  deviceId: string;
  sn: string;
  alias: string;
  punches: number;
  /** Counts per DELAY_BUCKETS_MIN bucket. */
  delay: number[];
  worst: WorstDelay[];
  lastPunch: string | null;
  lastUpload: string | null;
}

export interface DayRow {
  day: string;
  created: number;
  duplicate: number;
  failed: number;
  skipped: number;
  dismissed: number;
  /** Failed punches still waiting at the end of the day. */
  failedWaiting: number;
}

export interface DeviceReportRow {
  deviceId: string;
  site: string;
  cursor: number | null;
  watchedIds: number;
  failedWaiting: number;
  lastSyncAt: string | null;
}

export interface OpsReport {
  generatedAt: string;
  days: number;
  zone: string;
  site?: string;
  perDay: DayRow[];
  totals: Record<HistoryOutcome, number>;
  terminals: TerminalReport[];
  /** Punch → checkin created, counts per DELAY_BUCKETS_MIN bucket. */
  checkinLatency: number[];
  devices: DeviceReportRow[];
  shiftTypes: { site: string; shiftType: string; lastSyncOfCheckin: string | null; status: string; reason: string }[];
  /** Time to build it (ms), measured by the engine. */
  buildMs: number;
}

export interface MissingCheckout {
  site: string;
  day: string;
  empCode: string;
  employee: string | null;
  name: string;
  lastIn: string;
  deviceId: string;
  terminal: string;
  outcome: HistoryOutcome;
}
