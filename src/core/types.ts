// The data the engine's ports carry (punches, checkins, probes) and the state they persist (cursors, device and
// site state, the write journal), beside the interfaces in ports.ts. Plain data: no behaviour, no imports of code.
import type {
  ErrorRecord,
  FailureCode,
  LogType,
  PunchOutcome,
  RunKind,
  ShiftSyncRecord,
  TerminalHealth,
  UserControlRecord,
} from '../shared/model';

// ---------------------------------------------------------------------------------------------------------------
// Logging

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

// ---------------------------------------------------------------------------------------------------------------
// Attendance source (BioTime)

/**
 * A punch as read from BioTime, normalised. Unusable records are still returned (with `problem` set) so they
 * become failed punches with a reason instead of disappearing.
 */
export interface Punch {
  /** Stable key within the device: String(id), or `raw:<sha1 of the record>` when the record has no usable id. */
  key: string;
  id: number | null;
  empCode: string;
  name: string;
  /** Naive `YYYY-MM-DD HH:MM:SS`, BioTime server wall clock. */
  punchTime: string;
  uploadTime: string | null;
  punchState: string;
  punchStateDisplay: string;
  terminalSn: string;
  terminalAlias: string;
  areaAlias: string;
  latitude: number | null;
  longitude: number | null;
  raw: Record<string, unknown>;
  /** Set when the record cannot become a checkin: says what is wrong with it. */
  problem?: string;
}

/** Where the previous run's cursor was found, so the next run can usually start reading at once. */
export interface PageHint {
  pageSize: number;
  page: number;
  startTime?: string;
}

export interface TransactionQuery {
  /** Only transactions with an id greater than this. */
  afterId: number;
  pageSize: number;
  /** Optional lower bound on punch_time (BioTime naive time), sent as `start_time`. */
  startTime?: string;
  hint?: PageHint;
  signal?: AbortSignal;
}

export interface TransactionPage {
  /** Transactions with id > afterId on this page, ascending id (records without an id keep their position). */
  punches: Punch[];
  page: number;
  /** Resume point for the next run. */
  hint: PageHint;
  /** BioTime's `count` for the query. */
  totalCount: number;
  isLast: boolean;
}

export interface TerminalInfo {
  id: number | null;
  sn: string;
  alias: string;
  area: string;
  lastActivity: string | null;
  userCount: number | null;
  transactionCount: number | null;
  raw: Record<string, unknown>;
}

export interface SourceProbe {
  /** The auth scheme that worked. */
  scheme: 'jwt' | 'token';
  /** Token expiry when it is a JWT. */
  tokenExpiresAt?: Date;
  /** Newest upload_time seen (BioTime naive time): an estimate of the BioTime server clock. */
  newestUploadTime?: string | null;
  newestTransactionId?: number | null;
  transactionCount?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Checkin sink (Frappe HR)

export interface EmployeeRecord {
  name: string;
  employeeName: string;
  /** attendance_device_id, the "Biometric ID". */
  deviceId: string | null;
  status: string;
  userId: string | null;
}

export interface ExistingCheckin {
  name: string;
  employee: string;
  /** Naive site time, normalised to `YYYY-MM-DD HH:MM:SS` (fractions of a second dropped). */
  time: string;
  logType: LogType | '';
  deviceId: string | null;
}

export interface NewCheckin {
  /** The punch key, echoed in the result. */
  key: string;
  employee: string;
  /** Naive site time `YYYY-MM-DD HH:MM:SS`. */
  time: string;
  logType: LogType | null;
  deviceId: string;
  latitude?: number | null;
  longitude?: number | null;
}

export type InsertResult =
  | { key: string; status: 'created'; name: string; recovered?: boolean }
  /**
   * Frappe answered success but stored another `time` than the one sent (the permlevel trap: an API user without
   * HR User/HR Manager gets the server's "now"). Never a created checkin: the punch failed, the checkin is wrong.
   */
  | { key: string; status: 'wrongTime'; name: string; storedTime: string; message: string }
  | { key: string; status: 'duplicate'; duplicateOf?: string; message: string }
  | { key: string; status: 'failed'; failure: FailureCode; message: string };

export interface SinkProbe {
  user: string;
  timeZone: string;
  /** False when the API user cannot write Employee Checkin `time` (Frappe would silently stamp "now"). */
  canWriteTime: boolean | 'unknown';
  canCreateCheckin: boolean | 'unknown';
  /** Write on User, which user-control mode 'frappe-user' needs (stock Frappe: System Manager only). */
  canWriteUser: boolean | 'unknown';
  /** The API user's roles, when they could be read. */
  roles?: string[];
  canReadEmployee: boolean;
  /** Biometric IDs held by more than one Employee. */
  duplicateDeviceIds: { deviceId: string; employees: string[] }[];
  details: string[];
}

export interface CheckinWriteAccess {
  user: string;
  canWriteTime: boolean | 'unknown';
  roles?: string[];
}

/** A Frappe HR Shift Type as the "Last Sync of Checkin" mover needs it. */
export interface ShiftTypeInfo {
  name: string;
  exists: boolean;
  /** Naive site time, or null when never set. */
  lastSyncOfCheckin: string | null;
  /** Frappe HR's own "Auto Update Last Sync of Checkin" is on: we leave the Shift Type alone. */
  autoUpdate: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Post-checkin user control

export interface UserControlChange {
  empCode: string;
  employee: EmployeeRecord;
  enable: boolean;
}

export interface UserControlResult {
  empCode: string;
  result: 'applied' | 'unchanged' | 'failed';
  detail: string;
}

/** Doctor's answer for a mechanism: `warn` when it may work but could not be confirmed; `fix` says what to grant. */
export interface UserControlCheck {
  ok: boolean;
  detail: string;
  warn?: boolean;
  fix?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// State

export interface DeviceCursor {
  /** Highest BioTime transaction id whose punch (and every lower one) has a durable outcome. */
  hwm: number;
  /**
   * Ids in the overlap window just below `hwm` that already have an outcome. Each run re-reads that window so a
   * transaction committed out of id order is still picked up; ids listed here are not processed twice.
   */
  recent: number[];
  hint?: PageHint;
  /** Fingerprint of the `hwm` transaction, to detect a BioTime database restore that reuses ids. */
  hwmFingerprint?: string;
  /** Id ranges passed over without being seen, still watched (see gaps.ts). */
  gaps?: [from: number, to: number, firstSeenAt: string, reads?: number][];
}

export interface DeviceState {
  /** The site the cursor and the failed punches belong to (set by each run); absent in older state. */
  site?: string;
  lastSyncAt: string | null;
  /** When the last successful sync run started: everything BioTime held before then has been read. */
  lastSyncStartedAt?: string | null;
  lastAttemptAt: string | null;
  cursor: DeviceCursor | null;
  consecutiveFailures: number;
  lastError?: ErrorRecord;
  userControlMemory: Record<string, unknown>;
  /** Each employee's wanted final user-control state not yet applied (survives a crash before run end). */
  pendingUserControl?: Record<string, PendingUserControl>;
  /**
   * Per employee code, the punch time (BioTime naive) of the punch whose user-control decision was last applied.
   * An older punch arriving later (a terminal back online) must not override it.
   */
  userControlApplied?: Record<string, string>;
  terminals?: TerminalHealth[];
  terminalsCheckedAt?: string;
}

export interface PendingUserControl {
  empCode: string;
  employee: EmployeeRecord;
  enable: boolean;
  /** Punch that decided it (its outcome gets the result). */
  key: string;
  runId: string;
  punchTime: string;
  attempts: number;
}

/** The durable journal of checkin writes in flight, so a crash mid-write is recognised on the next run. */
export interface InflightEntry {
  key: string;
  employee: string;
  time: string;
  logType: LogType | null;
}

export interface SiteState {
  shiftSync: ShiftSyncRecord[];
  checkedAt: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Punch history (core/history/punchHistory.ts)

export interface HistoryBatch {
  deviceId: string;
  runId: string;
  runKind: RunKind;
  outcomes: PunchOutcome[];
  /** JSON.stringify of each outcome, as the run record holds it (the history embeds it rather than encode again). */
  json?: string[];
  /** The BioTime records of the batch, by punch key (kept for the lineage). */
  raw?: Map<string, Record<string, unknown>>;
  /** IANA zone of BioTime's naive times, to store each punch's instant. */
  zone?: string;
}

/** A user-control result learnt after the punch's outcome was recorded. */
export interface HistoryPatch {
  key: string;
  punchTime: string;
  userControl: UserControlRecord;
}

/** What the history records of a punch besides its outcome (a FailedPunch has it all): its identity fields. */
export type HistoryDismissal = Pick<
  PunchOutcome,
  | 'key'
  | 'transactionId'
  | 'empCode'
  | 'name'
  | 'punchTime'
  | 'uploadTime'
  | 'terminalSn'
  | 'terminalAlias'
  | 'punchState'
  | 'punchStateDisplay'
>;
