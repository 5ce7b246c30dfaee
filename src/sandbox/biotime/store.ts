import type { BioTimeAuth } from './auth';
import { formatLocal } from './clock';
import type { NewEmployee, NewTerminal } from './personnelStore';
import { PersonnelStore } from './personnelStore';
import type { JsonRecord } from './records';
import {
  punchStateDisplay,
  renderArea,
  renderDepartment,
  renderEmployee,
  renderResign,
  renderTerminal,
  verifyTypeDisplay,
} from './records';
import { TransactionTable } from './transactionTable';

export interface NewPunch {
  emp_code: string;
  /** "YYYY-MM-DD HH:MM:SS" server-local, or a Date rendered in the sandbox zone. */
  punch_time: string | Date;
  punch_state?: string | number;
  /** Device serial; omitted or "" is an app/manual punch (§4). */
  terminal_sn?: string;
  /** Defaults to the sandbox clock's now (never earlier than punch_time). */
  upload_time?: string | Date;
  verify_type?: number;
  latitude?: number | null;
  longitude?: number | null;
  /** Any other field is copied onto the record, overriding the derived value. */
  [field: string]: unknown;
}

/** The sandbox's own clock: an instant source plus the zone its naive timestamps are rendered in. */
export interface SandboxClock {
  now: () => Date;
  timeZone: string | undefined;
}

const naiveDateTime = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * Direct access to the BioTime sandbox's data, for tests and scenarios: seed it, make things happen
 * (late uploads, deletions, a DB restore, token expiry) and inspect what the API would return.
 */
export class BioTimeStore {
  readonly table = new TransactionTable();
  readonly personnel: PersonnelStore;

  constructor(
    readonly clock: SandboxClock,
    private readonly auth: BioTimeAuth,
  ) {
    this.personnel = new PersonnelStore(
      () => this.nowText().slice(0, 10),
      () => this.nowText(),
    );
  }

  /** The server's current wall-clock time, "YYYY-MM-DD HH:MM:SS". */
  nowText(): string {
    return formatLocal(this.clock.now(), this.clock.timeZone);
  }

  addArea(area: { area_code: string; area_name: string; parent_area?: number | null }): number {
    return this.personnel.addArea(area);
  }

  addDepartment(dept: { dept_code: string; dept_name: string; parent_dept?: number | null }): number {
    return this.personnel.addDepartment(dept);
  }

  addEmployee(employee: NewEmployee): number {
    return this.personnel.addEmployee(employee);
  }

  addTerminal(terminal: NewTerminal): number {
    return this.personnel.addTerminal(terminal);
  }

  /** Pass undefined to make the terminal "online" again (last_activity follows the clock). */
  setTerminalActivity(sn: string, lastActivity: string | undefined): void {
    this.personnel.setTerminalActivity(sn, lastActivity);
  }

  /** Stores a punch as BioTime would on arrival: next id, denormalised names, area and terminal alias. */
  addPunch(punch: NewPunch): number {
    const { emp_code, punch_time, punch_state, terminal_sn, upload_time, verify_type, latitude, longitude, ...extra } =
      punch;
    const punchTime = this.timestamp(punch_time, 'punch_time');
    const now = this.nowText();
    const uploadTime =
      upload_time === undefined ? (now > punchTime ? now : punchTime) : this.timestamp(upload_time, 'upload_time');
    if (uploadTime < punchTime) {
      throw new RangeError(
        `upload_time ${uploadTime} is before punch_time ${punchTime}; use addRawTransaction for odd records`,
      );
    }
    const emp = this.personnel.employeeByCode(emp_code);
    const dept = emp ? this.personnel.department(emp.department) : undefined;
    const sn = terminal_sn ?? '';
    const terminal = sn ? this.personnel.terminalBySn(sn) : undefined;
    const area = terminal ? this.personnel.area(terminal.areaId) : undefined;
    const state = String(punch_state ?? '0');
    const verify = verify_type ?? 1;
    return this.table.add((id) => ({
      id,
      emp: null,
      emp_code,
      first_name: emp ? emp.first_name : null,
      last_name: emp ? emp.last_name : null,
      department: dept ? dept.dept_name : null,
      position: emp ? emp.position : null,
      punch_time: punchTime,
      punch_state: state,
      punch_state_display: punchStateDisplay(state),
      verify_type: verify,
      verify_type_display: verifyTypeDisplay(verify),
      work_code: '',
      gps_location: '',
      area_alias: area ? area.area_name : null,
      terminal_sn: sn,
      terminal_alias: terminal ? terminal.alias : null,
      temperature: 0.0,
      is_mask: '-',
      upload_time: uploadTime,
      longitude: longitude ?? null,
      latitude: latitude ?? null,
      terminal: null,
      ...extra,
    }));
  }

  /**
   * Stores a record exactly as given (odd types, missing fields). A numeric `id` is kept; without an `id`
   * key one is assigned; `id: undefined` keeps the record id-less on the wire.
   */
  addRawTransaction(record: JsonRecord): number {
    return this.table.addRaw(record);
  }

  deletePunch(id: number): boolean {
    return this.table.delete(id);
  }

  /** Simulates a DB restore: transactions with id >= nextId are gone and the next punch gets nextId. */
  resetIds(nextId: number): void {
    this.table.resetIds(nextId);
  }

  transactions(): JsonRecord[] {
    return this.table.all();
  }

  employees(): JsonRecord[] {
    return this.personnel.employees.map((emp) => this.renderEmployee(emp.id) as JsonRecord);
  }

  renderEmployee(id: number): JsonRecord | undefined {
    const emp = this.personnel.employee(id);
    return emp && renderEmployee(emp, this.personnel.department(emp.department), this.personnel.areasOf(emp));
  }

  resigns(): JsonRecord[] {
    return this.personnel.resigns.map((row) => renderResign(row, this.personnel.employee(row.employee)));
  }

  areas(): JsonRecord[] {
    return this.personnel.areas.map(renderArea);
  }

  departments(): JsonRecord[] {
    return this.personnel.departments.map(renderDepartment);
  }

  terminals(): JsonRecord[] {
    const counts = this.table.countByTerminal();
    const now = this.nowText();
    return this.personnel.terminals.map((terminal) => {
      const users = this.personnel.employees.filter((emp) => emp.areas.includes(terminal.areaId)).length;
      const lastActivity = terminal.lastActivity ?? now;
      return renderTerminal(terminal, this.personnel.area(terminal.areaId), {
        users,
        transactions: counts.get(terminal.sn) ?? 0,
        lastActivity,
      });
    });
  }

  setPassword(username: string, password: string): void {
    this.auth.setPassword(username, password);
  }

  revokeTokens(): void {
    this.auth.revokeTokens();
  }

  /** The next `nRequests` authenticated requests succeed; after them every issued token is expired. */
  expireTokensAfter(nRequests: number): void {
    this.auth.expireTokensAfter(nRequests);
  }

  private timestamp(value: string | Date, field: string): string {
    if (value instanceof Date) return formatLocal(value, this.clock.timeZone);
    if (!naiveDateTime.test(value)) throw new RangeError(`${field} must be "YYYY-MM-DD HH:MM:SS", got "${value}"`);
    return value;
  }
}
