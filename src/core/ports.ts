// The engine's ports: small interfaces the core needs and the hosts (CLI, VS Code) or the API clients implement.
// Nothing here may depend on BioTime or Frappe client code; those implement the interfaces.
import type {
  DismissedPunch,
  FailedPunch,
  FailureCode,
  LogType,
  PunchOutcome,
  RunKind,
  RunSummary,
  ShiftSyncRecord,
  TerminalHealth,
  UserControlMode,
  UserControlRecord,
} from '../shared/model';
import type { Disposable } from './events';

// ---------------------------------------------------------------------------------------------------------------
// Infrastructure ports

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Leveled logger. Every implementation receives text that already went through redaction (see redact.ts). */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Time source and timers, injected so tests are deterministic. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`; rejects with CancelledError when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls back after `ms` (once). */
  setTimer(callback: () => void, ms: number): Disposable;
}

/**
 * Secrets. The CLI reads them from the environment, the extension from SecretStorage. Tokens are short-lived
 * BioTime tokens: the host decides where they are kept (the CLI keeps them in the state directory, 0600).
 */
export interface CredentialProvider {
  biotimePassword(deviceId: string): Promise<string | undefined>;
  frappeApiKey(siteId: string): Promise<string | undefined>;
  frappeApiSecret(siteId: string): Promise<string | undefined>;
  getToken(deviceId: string): Promise<string | undefined>;
  setToken(deviceId: string, token: string | undefined): Promise<void>;
}

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

export interface AttendanceSource {
  /** Streams transactions with id > afterId, page by page, in ascending id order. */
  readTransactions(query: TransactionQuery): AsyncIterable<TransactionPage>;
  /** One transaction by id, or null when BioTime has none with that id. */
  getTransaction(id: number, signal?: AbortSignal): Promise<Punch | null>;
  listTerminals(signal?: AbortSignal): Promise<TerminalInfo[]>;
  /** Logs in (or reuses the token) and reads a little: for doctor and Test Connection. */
  probe(signal?: AbortSignal): Promise<SourceProbe>;
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

export interface CheckinSink {
  /** Employees whose attendance_device_id is one of `codes` (one request per batch, `in` filter). */
  findEmployeesByDeviceIds(codes: string[], signal?: AbortSignal): Promise<EmployeeRecord[]>;
  /** Existing checkins of these employees with time in [from, to] (inclusive, naive site time). */
  findCheckins(employees: string[], from: string, to: string, signal?: AbortSignal): Promise<ExistingCheckin[]>;
  /**
   * Creates the checkins, in batches where the API allows; one bad document never blocks the others. Uncertain
   * outcomes (timeout after sending) are reconciled against Frappe before any retry, so nothing is created twice.
   */
  insertCheckins(docs: NewCheckin[], signal?: AbortSignal): Promise<InsertResult[]>;
  siteTimeZone(signal?: AbortSignal): Promise<string>;
  searchEmployees(text: string, limit: number, signal?: AbortSignal): Promise<EmployeeRecord[]>;
  setEmployeeDeviceId(employee: string, deviceId: string, signal?: AbortSignal): Promise<void>;
  probe(signal?: AbortSignal): Promise<SinkProbe>;
  /**
   * Whether the API user may write checkin `time` (from its roles, read the way any API user can): asked once per
   * run before anything is written, so an API user without HR roles stops the run instead of storing wrong times.
   */
  checkinWriteAccess(signal?: AbortSignal): Promise<CheckinWriteAccess>;
  /**
   * Employee Checkins with this `device_id` created since `since` (naive site time), for telling whether another
   * installation syncs the same BioTime.
   */
  recentCheckinsOfDevice(
    deviceId: string,
    since: string,
    signal?: AbortSignal,
  ): Promise<{ name: string; creation: string }[]>;
  getShiftTypes(names: string[], signal?: AbortSignal): Promise<ShiftTypeInfo[]>;
  /** Sets Shift Type last_sync_of_checkin (naive site time). */
  setShiftLastSync(name: string, time: string, signal?: AbortSignal): Promise<void>;
  /** HR Settings allow_geolocation_tracking: the site refuses checkins without coordinates. */
  geolocationRequired(signal?: AbortSignal): Promise<boolean | 'unknown'>;
  /** Desk URL of a document, for "Open in Frappe". */
  deskUrl(doctype: 'Employee' | 'Employee Checkin', name: string): string;
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

/** Small persistent memory the mechanisms need (e.g. the areas an employee had before being moved). */
/**
 * What a mechanism remembers per employee between runs (e.g. the areas to move back to). `set` is durable when it
 * resolves: await it before the server-side change it makes undoable, so a crash right after that change still
 * knows how to undo it.
 */
export interface UserControlMemory {
  get(empCode: string): unknown;
  set(empCode: string, value: unknown): Promise<void> | void;
}

/** Doctor's answer for a mechanism: `warn` when it may work but could not be confirmed; `fix` says what to grant. */
export interface UserControlCheck {
  ok: boolean;
  detail: string;
  warn?: boolean;
  fix?: string;
}

export interface UserControl {
  readonly mode: Exclude<UserControlMode, 'off'>;
  /** Applies each employee's final state of the run, once. */
  apply(changes: UserControlChange[], memory: UserControlMemory, signal?: AbortSignal): Promise<UserControlResult[]>;
  /** Whether the mechanism is available on this server, for doctor. */
  check(signal?: AbortSignal): Promise<UserControlCheck>;
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
  lastError?: { code: string; message: string; hint?: string };
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

export interface RunRecordWriter {
  /** Appends outcomes durably (fsync'd before it resolves). */
  append(outcomes: PunchOutcome[]): Promise<void>;
  /** Records later facts about punches already appended (e.g. the user-control result applied at run end). */
  patch(patches: { key: string; patch: Partial<PunchOutcome> }[]): Promise<void>;
  /** Resolves to 'diskFull' when the summary could only be written over its reserved space (the disk is full). */
  finish(summary: RunSummary): Promise<void | 'diskFull'>;
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

export interface SyncStateStore {
  loadSite(siteId: string): Promise<SiteState>;
  saveSite(siteId: string, state: SiteState): Promise<void>;
  loadDevice(deviceId: string): Promise<DeviceState>;
  saveDevice(deviceId: string, state: DeviceState): Promise<void>;
  startRun(summary: RunSummary): Promise<RunRecordWriter>;
  /** Rewrites the summary of a run started earlier (an interrupted run closed by a later one). */
  updateRun(summary: RunSummary): Promise<void>;
  listRuns(deviceId?: string, limit?: number): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunSummary | undefined>;
  readRunOutcomes(runId: string): AsyncIterable<PunchOutcome>;
  /** The failed punches (all devices without `deviceId`); with `where`, only those it accepts are read into memory. */
  listFailed(deviceId?: string, where?: (f: FailedPunch) => boolean): Promise<FailedPunch[]>;
  /** The keys of a device's failed punches, without reading the punches. */
  failedKeys(deviceId: string): Promise<Set<string>>;
  /** Adds or updates failed punches and removes the keys that now have another outcome, in one atomic write. */
  updateFailed(deviceId: string, upsert: FailedPunch[], remove: string[]): Promise<void>;
  /** Replaces failed punches as given (an edit such as moving them to another site: not another attempt). */
  editFailed(deviceId: string, edited: FailedPunch[]): Promise<void>;
  /**
   * Removes failed punches the operator dismissed and records them as dismissed (never as resolved). Returns the
   * punches that were dismissed: keys that were not in the failed list are not.
   */
  dismissFailed(deviceId: string, keys: string[], at: Date): Promise<DismissedPunch[]>;
  /** The punches dismissed so far (newest last). */
  listDismissed(deviceId?: string): Promise<DismissedPunch[]>;
  setInflight(deviceId: string, entries: InflightEntry[]): Promise<void>;
  getInflight(deviceId: string): Promise<InflightEntry[]>;
  /** Problems met while loading (corrupt files), reported to the operator; never thrown. */
  readonly problems: string[];
  /** Where the state lives (a directory), for messages; undefined for stores that are not files. */
  readonly dir?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Punch history (core/history/punchHistory.ts)

export interface HistoryBatch {
  deviceId: string;
  runId: string;
  runKind: RunKind;
  outcomes: PunchOutcome[];
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

/**
 * Keeps every punch seen with its outcome. Written after each checkpoint, never before: the sync's own state comes
 * first, and a failure here (a full disk) is reported and never fails a run — the history catches up from the run
 * records later.
 */
export interface HistoryRecorder {
  /** Replays what the run records hold and the history does not (after a crash); drops expired days. */
  catchUp(deviceId: string, zone?: string): Promise<number>;
  recordBatch(batch: HistoryBatch, patches?: HistoryPatch[]): Promise<void>;
  recordPatches(deviceId: string, runId: string, runKind: RunKind, patches: HistoryPatch[]): Promise<void>;
  recordDismissed(deviceId: string, punches: HistoryDismissal[]): Promise<void>;
}
