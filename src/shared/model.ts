// Types that every layer (engine, CLI, extension host and the webview) can import. No node or vscode APIs here.

/** Frappe HR Employee Checkin log type. */
export type LogType = 'IN' | 'OUT';

/**
 * What a BioTime punch_state turns into: a log type, `NONE` (create the checkin without a log type and let the
 * Shift Type decide), or `SKIP` (do not create a checkin; the punch is recorded as skipped).
 */
export type PunchStateAction = LogType | 'NONE' | 'SKIP';

/** The outcome every punch of every run ends with. */
export type OutcomeKind = 'created' | 'duplicate' | 'failed' | 'skipped';

/** Why a punch failed, as a closed set so hosts can offer the right fix (free text is in `reason`). */
export type FailureCode =
  | 'unknownEmployee' // no Employee with that Biometric ID
  | 'ambiguousEmployee' // several Employees share the Biometric ID
  | 'badRecord' // the BioTime record itself is unusable (empty emp_code, unparsable time, no id)
  | 'refused' // Frappe validated and refused it (inactive employee, strict log type, geolocation, link...)
  | 'permission' // Frappe permission error
  | 'transient' // retries exhausted (timeouts, 5xx, 429)
  | 'timeZone'; // the punch time does not exist in the BioTime zone (DST gap)

/** Which secret is missing (CredentialsMissingError): each has its own command to set it. */
export type MissingCredential = 'biotimePassword' | 'frappeApiKey';

/**
 * An error as recorded in run summaries and device state and printed by `--json`, already redacted and written for
 * an operator. Hosts choose the fix from the typed fields (`code`, `credential`), never from the text.
 */
export interface ErrorRecord {
  code: string;
  message: string;
  hint?: string;
  /** Set for `credentials.missing`: the secret to set. */
  credential?: MissingCredential;
}

/** Post-checkin user control: what was decided and what happened. */
export interface UserControlRecord {
  action: 'enable' | 'disable';
  mode: UserControlMode;
  result: 'applied' | 'planned' | 'unchanged' | 'exempt' | 'failed' | 'superseded';
  detail?: string;
}

export type UserControlMode = 'off' | 'area' | 'resign' | 'frappe-user';

/** One punch and what became of it: the unit of the punch-to-checkin mapping. */
export interface PunchOutcome {
  /** Stable key of the punch within its device: the BioTime transaction id, or `raw:<hash>` when it has none. */
  key: string;
  deviceId: string;
  transactionId: number | null;
  empCode: string;
  name: string;
  /** Punch time as BioTime reported it (naive, BioTime server zone). */
  punchTime: string;
  /** The same instant as a naive time in the Frappe site's zone (what was sent as `time`). */
  siteTime: string | null;
  uploadTime: string | null;
  terminalSn: string;
  terminalAlias: string;
  punchState: string;
  punchStateDisplay: string;
  logType: LogType | null;
  employee: string | null;
  employeeName: string | null;
  outcome: OutcomeKind;
  checkin?: string;
  duplicateOf?: string;
  reason?: string;
  failure?: FailureCode;
  userControl?: UserControlRecord;
  /** True when the checkin was found already created by an interrupted earlier attempt of ours. */
  recovered?: boolean;
  /**
   * A failed punch whose checkin Frappe stored with another time than the punch's (an API user without HR
   * User/HR Manager gets the sync time): that checkin's name, to be deleted in Frappe. The punch is not synced.
   */
  wrongCheckin?: string;
}

/** A failed punch kept until it succeeds or the operator dismisses it. */
export interface FailedPunch {
  key: string;
  deviceId: string;
  empCode: string;
  name: string;
  punchTime: string;
  terminalAlias: string;
  punchState: string;
  reason: string;
  failure: FailureCode;
  firstFailedAt: string;
  lastTriedAt: string;
  attempts: number;
  runId: string;
  transactionId: number | null;
  terminalSn: string;
  uploadTime: string | null;
  punchStateDisplay: string;
  latitude: number | null;
  longitude: number | null;
  /** The BioTime transaction exactly as received. */
  raw: Record<string, unknown>;
  /**
   * The site it was meant for. Failed punches stay with that site when the device moves to another one, until the
   * operator moves them (`rerun --to-site`). Absent on punches recorded before sites were kept: the device's site.
   */
  site?: string;
}

/**
 * A failed punch the operator dismissed: it left the failed list without a checkin. Kept apart from the punches a
 * later run resolved, so no view can show a dismissed punch as "resolved".
 */
export interface DismissedPunch extends FailedPunch {
  dismissedAt: string;
}

/** What a dismiss did: the keys dismissed, and the keys that were not failed punches of the device. */
export interface DismissResult {
  deviceId: string;
  dismissed: string[];
  notFailed: string[];
}

export interface OutcomeCounts {
  fetched: number;
  created: number;
  duplicate: number;
  failed: number;
  skipped: number;
  userControlCalls: number;
  userControlFailed: number;
}

export type RunKind = 'sync' | 'rerun' | 'dryRun';
/**
 * `interrupted`: the process running it stopped before it finished (killed or crashed). Set by a later run of the
 * device in the process that holds the state-directory lock; the outcomes it had recorded are kept.
 */
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

/** Summary of one device run (the per-punch outcomes are stored beside it). */
export interface RunSummary {
  runId: string;
  deviceId: string;
  kind: RunKind;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: OutcomeCounts;
  /** Error that stopped the run (failed status), already redacted and written for an operator. */
  error?: ErrorRecord;
  cursorBefore: number | null;
  cursorAfter: number | null;
  /**
   * Checkins Frappe stored with the sync time instead of the punch time during this run (the API user cannot
   * write Employee Checkin `time`): the operator deletes them in Frappe; their punches are failed, to rerun.
   */
  wrongCheckins?: string[];
  /** Set when this run found the device's site changed since its previous run, and what it did about it. */
  siteChange?: SiteChange;
}

export interface SiteChange {
  from: string;
  to: string;
  /** `kept`: the cursor went on (older punches are not imported into `to`); `readAgain`: read from importSince. */
  cursor: 'kept' | 'readAgain';
  /** Failed punches that stay with `from`: not sent to `to` unless the operator moves them. */
  failedOfOldSite: number;
  /** The operator-facing explanation (also logged as a warning). */
  message: string;
}

export interface TerminalHealth {
  sn: string;
  alias: string;
  area: string;
  lastActivity: string | null;
  userCount: number | null;
  transactionCount: number | null;
  offline: boolean;
}

export type DeviceHealth = 'ok' | 'never' | 'running' | 'error' | 'disabled';

/**
 * Transaction ids below the cursor that no read has seen yet (committed out of id order, or rows that moved left
 * between two page reads). The cursor has not passed them: every run reads them again until they appear or expire.
 */
export interface WatchedGap {
  from: number;
  to: number;
  /** When the ids were first passed over. */
  since: string;
  /** Complete reads that looked for them since then. */
  reads: number;
}

export interface DeviceStatus {
  deviceId: string;
  name: string;
  enabled: boolean;
  health: DeviceHealth;
  lastSyncAt: string | null;
  nextRunAt: string | null;
  cursor: number | null;
  /** Ids below `cursor` still looked for by every run (see WatchedGap); empty when there are none. */
  watchedGaps: WatchedGap[];
  failedCount: number;
  consecutiveFailures: number;
  lastRun: RunSummary | null;
  lastError?: ErrorRecord;
  terminals: TerminalHealth[];
}

export function emptyCounts(): OutcomeCounts {
  return { fetched: 0, created: 0, duplicate: 0, failed: 0, skipped: 0, userControlCalls: 0, userControlFailed: 0 };
}

/** One line of a doctor / Test Connection report. */
export interface DoctorCheck {
  /** "device hq", "site acme". */
  target: string;
  check: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  /** What to do when it is not ok. */
  fix?: string;
}

/** A planned or performed Shift Type "Last Sync of Checkin" move (issue: parity). */
export interface ShiftSyncRecord {
  site: string;
  shiftType: string;
  from: string | null;
  to: string | null;
  status: 'moved' | 'held' | 'unchanged' | 'autoUpdate' | 'failed';
  reason: string;
}

/**
 * One stretch of Shift Type decisions in the site's shift history (state/sites/<site>.shifts.json): consecutive
 * decisions with the same outcome are kept as one point, and moves within the same hour as one point holding the
 * latest value, so the file stays small while the dashboard can draw "Last Sync of Checkin" over weeks.
 */
export interface ShiftHistoryPoint {
  shiftType: string;
  status: ShiftSyncRecord['status'];
  /** "Last Sync of Checkin" after the decision (site time, naive), null when it was never set. */
  lastSync: string | null;
  /** When the first and the last decision of the stretch were taken (ISO instants). */
  firstAt: string;
  at: string;
  /** Decisions in the stretch. */
  count: number;
  /** Why, as the last decision of the stretch said: what held it back, or what bounded the move. */
  reason: string;
}
