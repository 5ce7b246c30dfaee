/** Field shapes of BioTime records (biotime-api.md §3.3, §5.2, §6) and the label tables behind them. */

export type JsonRecord = Record<string, unknown>;

export interface AreaRow {
  id: number;
  area_code: string;
  area_name: string;
  parent_area: number | null;
}

export interface DepartmentRow {
  id: number;
  dept_code: string;
  dept_name: string;
  parent_dept: number | null;
}

export interface EmployeeRow {
  id: number;
  emp_code: string;
  first_name: string;
  last_name: string;
  department: number;
  areas: number[];
  position: string | null;
  hire_date: string;
  update_time: string;
  enable_att: boolean;
  /** Other writable fields (mobile, email, gender, app_status, …) as last sent by PUT/POST. */
  extra: JsonRecord;
}

export interface TerminalRow {
  id: number;
  sn: string;
  alias: string;
  areaId: number;
  /** Fixed last contact; undefined means "online": reported as the server's current time. */
  lastActivity: string | undefined;
  ipAddress: string;
  state: number;
}

export interface ResignRow {
  id: number;
  employee: number;
  resign_date: string;
  resign_type: number;
  reason: string;
  disableatt: boolean;
}

// §3.4: state keys travel as strings; codes outside the table are opaque text ("255", letter codes).
const punchStates: Record<string, string> = {
  '0': 'Check In',
  '1': 'Check Out',
  '2': 'Break Out',
  '3': 'Break In',
  '4': 'Overtime In',
  '5': 'Overtime Out',
  '255': 'Unknown',
};

// §3.4: 0 is "Password" in 8.x docs and "Any" on 9.5; the sandbox follows 9.5.
const verifyTypes: Record<number, string> = { 0: 'Any', 1: 'Fingerprint', 4: 'Card', 15: 'Face', 25: 'Palm' };

/** Django's get_FOO_display falls back to the raw value for codes outside the choices. */
export function punchStateDisplay(code: string): string {
  return punchStates[code] ?? code;
}

export function verifyTypeDisplay(code: number): string {
  return verifyTypes[code] ?? String(code);
}

export function areaSummary(area: AreaRow): JsonRecord {
  return { id: area.id, area_code: area.area_code, area_name: area.area_name };
}

export function renderArea(area: AreaRow): JsonRecord {
  return { ...areaSummary(area), parent_area: area.parent_area };
}

export function renderDepartment(dept: DepartmentRow): JsonRecord {
  return { id: dept.id, dept_code: dept.dept_code, dept_name: dept.dept_name, parent_dept: dept.parent_dept };
}

/** The 8.x flat employee shape (§5.2); secrets such as device_password are null in the sandbox. */
export function renderEmployee(emp: EmployeeRow, dept: DepartmentRow | undefined, areas: AreaRow[]): JsonRecord {
  return {
    id: emp.id,
    emp_code: emp.emp_code,
    first_name: emp.first_name,
    last_name: emp.last_name,
    nickname: null,
    device_password: null,
    card_no: null,
    department: dept ? { id: dept.id, dept_code: dept.dept_code, dept_name: dept.dept_name } : null,
    position: emp.position === null ? null : { id: 1, position_code: '1', position_name: emp.position },
    hire_date: emp.hire_date,
    gender: null,
    birthday: null,
    verify_mode: 0,
    emp_type: null,
    contact_tel: null,
    office_tel: null,
    mobile: null,
    national: null,
    city: null,
    address: null,
    postcode: null,
    email: null,
    enroll_sn: '',
    ssn: null,
    religion: null,
    enable_att: emp.enable_att,
    enable_overtime: false,
    enable_holiday: true,
    dev_privilege: 0,
    area: areas.map(areaSummary),
    app_status: 0,
    app_role: 1,
    update_time: emp.update_time,
    fingerprint: '-',
    face: '-',
    palm: '-',
    vl_face: '-',
    ...emp.extra,
  };
}

export function renderTerminal(
  terminal: TerminalRow,
  area: AreaRow | undefined,
  counts: { users: number; transactions: number; lastActivity: string },
): JsonRecord {
  return {
    id: terminal.id,
    sn: terminal.sn,
    ip_address: terminal.ipAddress,
    alias: terminal.alias,
    terminal_name: null,
    fw_ver: null,
    push_ver: null,
    state: terminal.state,
    terminal_tz: 8,
    area: area ? areaSummary(area) : null,
    last_activity: counts.lastActivity,
    user_count: counts.users,
    fp_count: 0,
    face_count: 0,
    palm_count: 0,
    transaction_count: counts.transactions,
    push_time: null,
    transfer_time: '00:00;14:05',
    transfer_interval: 1,
    is_attendance: 1,
    area_name: area ? area.area_name : null,
  };
}

export function renderResign(resign: ResignRow, emp: EmployeeRow | undefined): JsonRecord {
  return {
    id: resign.id,
    employee: resign.employee,
    emp_code: emp?.emp_code ?? null,
    first_name: emp?.first_name ?? null,
    last_name: emp?.last_name ?? null,
    resign_date: resign.resign_date,
    resign_type: resign.resign_type,
    reason: resign.reason,
    disableatt: resign.disableatt,
  };
}
