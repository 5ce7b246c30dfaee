// In-memory fakes of the engine's ports for unit tests of the core. They model the behaviour the engine relies on
// (ascending-id reads after a cursor; Frappe's duplicate rule and refusals), nothing more.
import type { DeviceConfig, SiteConfig } from '../../src/core/configTypes';
import { SyncEngine } from '../../src/core/engine';
import { Redactor, nullLogger } from '../../src/core/redact';
import { config } from './configBuilders';
import { FakeClock } from './fakeClock';
import { FakeCredentials } from './fakeCredentials';
import type {
  AttendanceSource,
  CheckinSink,
  Clock,
  HistoryRecorder,
  Logger,
  RunLock,
  SyncStateStore,
  UserControl,
  UserControlMemory,
} from '../../src/core/ports';
import type {
  ShiftTypeInfo,
  EmployeeRecord,
  ExistingCheckin,
  InsertResult,
  NewCheckin,
  Punch,
  TransactionPage,
  TransactionQuery,
  CheckinWriteAccess,
  SinkProbe,
  SourceProbe,
  TerminalInfo,
  UserControlChange,
  UserControlResult,
} from '../../src/core/types';

export function punch(
  id: number,
  empCode: string,
  punchTime: string,
  punchState = '0',
  extra: Partial<Punch> = {},
): Punch {
  return {
    key: String(id),
    id,
    empCode,
    name: `Person ${empCode}`,
    punchTime,
    uploadTime: punchTime,
    punchState,
    punchStateDisplay: '',
    terminalSn: 'T1',
    terminalAlias: 'Main gate',
    areaAlias: 'HQ',
    latitude: null,
    longitude: null,
    raw: { id, emp_code: empCode, punch_time: punchTime, punch_state: punchState },
    ...extra,
  };
}

export class FakeSource implements AttendanceSource {
  punches: Punch[] = [];
  reads: TransactionQuery[] = [];
  /** Throws on the page with this index (0-based) of the next read, once. */
  failOnPage?: { index: number; error: Error };

  async *readTransactions(q: TransactionQuery): AsyncIterable<TransactionPage> {
    this.reads.push(q);
    const rows = this.punches
      .filter((p) => p.id === null || p.id > q.afterId)
      .sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    for (let i = 0, page = 1; i < rows.length; i += q.pageSize, page++) {
      if (this.failOnPage?.index === page - 1) {
        const e = this.failOnPage.error;
        this.failOnPage = undefined;
        throw e;
      }
      yield {
        punches: rows.slice(i, i + q.pageSize),
        page,
        hint: { pageSize: q.pageSize, page },
        totalCount: rows.length,
        isLast: i + q.pageSize >= rows.length,
      };
    }
  }
  async getTransaction(id: number): Promise<Punch | null> {
    return this.punches.find((p) => p.id === id) ?? null;
  }
  async listTerminals(): Promise<TerminalInfo[]> {
    return [];
  }
  async probe(): Promise<SourceProbe> {
    return { scheme: 'jwt', newestTransactionId: Math.max(0, ...this.punches.map((p) => p.id ?? 0)) };
  }
}

export class FakeSink implements CheckinSink {
  employees: EmployeeRecord[] = [];
  checkins: (ExistingCheckin & { seq: number })[] = [];
  requests: Record<string, number> = {};
  /** Refuse inserts for these employees with this message. */
  refuse = new Map<string, string>();
  /** Create the documents, then throw (a write whose answer was lost). */
  loseAnswerOnce = false;
  /** Awaited before each insert request writes anything (to hold a batch "in flight"). */
  beforeInsert?: () => Promise<void>;
  /** Called on each duplicate query, before it answers. */
  onFindCheckins?: () => void;
  /** What checkinWriteAccess answers (the API user's roles, read before a run writes). */
  access: CheckinWriteAccess = { user: 'sync@example.com', canWriteTime: true, roles: ['HR Manager'] };
  /**
   * The permlevel trap: when set, inserts succeed but store this time instead of the one sent, and the results
   * say so ('wrongTime'), as the Frappe client reports it.
   */
  trapNow?: string;
  private seq = 0;

  private hit(k: string) {
    this.requests[k] = (this.requests[k] ?? 0) + 1;
  }
  employee(name: string, deviceId: string | null, extra: Partial<EmployeeRecord> = {}): EmployeeRecord {
    const e = { name, employeeName: `Employee ${name}`, deviceId, status: 'Active', userId: null, ...extra };
    this.employees.push(e);
    return e;
  }
  async findEmployeesByDeviceIds(codes: string[]): Promise<EmployeeRecord[]> {
    this.hit('findEmployees');
    const lower = new Set(codes.map((c) => c.toLowerCase()));
    return this.employees.filter((e) => e.deviceId !== null && lower.has(e.deviceId.toLowerCase()));
  }
  async findCheckins(employees: string[], from: string, to: string): Promise<ExistingCheckin[]> {
    this.hit('findCheckins');
    this.onFindCheckins?.();
    return this.checkins.filter((c) => employees.includes(c.employee) && c.time >= from && c.time <= to);
  }
  async insertCheckins(docs: NewCheckin[]): Promise<InsertResult[]> {
    this.hit('insert');
    await this.beforeInsert?.();
    const out: InsertResult[] = [];
    for (const d of docs) {
      const refusal = this.refuse.get(d.employee);
      if (refusal) {
        out.push({ key: d.key, status: 'failed', failure: 'refused', message: refusal });
        continue;
      }
      const dup = this.checkins.find(
        (c) => c.employee === d.employee && c.time === d.time && c.logType === (d.logType ?? ''),
      );
      if (dup) {
        out.push({
          key: d.key,
          status: 'duplicate',
          duplicateOf: dup.name,
          message: 'This employee already has a log with the same timestamp.',
        });
        continue;
      }
      const name = `EMP-CKIN-11-2026-${String(++this.seq).padStart(6, '0')}`;
      this.checkins.push({
        name,
        employee: d.employee,
        time: this.trapNow ?? d.time,
        logType: d.logType ?? '',
        deviceId: d.deviceId,
        seq: this.seq,
      });
      out.push(
        this.trapNow && this.trapNow !== d.time
          ? { key: d.key, status: 'wrongTime', name, storedTime: this.trapNow, message: `stored ${this.trapNow}` }
          : { key: d.key, status: 'created', name },
      );
    }
    if (this.loseAnswerOnce) {
      this.loseAnswerOnce = false;
      throw new Error('connection reset after the checkins were written');
    }
    return out;
  }
  async siteTimeZone(): Promise<string> {
    return 'Asia/Dubai';
  }
  async searchEmployees(text: string): Promise<EmployeeRecord[]> {
    return this.employees.filter((e) => e.employeeName.includes(text));
  }
  async setEmployeeDeviceId(employee: string, deviceId: string): Promise<void> {
    this.employees.find((e) => e.name === employee)!.deviceId = deviceId;
  }
  async probe(): Promise<SinkProbe> {
    return {
      user: 'sync@example.com',
      timeZone: 'Asia/Dubai',
      canWriteTime: true,
      canCreateCheckin: true,
      canWriteUser: true,
      canReadEmployee: true,
      duplicateDeviceIds: [],
      details: [],
    };
  }
  async checkinWriteAccess(): Promise<CheckinWriteAccess> {
    this.hit('access');
    return this.access;
  }
  async recentCheckinsOfDevice(deviceId: string): Promise<{ name: string; creation: string }[]> {
    this.hit('recentOfDevice');
    return this.checkins.filter((c) => c.deviceId === deviceId).map((c) => ({ name: c.name, creation: '' }));
  }
  shifts = new Map<string, ShiftTypeInfo>();
  geolocation: boolean | 'unknown' = false;
  async getShiftTypes(names: string[]): Promise<ShiftTypeInfo[]> {
    return names.map(
      (n) => this.shifts.get(n) ?? { name: n, exists: false, lastSyncOfCheckin: null, autoUpdate: false },
    );
  }
  async setShiftLastSync(name: string, time: string): Promise<void> {
    this.shifts.set(name, {
      ...(this.shifts.get(name) ?? { name, exists: true, autoUpdate: false }),
      lastSyncOfCheckin: time,
    });
  }
  async geolocationRequired(): Promise<boolean | 'unknown'> {
    return this.geolocation;
  }
  deskUrl(doctype: string, name: string): string {
    return `http://frappe.invalid/app/${doctype}/${name}`;
  }
}

export class FakeUserControl implements UserControl {
  readonly mode = 'frappe-user' as const;
  calls: UserControlChange[][] = [];
  enabled = new Map<string, boolean>();
  failFor = new Set<string>();
  async apply(changes: UserControlChange[], _memory: UserControlMemory): Promise<UserControlResult[]> {
    this.calls.push(changes);
    return changes.map((c) => {
      if (this.failFor.has(c.empCode)) return { empCode: c.empCode, result: 'failed', detail: 'refused' };
      const was = this.enabled.get(c.empCode);
      this.enabled.set(c.empCode, c.enable);
      return {
        empCode: c.empCode,
        result: was === c.enable ? 'unchanged' : 'applied',
        detail: c.enable ? 'enabled' : 'disabled',
      };
    });
  }
  async check() {
    return { ok: true, detail: 'fake' };
  }
}

/** A SyncEngine over these fakes (one source and sink for every device), with a fixed clock unless given one. */
export function fakeEngine(o: {
  devices: DeviceConfig[];
  sites?: SiteConfig[];
  store: SyncStateStore;
  source: AttendanceSource;
  sink: CheckinSink;
  userControl?: UserControl;
  lock?: RunLock;
  logger?: Logger;
  clock?: Clock;
  history?: HistoryRecorder;
}): SyncEngine {
  return new SyncEngine({
    config: config(o.devices, o.sites),
    store: o.store,
    credentials: new FakeCredentials({ biotimePassword: 'pw', frappeApiKey: 'k', frappeApiSecret: 's' }),
    connectors: { source: () => o.source, sink: () => o.sink, userControl: () => o.userControl },
    clock: o.clock ?? new FakeClock('2026-11-24T08:00:00Z'),
    logger: o.logger ?? nullLogger,
    redactor: new Redactor(),
    lock: o.lock,
    history: o.history,
  });
}
