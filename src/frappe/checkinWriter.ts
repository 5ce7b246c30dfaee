// Creating Employee Checkins: batched with insert_many, isolating bad documents, and never writing twice.
//
// - insert_many (≤200 docs) is all-or-nothing (frappe-api.md §4.1). When Frappe refuses a batch for a document
//   reason (validation, duplicate, permission), the batch is bisected until the halves go through; parts of at
//   most SINGLES_AT docs are sent one by one to /api/resource so each bad punch gets its own answer. With k bad
//   punches in a batch of n this costs about k·log2(n) requests instead of n.
// - An uncertain outcome (answer lost after sending, or a 5xx) is never retried blindly: after a back-off the
//   batch's employees/time range is read back; documents that now exist (same employee, time, log type, device)
//   are 'created' with `recovered: true`; only the rest is sent again, a bounded number of times.
// - 429/503 still refused after HttpClient's retries (certainly not processed) → 'failed', 'transient'.
// - A site-level failure (bad keys, HTML page, 404, TLS, refused/DNS) stops new batches. If nothing was created in
//   this call it is thrown; otherwise the unfinished documents are returned as failed with that message, so the
//   created ones are not lost to the caller.
// - Every success is checked for the permlevel trap (an API user without HR User/HR Manager: Frappe answers 200
//   and stores its own "now" as `time`, recordings g1/g2/g4): a single insert returns the stored document; an
//   insert_many returns names only, so their stored times are read back in one list request. A checkin stored
//   with another time is 'wrongTime', never 'created', and nothing more is sent in this call.
import { FrappeError } from '../core/errors';
import { HR_ROLES_FIX } from './probe';
import type { ExistingCheckin, InsertResult, NewCheckin } from '../core/types';
import type { FrappeApi, SendResult } from './api';
import { findCheckins } from './checkinQuery';
import { duplicateCheckinName, failureCodeOf, isDocumentError, isTransientStatus } from './errors';
import { WritePace } from './pace';
import { chunk, planBatches, runPool } from './pool';
import { normaliseFrappeTime } from './time';

export const INSERT_MANY_MAX = 200;
/** Parts this small go one document per request. */
export const SINGLES_AT = 8;
const INSERT_MANY = '/api/method/frappe.client.insert_many';
const INSERT_ONE = '/api/resource/Employee%20Checkin';

export interface WriteRetry {
  /** Sends of the same document in total, when answers keep getting lost. */
  attempts: number;
  /** Back-off before reading back after an uncertain answer; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_WRITE_RETRY: WriteRetry = { attempts: 3, baseDelayMs: 2000, maxDelayMs: 30_000 };

interface Slot {
  index: number;
  doc: NewCheckin;
  /** An earlier send of this doc may have been processed. */
  uncertain: boolean;
}

type Failed = Extract<SendResult, { ok: false }>;

export class CheckinWriter {
  /** Set once the site refuses insert_many itself (not whitelisted): every doc then goes one by one. */
  singlesOnly = false;
  /** Batch sizes and requests in flight (site.writeMode); kept across calls, it learns the site's speed. */
  readonly pace: WritePace;
  /**
   * Set once an insert_many's stored times were read back and all were right (the API user can write `time`):
   * from then on a polite writer reads back each answer beside the next insert instead of before it.
   */
  timesTrusted = false;

  constructor(
    readonly api: FrappeApi,
    readonly concurrency: number,
    readonly retry: WriteRetry = DEFAULT_WRITE_RETRY,
    pace?: WritePace,
  ) {
    this.pace = pace ?? new WritePace('fast', concurrency, INSERT_MANY_MAX);
  }

  async insert(docs: NewCheckin[], signal?: AbortSignal): Promise<InsertResult[]> {
    return new InsertRun(this, docs, signal).run();
  }
}

class InsertRun {
  private readonly results: (InsertResult | undefined)[];
  /** Checkin names already attributed to a doc of this call (a name is never given to two docs). */
  private readonly claimed = new Set<string>();
  /** Checkins Frappe stored with another time than sent (the permlevel trap): once set, nothing more is sent. */
  private readonly wrong = new Map<string, string>();
  private readonly api: FrappeApi;
  /** Read-backs of stored times running beside the next insert (polite writes, once the times were trusted). */
  private readonly checks: Promise<void>[] = [];
  private deferChecks = false;
  /** insert_many requests sent, and documents answered by one, in this call: a polite batch's "clean" test. */
  private insertManySent = 0;
  private answered = 0;

  constructor(
    private readonly w: CheckinWriter,
    private readonly docs: NewCheckin[],
    private readonly signal?: AbortSignal,
  ) {
    this.api = w.api;
    this.results = new Array(docs.length);
  }

  async run(): Promise<InsertResult[]> {
    const slots: Slot[] = this.docs.map((doc, index) => ({ index, doc, uncertain: false }));
    const mode = this.w.pace.at(this.api.clock.now());
    const errors = mode === 'fast' ? await this.runFast(slots) : await this.runPolite(slots);
    for (const c of await Promise.allSettled(this.checks)) if (c.status === 'rejected') errors.push(c.reason);
    if (errors.length) {
      const fatal = errors.find((e) => !(e instanceof FrappeError)) ?? errors[0];
      if (!(fatal instanceof FrappeError) || !this.results.some((r) => r?.status === 'created')) throw fatal;
      this.api.logger.warn(`Frappe site ${this.api.siteId}: stopped creating checkins: ${fatal.message}`);
      for (const s of slots) if (!this.results[s.index]) this.fail(s, failureCodeOf(fatal), fatal.message);
    }
    if (this.wrong.size) this.settleAfterTrap();
    return this.results.map(
      (r, i) =>
        r ?? {
          key: this.docs[i].key,
          status: 'failed',
          failure: 'transient',
          message: 'No answer was recorded for this checkin.',
        },
    );
  }

  /** Every worker busy: batches of up to 200, `concurrency` requests in flight. */
  private async runFast(slots: Slot[]): Promise<unknown[]> {
    const batches: Slot[][] = [];
    let at = 0;
    for (const size of planBatches(slots.length, INSERT_MANY_MAX, this.w.pace.inFlight))
      batches.push(slots.slice(at, (at += size)));
    return runPool(batches, this.w.pace.inFlight, (batch) => this.insertSet(batch));
  }

  /**
   * One insert in flight, each about two seconds of the site's work (WritePace), with a pause after a request the
   * site answered much more slowly than usual. Stops at the first site-level failure, like runPool.
   *
   * The next insert leaves the moment the current one is answered: once the site has shown it stores the times
   * sent (timesTrusted), the read-back of an answer's stored times (a list request of ~10 ms) runs beside the next
   * insert, on the worker the desk keeps free, instead of idling the site's writing worker for a round trip
   * per request. At most one read-back runs at a time; a wrong time still stops every later send.
   */
  private async runPolite(slots: Slot[]): Promise<unknown[]> {
    const clock = this.api.clock;
    for (let at = 0; at < slots.length;) {
      const batch = slots.slice(at, (at += this.w.pace.nextSize(slots.length - at)));
      // The read-back before last has finished before this insert leaves (one beside the insert, never a queue).
      await Promise.allSettled(this.checks.slice(0, -1));
      this.deferChecks = this.w.timesTrusted;
      const sent = this.insertManySent;
      const answered = this.answered;
      const t0 = clock.now().getTime();
      try {
        await this.insertSet(batch);
      } catch (e) {
        return [e];
      }
      // Only a plain answered batch says how fast the site is (a split or a read-back would skew it).
      const clean =
        batch.length > 1 &&
        !this.w.singlesOnly &&
        this.insertManySent - sent === 1 &&
        this.answered - answered === batch.length &&
        batch.every((s) => !s.uncertain);
      const pause = clean ? this.w.pace.observe(batch.length, clock.now().getTime() - t0) : 0;
      if (pause > 0 && at < slots.length) {
        this.api.logger.debug(
          `Frappe site ${this.api.siteId}: the site answered slowly (someone else is using it); waiting ${pause} ms before the next checkins.`,
        );
        try {
          await clock.sleep(pause, this.signal);
        } catch (e) {
          return [e];
        }
      }
    }
    return [];
  }

  /** Sends `slots` with insert_many, until each has a result. Throws a FrappeError for site-level failures. */
  private async insertSet(slots: Slot[]): Promise<void> {
    if (slots.length === 1 || this.w.singlesOnly) return this.insertSingles(slots);
    let pending = slots;
    for (let attempt = 1; ; attempt++) {
      if (this.wrong.size) return this.notSent(pending);
      this.insertManySent++;
      const r = await this.api.send({
        method: 'POST',
        path: INSERT_MANY,
        data: { docs: pending.map((s) => checkinBody(s.doc, true)) },
        retry: 'write',
        signal: this.signal,
      });
      const names = r.ok ? namesOf(r.body, pending.length) : undefined;
      if (names) return this.verifyCreated(pending, names);
      const failed: Failed = r.ok
        ? { ok: false, error: this.api.badShape('insert_many'), maybeProcessed: true, frappeAnswered: false }
        : r;
      if (!failed.maybeProcessed) return this.afterRefusal(pending, failed);
      for (const s of pending) s.uncertain = true;
      const rest = await this.reconcile(pending, failed.error, attempt);
      if (!rest?.length) return;
      if (attempt >= this.w.retry.attempts) return this.giveUp(rest, failed.error, attempt);
      // Frappe itself raised (and rolled back): a bad document would fail the same way again, so isolate it.
      if (failed.frappeAnswered) return this.split(rest);
      pending = rest;
    }
  }

  private async afterRefusal(pending: Slot[], r: Failed): Promise<void> {
    const e = r.error;
    if (e.status === 403 && /not whitelisted|Method Not Allowed/i.test(`${r.decoded?.message} ${e.message}`)) {
      this.api.logger.warn(
        `Frappe site ${this.api.siteId}: insert_many is not allowed (${e.message}); sending checkins one by one.`,
      );
      this.w.singlesOnly = true;
      return this.insertSingles(pending);
    }
    if (isDocumentError(e)) {
      this.api.logger.debug(
        `Frappe site ${this.api.siteId}: insert_many of ${pending.length} refused (${e.message}); splitting it.`,
      );
      return this.split(pending);
    }
    if (isTransientStatus(e.status)) {
      for (const s of pending)
        this.fail(s, 'transient', `${e.message} The checkin was not created; it will be retried.`);
      return;
    }
    throw e;
  }

  private async split(slots: Slot[]): Promise<void> {
    if (slots.length <= SINGLES_AT) return this.insertSingles(slots);
    const half = Math.ceil(slots.length / 2);
    await this.insertSet(slots.slice(0, half));
    await this.insertSet(slots.slice(half));
  }

  private async insertSingles(slots: Slot[]): Promise<void> {
    for (const s of slots) await this.insertOne(s);
  }

  private async insertOne(slot: Slot): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.wrong.size) return this.notSent([slot]);
      const r = await this.api.send({
        method: 'POST',
        path: INSERT_ONE,
        data: checkinBody(slot.doc, false),
        retry: 'write',
        signal: this.signal,
      });
      const doc = r.ok ? createdDoc(r.body) : undefined;
      if (doc) {
        const stored = doc.time === undefined ? slot.doc.time : (normaliseFrappeTime(doc.time) ?? undefined);
        return stored === slot.doc.time ? this.created(slot, doc.name, false) : this.wrongTime(slot, doc.name, stored);
      }
      const failed: Failed = r.ok
        ? {
            ok: false,
            error: this.api.badShape('the new Employee Checkin'),
            maybeProcessed: true,
            frappeAnswered: false,
          }
        : r;
      if (!failed.maybeProcessed) {
        const e = failed.error;
        if (e.reason === 'duplicate') return this.duplicate(slot, e, failed.decoded?.rawMessage ?? '');
        if (isDocumentError(e)) return this.fail(slot, failureCodeOf(e), e.message);
        if (isTransientStatus(e.status))
          return this.fail(slot, 'transient', `${e.message} The checkin was not created; it will be retried.`);
        throw e;
      }
      slot.uncertain = true;
      const rest = await this.reconcile([slot], failed.error, attempt);
      if (!rest?.length) return;
      if (attempt >= this.w.retry.attempts) return this.giveUp(rest, failed.error, attempt);
    }
  }

  /**
   * Frappe says the checkin exists. If an earlier send of ours may have created it and the existing one is
   * identical (device too), it is ours: 'created', recovered. Otherwise a duplicate, named when we can tell.
   */
  private async duplicate(slot: Slot, e: FrappeError, rawMessage: string): Promise<void> {
    const linked = duplicateCheckinName(rawMessage);
    let same: ExistingCheckin[] = [];
    if (slot.uncertain || !linked) {
      try {
        const d = slot.doc;
        same = (await findCheckins(this.api, [d.employee], d.time, d.time, 1, this.signal)).filter(
          (c) => c.employee === d.employee && c.time === d.time && c.logType === (d.logType ?? ''),
        );
      } catch (err) {
        if (!(err instanceof FrappeError)) throw err;
        this.api.logger.debug(
          `Frappe site ${this.api.siteId}: could not look up the checkin a duplicate collides with: ${err.message}`,
        );
      }
    }
    const ours = slot.uncertain
      ? same.find((c) => !this.claimed.has(c.name) && (c.deviceId ?? '') === slot.doc.deviceId)
      : undefined;
    if (ours) return this.created(slot, ours.name, true);
    const duplicateOf = linked ?? same[0]?.name;
    this.results[slot.index] = {
      key: slot.doc.key,
      status: 'duplicate',
      ...(duplicateOf ? { duplicateOf } : {}),
      message: e.message,
    };
  }

  /**
   * After an uncertain answer: waits, then reads the slots' checkins back. Matching ones become 'created'
   * (recovered); the others are returned for another send. If the site cannot even be read, the slots fail as
   * transient and null is returned: without knowing, nothing is sent again.
   */
  private async reconcile(slots: Slot[], cause: FrappeError, attempt: number): Promise<Slot[] | null> {
    const times = slots.map((s) => s.doc.time).sort();
    const employees = [...new Set(slots.map((s) => s.doc.employee))];
    let lastError: FrappeError = cause;
    for (let i = 0; i < this.w.retry.attempts; i++) {
      // Waiting first gives a request that is still running on the server (timeout, 504) time to finish.
      await this.api.clock.sleep(this.backoff(attempt + i), this.signal);
      try {
        const existing = await findCheckins(this.api, employees, times[0], times[times.length - 1], 1, this.signal);
        return this.claimExisting(slots, existing);
      } catch (e) {
        if (!(e instanceof FrappeError) || e.reason === 'auth' || e.reason === 'tls' || e.reason === 'badResponse')
          throw e;
        lastError = e;
      }
    }
    const msg = `The answer to creating this checkin was lost (${cause.message}) and Frappe site ${this.api.siteId} could not be read back to check it (${lastError.message}). It will be checked again before any retry.`;
    for (const s of slots) this.fail(s, 'transient', msg);
    return null;
  }

  private claimExisting(slots: Slot[], existing: ExistingCheckin[]): Slot[] {
    const free = new Map<string, ExistingCheckin[]>();
    for (const c of existing) {
      if (this.claimed.has(c.name)) continue;
      const k = matchKey(c.employee, c.time, c.logType, c.deviceId);
      free.set(k, [...(free.get(k) ?? []), c]);
    }
    const rest: Slot[] = [];
    for (const s of slots) {
      const found = free.get(matchKey(s.doc.employee, s.doc.time, s.doc.logType, s.doc.deviceId))?.shift();
      if (found) this.created(s, found.name, true);
      else rest.push(s);
    }
    if (rest.length < slots.length) {
      this.api.logger.info(
        `Frappe site ${this.api.siteId}: ${slots.length - rest.length} checkin(s) were created by a request whose answer was lost; recognised, not sent again.`,
      );
    }
    return rest;
  }

  /**
   * insert_many answers names only: their stored `time` is read back in one list request per answer. If that read
   * fails the checkins are kept as created (the run already checked the API user's roles before writing) and the
   * operator is told they were not verified.
   */
  private async verifyCreated(slots: Slot[], names: string[]): Promise<void> {
    this.answered += slots.length;
    if (!this.deferChecks) return this.checkTimes(slots, names);
    // The names are this call's from now on, even before their times are read (reconcile must not hand them out).
    for (const n of names) this.claimed.add(n);
    const check = this.checkTimes(slots, names);
    check.catch(() => undefined);
    this.checks.push(check);
  }

  private async checkTimes(slots: Slot[], names: string[]): Promise<void> {
    let stored: Map<string, string | undefined> | undefined;
    try {
      stored = new Map();
      for (const part of chunk(names, INSERT_MANY_MAX)) {
        const rows = await this.api.getList(
          'Employee Checkin',
          { fields: ['name', 'time'], filters: [['name', 'in', part]], limit_page_length: 0 },
          this.signal,
        );
        for (const row of rows)
          if (typeof row.name === 'string') stored.set(row.name, normaliseFrappeTime(row.time) ?? undefined);
      }
    } catch (e) {
      if (!(e instanceof FrappeError)) throw e;
      stored = undefined;
      this.api.logger.warn(
        `Frappe site ${this.api.siteId}: could not read back the time of ${names.length} checkin(s) just created (${e.message}); they are counted as created without that check.`,
      );
    }
    let right = !!stored;
    slots.forEach((s, i) => {
      const t = stored?.get(names[i]);
      if (stored && t !== undefined && t !== s.doc.time) this.wrongTime(s, names[i], t);
      else this.created(s, names[i], false);
      if (t !== s.doc.time) right = false;
    });
    if (right) this.w.timesTrusted = true;
  }

  private giveUp(slots: Slot[], cause: FrappeError, attempts: number): void {
    const msg = `No certain answer from Frappe site ${this.api.siteId} after ${attempts} attempts (${cause.message}); checked that the checkin was not created. It will be retried on the next run.`;
    this.api.logger.warn(`${slots.length} checkin(s): ${msg}`);
    for (const s of slots) this.fail(s, 'transient', msg);
  }

  private backoff(i: number): number {
    return Math.min(this.w.retry.maxDelayMs, this.w.retry.baseDelayMs * 2 ** (i - 1));
  }

  private created(slot: Slot, name: string, recovered: boolean): void {
    this.claimed.add(name);
    this.results[slot.index] = {
      key: slot.doc.key,
      status: 'created',
      name,
      ...(recovered ? { recovered: true } : {}),
    };
  }

  private wrongTime(slot: Slot, name: string, storedTime: string | undefined): void {
    this.w.timesTrusted = false;
    this.claimed.add(name);
    this.wrong.set(name, storedTime ?? '?');
    const at = storedTime ? `with time ${storedTime}` : 'without a readable time';
    this.api.logger.error(
      `Frappe site ${this.api.siteId}: checkin ${name} was stored ${at} instead of ${slot.doc.time}: the API user cannot write Employee Checkin "time".`,
    );
    this.results[slot.index] = {
      key: slot.doc.key,
      status: 'wrongTime',
      name,
      storedTime: storedTime ?? '',
      message: `Frappe stored checkin ${name} ${at} instead of the punch time ${slot.doc.time}: the API user cannot write Employee Checkin "time" (a permlevel 1 field). Delete ${name} in Frappe; give the API user ${HR_ROLES_FIX}, then rerun this punch.`,
    };
  }

  /** After a wrong time, nothing more is sent: every further checkin would be stored with the wrong time too. */
  private notSent(slots: Slot[]): void {
    for (const s of slots) this.fail(s, 'permission', this.trapMessage());
  }

  private trapMessage(): string {
    return `Not sent: Frappe site ${this.api.siteId} stored the time of the sync instead of the punch time on ${[...this.wrong.keys()].join(', ')} (the API user cannot write Employee Checkin "time"). Give the API user ${HR_ROLES_FIX}, then rerun.`;
  }

  /**
   * Checkins sent together with wrongly stored ones may have been refused as duplicates of them (every wrong
   * checkin gets the same "now"): those punches have no checkin at all and fail like the unsent ones.
   */
  private settleAfterTrap(): void {
    this.docs.forEach((d, i) => {
      const r = this.results[i];
      if (r?.status === 'duplicate' && r.duplicateOf && this.wrong.has(r.duplicateOf))
        this.results[i] = { key: d.key, status: 'failed', failure: 'permission', message: this.trapMessage() };
    });
  }

  private fail(slot: Slot, failure: Extract<InsertResult, { status: 'failed' }>['failure'], message: string): void {
    this.results[slot.index] = { key: slot.doc.key, status: 'failed', failure, message };
  }
}

/** The document as Frappe wants it: log_type omitted when there is none, coordinates only when known. */
export function checkinBody(d: NewCheckin, withDoctype: boolean): Record<string, unknown> {
  return {
    ...(withDoctype ? { doctype: 'Employee Checkin' } : {}),
    employee: d.employee,
    time: d.time,
    ...(d.logType ? { log_type: d.logType } : {}),
    device_id: d.deviceId,
    ...(typeof d.latitude === 'number' && Number.isFinite(d.latitude) ? { latitude: d.latitude } : {}),
    ...(typeof d.longitude === 'number' && Number.isFinite(d.longitude) ? { longitude: d.longitude } : {}),
  };
}

/** The created document of a single insert: its name, and its stored time when the answer carries one. */
function createdDoc(body: Record<string, unknown>): { name: string; time?: unknown } | undefined {
  const doc = (body.data ?? body.message) as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object' || typeof doc.name !== 'string' || !doc.name) return undefined;
  return { name: doc.name, ...('time' in doc ? { time: doc.time } : {}) };
}

/** insert_many's answer: one name per document sent, in order. */
function namesOf(body: Record<string, unknown>, count: number): string[] | undefined {
  const names = body.message ?? body.data;
  if (!Array.isArray(names) || names.length !== count || !names.every((n) => typeof n === 'string' && n))
    return undefined;
  return names as string[];
}

function matchKey(employee: string, time: string, logType: string | null, deviceId: string | null): string {
  return [employee, time, logType ?? '', (deviceId ?? '').trim()].join('\u0000');
}
