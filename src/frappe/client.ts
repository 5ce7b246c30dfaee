// The Frappe HR side of the sync: implements the engine's CheckinSink over Frappe's REST/RPC API.
// Each responsibility lives in its own file: api.ts (auth, transport, decoding), errors.ts, employees.ts,
// checkinQuery.ts, checkinWriter.ts (batching, fallback, reconciliation), probe.ts, userControl.ts.
import { parseHoursWindow } from '../core/configSchema';
import type { SiteConfig } from '../core/configTypes';
import type { HttpClient, RetryPolicy } from '../core/http';
import type { CheckinSink, Clock, CredentialProvider, Logger } from '../core/ports';
import type {
  CheckinWriteAccess,
  EmployeeRecord,
  ExistingCheckin,
  InsertResult,
  NewCheckin,
  ShiftTypeInfo,
  SinkProbe,
} from '../core/types';
import { FrappeApi } from './api';
import { findCheckins } from './checkinQuery';
import { CheckinWriter, DEFAULT_WRITE_RETRY, INSERT_MANY_MAX, type WriteRetry } from './checkinWriter';
import { findEmployeesByDeviceIds, searchEmployees, setEmployeeDeviceId } from './employees';
import { WritePace } from './pace';
import { accessFromRoles, loggedUser, probeSite, readRoles, readTimeZone } from './probe';
import { geolocationRequired, getShiftTypes, setShiftLastSync } from './shifts';

export interface FrappeClientOptions {
  site: SiteConfig;
  credentials: CredentialProvider;
  clock: Clock;
  logger: Logger;
  /** Requests in flight at once (default 2: Frappe benches usually run about 2 workers). */
  concurrency?: number;
  /** HttpClient retry policy for every request (default: HttpClient's). */
  retry?: RetryPolicy;
  /** Re-sends and back-off after uncertain checkin writes (default 3 attempts, 2 s doubling). */
  writeRetry?: WriteRetry;
  /** An HttpClient to use instead of building one from `site`. */
  http?: HttpClient;
}

export class FrappeClient implements CheckinSink {
  /** Shared with FrappeUserControl; not meant for the engine. */
  readonly api: FrappeApi;
  readonly concurrency: number;
  private readonly writer: CheckinWriter;

  constructor(options: FrappeClientOptions) {
    this.api = new FrappeApi(options);
    const workers = Math.max(1, Math.floor(options.concurrency ?? 2));
    const mode = options.site.writeMode ?? 'polite';
    const fastHours = options.site.fastWriteHours ? parseHoursWindow(options.site.fastWriteHours) : undefined;
    // Polite: one request in flight for everything (reads, user control, writes), so a worker stays free for the
    // desk; fast: every worker the client is told the site has.
    this.concurrency = mode === 'fast' ? workers : 1;
    this.writer = new CheckinWriter(
      this.api,
      workers,
      options.writeRetry ?? DEFAULT_WRITE_RETRY,
      new WritePace(mode, workers, INSERT_MANY_MAX, fastHours),
    );
  }

  findEmployeesByDeviceIds(codes: string[], signal?: AbortSignal): Promise<EmployeeRecord[]> {
    return findEmployeesByDeviceIds(this.api, codes, this.concurrency, signal);
  }

  findCheckins(employees: string[], from: string, to: string, signal?: AbortSignal): Promise<ExistingCheckin[]> {
    return findCheckins(this.api, employees, from, to, this.concurrency, signal);
  }

  insertCheckins(docs: NewCheckin[], signal?: AbortSignal): Promise<InsertResult[]> {
    return this.writer.insert(docs, signal);
  }

  /** The site's System Settings time zone, always asked (the engine applies a configured SiteConfig.timeZone itself). */
  siteTimeZone(signal?: AbortSignal): Promise<string> {
    return readTimeZone(this.api, signal);
  }

  searchEmployees(text: string, limit: number, signal?: AbortSignal): Promise<EmployeeRecord[]> {
    return searchEmployees(this.api, text, limit, signal);
  }

  setEmployeeDeviceId(employee: string, deviceId: string, signal?: AbortSignal): Promise<void> {
    return setEmployeeDeviceId(this.api, employee, deviceId, signal);
  }

  /** Always asks the site (the configured zone is not used), so doctor can compare the two. */
  probe(signal?: AbortSignal): Promise<SinkProbe> {
    return probeSite(this.api, signal);
  }

  async checkinWriteAccess(signal?: AbortSignal): Promise<CheckinWriteAccess> {
    const user = await loggedUser(this.api, signal);
    const info = await readRoles(this.api, user, signal);
    return { user, canWriteTime: accessFromRoles(info).canWriteTime, ...(info ? { roles: info.roles } : {}) };
  }

  async recentCheckinsOfDevice(
    deviceId: string,
    since: string,
    signal?: AbortSignal,
  ): Promise<{ name: string; creation: string }[]> {
    const rows = await this.api.getList(
      'Employee Checkin',
      {
        fields: ['name', 'creation'],
        filters: [
          ['device_id', '=', deviceId],
          ['creation', '>=', since],
        ],
        order_by: 'creation asc',
        limit_page_length: 0,
      },
      signal,
    );
    return rows.flatMap((r) =>
      typeof r.name === 'string' && r.name ? [{ name: r.name, creation: String(r.creation ?? '') }] : [],
    );
  }

  getShiftTypes(names: string[], signal?: AbortSignal): Promise<ShiftTypeInfo[]> {
    return getShiftTypes(this.api, names, signal);
  }

  setShiftLastSync(name: string, time: string, signal?: AbortSignal): Promise<void> {
    return setShiftLastSync(this.api, name, time, signal);
  }

  geolocationRequired(signal?: AbortSignal): Promise<boolean | 'unknown'> {
    return geolocationRequired(this.api, signal);
  }

  deskUrl(doctype: 'Employee' | 'Employee Checkin', name: string): string {
    const route = doctype === 'Employee' ? 'employee' : 'employee-checkin';
    return `${this.api.baseUrl}/app/${route}/${encodeURIComponent(name)}`;
  }
}
