// The engine's public surface as the hosts (CLI, extension) see it.
import type {
  DeviceStatus,
  DismissedPunch,
  DismissResult,
  DoctorCheck,
  FailedPunch,
  OutcomeCounts,
  PunchOutcome,
  RunKind,
  RunSummary,
  ShiftSyncRecord,
  SiteChange,
} from '../shared/model';
import type { Event } from './events';
import type { EmployeeRecord } from './types';
import type { SyncConfig } from './configTypes';

export type EngineEvent =
  | { type: 'runStarted'; runId: string; deviceId: string; kind: RunKind }
  | { type: 'pageFetched'; runId: string; deviceId: string; page: number; fetched: number; total: number }
  | {
      type: 'punchesProcessed';
      runId: string;
      deviceId: string;
      processed: number;
      total: number;
      counts: OutcomeCounts;
    }
  | { type: 'outcome'; runId: string; deviceId: string; outcome: PunchOutcome }
  | { type: 'runFinished'; runId: string; deviceId: string; summary: RunSummary }
  | { type: 'tickSkipped'; deviceId: string; reason: string }
  | { type: 'stateChanged'; deviceId?: string }
  /** A run found the device's site changed since its previous run (hosts show `change.message` to the operator). */
  | { type: 'siteChanged'; runId: string; deviceId: string; change: SiteChange };

/**
 * What a dry run (Preview Sync, `run --dry-run`) cannot know in advance, so a plan can differ from the run there.
 * Everything else is predicted per punch: unknown or ambiguous Biometric IDs, Inactive employees, checkins already
 * in Frappe and punches BioTime sent twice, skipped punch states, punches before importSince, times that do not
 * exist in the BioTime zone (DST gaps), and missing coordinates when the site requires them.
 */
export const DRY_RUN_UNPREDICTABLE: readonly string[] = [
  'permission errors on writing (the dry run only reads)',
  'checkins written by someone else between the preview and the run (they become duplicates)',
  'employees, Biometric IDs or HR Settings changed in Frappe after the preview',
  'punches that reach BioTime after the preview',
  "a Shift Type's strict log type rule, the distance from a Shift Location, and other site-specific validations",
  'network failures and timeouts during the run',
];

export interface RunOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface RerunOptions {
  deviceId?: string;
  /** Punch keys; omitted = every failed punch of the device (or all devices). */
  keys?: string[];
  /** Only the failed punches of this run. */
  runId?: string;
  /** Only failed punches with this employee code. */
  empCode?: string;
  /**
   * Moves the selected failed punches recorded for another site to this one (which must be the device's current
   * site) before rerunning them. Without it, failed punches of a device's former site are not sent.
   */
  toSite?: string;
  signal?: AbortSignal;
}

export interface OtherRunnerCheck {
  deviceId: string;
  /** Names of the checkins no run of this installation created; empty when none. */
  foreign: string[];
  warning?: { detail: string; fix: string };
  error?: string;
}

export interface SyncEngineApi {
  readonly onEvent: Event<EngineEvent>;
  readonly config: SyncConfig;
  /** Syncs one device now, whatever the schedule. Never throws for a device failure: the summary says `failed`. */
  runDevice(deviceId: string, options?: RunOptions): Promise<RunSummary>;
  runAll(options?: RunOptions): Promise<RunSummary[]>;
  /**
   * Reprocesses failed punches against the current Frappe state; never creates a duplicate. Throws
   * UnknownDeviceError when the device (or every device of the selection) is no longer configured.
   */
  rerun(options: RerunOptions): Promise<RunSummary[]>;
  /**
   * Dismisses failed punches; says which were dismissed and which keys were not failed punches. Throws
   * UnknownDeviceError for a device neither configured nor recorded.
   */
  dismiss(deviceId: string, keys: string[]): Promise<DismissResult>;
  /** Punches dismissed by the operator (kept apart from resolved ones: no checkin exists for them). */
  listDismissed(deviceId?: string): Promise<DismissedPunch[]>;
  /** A BioTime transaction exactly as BioTime holds it now (a punch's lineage), or null when it has none. */
  transaction(deviceId: string, id: number, signal?: AbortSignal): Promise<Record<string, unknown> | null>;
  /** Forgets the cursor so the next run reads every transaction again (existing checkins become duplicates). */
  resetCursor(deviceId: string): Promise<void>;
  status(): Promise<DeviceStatus[]>;
  listFailed(deviceId?: string): Promise<FailedPunch[]>;
  listRuns(deviceId?: string, limit?: number): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunSummary | undefined>;
  runOutcomes(runId: string): AsyncIterable<PunchOutcome>;
  doctor(deviceId?: string, signal?: AbortSignal): Promise<DoctorCheck[]>;
  /**
   * Per device: checkins with its device_id created in the last day that none of this installation's runs created
   * (another installation syncing the same device). Asks Frappe; `error` when it could not be checked.
   */
  otherRunners(deviceId?: string, signal?: AbortSignal): Promise<OtherRunnerCheck[]>;
  searchEmployees(deviceId: string, text: string, signal?: AbortSignal): Promise<EmployeeRecord[]>;
  /** Writes the Biometric ID to the Employee in Frappe (after the host confirmed with the operator). */
  linkEmployee(deviceId: string, employee: string, empCode: string, signal?: AbortSignal): Promise<void>;
  deskUrl(deviceId: string, doctype: 'Employee' | 'Employee Checkin', name: string): string;
  isRunning(deviceId: string): boolean;
  /** Per site with Shift Types configured: the last "Last Sync of Checkin" decisions and why. */
  shiftStatus(): Promise<{ site: string; checkedAt: string | null; records: ShiftSyncRecord[] }[]>;
}
