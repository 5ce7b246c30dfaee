import type { AreaRow, DepartmentRow, EmployeeRow, JsonRecord, ResignRow, TerminalRow } from './records';

export interface NewEmployee {
  emp_code: string;
  first_name?: string;
  last_name?: string;
  areas?: number[];
  /** Department id, or a department name (created when unknown). Defaults to BioTime's "Department". */
  department?: number | string;
  position?: string;
  hire_date?: string;
}

export interface NewTerminal {
  sn: string;
  alias: string;
  areaId: number;
  /** Fixed "YYYY-MM-DD HH:MM:SS"; omit for a terminal that is online (last_activity = server now). */
  lastActivity?: string;
  ip_address?: string;
  state?: number;
}

/**
 * Areas, departments, employees, terminals and resignations: the small tables, kept in id order in
 * plain arrays (they stay in the hundreds, unlike transactions).
 */
export class PersonnelStore {
  readonly areas: AreaRow[] = [];
  readonly departments: DepartmentRow[] = [];
  readonly employees: EmployeeRow[] = [];
  readonly terminals: TerminalRow[] = [];
  readonly resigns: ResignRow[] = [];
  private nextResignId = 1;

  constructor(
    private readonly today: () => string,
    private readonly nowText: () => string,
  ) {}

  addArea(area: { area_code: string; area_name: string; parent_area?: number | null }): number {
    const id = nextId(this.areas);
    this.areas.push({
      id,
      area_code: area.area_code,
      area_name: area.area_name,
      parent_area: area.parent_area ?? null,
    });
    return id;
  }

  addDepartment(dept: { dept_code: string; dept_name: string; parent_dept?: number | null }): number {
    const id = nextId(this.departments);
    this.departments.push({
      id,
      dept_code: dept.dept_code,
      dept_name: dept.dept_name,
      parent_dept: dept.parent_dept ?? null,
    });
    return id;
  }

  addEmployee(input: NewEmployee): number {
    if (this.employeeByCode(input.emp_code)) throw new Error(`employee ${input.emp_code} already exists`);
    for (const areaId of input.areas ?? []) this.requireArea(areaId);
    const id = nextId(this.employees);
    this.employees.push({
      id,
      emp_code: input.emp_code,
      first_name: input.first_name ?? '',
      last_name: input.last_name ?? '',
      department: this.resolveDepartment(input.department),
      areas: [...(input.areas ?? [])],
      position: input.position ?? null,
      hire_date: input.hire_date ?? this.today(),
      update_time: this.nowText(),
      enable_att: true,
      extra: {},
    });
    return id;
  }

  addTerminal(input: NewTerminal): number {
    if (this.terminalBySn(input.sn)) throw new Error(`terminal ${input.sn} already exists`);
    this.requireArea(input.areaId);
    const id = nextId(this.terminals);
    const ipAddress = input.ip_address ?? `10.0.0.${id % 250}`;
    this.terminals.push({
      id,
      sn: input.sn,
      alias: input.alias,
      areaId: input.areaId,
      lastActivity: input.lastActivity,
      ipAddress,
      state: input.state ?? 1,
    });
    return id;
  }

  setTerminalActivity(sn: string, lastActivity: string | undefined): void {
    const terminal = this.terminalBySn(sn);
    if (!terminal) throw new Error(`no terminal ${sn}`);
    terminal.lastActivity = lastActivity;
  }

  addResign(resign: Omit<ResignRow, 'id'>): ResignRow {
    const row = { id: this.nextResignId++, ...resign };
    this.resigns.push(row);
    const emp = this.employee(resign.employee);
    if (emp && resign.disableatt) emp.enable_att = false;
    return row;
  }

  /** Reinstatement deletes the resignation and re-enables attendance for the employee. */
  reinstate(resignId: number): void {
    const index = this.resigns.findIndex((row) => row.id === resignId);
    if (index < 0) return;
    const [row] = this.resigns.splice(index, 1);
    const emp = this.employee(row.employee);
    if (emp) {
      emp.enable_att = true;
      emp.update_time = this.nowText();
    }
  }

  area(id: number): AreaRow | undefined {
    return this.areas.find((row) => row.id === id);
  }

  department(id: number): DepartmentRow | undefined {
    return this.departments.find((row) => row.id === id);
  }

  employee(id: number): EmployeeRow | undefined {
    return this.employees.find((row) => row.id === id);
  }

  employeeByCode(empCode: string): EmployeeRow | undefined {
    return this.employees.find((row) => row.emp_code === empCode);
  }

  terminalBySn(sn: string): TerminalRow | undefined {
    return this.terminals.find((row) => row.sn === sn);
  }

  areasOf(emp: EmployeeRow): AreaRow[] {
    return emp.areas.map((id) => this.area(id)).filter((area): area is AreaRow => area !== undefined);
  }

  /** Applies validated writable fields from PUT/PATCH/POST; emp_code is immutable (as on 9.5, §5.1). */
  updateEmployee(
    emp: EmployeeRow,
    patch: { first_name?: string; last_name?: string; department?: number; areas?: number[]; extra?: JsonRecord },
  ): void {
    if (patch.first_name !== undefined) emp.first_name = patch.first_name;
    if (patch.last_name !== undefined) emp.last_name = patch.last_name;
    if (patch.department !== undefined) emp.department = patch.department;
    if (patch.areas !== undefined) emp.areas = [...patch.areas];
    if (patch.extra) Object.assign(emp.extra, patch.extra);
    emp.update_time = this.nowText();
  }

  private resolveDepartment(department: number | string | undefined): number {
    if (typeof department === 'number') {
      if (!this.department(department)) throw new Error(`no department ${department}`);
      return department;
    }
    const name = department ?? 'Department';
    const found = this.departments.find((row) => row.dept_name === name);
    return found ? found.id : this.addDepartment({ dept_code: String(nextId(this.departments)), dept_name: name });
  }

  private requireArea(id: number): void {
    if (!this.area(id)) throw new Error(`no area ${id}`);
  }
}

function nextId(rows: Array<{ id: number }>): number {
  return rows.length === 0 ? 1 : rows[rows.length - 1].id + 1;
}
