// One run of one device: steps 2-6 of the cycle. Pages are read in id order and grouped into batches; each batch
// is a checkpoint: its outcomes are appended to the run record, failed punches are stored with their raw records,
// and only then is the cursor moved past it (steps 4-5). A crash anywhere repeats at most the two batches in
// flight, and the write journal plus the duplicate check make the repeat create nothing twice.
import type { FailedPunch, PunchOutcome, RunKind, RunSummary, SiteChange } from '../shared/model';
import { emptyCounts } from '../shared/model';
import type { DeviceConfig } from './configTypes';
import type { EngineEvent } from './engineApi';
import { CancelledError, FrappeError, describeError, errorMessage, isDiskFull } from './errors';
import type {
  AttendanceSource,
  CheckinSink,
  Clock,
  FailedKeys,
  HistoryRecorder,
  Logger,
  RunRecordWriter,
  SyncStateStore,
  UserControl,
} from './ports';
import type { DeviceCursor, DeviceState, InflightEntry, HistoryPatch, Punch, TransactionPage } from './types';
import { PunchProcessor, recoverKey } from './punchProcessor';
import type { Redactor } from './redact';
import { terminalHealth } from './terminals';
import { forEachYielding } from './yieldLoop';
import { advance, checkRestore, readFrom, unseen } from './cursor';
import { GAP_MIN_READS, GAP_WATCH_MS, GapSet } from './gaps';
import { UserControlPlanner, type Patch } from './userControlPlan';

/** New punches per batch: two insert_many requests of 200, one per Frappe worker the client uses by default. */
export const BATCH_PUNCHES = 400;
/** Pages per batch at most, so a stretch of pages with nothing new still checkpoints the cursor regularly. */
export const BATCH_MAX_PAGES = 8;
/** Failed punches with a transient cause are retried by every sync run up to this many attempts. */
export const AUTO_RETRY_ATTEMPTS = 20;

export interface RunDeps {
  device: DeviceConfig;
  source: AttendanceSource;
  sink: CheckinSink;
  userControl?: UserControl;
  store: SyncStateStore;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  emit(e: EngineEvent): void;
  siteZone(signal?: AbortSignal): Promise<string>;
  /** The punch history; written after each checkpoint, and its failures never fail the run. */
  history?: HistoryRecorder;
}

export interface RunRequest {
  runId: string;
  kind: RunKind;
  signal?: AbortSignal;
  /** For reruns: the failed punches to process again. */
  failed?: FailedPunch[];
}

export class DeviceRun {
  private readonly dryRun: boolean;
  private readonly summary: RunSummary;
  private state!: DeviceState;
  private writer!: RunRecordWriter;
  private processor!: PunchProcessor;
  private planner: UserControlPlanner;
  /** The store's own view of the failed keys (it follows the store's changes: this run does not copy them). */
  private failedKeys: FailedKeys = new Set<string>();
  private processed = 0;
  private readonly journalled = new Map<string, InflightEntry>();
  private journalDirty = false;
  private deviceZone: string | undefined;
  private historyWarned = false;
  /** The final summary could not be written (disk full): the engine records it once there is space. */
  unrecorded = false;

  constructor(
    private readonly deps: RunDeps,
    private readonly req: RunRequest,
  ) {
    this.dryRun = req.kind === 'dryRun';
    this.planner = new UserControlPlanner(deps.device, req.runId);
    this.summary = {
      runId: req.runId,
      deviceId: deps.device.id,
      kind: req.kind,
      status: 'running',
      startedAt: deps.clock.now().toISOString(),
      finishedAt: null,
      durationMs: null,
      counts: emptyCounts(),
      cursorBefore: null,
      cursorAfter: null,
    };
  }

  /** The outcomes of a dry run (its plan); empty for other runs, whose outcomes are in the store. */
  get plan(): PunchOutcome[] {
    return this.dryRun ? (this.writer as MemoryWriter).outcomes : [];
  }

  async execute(): Promise<RunSummary> {
    const { store, device } = this.deps;
    this.state = await store.loadDevice(device.id);
    await this.checkSiteChange();
    this.summary.cursorBefore = this.state.cursor?.hwm ?? null;
    this.writer = this.dryRun ? memoryWriter() : await store.startRun(this.summary);
    this.deps.emit({ type: 'runStarted', runId: this.req.runId, deviceId: device.id, kind: this.req.kind });
    try {
      await this.prepare();
      if (this.req.kind === 'rerun') await this.processFailed(this.req.failed ?? []);
      else await this.readNew();
      if (this.req.kind === 'sync')
        await this.processFailed(
          await store.listFailed(
            device.id,
            (f) =>
              f.failure === 'transient' && f.attempts < AUTO_RETRY_ATTEMPTS && (f.site ?? device.site) === device.site,
            // Answered from the store's index: the other failed punches (often tens of thousands of unknown codes
            // after a backlog) are not read at the end of every sync.
            { failure: 'transient', attemptsBelow: AUTO_RETRY_ATTEMPTS },
          ),
        );
      await this.closeJournal(true);
      await this.applyUserControl();
      this.summary.status = 'completed';
      if (this.req.kind === 'sync') {
        this.state.lastSyncAt = this.deps.clock.now().toISOString();
        this.state.lastSyncStartedAt = this.summary.startedAt;
        this.state.consecutiveFailures = 0;
        delete this.state.lastError;
      }
    } catch (caught) {
      if (isDiskFull(caught)) return (this.failForDiskFull(caught), this.finish());
      // The permlevel trap is the cause whatever stopped the run after it (the complete list is known only now).
      const e = this.processor?.wrongCheckins.length ? this.trapError() : caught;
      this.summary.status = CancelledError.is(e) ? 'cancelled' : 'failed';
      const err = this.deps.redactor.redactValue(describeError(e));
      if (!CancelledError.is(e)) {
        this.summary.error = err;
        this.state.lastError = err;
        if (this.req.kind === 'sync') this.state.consecutiveFailures++;
        this.deps.logger.error(
          `Device ${device.id}: run ${this.req.runId} failed: ${err.message}${err.hint ? ` (${err.hint})` : ''}`,
        );
      }
    }
    return this.finish();
  }

  private async finish(): Promise<RunSummary> {
    const now = this.deps.clock.now();
    this.summary.finishedAt = now.toISOString();
    this.summary.durationMs = now.getTime() - Date.parse(this.summary.startedAt);
    this.summary.cursorAfter = this.state.cursor?.hwm ?? null;
    if (this.processor?.wrongCheckins.length)
      this.summary.wrongCheckins = this.processor.wrongCheckins.map((w) => w.name);
    if (!this.dryRun) {
      await this.closeJournal(false).catch((e) =>
        this.deps.logger.warn(`Device ${this.deps.device.id}: could not update the write journal: ${errorMessage(e)}`),
      );
      // Only syncs are the scheduler's attempts: a rerun or a link from the views must not postpone the schedule.
      if (this.req.kind === 'sync') this.state.lastAttemptAt = now.toISOString();
      try {
        await this.deps.store.saveDevice(this.deps.device.id, this.state);
      } catch (e) {
        if (!isDiskFull(e)) throw e;
        this.failForDiskFull(e);
      }
      // With the disk full, the store writes this summary over the one reserved at the start of the run; if even
      // that fails, the engine keeps it and records it as soon as there is space.
      try {
        if ((await this.writer.finish(this.summary)) === 'diskFull' && this.summary.error?.code !== 'state.diskFull')
          this.deps.logger.warn(
            `Device ${this.deps.device.id}: the disk holding the state directory${this.deps.store.dir ? ` ${this.deps.store.dir}` : ''} is full: run ${this.req.runId} was recorded in the space it reserved, but the next run cannot record anything. Free space on that disk.`,
          );
      } catch (e) {
        if (!isDiskFull(e)) throw e;
        this.failForDiskFull(e);
        this.unrecorded = true;
      }
      // After the sync's own state: what the history held back for speed is written before the run says it ended.
      await this.toHistory((h) => h.flush());
    }
    this.deps.emit({
      type: 'runFinished',
      runId: this.req.runId,
      deviceId: this.deps.device.id,
      summary: this.summary,
    });
    return this.summary;
  }

  /**
   * The device's `site` changed since its previous run: say what that means, once, when it happens, and do what
   * `onSiteChange` asks — keep the cursor, or read again from importSince into the new site. Failed punches of the
   * old site are marked as such and stay with it: they are not sent to the new site unless the operator moves them.
   */
  private async checkSiteChange(): Promise<void> {
    const { device, store } = this.deps;
    const from = this.state.site;
    this.state.site = device.site;
    if (!from || from === device.site) return;
    const to = device.site;
    const readAgain = device.onSiteChange === 'readFromImportSince';
    const hwm = this.state.cursor?.hwm ?? 0;
    const old = (await store.listFailed(device.id)).filter((f) => (f.site ?? from) === from);
    if (!this.dryRun)
      await store.editFailed(
        device.id,
        old.filter((f) => !f.site).map((f) => ({ ...f, site: from })),
      );
    if (readAgain) this.state.cursor = null;
    const since = device.importSince
      ? `importSince (${device.importSince})`
      : 'the first transaction (no importSince is set)';
    const parts = [`Device ${device.id} now sends to site ${to}; it sent to site ${from} before.`];
    parts.push(
      readAgain
        ? `As onSiteChange is "readFromImportSince", this run reads again from ${since} into ${to}; checkins ${to} already has are recognised as duplicates.`
        : `Its cursor was kept (onSiteChange "keepCursor"): punches already read${hwm ? ` (up to BioTime transaction ${hwm})` : ''} stay in ${from} and are not imported into ${to}; new punches go to ${to}. To import them into ${to} too, run \`biotime-sync reset-cursor --device ${device.id}\` (reads again from ${since}).`,
    );
    if (old.length && readAgain)
      parts.push(
        `${old.length} failed punch(es) recorded for ${from} stay with ${from} unless this run reads them again: those it reads are tried for ${to} (and listed for ${to} if they fail again).`,
      );
    else if (old.length)
      parts.push(
        `${old.length} failed punch(es) recorded for ${from} stay with ${from} and are not sent to ${to}; to send them to ${to}: \`biotime-sync rerun --device ${device.id} --to-site ${to}\`.`,
      );
    const change: SiteChange = {
      from,
      to,
      cursor: readAgain ? 'readAgain' : 'kept',
      failedOfOldSite: old.length,
      message: parts.join(' '),
    };
    this.summary.siteChange = change;
    this.deps.logger.warn(change.message);
    this.deps.emit({ type: 'siteChanged', runId: this.req.runId, deviceId: device.id, change });
  }

  /**
   * The state directory's disk is full: the run stops and says what that means for the operator — which directory,
   * what Frappe received from this run (kept, recognised as duplicates by the next run) and where the next run
   * starts. Counts are never lowered: every checkin sent was counted when Frappe answered.
   */
  private failForDiskFull(e: unknown): void {
    if (this.summary.error?.code === 'state.diskFull') return;
    const c = this.summary.counts;
    const where = this.deps.store.dir ? `the state directory ${this.deps.store.dir}` : 'the state directory';
    const err = this.deps.redactor.redactValue({
      code: 'state.diskFull',
      message:
        `The disk holding ${where} is full (${diskCode(e)}): the run stopped. ` +
        `Frappe received ${c.created} new checkin(s) from this run (${c.duplicate} more were already there); they are safe and stay. ` +
        `The cursor stays at the last batch recorded, so the next run reads the rest again and recognises what Frappe already has: nothing is lost or created twice.`,
      hint: `Free space on the disk of ${where}, then run again.`,
    });
    this.summary.status = 'failed';
    this.summary.error = err;
    this.state.lastError = err;
    if (this.req.kind === 'sync') this.state.consecutiveFailures++;
    this.deps.logger.error(`Device ${this.deps.device.id}: run ${this.req.runId} failed: ${err.message} (${err.hint})`);
  }

  private async prepare(): Promise<void> {
    const { device, store } = this.deps;
    const siteZone = await this.deps.siteZone(this.req.signal);
    await this.checkWriteAccess();
    const inflight = this.dryRun ? [] : await store.getInflight(device.id);
    for (const e of inflight) this.journalled.set(e.key, e);
    this.failedKeys = await store.failedKeys(device.id);
    this.deviceZone = device.timeZone ?? siteZone;
    if (!this.dryRun) await this.toHistory((h) => h.catchUp(device.id, this.deviceZone));
    if (this.req.kind !== 'rerun') await this.refreshTerminals(device.timeZone ?? siteZone);
    this.processor = new PunchProcessor({
      device,
      deviceZone: device.timeZone ?? siteZone,
      siteZone,
      sink: this.deps.sink,
      dryRun: this.dryRun,
      signal: this.req.signal,
      recovered: new Map(inflight.map((e) => [recoverKey(e.employee, e.time, e.logType), e])),
      journal: (entries) => this.journal(entries),
    });
  }

  /**
   * The permlevel trap, detected before anything is read or written: an API user without HR User/HR Manager/System
   * Manager gets 200 on every insert while Frappe stores the sync time (recordings g1, g2, g4). Its roles are read
   * once per run, the way any API user may (Has Role list); when they cannot be read the run goes on and every
   * write is checked afterwards instead (the stored time of each created checkin).
   */
  private async checkWriteAccess(): Promise<void> {
    const { device } = this.deps;
    const a = await this.deps.sink.checkinWriteAccess(this.req.signal);
    if (a.canWriteTime === true) return;
    if (a.canWriteTime === 'unknown') {
      this.deps.logger.warn(
        `Device ${device.id}: could not read the roles of ${a.user} on Frappe site ${device.site}; the time Frappe stores is checked after each write instead.`,
      );
      return;
    }
    throw new FrappeError(
      'permission',
      `API user ${a.user} of Frappe site ${device.site} cannot write Employee Checkin "time" (a permlevel 1 field; its roles: ${a.roles?.length ? a.roles.join(', ') : 'none'}): Frappe would store the time of the sync instead of the punch time on every checkin. Nothing was read or written.`,
      `Give ${a.user} the HR User or HR Manager role in Frappe (User ${a.user} › Roles), then run again.`,
    );
  }

  /** The run's error once Frappe stored wrong times: names the cause, the fix and the checkins to delete. */
  private trapError(): FrappeError {
    const wrong = this.processor.wrongCheckins;
    const { device } = this.deps;
    const rerun = `biotime-sync rerun --device ${device.id} (VS Code: "BioTime Sync: Rerun Failed Punches")`;
    return new FrappeError(
      'permission',
      `Frappe site ${device.site} stored ${wrong.length} checkin(s) with the time of the sync instead of the punch time (e.g. ${wrong[0].stored || 'another time'} instead of ${wrong[0].sent}): the API user cannot write Employee Checkin "time" (a permlevel 1 field). The device stopped; the punches are kept as failed. Wrongly stored checkins, to delete in Frappe: ${wrong.map((w) => w.name).join(', ')}.`,
      `Give the API user the HR User or HR Manager role, delete the checkins listed, then rerun the failed punches: ${rerun}.`,
    );
  }

  /**
   * The write journal holds every checkin sent and not yet recorded: the batch about to be sent and, while it is
   * still being recorded, the one before. Recording only forgets entries; the next journal write drops them.
   */
  private async journal(entries: InflightEntry[]): Promise<void> {
    for (const e of entries) this.journalled.set(e.key, e);
    this.journalDirty = true;
    await this.deps.store.setInflight(this.deps.device.id, [...this.journalled.values()]);
  }

  /**
   * After the run's batches: the journal keeps exactly what was sent and not recorded. After a complete sync every
   * batch is recorded, so entries carried over from an interrupted earlier run are settled too (their punches were
   * read again and recorded, or had been recorded before the interruption).
   */
  private async closeJournal(complete: boolean): Promise<void> {
    if (this.dryRun) return;
    if (complete && this.req.kind === 'sync' && this.journalled.size) {
      this.journalled.clear();
      this.journalDirty = true;
    }
    if (!this.journalDirty) return;
    this.journalDirty = false;
    await this.deps.store.setInflight(this.deps.device.id, [...this.journalled.values()]);
  }

  /** Terminal health, read every run; a failure here is logged and never stops the sync. */
  private async refreshTerminals(zone: string): Promise<void> {
    try {
      const list = await this.deps.source.listTerminals(this.req.signal);
      const now = this.deps.clock.now();
      this.state.terminals = list.map((t) => terminalHealth(t, zone, now, this.deps.device.offlineAfterMinutes));
      this.state.terminalsCheckedAt = now.toISOString();
      const offline = this.state.terminals.filter((t) => t.offline);
      if (offline.length)
        this.deps.logger.info(
          `Device ${this.deps.device.id}: ${offline.length} terminal(s) offline, their punches will arrive late: ${offline.map((t) => `${t.alias || t.sn} (last seen ${t.lastActivity ?? 'never'})`).join(', ')}.`,
        );
    } catch (e) {
      if (CancelledError.is(e)) throw e;
      this.deps.logger.warn(`Device ${this.deps.device.id}: could not read the terminal list: ${errorMessage(e)}`);
    }
  }

  /** Steps 3-5: every page after the cursor (and after the oldest watched gap), each one a checkpoint. */
  private async readNew(): Promise<void> {
    const { device, source } = this.deps;
    // The reading cursor runs ahead of the saved one (this.state.cursor, replaced batch by batch once durable): a
    // copy, so a failed run never saves a cursor past punches it read but did not record.
    const cursor: DeviceCursor = structuredClone(this.state.cursor ?? { hwm: 0, recent: [] });
    await checkRestore(cursor, { deviceId: device.id, source, logger: this.deps.logger, signal: this.req.signal });
    const recent = new Set(cursor.recent);
    const gaps = new GapSet(cursor.gaps, this.deps.clock.now(), ([a, b]) =>
      this.deps.logger.warn(
        `Device ${device.id}: BioTime transaction${a === b ? ` ${a}` : `s ${a}-${b}`} never appeared within ${GAP_WATCH_MS / 3_600_000} h and ${GAP_MIN_READS} reads; treating ${a === b ? 'it' : 'them'} as deleted or unused.`,
      ),
    );
    // importSince filters the first import on BioTime's side; afterwards every id is read (old punches that arrive
    // late are skipped locally), so a missing id is a real gap worth watching.
    const filtered = !!device.importSince && cursor.hwm === 0;
    const afterId = readFrom(cursor, gaps);
    const pages = prefetch(
      source.readTransactions({
        afterId,
        pageSize: device.pageSize,
        startTime: filtered ? device.importSince : undefined,
        hint: cursor.hint,
        signal: this.req.signal,
      }),
    );
    const read: Reading = { cursor, recent, gaps: filtered ? undefined : gaps, pending: new Set(), total: 0 };
    // A pipeline of depth two: batch k+1 is read and prepared (employee match, duplicate query, write journal)
    // while batch k's checkins are being written, and batch k becomes durable (outcomes, failed punches, cursor)
    // while batch k+1's are. Batches are committed one at a time and recorded strictly in order, so the cursor
    // never passes a punch whose outcome is not on disk; a failure waits for what is in flight before it is thrown.
    let inserting: Promise<unknown> = Promise.resolve();
    let recorded: Promise<void> = Promise.resolve();
    let recordedBefore: Promise<void> = Promise.resolve();
    try {
      for await (const { fresh, next } of this.batches(pages, read)) {
        const batch = await this.processor.prepare(fresh);
        // The previous batch's checkins exist in Frappe before this one is sent, and at most one batch waits to
        // be recorded, so memory and the journal stay bounded by two batches.
        await Promise.all([inserting, recordedBefore]);
        // Counted as soon as Frappe answered, before they are recorded: a run that fails to record them (a full
        // disk) must still report every checkin it sent.
        const inserted = this.processor.commit(batch).then((o) => (this.count(o), o));
        const done = Promise.all([recorded, inserted]).then(async ([, outcomes]) => {
          await this.record(outcomes, fresh, next);
          for (const p of fresh) read.pending.delete(p.key);
          if (this.processor.wrongCheckins.length) throw this.trapError();
          this.deps.emit({
            type: 'punchesProcessed',
            runId: this.req.runId,
            deviceId: device.id,
            processed: this.processed,
            total: read.total,
            counts: { ...this.summary.counts },
          });
        });
        inserted.catch(() => undefined);
        done.catch(() => undefined);
        recordedBefore = recorded;
        inserting = inserted;
        recorded = done;
      }
      await recorded;
    } catch (e) {
      // Let the batch in flight finish (its outcomes are recorded if the one before was); nothing is left running.
      await Promise.allSettled([inserting, recorded, recordedBefore]);
      throw e;
    }
    // Every open gap was looked for by this complete read (gaps made during it count from the next one).
    if (!filtered && !this.dryRun && cursor.gaps?.length) {
      gaps.countRead(this.summary.startedAt);
      cursor.gaps = gaps.toJSON();
      this.state.cursor = cursor;
      await this.deps.store.saveDevice(device.id, this.state);
    }
  }

  /**
   * Pages grouped into batches of about BATCH_PUNCHES new punches: each batch is one employee lookup, one duplicate
   * query, insert_many requests that fill the site's workers, and one checkpoint. The reading cursor moves on as
   * pages arrive; each batch carries the cursor that passes it, saved once the batch is durable.
   */
  private async *batches(
    pages: AsyncIterable<TransactionPage>,
    r: Reading,
  ): AsyncIterable<{ fresh: Punch[]; next: DeviceCursor }> {
    const { cursor, recent, gaps } = r;
    let fresh: Punch[] = [];
    let pagesIn = 0;
    let next: DeviceCursor | undefined;
    try {
      for await (const page of pages) {
        r.total = Math.max(r.total, page.totalCount);
        this.deps.emit({
          type: 'pageFetched',
          runId: this.req.runId,
          deviceId: this.deps.device.id,
          page: page.page,
          fetched: page.punches.length,
          total: r.total,
        });
        const mine = page.punches.filter((p) =>
          p.id === null ? !this.failedKeys.has(p.key) && !r.pending.has(p.key) : unseen(p.id, cursor, recent, gaps),
        );
        for (const p of mine) {
          r.pending.add(p.key);
          fresh.push(p);
        }
        this.summary.counts.fetched += mine.length;
        next = advance(cursor, page.punches, recent, gaps, this.deps.clock.now());
        next.hint = page.hint;
        Object.assign(cursor, next);
        if (fresh.length >= BATCH_PUNCHES || ++pagesIn >= BATCH_MAX_PAGES) {
          yield { fresh, next };
          fresh = [];
          pagesIn = 0;
          next = undefined;
        }
      }
    } catch (e) {
      // Pages read before a failed read are complete: they are processed and checkpointed before the error stops
      // the run, so the next run starts after them.
      if (next && !CancelledError.is(e)) yield { fresh, next };
      throw e;
    }
    if (next) yield { fresh, next };
  }

  private async processFailed(failed: FailedPunch[]): Promise<void> {
    const size = this.deps.device.pageSize;
    for (let i = 0; i < failed.length; i += size) {
      const punches = await Promise.all(failed.slice(i, i + size).map((f) => this.reload(f)));
      this.summary.counts.fetched += punches.length;
      const outcomes = await this.processor.process(punches);
      this.count(outcomes);
      await this.record(outcomes, punches);
      if (this.processor.wrongCheckins.length) throw this.trapError();
    }
  }

  /** A failed punch as a Punch again; a bad record is read again from BioTime in case it was corrected. */
  private async reload(f: FailedPunch): Promise<Punch> {
    if (f.failure === 'badRecord' && f.transactionId !== null) {
      const fresh = await this.deps.source.getTransaction(f.transactionId, this.req.signal);
      if (fresh) return fresh;
    }
    return {
      key: f.key,
      id: f.transactionId,
      empCode: f.empCode,
      name: f.name,
      punchTime: f.punchTime,
      uploadTime: f.uploadTime,
      punchState: f.punchState,
      punchStateDisplay: f.punchStateDisplay,
      terminalSn: f.terminalSn,
      terminalAlias: f.terminalAlias,
      areaAlias: typeof f.raw.area_alias === 'string' ? f.raw.area_alias : '',
      latitude: f.latitude,
      longitude: f.longitude,
      raw: f.raw,
      ...(f.failure === 'badRecord' ? { problem: f.reason.replace(/^unusable BioTime record: /, '') } : {}),
    };
  }

  /** Makes a batch's outcomes durable, then (for new punches) the cursor that passes them. */
  private async record(outcomes: PunchOutcome[], punches: Punch[], cursor?: DeviceCursor): Promise<void> {
    // Reasons quote what servers said, and servers may echo credentials: they pass the redactor before being kept.
    await forEachYielding(outcomes, (o) => {
      if (o.reason) o.reason = this.deps.redactor.redact(o.reason);
    });
    const pendingTimes = this.pendingTimes();
    const patches = this.planner.plan(outcomes, this.processor.employeesByName(), this.state, this.dryRun);
    this.processed += outcomes.length;
    // Listeners (the extension's panels) do work per outcome: hand the loop back between slices.
    await forEachYielding(outcomes, (o) =>
      this.deps.emit({ type: 'outcome', runId: this.req.runId, deviceId: this.deps.device.id, outcome: o }),
    );
    if (this.dryRun) {
      await this.writer.append(outcomes);
      if (cursor) this.state.cursor = cursor;
      return;
    }
    // Each punch is encoded once, for the run record and the history.
    const json = outcomes.map((o) => JSON.stringify(o));
    await this.writer.append(outcomes, json);
    await this.writer.patch(patches);
    const byKey = new Map(punches.map((p) => [p.key, p]));
    const upsert = outcomes
      .filter((o) => o.outcome === 'failed')
      .map((o) => ({
        ...toFailed(o, byKey.get(o.key)!, this.req.runId, this.deps.clock.now()),
        site: this.deps.device.site,
      }));
    const remove = outcomes.filter((o) => o.outcome !== 'failed' && this.failedKeys.has(o.key)).map((o) => o.key);
    await this.deps.store.updateFailed(this.deps.device.id, upsert, remove);
    if (cursor) this.state.cursor = cursor;
    await this.deps.store.saveDevice(this.deps.device.id, this.state);
    for (const o of outcomes) this.journalled.delete(o.key);
    // The checkpoint is durable: only now does the history hear of the batch. The raw records are not copied
    // (that doubled the history's cost per punch): the lineage reads them from BioTime when a punch is opened.
    await this.toHistory((h) =>
      h.recordBatch(
        {
          deviceId: this.deps.device.id,
          runId: this.req.runId,
          runKind: this.req.kind,
          outcomes,
          json,
          zone: this.deviceZone,
        },
        historyPatches(patches, pendingTimes),
      ),
    );
  }

  /** Punch times of the pending user-control decisions (their patches name the punch by key only). */
  private pendingTimes(): Map<string, string> {
    return new Map(Object.values(this.state.pendingUserControl ?? {}).map((p) => [p.key, p.punchTime]));
  }

  /** Runs a history write; a failure is logged once per run, clearly, and never reaches the sync. */
  private async toHistory(write: (h: HistoryRecorder) => Promise<unknown>): Promise<void> {
    const h = this.deps.history;
    if (!h || this.dryRun) return;
    try {
      await write(h);
    } catch (e) {
      if (this.historyWarned) return;
      this.historyWarned = true;
      const err = e as NodeJS.ErrnoException;
      const what =
        err.code === 'ENOSPC' || err.code === 'EDQUOT'
          ? 'the disk holding the state directory is full'
          : this.deps.redactor.redact(err.message ?? String(e));
      this.deps.logger.warn(
        `Device ${this.deps.device.id}: the punch history could not be written (${what}). The sync itself is saved and goes on; the history catches up from the run records once the cause is fixed (next run or restart).`,
      );
    }
  }

  private count(outcomes: PunchOutcome[]): void {
    const c = this.summary.counts;
    for (const o of outcomes) c[o.outcome]++;
  }

  private async applyUserControl(): Promise<void> {
    const c = this.summary.counts;
    if (this.dryRun) {
      return void (c.userControlCalls = new Set(await this.collectPlanned()).size);
    }
    if (!this.deps.userControl || !this.planner.active) return;
    // Saves are chained: a mechanism may remember several employees at once, and the last write must be the newest.
    let saving = Promise.resolve();
    const persist = () =>
      (saving = saving.catch(() => undefined).then(() => this.deps.store.saveDevice(this.deps.device.id, this.state)));
    const times = this.pendingTimes();
    const r = await this.planner.apply(this.deps.userControl, this.state, persist, this.req.signal);
    c.userControlCalls += r.calls;
    c.userControlFailed += r.failed;
    await this.writer.patch(r.patches);
    await this.toHistory((h) =>
      h.recordPatches(this.deps.device.id, this.req.runId, this.req.kind, historyPatches(r.patches, times)),
    );
    for (const p of r.patches as Patch[])
      this.deps.logger.debug(
        `Device ${this.deps.device.id}: user control ${p.patch.userControl?.action} for punch ${p.key}: ${p.patch.userControl?.result}`,
      );
  }

  private async collectPlanned(): Promise<string[]> {
    const w = this.writer as MemoryWriter;
    return w.outcomes.filter((o) => o.userControl?.result === 'planned').map((o) => o.empCode);
  }
}

function diskCode(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause ?? e;
  return (cause as NodeJS.ErrnoException).code ?? 'ENOSPC';
}

function historyPatches(patches: Patch[], times: Map<string, string>): HistoryPatch[] {
  const out: HistoryPatch[] = [];
  for (const p of patches) {
    const t = times.get(p.key);
    if (t && p.patch.userControl) out.push({ key: p.key, punchTime: t, userControl: p.patch.userControl });
  }
  return out;
}

function toFailed(o: PunchOutcome, p: Punch, runId: string, now: Date): FailedPunch {
  return {
    key: o.key,
    deviceId: o.deviceId,
    empCode: o.empCode,
    name: o.name,
    punchTime: o.punchTime,
    terminalAlias: o.terminalAlias,
    punchState: o.punchState,
    reason: o.reason ?? 'failed',
    failure: o.failure ?? 'refused',
    firstFailedAt: now.toISOString(),
    lastTriedAt: now.toISOString(),
    attempts: 1,
    runId,
    transactionId: p.id,
    terminalSn: p.terminalSn,
    uploadTime: p.uploadTime,
    punchStateDisplay: p.punchStateDisplay,
    latitude: p.latitude,
    longitude: p.longitude,
    raw: p.raw,
  };
}

/** What a run's read of new pages carries from page to page. */
interface Reading {
  /** The reading cursor: past every page read so far (the saved one lags behind until batches are durable). */
  cursor: DeviceCursor;
  recent: Set<number>;
  /** Watched gaps; undefined on a first import filtered by importSince. */
  gaps: GapSet | undefined;
  /** Keys of punches handed to the pipeline and not yet recorded (id-less rows can repeat on the next page). */
  pending: Set<string>;
  total: number;
}

type MemoryWriter = RunRecordWriter & { outcomes: PunchOutcome[] };

/** Dry runs write nothing anywhere; their plan is kept in memory and returned through events and outcomes. */
function memoryWriter(): MemoryWriter {
  const outcomes: PunchOutcome[] = [];
  return {
    outcomes,
    append: async (o) => void outcomes.push(...o),
    patch: async () => undefined,
    finish: async () => undefined,
  };
}

/** Starts reading the next page while the current one is processed. */
async function* prefetch<T>(it: AsyncIterable<T>): AsyncIterable<T> {
  const iter = it[Symbol.asyncIterator]();
  let next = iter.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = iter.next();
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await iter.return?.();
  }
}
