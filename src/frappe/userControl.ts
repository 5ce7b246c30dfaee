// User control mode 'frappe-user': what navariltd/zkteco-biometric-integration ships (peers.md §2). An IN enables
// and an OUT disables the Frappe User linked to the Employee (ERP login, not the device). Users holding System
// Manager are never touched, so a punch can never lock the site's administrators out. Users are read in bulk once
// per apply() (userStates.ts); a site that refuses that gets the older one GET per User.
import { FrappeError } from '../core/errors';
import type { Logger, UserControl, UserControlMemory } from '../core/ports';
import type { UserControlChange, UserControlCheck, UserControlResult } from '../core/types';
import type { FrappeApi } from './api';
import { mapPool } from './pool';
import type { FrappeClient } from './client';
import { accessFromRoles, loggedUser, parseUser, readRoles } from './probe';
import { PROTECTED_ROLE, readUserStates, userKey, type UserState } from './userStates';

export interface FrappeUserControlOptions {
  client: FrappeClient;
  logger?: Logger;
}

/** States read in bulk for one apply() call, updated after each PUT; undefined = read each User instead. */
type Known = Map<string, UserState> | undefined;

export class FrappeUserControl implements UserControl {
  readonly mode = 'frappe-user' as const;
  private readonly api: FrappeApi;
  private readonly logger: Logger;
  private readonly concurrency: number;
  private bulkRefusalLogged = false;

  constructor(options: FrappeUserControlOptions) {
    this.api = options.client.api;
    this.logger = options.logger ?? this.api.logger;
    this.concurrency = options.client.concurrency;
  }

  async apply(
    changes: UserControlChange[],
    _memory: UserControlMemory,
    signal?: AbortSignal,
  ): Promise<UserControlResult[]> {
    const users = new Map<string, string>();
    for (const c of changes) if (touchable(c.employee.userId)) users.set(userKey(c.employee.userId), c.employee.userId);
    const known = users.size ? await this.readInBulk([...users.values()], signal) : undefined;
    // Each User is independent: as many in flight as the site's workers take. Changes for the same User run in
    // order, so a later one sees the earlier one's write, whether the state came from the bulk read or a GET.
    const groups = new Map<string, number[]>();
    changes.forEach((c, i) => {
      const key = touchable(c.employee.userId) ? `user:${userKey(c.employee.userId)}` : `change:${i}`;
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    });
    const out = new Array<UserControlResult>(changes.length);
    await mapPool([...groups.values()], this.concurrency, async (indexes) => {
      for (const i of indexes) out[i] = await this.applyOne(changes[i], known, signal);
    });
    return out;
  }

  /**
   * Mode 'frappe-user' writes `enabled` on User. Stock Frappe grants write on User to System Manager only: an HR
   * Manager gets 403 "does not have doctype access via role permission for document User" on every update. Decided
   * from the API user's roles (Has Role list), since a check that writes would change a User.
   */
  async check(signal?: AbortSignal): Promise<UserControlCheck> {
    try {
      await this.api.getList('User', { fields: ['name', 'enabled'], limit_page_length: 1 }, signal);
    } catch (e) {
      if (!FrappeError.is(e)) throw e;
      return {
        ok: false,
        detail: `Cannot read User records on Frappe site ${this.api.siteId}: ${e.message}`,
        fix: `Give the API user read and write on User (System Manager), or set userControl.mode to another value.`,
      };
    }
    const user = await loggedUser(this.api, signal);
    const info = await readRoles(this.api, user, signal).catch((e: unknown) => {
      if (FrappeError.is(e)) return undefined;
      throw e;
    });
    const canWrite = accessFromRoles(info).canWriteUser;
    const grant = `Before the first run, give ${user} the System Manager role (stock Frappe lets only System Manager write User), or give one of its roles Write on User in Role Permissions Manager; or set userControl.mode to 'off', 'area' or 'resign'.`;
    if (canWrite === false)
      return {
        ok: false,
        detail: `${user} cannot write User records on Frappe site ${this.api.siteId} (roles: ${info?.roles.join(', ') || 'none'}): every enable/disable of a User would be refused (403 "does not have doctype access via role permission for document User").`,
        fix: grant,
      };
    if (canWrite === 'unknown')
      return {
        ok: true,
        warn: true,
        detail: `Can read User records on Frappe site ${this.api.siteId}, but the roles of ${user} could not be read to confirm it may write User.`,
        fix: grant,
      };
    return {
      ok: true,
      detail: `${user} can read and write User records on Frappe site ${this.api.siteId} (${info?.roles.includes('System Manager') ? 'System Manager' : 'Administrator'}).`,
    };
  }

  /**
   * Two list reads instead of one GET per User. Any refusal or odd answer (an older site, no read permission on
   * User, a proxy) falls back to the per-User GETs for this call: the bulk read only saves requests.
   */
  private async readInBulk(users: string[], signal?: AbortSignal): Promise<Known> {
    try {
      return await readUserStates(this.api, users, this.concurrency, signal);
    } catch (e) {
      if (!FrappeError.is(e)) throw e;
      const log = this.bulkRefusalLogged ? this.logger.debug : this.logger.info;
      this.bulkRefusalLogged = true;
      log.call(
        this.logger,
        `Frappe site ${this.api.siteId}: could not read Users and their System Manager role in bulk (${e.message}); reading each User instead.`,
      );
      return undefined;
    }
  }

  /** From the bulk read, else one GET. A User the list did not show is read too: it may be missing, or hidden. */
  private async stateOf(user: string, known: Known, signal?: AbortSignal): Promise<UserState> {
    const listed = known?.get(userKey(user));
    if (listed) return listed;
    const got = await this.api.call({ method: 'GET', path: userPath(user), retry: 'read', signal });
    const doc = parseUser(got.data ?? got.message);
    if (!doc) throw this.api.badShape(`User ${user}`);
    const state = { enabled: doc.enabled, systemManager: doc.roles.includes(PROTECTED_ROLE) };
    known?.set(userKey(user), state);
    return state;
  }

  private async applyOne(change: UserControlChange, known: Known, signal?: AbortSignal): Promise<UserControlResult> {
    const { empCode, employee, enable } = change;
    const user = employee.userId;
    const result = (r: UserControlResult['result'], detail: string): UserControlResult => ({
      empCode,
      result: r,
      detail,
    });
    if (!user) return result('failed', `Employee ${employee.name} has no linked User`);
    if (!touchable(user)) return result('unchanged', `User ${user} is never enabled or disabled by BioTime Sync`);
    try {
      const state = await this.stateOf(user, known, signal);
      if (state.systemManager) {
        return result(
          'unchanged',
          `User ${user} has the System Manager role and is never enabled or disabled by BioTime Sync`,
        );
      }
      if (state.enabled === enable)
        return result('unchanged', `User ${user} is already ${enable ? 'enabled' : 'disabled'}`);
      // Setting `enabled` to a value is idempotent, so the PUT may be retried like a read.
      await this.api.call({
        method: 'PUT',
        path: userPath(user),
        data: { enabled: enable ? 1 : 0 },
        retry: 'read',
        signal,
      });
      state.enabled = enable;
      this.logger.info(
        `Frappe site ${this.api.siteId}: ${enable ? 'enabled' : 'disabled'} User ${user} (employee ${employee.name}).`,
      );
      return result('applied', `User ${user} ${enable ? 'enabled' : 'disabled'}`);
    } catch (e) {
      if (!FrappeError.is(e)) throw e;
      if (e.status === 404)
        return result('failed', `User ${user} linked to Employee ${employee.name} does not exist in Frappe`);
      return result('failed', `Could not ${enable ? 'enable' : 'disable'} User ${user}: ${e.message}`);
    }
  }
}

const userPath = (user: string) => `/api/resource/User/${encodeURIComponent(user)}`;

/** Administrator and Guest are never enabled or disabled. */
function touchable(user: string | null): user is string {
  return !!user && user !== 'Administrator' && user !== 'Guest';
}
