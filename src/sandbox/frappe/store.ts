import { datetimeKey, formatParsed, parseDatetime, requireDatetime, siteDatetime } from './datetime';
import {
  columnsOf,
  doctypesFor,
  strictLogTypeMode,
  type DocTypeMeta,
  type FrappeVersion,
  type Naming,
} from './doctypes';
import type { Narrowing } from './filters';
import { collate, Table, type Doc } from './table';

export type EmployeeStatus = 'Active' | 'Inactive' | 'Suspended' | 'Left';

export interface EmployeeSeed {
  name?: string;
  employee_name: string;
  attendance_device_id?: string;
  status?: EmployeeStatus;
  user_id?: string;
  company?: string;
  employee_number?: string;
  default_shift?: string;
}

export interface CheckinSeed {
  employee: string;
  time: string;
  log_type?: '' | 'IN' | 'OUT';
  device_id?: string;
  skip_auto_attendance?: 0 | 1;
  latitude?: number;
  longitude?: number;
}

export interface ShiftTypeSeed {
  name: string;
  strictLogType?: boolean;
  last_sync_of_checkin?: string;
  auto_update_last_sync?: boolean;
  start_time?: string;
  end_time?: string;
}

/** Explicit grants or denials that override what the user's roles would allow. */
export interface PermissionOverrides {
  readEmployee?: boolean;
  writeEmployee?: boolean;
  createCheckin?: boolean;
  readCheckin?: boolean;
  writeShiftType?: boolean;
  /** The User doctype is System Manager-only by default (toggling `enabled` needs it). */
  readUser?: boolean;
  writeUser?: boolean;
}

export interface ApiKey {
  key: string;
  secret: string;
  user: string;
}

/** The duplicate rule of `validate_duplicate_log`: employee + identical time + identical log_type. */
export function checkinDuplicateKey(doc: Doc): string {
  return `${collate(doc.employee)}|${String(doc.time)}|${collate(doc.log_type)}`;
}

/** Seed fields left undefined keep the column default. */
function defined(fields: object): Doc {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** In a patch, an explicit undefined clears the column (stored as NULL). */
function nullable(fields: object): Doc {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v ?? null]));
}

/**
 * The sandbox database. Request handlers run synchronously between `begin()` and `commit()`/`rollback()`,
 * so one undo journal is enough to give every request its own all-or-nothing transaction.
 */
export class FrappeStore {
  private readonly tables = new Map<string, Table>();
  private readonly series = new Map<string, number>();
  private journal: Array<() => void> | undefined;
  private readonly roles = new Map<string, string[]>();
  private readonly overrides = new Map<string, PermissionOverrides>();
  private readonly keys = new Map<string, ApiKey>();
  private readonly assignments = new Map<string, string>();
  private readonly userPermissions = new Map<string, Map<string, Set<string>>>();
  private readonly passwords = new Map<string, string>();
  private readonly sessions = new Map<string, string>();
  // Racy duplicate check (real-site mode): rows written by a request whose answer is not sent yet stay invisible to
  // the duplicate check of requests that began meanwhile, like two MariaDB transactions of two gunicorn workers (j2).
  racyDuplicates = false;
  private nextRequest = 1;
  private readonly inFlight = new Set<number>();
  private readonly writers = new Map<string, number>();
  private hidden = new Set<number>();
  private current = 0;

  constructor(
    readonly timeZone: string,
    private readonly clock: () => Date,
    readonly version: FrappeVersion = 15,
  ) {
    for (const meta of doctypesFor(version).values()) this.tables.set(meta.name, new Table(meta));
    this.table('Employee').addIndex('device', (d) =>
      d.attendance_device_id ? collate(d.attendance_device_id) : undefined,
    );
    this.table('Employee Checkin').addIndex('duplicate', checkinDuplicateKey);
    // The engine reads checkins back by time window and by name: answered without scanning a million rows.
    this.table('Employee Checkin').addOrderedIndex('time', (d) => datetimeKey(d.time));
    const settings = this.blank(this.table('HR Settings').meta, 'Administrator');
    this.table('HR Settings').put({ ...settings, name: 'HR Settings' });
  }

  // ---- engine side (used by the request pipeline) ----

  table(doctype: string): Table {
    const table = this.tables.get(doctype);
    if (!table) throw new Error(`sandbox: unknown doctype ${doctype}`);
    return table;
  }

  /** Site-local "now" as stored in creation/modified (microseconds kept, like `now()`). */
  nowText(): string {
    return formatParsed(siteDatetime(this.clock(), this.timeZone), true);
  }

  now(): Date {
    return this.clock();
  }

  /** A new row: every column null, then standard fields and the doctype's static defaults. */
  blank(meta: DocTypeMeta, user: string): Doc {
    const doc: Doc = {};
    for (const column of columnsOf(meta)) doc[column] = null;
    for (const field of meta.fields) if (field.default !== undefined) doc[field.fieldname] = field.default;
    const now = this.nowText();
    Object.assign(doc, { owner: user, creation: now, modified: now, modified_by: user, docstatus: 0, idx: 0 });
    return doc;
  }

  begin(request = 0): void {
    this.journal = [];
    this.current = request;
    this.hidden = new Set([...this.inFlight].filter((id) => id !== request));
  }

  /** A request arrived: returns its id for `begin` and `requestAnswered`. */
  requestStarted(): number {
    const id = this.nextRequest++;
    this.inFlight.add(id);
    return id;
  }

  /** Its answer is sent: what it committed is visible to every request that begins from now on. */
  requestAnswered(id: number): void {
    this.inFlight.delete(id);
    for (const [key, writer] of this.writers) if (writer === id) this.writers.delete(key);
  }

  /** Whether the current request's duplicate check cannot see `doc` yet (racy mode only). */
  invisible(doctype: string, doc: Doc): boolean {
    if (!this.racyDuplicates) return false;
    const writer = this.writers.get(`${doctype}/${String(doc.name)}`);
    return writer !== undefined && this.hidden.has(writer);
  }

  commit(): void {
    this.journal = undefined;
  }

  rollback(): void {
    const undo = this.journal ?? [];
    this.journal = undefined;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]();
  }

  write(doctype: string, doc: Doc): void {
    const table = this.table(doctype);
    const previous = table.put(doc);
    this.journal?.push(() => (previous ? table.put(previous) : table.remove(String(doc.name))));
    if (this.racyDuplicates && this.current) this.writers.set(`${doctype}/${String(doc.name)}`, this.current);
  }

  delete(doctype: string, name: string): void {
    const table = this.table(doctype);
    const previous = table.remove(name);
    if (previous) this.journal?.push(() => table.put(previous));
  }

  /** Naming series counter: part of the transaction, like the `tabSeries` row in Frappe. */
  nextName(prefix: string, digits: number): string {
    const current = this.series.get(prefix) ?? 0;
    this.series.set(prefix, current + 1);
    this.journal?.push(() => this.series.set(prefix, current));
    return `${prefix}${String(current + 1).padStart(digits, '0')}`;
  }

  /** The doctype's metadata in this site's version, or undefined for a doctype the sandbox does not know. */
  metaOf(doctype: string): DocTypeMeta | undefined {
    return this.tables.get(doctype)?.meta;
  }

  /**
   * User Permissions of `user` on `doctype` (names allowed), or undefined when none restrict it. Like Frappe,
   * one User Permission on Employee limits every document linking to an Employee to the allowed ones.
   */
  allowedNames(user: string, doctype: string): ReadonlySet<string> | undefined {
    return this.userPermissions.get(user)?.get(doctype);
  }

  rolesOf(user: string): string[] {
    return this.roles.get(user) ?? [];
  }

  overridesOf(user: string): PermissionOverrides {
    return this.overrides.get(user) ?? {};
  }

  apiKey(key: string): ApiKey | undefined {
    return this.keys.get(key);
  }

  /** The shift `fetch_shift` would find: the assignment, else the employee's default shift. */
  shiftOf(employee: Doc): Doc | undefined {
    const name = this.assignments.get(String(employee.name)) ?? employee.default_shift;
    return name ? this.table('Shift Type').get(String(name)) : undefined;
  }

  // ---- test side (the contract's store helpers) ----

  addEmployee(seed: EmployeeSeed): string {
    const meta = this.table('Employee').meta;
    if (seed.name !== undefined && this.table('Employee').get(seed.name)) {
      throw new Error(`sandbox: Employee ${seed.name} already exists`);
    }
    const name = seed.name ?? this.unusedSeriesName('Employee', 'HR-EMP-', 5);
    this.assertUniqueDevice(name, seed.attendance_device_id);
    const { name: _ignored, ...fields } = seed;
    const doc = { ...this.blank(meta, 'Administrator'), ...defined(fields), name, first_name: seed.employee_name };
    this.table('Employee').put(doc);
    return name;
  }

  setEmployee(name: string, patch: Partial<Omit<EmployeeSeed, 'name'>>): void {
    const current = this.existing('Employee', name);
    if ('attendance_device_id' in patch) this.assertUniqueDevice(String(current.name), patch.attendance_device_id);
    this.table('Employee').put({ ...current, ...nullable(patch), modified: this.nowText() });
  }

  employees(): Doc[] {
    return this.table('Employee')
      .all()
      .map((doc) => ({ ...doc }));
  }

  addUser(user: { name: string; enabled?: boolean; roles?: string[]; first_name?: string }): void {
    const table = this.table('User');
    const existing = table.get(user.name);
    const fresh = (): Doc => ({ ...this.blank(table.meta, 'Administrator'), name: user.name, email: user.name });
    const doc: Doc = existing ? { ...existing } : fresh();
    const first = user.first_name ?? user.name.split('@')[0];
    if (!existing || user.first_name) Object.assign(doc, { first_name: first, full_name: first });
    if (!existing) Object.assign(doc, { username: first.toLowerCase(), language: 'en', time_zone: this.timeZone });
    if (user.enabled !== undefined) doc.enabled = user.enabled ? 1 : 0;
    table.put(doc);
    if (user.roles || !existing) this.roles.set(String(doc.name), [...(user.roles ?? [])]);
  }

  /**
   * The rows a query over `doctype` sees. Has Role (User.roles, the only child doctype) is built from the roles
   * kept per user, its rows named `<user>-role-<idx>` like those `asDict` embeds in a User document.
   */
  rows(doctype: string, narrowed?: Narrowing): Doc[] {
    if (doctype !== 'Has Role') {
      const table = this.table(doctype);
      if (narrowed && 'names' in narrowed) return table.named(narrowed.names);
      if (narrowed && table.hasOrderedIndex(narrowed.field))
        return table.range(narrowed.field, narrowed.from, narrowed.to);
      return table.all();
    }
    return this.table('User')
      .all()
      .flatMap((user) =>
        this.rolesOf(String(user.name)).map((role, i) => ({
          name: `${String(user.name)}-role-${i + 1}`,
          owner: user.owner,
          creation: user.creation,
          modified: user.modified,
          modified_by: user.modified_by,
          docstatus: 0,
          idx: i + 1,
          parent: user.name,
          parentfield: 'roles',
          parenttype: 'User',
          role,
        })),
      );
  }

  users(): Array<Doc & { roles: string[] }> {
    return this.table('User')
      .all()
      .map((doc) => ({ ...doc, roles: this.rolesOf(String(doc.name)) }));
  }

  addApiKey(apiKey: ApiKey): void {
    if (!this.table('User').get(apiKey.user)) this.addUser({ name: apiKey.user, roles: ['HR Manager'] });
    this.keys.set(apiKey.key, { ...apiKey });
    const user = this.existing('User', apiKey.user);
    this.table('User').put({ ...user, api_key: apiKey.key });
  }

  addCheckin(seed: CheckinSeed): string {
    const table = this.table('Employee Checkin');
    const doc: Doc = { ...this.blank(table.meta, 'Administrator'), log_type: '', ...defined(seed) };
    const time = parseDatetime(seed.time);
    if (!time) throw new Error(`sandbox: bad checkin time ${seed.time}`);
    doc.time = time.seconds;
    doc.employee_name = this.table('Employee').get(seed.employee)?.employee_name ?? null;
    const naming = table.meta.naming as Extract<Naming, { kind: 'series' }>;
    doc.name = this.unusedSeriesName('Employee Checkin', naming.prefix(String(doc.creation)), naming.digits);
    table.put(doc);
    return String(doc.name);
  }

  checkins(): Doc[] {
    return this.table('Employee Checkin')
      .all()
      .map((doc) => ({ ...doc }));
  }

  addShiftType(seed: ShiftTypeSeed): void {
    const table = this.table('Shift Type');
    const doc: Doc = { ...this.blank(table.meta, 'Administrator'), name: seed.name };
    Object.assign(doc, { start_time: seed.start_time ?? '09:00:00', end_time: seed.end_time ?? '18:00:00' });
    if (seed.strictLogType) doc.determine_check_in_and_check_out = strictLogTypeMode;
    if (seed.last_sync_of_checkin)
      doc.last_sync_of_checkin = formatParsed(requireDatetime(seed.last_sync_of_checkin), true);
    if (seed.auto_update_last_sync !== undefined) doc.auto_update_last_sync = seed.auto_update_last_sync ? 1 : 0;
    table.put(doc);
  }

  shiftTypes(): Doc[] {
    return this.table('Shift Type')
      .all()
      .map((doc) => ({ ...doc }));
  }

  assignShift(employee: string, shiftType: string): void {
    this.existing('Employee', employee);
    this.existing('Shift Type', shiftType);
    this.assignments.set(employee, shiftType);
  }

  setHrSettings(settings: { allow_geolocation_tracking?: boolean | 0 | 1 }): void {
    const current = this.existing('HR Settings', 'HR Settings');
    const allow = settings.allow_geolocation_tracking;
    if (allow !== undefined) this.table('HR Settings').put({ ...current, allow_geolocation_tracking: allow ? 1 : 0 });
  }

  /** Sets the password `POST /api/method/login` checks. */
  setPassword(user: string, password: string): void {
    this.existing('User', user);
    this.passwords.set(collate(user), password);
  }

  checkPassword(user: string, password: string): boolean {
    return this.passwords.get(collate(user)) === password;
  }

  openSession(user: string, sid: string): string {
    this.sessions.set(sid, user);
    return sid;
  }

  /** The user of an open session, while that user stays enabled. */
  sessionUser(sid: string): string | undefined {
    const user = this.sessions.get(sid);
    const doc = user ? this.table('User').get(user) : undefined;
    return doc && Number(doc.enabled) ? String(doc.name) : undefined;
  }

  /** A User Permission (`allow` = doctype, `forValue` = document name), like HRMS creates for an employee's user. */
  addUserPermission(user: string, allow: string, forValue: string): void {
    let byDoctype = this.userPermissions.get(user);
    if (!byDoctype) this.userPermissions.set(user, (byDoctype = new Map()));
    let names = byDoctype.get(allow);
    if (!names) byDoctype.set(allow, (names = new Set()));
    names.add(forValue);
  }

  setPermissions(user: string, overrides: PermissionOverrides): void {
    this.overrides.set(user, { ...this.overridesOf(user), ...overrides });
  }

  // Seeded names may sit on the series; a helper skips them instead of failing like a real insert would.
  private unusedSeriesName(doctype: string, prefix: string, digits: number): string {
    let name = this.nextName(prefix, digits);
    while (this.table(doctype).get(name)) name = this.nextName(prefix, digits);
    return name;
  }

  private existing(doctype: string, name: string): Doc {
    const doc = this.table(doctype).get(name);
    if (!doc) throw new Error(`sandbox: ${doctype} ${name} does not exist`);
    return doc;
  }

  private assertUniqueDevice(name: string, deviceId: string | undefined): void {
    if (!deviceId) return;
    const clash = this.table('Employee')
      .lookup('device', collate(deviceId))
      .find((doc) => doc.name !== name);
    if (clash) throw new Error(`sandbox: attendance_device_id ${deviceId} already used by ${String(clash.name)}`);
  }
}
