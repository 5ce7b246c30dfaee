// Post-checkin user control on BioTime itself (§5.3–5.4). BioTime has no "disable this user on the terminal" call,
// so the two mechanisms are explicit stand-ins:
// - 'area': move the employee into an area that has no terminals (employees are synced to their areas' terminals),
//   remembering the areas they had so enabling can move them back. adjust_area is assumed to replace the area list;
//   we re-read the employee after each move to be sure.
// - 'resign': resign with disableatt (stops attendance) and reinstate. Resign records are assumed to disappear on
//   reinstatement (that is how BioTime's Resignation list behaves); the API exists on 8.5 and 9.5 only, other
//   versions answer the HTML "Page not found" page.
import { TZDate } from '@date-fns/tz';
import { BioTimeError, CancelledError, CredentialsMissingError, errorMessage } from '../core/errors';
import type { DeviceConfig } from '../core/configTypes';
import type { Clock, Logger, UserControl, UserControlMemory } from '../core/ports';
import type { UserControlChange, UserControlCheck, UserControlResult } from '../core/types';
import { expectJson, looksLikeHtml } from './answers';
import type { BioTimeClient } from './client';
import { isObject, looseInt, parseEnvelope } from './parse';
import {
  ADJUST_AREA_PATH,
  ApiAbsentError,
  EMPLOYEES_PATH,
  REINSTATEMENT_PATH,
  RESIGNS_PATH,
  createdId,
  findArea,
  findEmployees,
  findResigns,
  post,
  type BioArea,
  type BioEmployee,
} from './personnel';

const AREA_CACHE_MS = 10 * 60_000;
const RESIGN_REASON = 'BioTime Sync: checked out';

type Memo =
  | { kind: 'area'; employeeId: number; areas: number[] }
  | { kind: 'resign'; employeeId: number; resignId: number | null };

/** A problem that affects every change of the run (setup, auth, reachability): the rest fail fast with it. */
class SetupError extends Error {}

export interface BioTimeUserControlOptions {
  client: BioTimeClient;
  /** Default: the device's userControl.mode. */
  mode?: 'area' | 'resign';
  /** IANA zone for "today" in resign_date. Default: the device's timeZone, else this machine's zone. */
  timeZone?: string;
  /** Default: the client's. Given when the configuration changed since the client was built. */
  device?: DeviceConfig;
  /** Default: the client's. */
  clock?: Clock;
  /** Default: the client's. */
  logger?: Logger;
}

export class BioTimeUserControl implements UserControl {
  readonly mode: 'area' | 'resign';
  private readonly client: BioTimeClient;
  private readonly device: DeviceConfig;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timeZone: string;
  private noAccess?: { area: BioArea; at: number };

  constructor(opts: BioTimeUserControlOptions) {
    this.device = opts.device ?? opts.client.device;
    this.clock = opts.clock ?? opts.client.clock;
    this.logger = opts.logger ?? opts.client.logger;
    const mode = opts.mode ?? this.device.userControl.mode;
    if (mode !== 'area' && mode !== 'resign')
      throw new TypeError(`BioTimeUserControl handles modes 'area' and 'resign', not '${mode}'.`);
    this.mode = mode;
    this.client = opts.client;
    this.timeZone = opts.timeZone ?? this.device.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  private get server(): string {
    return this.client.server;
  }

  async apply(
    changes: UserControlChange[],
    memory: UserControlMemory,
    signal?: AbortSignal,
  ): Promise<UserControlResult[]> {
    const results: UserControlResult[] = [];
    let fatal: string | undefined;
    const exempt = new Set(this.device.userControl.exempt ?? []);
    for (const ch of changes) {
      if (signal?.aborted) throw new CancelledError();
      if (exempt.has(ch.empCode)) {
        results.push({ empCode: ch.empCode, result: 'unchanged', detail: 'exempt (userControl.exempt)' });
        continue;
      }
      if (fatal) {
        results.push({ empCode: ch.empCode, result: 'failed', detail: fatal });
        continue;
      }
      let r: UserControlResult;
      try {
        r =
          this.mode === 'area' ? await this.applyArea(ch, memory, signal) : await this.applyResign(ch, memory, signal);
      } catch (e) {
        if (CancelledError.is(e)) throw e;
        const detail = this.explain(e);
        if (isFatal(e)) fatal = detail;
        r = { empCode: ch.empCode, result: 'failed', detail };
      }
      this.logger.debug(
        `${this.server}: ${this.mode} ${ch.enable ? 'enable' : 'disable'} ${ch.empCode}: ${r.result} (${r.detail})`,
      );
      results.push(r);
    }
    return results;
  }

  /**
   * The calls the mode makes, as far as they can be tried without changing anyone: the reads (employees, areas or
   * resignations) are made; the writes (adjust_area, resign/reinstate) cannot be tried, so the fix says what the
   * BioTime user must be allowed to do.
   */
  async check(signal?: AbortSignal): Promise<UserControlCheck> {
    const fix = this.permissionsFix();
    try {
      await this.checkEmployeesReadable(signal);
      const r = this.mode === 'area' ? await this.checkArea(signal) : await this.checkResign(signal);
      return r.ok ? { ...r, detail: `${r.detail} ${this.writesNote()}` } : { ...r, fix };
    } catch (e) {
      if (CancelledError.is(e)) throw e;
      return { ok: false, detail: this.explain(e), fix };
    }
  }

  private async checkEmployeesReadable(signal?: AbortSignal): Promise<void> {
    const api = this.client.api;
    const what = `GET ${EMPLOYEES_PATH}`;
    const res = await api.send({
      method: 'GET',
      url: EMPLOYEES_PATH,
      params: { page: 1, page_size: 1 },
      retry: 'read',
      signal,
    });
    parseEnvelope(expectJson(res, api.server, what), api.server, what);
  }

  private writesNote(): string {
    return this.mode === 'area'
      ? `Each change calls POST ${ADJUST_AREA_PATH}: the BioTime user ${this.device.username} must be allowed to edit Personnel › Employee (Adjust Area).`
      : `Each change calls POST ${RESIGNS_PATH} and ${REINSTATEMENT_PATH}: the BioTime user ${this.device.username} must be allowed to add resignations and reinstate (Personnel › Resignation).`;
  }

  private permissionsFix(): string {
    const what =
      this.mode === 'area'
        ? `view and edit Personnel › Employee and Area (Adjust Area), and create the no-access area '${this.device.userControl.noAccessArea ?? ''}' with no terminals`
        : 'view and edit Personnel › Employee and Resignation (resign and reinstate)';
    return `Before the first run, let the BioTime user ${this.device.username} ${what}; or set userControl.mode to another value (or 'off').`;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // mode 'area'

  private async applyArea(
    ch: UserControlChange,
    memory: UserControlMemory,
    signal?: AbortSignal,
  ): Promise<UserControlResult> {
    const area = await this.noAccessArea(signal);
    const emp = await this.employee(ch.empCode, signal);
    const inNoAccess = emp.areaIds.includes(area.id);
    const others = emp.areaIds.filter((id) => id !== area.id);
    const memo = readMemo(memory.get(ch.empCode), 'area');
    if (!ch.enable) {
      if (inNoAccess && others.length === 0) return unchanged(ch, `already in the no-access area '${area.code}'`);
      // Remember before writing: if the write lands and we stop, enabling still knows where to go back.
      await memory.set(ch.empCode, {
        kind: 'area',
        employeeId: emp.id,
        areas: others.length ? others : (memo?.areas ?? []),
      } satisfies Memo);
      await post(this.client.api, ADJUST_AREA_PATH, { employees: [emp.id], areas: [area.id] }, signal);
      await this.verifyAreas(ch.empCode, [area.id], signal);
      return applied(ch, `moved from areas [${others.join(', ')}] to the no-access area '${area.code}'`);
    }
    if (!inNoAccess) return unchanged(ch, 'not in the no-access area');
    const target = memo?.areas.length ? memo.areas : others;
    if (!target.length) {
      return failed(
        ch,
        `employee ${ch.empCode} is in the no-access area '${area.code}' but BioTime Sync does not know which areas it had before; assign its areas in BioTime.`,
      );
    }
    await post(this.client.api, ADJUST_AREA_PATH, { employees: [emp.id], areas: target }, signal);
    await this.verifyAreas(ch.empCode, target, signal);
    await memory.set(ch.empCode, undefined);
    return applied(ch, `moved back to areas [${target.join(', ')}]`);
  }

  /** adjust_area replacing (not adding to) the area list is not confirmed for every version: check it did. */
  private async verifyAreas(empCode: string, expected: number[], signal?: AbortSignal): Promise<void> {
    const now = (await findEmployees(this.client.api, empCode, signal))[0];
    if (!now) return;
    const same = now.areaIds.length === expected.length && expected.every((id) => now.areaIds.includes(id));
    if (!same) {
      throw new BioTimeError(
        'badResponse',
        `${this.server} accepted the area change for ${empCode} but the employee is in areas [${now.areaIds.join(', ')}], not [${expected.join(', ')}]; this BioTime version may add areas instead of replacing them.`,
      );
    }
  }

  private async noAccessArea(signal?: AbortSignal): Promise<BioArea> {
    const code = this.device.userControl.noAccessArea?.trim();
    if (!code)
      throw new SetupError(
        `userControl.noAccessArea is not set: name the BioTime area (by its area code) that has no terminals.`,
      );
    if (
      this.noAccess &&
      this.noAccess.area.code === code &&
      this.clock.now().getTime() - this.noAccess.at < AREA_CACHE_MS
    )
      return this.noAccess.area;
    const { area, seen } = await findArea(this.client.api, code, signal);
    if (!area) {
      throw new SetupError(
        `${this.server} has no area with area code '${code}'${seen.length ? ` (codes seen: ${seen.join(', ')})` : ''}. Create an area without terminals in BioTime and set userControl.noAccessArea to its code.`,
      );
    }
    this.noAccess = { area, at: this.clock.now().getTime() };
    return area;
  }

  private async checkArea(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    const area = await this.noAccessArea(signal);
    const terminals = await this.client.listTerminals(signal);
    const inside = terminals.filter((t) => {
      const a = t.raw.area;
      return (isObject(a) && looseInt(a.id) === area.id) || looseInt(a) === area.id;
    });
    if (inside.length) {
      return {
        ok: false,
        detail: `area '${area.code}' (id ${area.id}) has ${inside.length} terminal(s) (${inside.map((t) => t.sn || t.alias).join(', ')}): employees moved there could still punch on them.`,
      };
    }
    return {
      ok: true,
      detail: `no-access area '${area.code}' (id ${area.id}, "${area.name}") found, with no terminals.`,
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // mode 'resign'

  private async applyResign(
    ch: UserControlChange,
    memory: UserControlMemory,
    signal?: AbortSignal,
  ): Promise<UserControlResult> {
    const api = this.client.api;
    const memo = readMemo(memory.get(ch.empCode), 'resign');
    if (!ch.enable) {
      const emps = await findEmployees(api, ch.empCode, signal);
      if (emps.length > 1)
        return failed(ch, `${emps.length} BioTime employees have emp_code ${ch.empCode}; not touched.`);
      const employeeId = emps[0]?.id ?? memo?.employeeId;
      const existing = await findResigns(api, { employeeId, empCode: ch.empCode }, signal);
      if (existing.length) {
        await memory.set(ch.empCode, {
          kind: 'resign',
          employeeId: employeeId ?? existing[0].employeeId ?? 0,
          resignId: existing[0].id,
        } satisfies Memo);
        return unchanged(ch, `already resigned in BioTime (resignation ${existing[0].id})`);
      }
      if (employeeId === undefined) return failed(ch, `${this.server} has no employee with emp_code ${ch.empCode}.`);
      await memory.set(ch.empCode, { kind: 'resign', employeeId, resignId: null } satisfies Memo);
      const body = {
        employee: employeeId,
        disableatt: true,
        resign_type: 1,
        resign_date: this.today(),
        reason: RESIGN_REASON,
      };
      const answer = await post(api, RESIGNS_PATH, body, signal);
      const resignId =
        createdId(answer) ?? (await findResigns(api, { employeeId, empCode: ch.empCode }, signal))[0]?.id ?? null;
      await memory.set(ch.empCode, { kind: 'resign', employeeId, resignId } satisfies Memo);
      return applied(ch, `resigned in BioTime${resignId !== null ? ` (resignation ${resignId})` : ''}`);
    }
    // Resigned employees may be missing from the employee list, so the remembered id comes first.
    const employeeId = memo?.employeeId || (await findEmployees(api, ch.empCode, signal))[0]?.id;
    const existing = await findResigns(api, { employeeId, empCode: ch.empCode }, signal);
    if (!existing.length) {
      await memory.set(ch.empCode, undefined);
      return unchanged(ch, 'not resigned in BioTime');
    }
    const resignId = existing.find((r) => r.id === memo?.resignId)?.id ?? existing[0].id;
    await post(api, REINSTATEMENT_PATH, { resigns: [resignId] }, signal);
    await memory.set(ch.empCode, undefined);
    return applied(ch, `reinstated in BioTime (resignation ${resignId})`);
  }

  private async checkResign(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    const api = this.client.api;
    const res = await api.send({
      method: 'GET',
      url: RESIGNS_PATH,
      params: { page: 1, page_size: 1, limit: 1 },
      retry: 'read',
      signal,
    });
    if ((res.status === 200 || res.status === 404) && looksLikeHtml(res.text))
      return { ok: false, detail: this.absentMessage() };
    const what = `GET ${RESIGNS_PATH}`;
    const env = parseEnvelope(expectJson(res, api.server, what), api.server, what);
    return { ok: true, detail: `the resign API answers (${env.count ?? env.rows.length} resignation(s) on record).` };
  }

  /** Today's date where BioTime is, as resign_date wants it. */
  private today(): string {
    const d = new TZDate(this.clock.now().getTime(), this.timeZone);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async employee(empCode: string, signal?: AbortSignal): Promise<BioEmployee> {
    const emps = await findEmployees(this.client.api, empCode, signal);
    if (emps.length === 0) throw new Error(`${this.server} has no employee with emp_code ${empCode}.`);
    if (emps.length > 1) throw new Error(`${emps.length} BioTime employees have emp_code ${empCode}; not touched.`);
    return emps[0];
  }

  private absentMessage(): string {
    return `${this.server} has no resign API (it answered an HTML page for ${RESIGNS_PATH}): this BioTime version lacks it. Use userControl mode 'area' (move employees to an area without terminals) or 'frappe-user' instead.`;
  }

  private explain(e: unknown): string {
    if (e instanceof ApiAbsentError) {
      return e.path.startsWith(RESIGNS_PATH)
        ? this.absentMessage()
        : `${e.message} This BioTime version lacks it; use userControl mode 'frappe-user' instead.`;
    }
    if (e instanceof BioTimeError || e instanceof CredentialsMissingError)
      return e.hint ? `${e.message} ${e.hint}` : e.message;
    return errorMessage(e);
  }
}

function isFatal(e: unknown): boolean {
  if (e instanceof SetupError || e instanceof ApiAbsentError || e instanceof CredentialsMissingError) return true;
  return BioTimeError.is(e) && ['auth', 'license', 'unreachable', 'tls', 'permission'].includes(e.reason);
}

function readMemo<K extends Memo['kind']>(v: unknown, kind: K): Extract<Memo, { kind: K }> | undefined {
  if (!isObject(v) || v.kind !== kind || typeof v.employeeId !== 'number') return undefined;
  if (kind === 'area' && !(Array.isArray(v.areas) && v.areas.every((a) => typeof a === 'number'))) return undefined;
  if (kind === 'resign' && !(v.resignId === null || typeof v.resignId === 'number')) return undefined;
  return v as Extract<Memo, { kind: K }>;
}

const applied = (ch: UserControlChange, detail: string): UserControlResult => ({
  empCode: ch.empCode,
  result: 'applied',
  detail,
});
const unchanged = (ch: UserControlChange, detail: string): UserControlResult => ({
  empCode: ch.empCode,
  result: 'unchanged',
  detail,
});
const failed = (ch: UserControlChange, detail: string): UserControlResult => ({
  empCode: ch.empCode,
  result: 'failed',
  detail,
});
