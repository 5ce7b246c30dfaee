// User control mode 'frappe-user': what navariltd/zkteco-biometric-integration ships (peers.md §2). An IN enables
// and an OUT disables the Frappe User linked to the Employee (ERP login, not the device). Users holding System
// Manager are never touched, so a punch can never lock the site's administrators out.
import { FrappeError } from '../core/errors';
import type { Logger, UserControl, UserControlChange, UserControlMemory, UserControlResult } from '../core/ports';
import type { FrappeApi } from './api';
import { mapPool } from './pool';
import type { FrappeClient } from './client';
import { loggedUser, parseUser, userRoles } from './probe';

const PROTECTED_ROLE = 'System Manager';

export interface FrappeUserControlOptions {
  client: FrappeClient;
  logger?: Logger;
}

export class FrappeUserControl implements UserControl {
  readonly mode = 'frappe-user' as const;
  private readonly api: FrappeApi;
  private readonly logger: Logger;
  private readonly concurrency: number;

  constructor(options: FrappeUserControlOptions) {
    this.api = options.client.api;
    this.logger = options.logger ?? this.api.logger;
    this.concurrency = options.client.concurrency;
  }

  async apply(changes: UserControlChange[], _memory: UserControlMemory, signal?: AbortSignal): Promise<UserControlResult[]> {
    // Each employee is independent: as many in flight as the site's workers take (results keep their order).
    return mapPool(changes, this.concurrency, (change) => this.applyOne(change, signal));
  }

  async check(signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    try {
      await this.api.getList('User', { fields: ['name', 'enabled'], limit_page_length: 1 }, signal);
    } catch (e) {
      if (!FrappeError.is(e)) throw e;
      return { ok: false, detail: `Cannot read User records on Frappe site ${this.api.siteId}: ${e.message}` };
    }
    const user = await loggedUser(this.api, signal).catch(() => undefined);
    const info = user ? await userRoles(this.api, user, signal).catch(() => undefined) : undefined;
    const warn = info && user !== 'Administrator' && !info.roles.includes(PROTECTED_ROLE) ? ` ${user} does not have System Manager, which enabling/disabling users usually needs.` : '';
    return { ok: true, detail: `Can read User records on Frappe site ${this.api.siteId}.${warn}` };
  }

  private async applyOne(change: UserControlChange, signal?: AbortSignal): Promise<UserControlResult> {
    const { empCode, employee, enable } = change;
    const user = employee.userId;
    const result = (r: UserControlResult['result'], detail: string): UserControlResult => ({ empCode, result: r, detail });
    if (!user) return result('failed', `Employee ${employee.name} has no linked User`);
    if (user === 'Administrator' || user === 'Guest') return result('unchanged', `User ${user} is never enabled or disabled by BioTime Sync`);
    try {
      const path = `/api/resource/User/${encodeURIComponent(user)}`;
      const got = await this.api.call({ method: 'GET', path, retry: 'read', signal });
      const doc = parseUser(got.data ?? got.message);
      if (!doc) throw this.api.badShape(`User ${user}`);
      if (doc.roles.includes(PROTECTED_ROLE)) {
        return result('unchanged', `User ${user} has the System Manager role and is never enabled or disabled by BioTime Sync`);
      }
      if (doc.enabled === enable) return result('unchanged', `User ${user} is already ${enable ? 'enabled' : 'disabled'}`);
      // Setting `enabled` to a value is idempotent, so the PUT may be retried like a read.
      await this.api.call({ method: 'PUT', path, data: { enabled: enable ? 1 : 0 }, retry: 'read', signal });
      this.logger.info(`Frappe site ${this.api.siteId}: ${enable ? 'enabled' : 'disabled'} User ${user} (employee ${employee.name}).`);
      return result('applied', `User ${user} ${enable ? 'enabled' : 'disabled'}`);
    } catch (e) {
      if (!FrappeError.is(e)) throw e;
      if (e.status === 404) return result('failed', `User ${user} linked to Employee ${employee.name} does not exist in Frappe`);
      return result('failed', `Could not ${enable ? 'enable' : 'disable'} User ${user}: ${e.message}`);
    }
  }
}
