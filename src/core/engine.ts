// The sync engine: owns the devices' runs, guards them against overlap, and answers the hosts' questions.
// Clients are created once per device/site (keep-alive connections, cached tokens) through the connectors the
// host supplies, so this file knows nothing about BioTime or Frappe.
import { randomBytes } from 'node:crypto';
import {
  emptyCounts,
  type DeviceStatus,
  type DismissedPunch,
  type DismissResult,
  type DoctorCheck,
  type FailedPunch,
  type PunchOutcome,
  type RunKind,
  type RunSummary,
  type ShiftSyncRecord,
  type WatchedGap,
} from '../shared/model';
import type { DeviceConfig, SiteConfig, SyncConfig } from './configTypes';
import { DeviceRun } from './deviceRun';
import { runDoctor } from './doctor';
import { findOtherRunner, otherRunnerWarning } from './otherRunners';
import { syncShifts } from './shiftSync';
import type { EngineEvent, OtherRunnerCheck, RerunOptions, RunOptions, SyncEngineApi } from './engineApi';
import { currentLogContext, withLogContext } from './logContext';
import { Emitter } from './events';
import { CancelledError, describeError, errorMessage, UnknownDeviceError } from './errors';
import { GapSet, type GapRange } from './gaps';
import { nextDueAt } from './scheduler';
import type {
  AttendanceSource,
  CheckinSink,
  Clock,
  Connectors,
  CredentialProvider,
  HistoryRecorder,
  Logger,
  RunLock,
  SyncStateStore,
  UserControl,
} from './ports';
import type { EmployeeRecord } from './types';
import type { Redactor } from './redact';

/** Runs started in this process and not finished, across engines (a host may rebuild its engine during a run). */
const runsInThisProcess = new Set<string>();

const INTERRUPTED_MESSAGE =
  'The process stopped before the run finished (killed or crashed); what it had recorded is kept.';

export interface EngineDeps {
  config: SyncConfig;
  store: SyncStateStore;
  credentials: CredentialProvider;
  connectors: Connectors;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  lock?: RunLock;
  history?: HistoryRecorder;
}

export class SyncEngine implements SyncEngineApi {
  private readonly emitter = new Emitter<EngineEvent>({
    onListenerError: (e) =>
      this.deps.logger.error(`An engine event listener failed: ${this.deps.redactor.redact(errorMessage(e))}`),
  });
  readonly onEvent = this.emitter.event;
  private readonly running = new Map<string, Promise<RunSummary>>();
  /** Set once runs left "running" by a dead process were closed under the lock this engine holds. */
  private interruptedClosed = false;
  private readonly sources = new Map<string, AttendanceSource>();
  private readonly sinks = new Map<string, CheckinSink>();
  private readonly zones = new Map<string, string>();
  private readonly controls = new Map<string, UserControl | undefined>();
  private readonly shiftChains = new Map<string, Promise<void>>();
  /** Final summaries of runs that could not be written (disk full), written by the next start under the lock. */
  private readonly unrecorded = new Map<string, RunSummary>();
  /** Plans of recent dry runs (they are never written to the store). */
  private readonly plans = new Map<string, { summary: RunSummary; outcomes: PunchOutcome[] }>();

  constructor(private readonly deps: EngineDeps) {}

  get config(): SyncConfig {
    return this.deps.config;
  }

  device(id: string): DeviceConfig {
    const dev = this.deps.config.devices.find((x) => x.id === id);
    if (!dev) throw this.unknownDevice(id, false);
    return dev;
  }

  private unknownDevice(id: string, removed: boolean): UnknownDeviceError {
    return new UnknownDeviceError(
      id,
      this.deps.config.devices.map((x) => x.id),
      removed,
    );
  }

  private isConfigured(id: string): boolean {
    return this.deps.config.devices.some((x) => x.id === id);
  }

  private site(device: DeviceConfig): SiteConfig {
    return this.deps.config.sites.find((s) => s.id === device.site)!;
  }

  source(device: DeviceConfig): AttendanceSource {
    let s = this.sources.get(device.id);
    if (!s) this.sources.set(device.id, (s = this.deps.connectors.source(device)));
    return s;
  }

  sink(device: DeviceConfig): CheckinSink {
    const site = this.site(device);
    let s = this.sinks.get(site.id);
    if (!s) this.sinks.set(site.id, (s = this.deps.connectors.sink(site)));
    return s;
  }

  userControlFor(device: DeviceConfig): UserControl | undefined {
    if (device.userControl.mode === 'off') return undefined;
    if (!this.controls.has(device.id))
      this.controls.set(device.id, this.deps.connectors.userControl(device, this.source(device), this.sink(device)));
    return this.controls.get(device.id);
  }

  /** The Frappe site's zone: configured, else asked once from the site. */
  async siteZone(device: DeviceConfig, signal?: AbortSignal): Promise<string> {
    const site = this.site(device);
    if (site.timeZone) return site.timeZone;
    let z = this.zones.get(site.id);
    if (!z) this.zones.set(site.id, (z = await this.sink(device).siteTimeZone(signal)));
    return z;
  }

  isRunning(deviceId: string): boolean {
    return this.running.has(deviceId);
  }

  runDevice(deviceId: string, options: RunOptions = {}): Promise<RunSummary> {
    return this.start(deviceId, options.dryRun ? 'dryRun' : 'sync', options.signal);
  }

  async runAll(options: RunOptions = {}): Promise<RunSummary[]> {
    const devices = this.deps.config.devices.filter((x) => x.enabled);
    return Promise.all(devices.map((x) => this.runDevice(x.id, options)));
  }

  async rerun(options: RerunOptions): Promise<RunSummary[]> {
    const failed = (await this.deps.store.listFailed(options.deviceId)).filter(
      (f) =>
        (!options.keys || options.keys.includes(f.key)) &&
        (!options.runId || f.runId === options.runId) &&
        (!options.empCode || f.empCode === options.empCode),
    );
    // A removed device's punches cannot be rerun (no URL, no site): say so instead of a silent empty rerun.
    if (options.deviceId && !this.isConfigured(options.deviceId))
      throw this.unknownDevice(
        options.deviceId,
        failed.length > 0 || !!(await this.deps.store.listRuns(options.deviceId, 1)).length,
      );
    const byDevice = new Map<string, FailedPunch[]>();
    for (const f of failed) byDevice.set(f.deviceId, [...(byDevice.get(f.deviceId) ?? []), f]);
    const removed = [...byDevice.keys()].filter((id) => !this.isConfigured(id));
    if (removed.length && removed.length === byDevice.size) throw this.unknownDevice(removed[0], true);
    const out: RunSummary[] = [];
    for (const [deviceId, all] of byDevice) {
      if (!this.isConfigured(deviceId)) {
        const e = this.unknownDevice(deviceId, true);
        out.push(this.refused(deviceId, 'rerun', e.code, e.message, e.hint));
        continue;
      }
      const dev = this.device(deviceId);
      let list = all;
      if (options.toSite !== undefined) {
        if (options.toSite !== dev.site) {
          out.push(
            this.refused(
              deviceId,
              'rerun',
              'site.notCurrent',
              `Device ${deviceId} sends to site ${dev.site}, not ${options.toSite}: its failed punches can only be moved to ${dev.site}.`,
              `biotime-sync rerun --device ${deviceId} --to-site ${dev.site}`,
            ),
          );
          continue;
        }
        // The operator's explicit choice: the failed punches of the former site now belong to the current one.
        const moved = list.filter((f) => (f.site ?? dev.site) !== dev.site).map((f) => ({ ...f, site: dev.site }));
        await this.deps.store.editFailed(deviceId, moved);
        if (moved.length)
          this.deps.logger.info(`Device ${deviceId}: ${moved.length} failed punch(es) moved to site ${dev.site}.`);
        list = list.map((f) => ({ ...f, site: dev.site }));
      }
      const foreign = list.filter((f) => (f.site ?? dev.site) !== dev.site);
      list = list.filter((f) => (f.site ?? dev.site) === dev.site);
      if (foreign.length) {
        const sites = [...new Set(foreign.map((f) => f.site))].join(', ');
        out.push(
          this.refused(
            deviceId,
            'rerun',
            'site.moved',
            `${foreign.length} failed punch(es) of device ${deviceId} were recorded for site ${sites}; the device now sends to site ${dev.site}, so they were not sent.`,
            `To send them to ${dev.site}: biotime-sync rerun --device ${deviceId} --to-site ${dev.site}. To drop them: biotime-sync dismiss --device ${deviceId} --punch KEY (keys in \`biotime-sync failed --device ${deviceId}\`).`,
          ),
        );
      }
      if (list.length) out.push(await this.start(deviceId, 'rerun', options.signal, list));
    }
    return out;
  }

  private start(deviceId: string, kind: RunKind, signal?: AbortSignal, failed?: FailedPunch[]): Promise<RunSummary> {
    const device = this.device(deviceId);
    const busy = this.running.get(deviceId);
    if (busy)
      return Promise.resolve(
        this.refused(deviceId, kind, 'busy', `Device ${deviceId} is already syncing; this request was not started.`),
      );
    // The caller's context when it is about this device (the scheduler's, which then logs the run's end with its id).
    const outer = currentLogContext();
    const ctx = outer?.device === deviceId ? outer : { device: deviceId };
    const p = withLogContext(ctx, () => this.execute(device, kind, signal, failed)).finally(() => {
      this.running.delete(deviceId);
      this.emitter.fire({ type: 'stateChanged', deviceId });
    });
    this.running.set(deviceId, p);
    return p;
  }

  private async execute(
    device: DeviceConfig,
    kind: RunKind,
    signal?: AbortSignal,
    failed?: FailedPunch[],
  ): Promise<RunSummary> {
    const acquiring = kind !== 'dryRun' && !!this.deps.lock && !this.deps.lock.isHeld;
    if (acquiring && !(await this.deps.lock!.tryAcquire())) {
      return this.refused(
        device.id,
        kind,
        'state.locked',
        'Another BioTime Sync window or process is syncing this state directory; the run happens there.',
      );
    }
    // Runs can only be left "running" by a process that died before this one took the lock: look once per taking.
    if (kind !== 'dryRun' && (acquiring || !this.interruptedClosed || this.unrecorded.size))
      await this.closeInterruptedRuns();
    const runId = newRunId(this.deps.clock.now(), device.id);
    const ctx = currentLogContext();
    if (ctx) ctx.run = runId;
    runsInThisProcess.add(runId);
    try {
      const run = new DeviceRun(
        {
          device,
          source: this.source(device),
          sink: this.sink(device),
          userControl: this.userControlFor(device),
          store: this.deps.store,
          clock: this.deps.clock,
          logger: this.deps.logger,
          redactor: this.deps.redactor,
          emit: (e) => this.emitter.fire(e),
          siteZone: (s) => this.siteZone(device, s),
          history: this.deps.history,
        },
        { runId, kind, signal, failed },
      );
      const summary = await run.execute();
      if (run.unrecorded) this.unrecorded.set(summary.runId, summary);
      if (kind === 'dryRun') this.keepPlan(summary, run.plan);
      if (kind === 'sync' && summary.status === 'completed') await this.moveShifts(device, signal);
      return summary;
    } catch (e) {
      // Only state I/O failures reach here (the run itself records its own errors).
      const err = this.deps.redactor.redactValue(describeError(e));
      this.deps.logger.error(`Device ${device.id}: ${err.message}`);
      return this.refused(device.id, kind, err.code, err.message, err.hint);
    } finally {
      runsInThisProcess.delete(runId);
    }
  }

  /**
   * Closes the runs left "running" by a process that stopped mid-run (killed, crashed, power lost) as interrupted.
   * Only under the state-directory lock: no other live process syncs this directory then, so a run still "running"
   * is either this process's own (known) or one whose process is gone. Called when the scheduler becomes the runner
   * and by the first run after the lock is taken; never stops a run.
   */
  async closeInterruptedRuns(): Promise<void> {
    if (!this.deps.lock?.isHeld) return;
    this.interruptedClosed = true;
    for (const [runId, summary] of this.unrecorded) {
      try {
        await this.deps.store.updateRun(summary);
        this.unrecorded.delete(runId);
        this.deps.logger.info(
          `Device ${summary.deviceId}: run ${runId} is now recorded as failed (${summary.error?.code}).`,
        );
      } catch (e) {
        this.deps.logger.warn(`Could not record run ${runId} yet: ${this.deps.redactor.redact(errorMessage(e))}`);
      }
    }
    try {
      for (const r of await this.deps.store.listRuns(undefined, Number.MAX_SAFE_INTEGER)) {
        if (r.status !== 'running' || runsInThisProcess.has(r.runId) || this.unrecorded.has(r.runId)) continue;
        // The summary on disk was written at the start; what the run did is in its outcomes, batch by batch.
        const counts = emptyCounts();
        for await (const o of this.deps.store.readRunOutcomes(r.runId)) {
          counts.fetched++;
          counts[o.outcome]++;
        }
        const error = {
          code: 'interrupted',
          message: INTERRUPTED_MESSAGE,
          hint: 'Nothing is lost: the next run goes on from the last recorded batch.',
        };
        await this.deps.store.updateRun({ ...r, status: 'interrupted', counts, error });
        this.deps.logger.warn(
          `Device ${r.deviceId}: run ${r.runId} (started ${r.startedAt}) was interrupted. ${INTERRUPTED_MESSAGE}`,
        );
      }
    } catch (e) {
      this.deps.logger.warn(`Could not close interrupted runs: ${this.deps.redactor.redact(errorMessage(e))}`);
    }
  }

  /** Moves the site's Shift Types after a run; serialised per site, never fails the device's run. */
  private moveShifts(device: DeviceConfig, signal?: AbortSignal): Promise<void> {
    const site = this.site(device);
    if (!site.shiftTypes.length) return Promise.resolve();
    const prev = this.shiftChains.get(site.id) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        const records = await syncShifts({
          site,
          siteZone: await this.siteZone(device, signal),
          devices: this.deps.config.devices,
          loadDevice: (id) => this.deps.store.loadDevice(id),
          sink: this.sink(device),
          clock: this.deps.clock,
          logger: this.deps.logger,
          signal,
        });
        await this.deps.store.saveSite(site.id, { shiftSync: records, checkedAt: this.deps.clock.now().toISOString() });
      } catch (e) {
        this.deps.logger.warn(
          `Site ${site.id}: could not update Shift Types: ${this.deps.redactor.redact(errorMessage(e))}`,
        );
      }
    });
    this.shiftChains.set(site.id, next);
    return next;
  }

  async shiftStatus(): Promise<{ site: string; checkedAt: string | null; records: ShiftSyncRecord[] }[]> {
    const out = [];
    for (const s of this.deps.config.sites)
      if (s.shiftTypes.length) out.push({ site: s.id, ...(await this.deps.store.loadSite(s.id)) });
    return out.map((x) => ({ site: x.site, checkedAt: x.checkedAt, records: x.shiftSync }));
  }

  private refused(deviceId: string, kind: RunKind, code: string, message: string, hint?: string): RunSummary {
    const now = this.deps.clock.now().toISOString();
    return {
      runId: newRunId(this.deps.clock.now(), deviceId),
      deviceId,
      kind,
      status: 'failed',
      startedAt: now,
      finishedAt: now,
      durationMs: 0,
      counts: {
        fetched: 0,
        created: 0,
        duplicate: 0,
        failed: 0,
        skipped: 0,
        userControlCalls: 0,
        userControlFailed: 0,
      },
      error: { code, message, ...(hint ? { hint } : {}) },
      cursorBefore: null,
      cursorAfter: null,
    };
  }

  private keepPlan(summary: RunSummary, outcomes: PunchOutcome[]): void {
    this.plans.set(summary.runId, { summary, outcomes });
    while (this.plans.size > 5) this.plans.delete(this.plans.keys().next().value as string);
  }

  async transaction(deviceId: string, id: number, signal?: AbortSignal): Promise<Record<string, unknown> | null> {
    return (await this.source(this.device(deviceId)).getTransaction(id, signal))?.raw ?? null;
  }

  /** Forgets the cursor so the next run reads every transaction again (duplicates are recognised). */
  async resetCursor(deviceId: string): Promise<void> {
    this.device(deviceId);
    const st = await this.deps.store.loadDevice(deviceId);
    st.cursor = null;
    await this.deps.store.saveDevice(deviceId, st);
    this.emitter.fire({ type: 'stateChanged', deviceId });
  }

  /**
   * Dismisses failed punches: they leave the failed list and are recorded as dismissed (not resolved: no checkin
   * exists). Keys that are not failed punches of the device are returned in `notFailed`, never counted. A removed
   * device's failed punches can still be dismissed; a device that is neither configured nor recorded is an error.
   */
  async dismiss(deviceId: string, keys: string[]): Promise<DismissResult> {
    const unique = [...new Set(keys)];
    if (!this.isConfigured(deviceId) && !(await this.deps.store.failedKeys(deviceId)).size)
      throw this.unknownDevice(deviceId, (await this.deps.store.listDismissed(deviceId)).length > 0);
    const done = await this.deps.store.dismissFailed(deviceId, unique, this.deps.clock.now());
    const dismissed = done.map((d) => d.key);
    // After the failed list (the sync's own state); the history only records what was dismissed.
    if (done.length)
      await this.deps.history
        ?.recordDismissed(deviceId, done)
        .catch((e: NodeJS.ErrnoException) =>
          this.deps.logger.warn(
            `Device ${deviceId}: the dismissal was saved but the punch history could not record it (${e.code === 'ENOSPC' ? 'the disk is full' : this.deps.redactor.redact(e.message)}).`,
          ),
        );
    if (dismissed.length) {
      this.deps.logger.info(
        `Device ${deviceId}: dismissed failed punch(es) ${dismissed.join(', ')}; no checkin was created.`,
      );
      this.emitter.fire({ type: 'stateChanged', deviceId });
    }
    return { deviceId, dismissed, notFailed: unique.filter((k) => !dismissed.includes(k)) };
  }

  listDismissed(deviceId?: string): Promise<DismissedPunch[]> {
    return this.deps.store.listDismissed(deviceId);
  }

  async status(): Promise<DeviceStatus[]> {
    const out: DeviceStatus[] = [];
    for (const dev of this.deps.config.devices) {
      const st = await this.deps.store.loadDevice(dev.id);
      const [lastRun] = await this.deps.store.listRuns(dev.id, 1);
      // The count only: the journal's index knows it without reading every failed punch and its BioTime record.
      const failedCount = (await this.deps.store.failedKeys(dev.id)).size;
      // A run that failed for a full disk could not save the device's state: its summary tells the truth.
      const diskFull =
        lastRun?.error?.code === 'state.diskFull' &&
        (!st.lastAttemptAt || (lastRun.finishedAt ?? '') > st.lastAttemptAt);
      if (diskFull) {
        st.lastError = lastRun.error;
        st.consecutiveFailures = Math.max(1, st.consecutiveFailures + 1);
      }
      out.push({
        deviceId: dev.id,
        name: dev.name,
        enabled: dev.enabled,
        health: !dev.enabled
          ? 'disabled'
          : this.isRunning(dev.id)
            ? 'running'
            : st.consecutiveFailures > 0
              ? 'error'
              : st.lastSyncAt
                ? 'ok'
                : 'never',
        lastSyncAt: st.lastSyncAt,
        nextRunAt: dev.enabled ? nextDueAt(dev, st, this.deps.clock.now()).toISOString() : null,
        cursor: st.cursor?.hwm ?? null,
        watchedGaps: watchedGaps(st.cursor?.gaps, this.deps.clock.now()),
        failedCount,
        consecutiveFailures: st.consecutiveFailures,
        lastRun: lastRun ?? null,
        ...(st.lastError ? { lastError: st.lastError } : {}),
        terminals: st.terminals ?? [],
      });
    }
    return out;
  }

  listFailed(deviceId?: string): Promise<FailedPunch[]> {
    return this.deps.store.listFailed(deviceId);
  }

  listRuns(deviceId?: string, limit?: number): Promise<RunSummary[]> {
    return this.deps.store.listRuns(deviceId, limit);
  }

  async getRun(runId: string): Promise<RunSummary | undefined> {
    return this.plans.get(runId)?.summary ?? this.deps.store.getRun(runId);
  }

  async *runOutcomes(runId: string): AsyncIterable<PunchOutcome> {
    const plan = this.plans.get(runId);
    if (plan) return yield* plan.outcomes;
    yield* this.deps.store.readRunOutcomes(runId);
  }

  doctor(deviceId?: string, signal?: AbortSignal): Promise<DoctorCheck[]> {
    const devices = deviceId ? [this.device(deviceId)] : this.deps.config.devices;
    return runDoctor({
      engine: this,
      devices,
      config: this.deps.config,
      credentials: this.deps.credentials,
      clock: this.deps.clock,
      store: this.deps.store,
      redactor: this.deps.redactor,
      signal,
    });
  }

  async otherRunners(deviceId?: string, signal?: AbortSignal): Promise<OtherRunnerCheck[]> {
    const devices = deviceId ? [this.device(deviceId)] : this.deps.config.devices;
    const out: OtherRunnerCheck[] = [];
    for (const device of devices) {
      try {
        const r = await findOtherRunner({
          device,
          sink: this.sink(device),
          store: this.deps.store,
          clock: this.deps.clock,
          siteZone: await this.siteZone(device, signal),
          signal,
        });
        const warning = otherRunnerWarning(r, device);
        out.push({
          deviceId: device.id,
          foreign: r.foreign,
          ...(warning ? { warning: this.deps.redactor.redactValue(warning) } : {}),
        });
      } catch (e) {
        if (CancelledError.is(e)) throw e;
        out.push({ deviceId: device.id, foreign: [], error: this.deps.redactor.redact(errorMessage(e)) });
      }
    }
    return out;
  }

  searchEmployees(deviceId: string, text: string, signal?: AbortSignal): Promise<EmployeeRecord[]> {
    return this.sink(this.device(deviceId)).searchEmployees(text, 20, signal);
  }

  async linkEmployee(deviceId: string, employee: string, empCode: string, signal?: AbortSignal): Promise<void> {
    await this.sink(this.device(deviceId)).setEmployeeDeviceId(employee, empCode, signal);
    this.deps.logger.info(`Set Biometric ID ${empCode} on Employee ${employee} (device ${deviceId}).`);
  }

  deskUrl(deviceId: string, doctype: 'Employee' | 'Employee Checkin', name: string): string {
    return this.sink(this.device(deviceId)).deskUrl(doctype, name);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** The gaps the next run still looks for (expired ones are dropped by that run without reading them). */
function watchedGaps(gaps: GapRange[] | undefined, now: Date): WatchedGap[] {
  return new GapSet(gaps, now).toJSON().map(([from, to, since, reads]) => ({ from, to, since, reads: reads ?? 0 }));
}

/** Sortable, unique run id: UTC timestamp, device, random suffix. */
export function newRunId(now: Date, deviceId: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${deviceId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomBytes(3).toString('hex')}`;
}
