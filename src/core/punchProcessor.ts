// Step 4 of the cycle for one batch of punches (a page, or the failed punches of a rerun): match employees in
// one lookup, map punch states, convert times, find existing checkins in one query, create the rest in batches,
// and give every punch an outcome. Nothing here writes state; the run decides when outcomes become durable.
import type { FailureCode, LogType, PunchOutcome } from '../shared/model';
import type { DeviceConfig } from './configTypes';
import { actionForState, logTypeOf } from './mapping';
import type { CheckinSink } from './ports';
import type { EmployeeRecord, ExistingCheckin, InflightEntry, NewCheckin, Punch } from './types';
import { convertNaive } from './time';
import { forEachYielding } from './yieldLoop';

export interface ProcessorOptions {
  device: DeviceConfig;
  deviceZone: string;
  siteZone: string;
  sink: CheckinSink;
  dryRun: boolean;
  signal?: AbortSignal;
  /** Journal entries of an interrupted earlier attempt: a match found in Frappe is ours, not a duplicate. */
  recovered: Map<string, InflightEntry>;
  /** Persists the write journal before any checkin is sent. */
  journal(entries: InflightEntry[]): Promise<void>;
}

interface Candidate {
  punch: Punch;
  outcome: PunchOutcome;
  employee: EmployeeRecord;
  time: string;
  logType: LogType | null;
}

/** The first punch of this run at an employee+time: later ones with the same employee and time are its echoes. */
interface Claim {
  /** Key of the punch that claimed it. */
  key: string;
  /** Its outcome, final once its batch is committed. */
  first: PunchOutcome;
}

/**
 * A batch after step 4's reads (employee match, existing checkins), before anything is written. Batches are
 * committed in the order they were prepared; the next one may be prepared while this one's checkins are written.
 */
export interface PreparedBatch {
  outcomes: PunchOutcome[];
  /** Candidates to create. */
  fresh: Candidate[];
  /** Candidates repeating an employee+time claimed earlier in this batch or the one before. */
  echoes: Candidate[];
  claims: Map<string, Claim>;
}

const dedupeKey = (employee: string, time: string) => `${employee}\u0000${time}`;
const recoverKey = (employee: string, time: string, logType: LogType | null) =>
  `${employee}\u0000${time}\u0000${logType ?? ''}`;
export { recoverKey };

/** A checkin Frappe stored with another time than the one sent (the permlevel trap). */
export interface WrongCheckin {
  name: string;
  key: string;
  sent: string;
  stored: string;
}

export class PunchProcessor {
  /** Checkins of this run stored with the wrong time: once there is one, nothing more is sent. */
  readonly wrongCheckins: WrongCheckin[] = [];
  /** Employees by Biometric ID, looked up once per run. */
  private readonly employees = new Map<string, EmployeeRecord[]>();
  /**
   * employee+time claimed by the batch being prepared and the one before it (whose checkins may still be in flight),
   * to catch BioTime's repeated rows. Older batches' checkins are in Frappe, where the duplicate query finds them.
   * A dry run creates nothing, so its one set spans the whole run.
   */
  private claimSets: Map<string, Claim>[] = [];

  constructor(private readonly options: ProcessorOptions) {}

  /** Employees met so far in this run, by document name. */
  employeesByName(): Map<string, EmployeeRecord> {
    const m = new Map<string, EmployeeRecord>();
    for (const list of this.employees.values()) for (const e of list) m.set(e.name, e);
    return m;
  }

  /** Prepares and commits one batch. */
  async process(punches: Punch[]): Promise<PunchOutcome[]> {
    return this.commit(await this.prepare(punches));
  }

  /**
   * Match, map, convert, find existing checkins, and persist the write journal of the checkins to create (a crash
   * after this lets the next run recognise them as its own instead of duplicates). Writes nothing to Frappe. May
   * run while the previous batch is being committed, never while an older one is (its claims are dropped here).
   */
  async prepare(punches: Punch[]): Promise<PreparedBatch> {
    // Keeping claims for the whole run made memory grow with the backlog; two batches are enough (see claimSets).
    const claims = this.options.dryRun && this.claimSets.length ? this.claimSets[0] : new Map<string, Claim>();
    this.claimSets = this.options.dryRun ? [claims] : [...this.claimSets.slice(-1), claims];
    const outcomes = punches.map((p) => this.baseOutcome(p));
    const live: number[] = [];
    await forEachYielding(punches, (p, i) => {
      if (p.problem) return this.fail(outcomes[i], 'badRecord', `unusable BioTime record: ${p.problem}`);
      const since = this.options.device.importSince;
      if (since && p.punchTime < since) return this.skip(outcomes[i], `punched before importSince (${since})`);
      const action = actionForState(p.punchState, this.options.device);
      if (action === 'SKIP') return this.skip(outcomes[i], `punch state '${p.punchState}' is configured to be skipped`);
      outcomes[i].logType = logTypeOf(action);
      live.push(i);
    });
    await this.lookupEmployees(live.map((i) => punches[i].empCode));
    const candidates: Candidate[] = [];
    await forEachYielding(live, (i) => {
      const c = this.resolve(punches[i], outcomes[i]);
      if (c) candidates.push(c);
    });
    const echoes: Candidate[] = [];
    const fresh = await this.dropExisting(candidates, echoes, claims);
    if (!this.options.dryRun && fresh.length)
      await this.options.journal(
        fresh.map((c) => ({ key: c.punch.key, employee: c.employee.name, time: c.time, logType: c.logType })),
      );
    return { outcomes, fresh, echoes, claims };
  }

  /** Creates the batch's checkins; call in the order batches were prepared, one at a time. */
  async commit(b: PreparedBatch): Promise<PunchOutcome[]> {
    await this.create(b.fresh);
    this.settleEchoes(b.echoes);
    return b.outcomes;
  }

  private claimOf(k: string): Claim | undefined {
    for (let i = this.claimSets.length - 1; i >= 0; i--) {
      const c = this.claimSets[i].get(k);
      if (c) return c;
    }
    return undefined;
  }

  private baseOutcome(p: Punch): PunchOutcome {
    return {
      key: p.key,
      deviceId: this.options.device.id,
      transactionId: p.id,
      empCode: p.empCode,
      name: p.name,
      punchTime: p.punchTime,
      siteTime: null,
      uploadTime: p.uploadTime,
      terminalSn: p.terminalSn,
      terminalAlias: p.terminalAlias,
      punchState: p.punchState,
      punchStateDisplay: p.punchStateDisplay,
      logType: null,
      employee: null,
      employeeName: null,
      outcome: 'skipped',
    };
  }

  private fail(o: PunchOutcome, failure: FailureCode, reason: string): void {
    o.outcome = 'failed';
    o.failure = failure;
    o.reason = reason;
  }

  private skip(o: PunchOutcome, reason: string): void {
    o.outcome = 'skipped';
    o.reason = reason;
  }

  private async lookupEmployees(codes: string[]): Promise<void> {
    const missing = [...new Set(codes)].filter((c) => !this.employees.has(c));
    if (!missing.length) return;
    const found = await this.options.sink.findEmployeesByDeviceIds(missing, this.options.signal);
    for (const c of missing) this.employees.set(c, []);
    // Exact match first; Frappe sites on MariaDB compare case- and trailing-space-insensitively, so a row that
    // only matches that way is accepted when no exact row exists.
    const loose = (s: string) => s.trim().toLowerCase();
    for (const e of found) {
      const id = e.deviceId ?? '';
      if (this.employees.has(id)) this.employees.get(id)!.push(e);
    }
    for (const c of missing) {
      if (this.employees.get(c)!.length) continue;
      this.employees.set(
        c,
        found.filter((e) => loose(e.deviceId ?? '') === loose(c)),
      );
    }
  }

  private resolve(p: Punch, o: PunchOutcome): Candidate | undefined {
    const matches = this.employees.get(p.empCode) ?? [];
    if (!matches.length) return void this.fail(o, 'unknownEmployee', `no employee with Biometric ID ${p.empCode}`);
    if (matches.length > 1) {
      return void this.fail(
        o,
        'ambiguousEmployee',
        `Biometric ID ${p.empCode} is set on several employees: ${matches.map((e) => e.name).join(', ')}`,
      );
    }
    const employee = matches[0];
    o.employee = employee.name;
    o.employeeName = employee.employeeName;
    const t = convertNaive(p.punchTime, this.options.deviceZone, this.options.siteZone);
    if (!t.ok) return void this.fail(o, 'timeZone', t.reason);
    o.siteTime = t.time;
    return { punch: p, outcome: o, employee, time: t.time, logType: o.logType };
  }

  /** Marks candidates that already have a checkin (in Frappe, or earlier in this run) and returns the rest. */
  private async dropExisting(
    cands: Candidate[],
    echoes: Candidate[],
    claims: Map<string, Claim>,
  ): Promise<Candidate[]> {
    if (!cands.length) return [];
    const times = cands.map((c) => c.time).sort();
    const employees = [...new Set(cands.map((c) => c.employee.name))];
    const existing = new Map<string, ExistingCheckin>();
    for (const e of await this.options.sink.findCheckins(
      employees,
      times[0],
      times[times.length - 1],
      this.options.signal,
    )) {
      const k = dedupeKey(e.employee, e.time);
      if (!existing.has(k)) existing.set(k, e);
    }
    const rest: Candidate[] = [];
    for (const c of cands) {
      const k = dedupeKey(c.employee.name, c.time);
      const found = existing.get(k);
      // The journal names the punch that was being written: only that punch's checkin is "ours".
      const mine = found && this.options.recovered.get(recoverKey(c.employee.name, c.time, c.logType));
      if (found && mine && mine.key === c.punch.key && (found.deviceId ?? '') === this.options.device.url) {
        c.outcome.outcome = 'created';
        c.outcome.checkin = found.name;
        c.outcome.recovered = true;
        claims.set(k, { key: c.punch.key, first: c.outcome });
      } else if (found) {
        c.outcome.outcome = 'duplicate';
        c.outcome.duplicateOf = found.name;
        c.outcome.reason = `duplicate of ${found.name}`;
      } else if (this.claimOf(k)) {
        echoes.push(c);
      } else {
        claims.set(k, { key: c.punch.key, first: c.outcome });
        rest.push(c);
      }
    }
    return rest;
  }

  /**
   * BioTime sometimes stores the same punch twice (two ids, same person and second). The repeat is a duplicate of
   * whatever the first became; if the first failed, the repeat fails the same way and is kept for a rerun.
   */
  private settleEchoes(echoes: Candidate[]): void {
    for (const c of echoes) {
      const claim = this.claimOf(dedupeKey(c.employee.name, c.time));
      const first = claim?.first;
      if (first?.outcome === 'failed') {
        this.fail(c.outcome, first.failure ?? 'refused', first.reason ?? 'failed');
        continue;
      }
      const of = first?.outcome === 'created' && first.checkin ? first.checkin : `transaction ${claim?.key ?? '?'}`;
      c.outcome.outcome = 'duplicate';
      if (!of.startsWith('transaction ')) c.outcome.duplicateOf = of;
      c.outcome.reason = `duplicate of ${of} (BioTime sent the same punch twice)`;
    }
  }

  private async create(cands: Candidate[]): Promise<void> {
    if (!cands.length) return;
    if (this.options.dryRun) return this.predict(cands);
    if (this.wrongCheckins.length) {
      // A batch prepared while the one that met the trap was being written: sending it would store wrong times too.
      for (const c of cands)
        this.fail(
          c.outcome,
          'permission',
          `not sent: Frappe stored the time of the sync instead of the punch time on ${this.wrongCheckins.map((w) => w.name).join(', ')}`,
        );
      return;
    }
    const docs: NewCheckin[] = cands.map((c) => ({
      key: c.punch.key,
      employee: c.employee.name,
      time: c.time,
      logType: c.logType,
      deviceId: this.options.device.url,
      ...this.location(c.punch),
    }));
    const results = await this.options.sink.insertCheckins(docs, this.options.signal);
    const byKey = new Map(results.map((r) => [r.key, r]));
    for (const c of cands) {
      const r = byKey.get(c.punch.key);
      if (!r) {
        this.fail(c.outcome, 'transient', 'Frappe returned no result for this checkin');
      } else if (r.status === 'created') {
        c.outcome.outcome = 'created';
        c.outcome.checkin = r.name;
        if (r.recovered) c.outcome.recovered = true;
      } else if (r.status === 'wrongTime') {
        this.fail(c.outcome, 'permission', r.message);
        c.outcome.wrongCheckin = r.name;
        this.wrongCheckins.push({ name: r.name, key: c.punch.key, sent: c.time, stored: r.storedTime });
      } else if (r.status === 'duplicate') {
        c.outcome.outcome = 'duplicate';
        c.outcome.duplicateOf = r.duplicateOf;
        c.outcome.reason = r.duplicateOf ? `duplicate of ${r.duplicateOf}` : r.message;
      } else {
        this.fail(c.outcome, r.failure, r.message);
      }
    }
  }

  /**
   * A dry run's prediction of what Frappe will do with each checkin, for every refusal that can be known before
   * writing (frappe-api.md §8.3, the recorded v15 site): an Inactive employee is refused (Left and Suspended are
   * accepted), and a site that requires coordinates refuses a checkin without any. What cannot be known in advance
   * is listed in DRY_RUN_UNPREDICTABLE.
   */
  private async predict(cands: Candidate[]): Promise<void> {
    const geo = await this.geolocationRequired();
    for (const c of cands) {
      const status = c.employee.status;
      if (status === 'Inactive') {
        this.fail(
          c.outcome,
          'refused',
          `would be refused: employee ${c.employee.name} is Inactive (Frappe creates no checkin for an Inactive employee; set the employee Active or dismiss the punch)`,
        );
        continue;
      }
      const loc = this.location(c.punch);
      if (geo === true && loc.latitude === undefined) {
        this.fail(
          c.outcome,
          'refused',
          `would be refused: the site requires coordinates (HR Settings "Allow Geolocation Tracking") and neither the punch, its terminal ${c.punch.terminalSn} nor the device has any (set device.terminalLocations or device.location)`,
        );
        continue;
      }
      c.outcome.outcome = 'created';
      const notes = [
        status && status !== 'Active' ? `employee status ${status}: Frappe accepts checkins for it` : '',
        geo === 'unknown' && loc.latitude === undefined
          ? 'HR Settings could not be read: if the site requires coordinates, it will be refused'
          : '',
      ].filter(Boolean);
      c.outcome.reason = `would be created (dry run)${notes.length ? `; ${notes.join('; ')}` : ''}`;
    }
  }

  private geo: Promise<boolean | 'unknown'> | undefined;
  /** Read once per run; a site whose HR Settings cannot be read is 'unknown' (said in the plan, never guessed). */
  private geolocationRequired(): Promise<boolean | 'unknown'> {
    this.geo ??= this.options.sink.geolocationRequired(this.options.signal).catch(() => 'unknown' as const);
    return this.geo;
  }

  /** The punch's own coordinates (mobile punches), else the terminal's, else the device's. */
  private location(p: Punch): { latitude?: number; longitude?: number } {
    if (p.latitude !== null && p.longitude !== null) return { latitude: p.latitude, longitude: p.longitude };
    const g = this.options.device.terminalLocations?.[p.terminalSn] ?? this.options.device.location;
    return g ? { latitude: g.latitude, longitude: g.longitude } : {};
  }
}
