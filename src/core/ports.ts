// The engine's ports: the interfaces the core needs and the hosts (CLI, VS Code) or the API clients implement.
// Nothing here may depend on BioTime or Frappe client code; those implement the interfaces. Interfaces only: the
// data they carry and the state they persist are in types.ts.
import type {
  DismissedPunch,
  FailedPunch,
  FailureCode,
  PunchOutcome,
  RunKind,
  RunSummary,
  UserControlMode,
} from '../shared/model';
import type { DeviceConfig, SiteConfig } from './configTypes';
import type { Disposable } from './events';
import type {
  CheckinWriteAccess,
  DeviceState,
  EmployeeRecord,
  ExistingCheckin,
  HistoryBatch,
  HistoryDismissal,
  HistoryPatch,
  InflightEntry,
  InsertResult,
  NewCheckin,
  Punch,
  ShiftTypeInfo,
  SinkProbe,
  SiteState,
  SourceProbe,
  TerminalInfo,
  TransactionPage,
  TransactionQuery,
  UserControlChange,
  UserControlCheck,
  UserControlResult,
} from './types';

// ---------------------------------------------------------------------------------------------------------------
// Infrastructure ports

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

/**
 * What a user-control mechanism remembers per employee between runs, kept in the device state (e.g. the areas an
 * employee had before being moved to the no-access area). `set` is durable when it resolves (`undefined` forgets):
 * await it before the server-side change it makes undoable, so a crash right after that change still knows how to
 * undo it.
 */
export interface UserControlMemory {
  get(empCode: string): unknown;
  set(empCode: string, value: unknown): Promise<void> | void;
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

export interface RunRecordWriter {
  /**
   * Appends outcomes durably (fsync'd before it resolves). `json`, when given, is JSON.stringify of each outcome,
   * written as is (the caller encodes each punch once, for this record and the history).
   */
  append(outcomes: PunchOutcome[], json?: string[]): Promise<void>;
  /** Records later facts about punches already appended (e.g. the user-control result applied at run end). */
  patch(patches: { key: string; patch: Partial<PunchOutcome> }[]): Promise<void>;
  /** Resolves to 'diskFull' when the summary could only be written over its reserved space (the disk is full). */
  finish(summary: RunSummary): Promise<void | 'diskFull'>;
}

/** What a store's index of failed punches can answer without reading them. */
export interface FailedPrefilter {
  failure?: FailureCode;
  /** Only punches tried fewer times than this. */
  attemptsBelow?: number;
}

/** The keys of a device's failed punches, kept by the store (a run does not copy them). */
export interface FailedKeys extends Iterable<string> {
  has(key: string): boolean;
  readonly size: number;
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
  /**
   * The failed punches (all devices without `deviceId`); with `where`, only those it accepts are read into memory.
   * `pre` narrows the read to what the store's index may match (the punches it rules out are not even parsed);
   * `where` still decides.
   */
  listFailed(deviceId?: string, where?: (f: FailedPunch) => boolean, pre?: FailedPrefilter): Promise<FailedPunch[]>;
  /** The keys of a device's failed punches, without reading the punches; follows this store's own changes. */
  failedKeys(deviceId: string): Promise<FailedKeys>;
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
  /** Writes what the recorder holds back for speed (index entries, its progress mark); called when a run ends. */
  flush(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Composition (supplied by the host's composition root, src/app)

/** Builds the API clients; supplied by the host's composition root. */
export interface Connectors {
  source(device: DeviceConfig): AttendanceSource;
  sink(site: SiteConfig): CheckinSink;
  userControl(device: DeviceConfig, source: AttendanceSource, sink: CheckinSink): UserControl | undefined;
}

/** The state-directory lock as the engine needs it. */
export interface RunLock {
  readonly isHeld: boolean;
  tryAcquire(): Promise<boolean>;
}

/** The lock as the scheduler needs it: it also gives the runner role up when it stops. */
export interface SchedulerLock extends RunLock {
  release(): Promise<void>;
}
