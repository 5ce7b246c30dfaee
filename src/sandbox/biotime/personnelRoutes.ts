import type { SandboxRequest, SandboxResponse } from '../common/httpServer';
import { listPage } from './pagination';
import type { JsonRecord } from './records';
import type { BioTimeStore } from './store';
import type { ListSettings } from './transactionRoutes';
import { notFound } from './transactionRoutes';
import { validateAreaAdjust, validateEmployee, validateReinstatement, validateResign } from './personnelValidation';

type Errors = Record<string, string[]>;

const done: SandboxResponse = { status: 200, body: { msg: '', code: 0 } };

function readObject(req: SandboxRequest): { body: JsonRecord } | { error: SandboxResponse } {
  try {
    const data = req.json();
    if (data && typeof data === 'object' && !Array.isArray(data)) return { body: data as JsonRecord };
    return {
      error: { status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] } },
    };
  } catch (err) {
    return {
      error: {
        status: 400,
        body: { detail: `JSON parse error - ${err instanceof Error ? err.message : String(err)}` },
      },
    };
  }
}

function isErrors(value: object): value is { errors: Errors } {
  return 'errors' in value;
}

function param(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

function employeeMatches(record: JsonRecord, query: URLSearchParams): boolean {
  for (const field of ['emp_code', 'first_name', 'last_name']) {
    const exact = param(query, field);
    const partial = param(query, `${field}_icontains`)?.toLowerCase();
    const actual = String(record[field] ?? '');
    if (exact !== undefined && actual !== exact) return false;
    if (partial !== undefined && !actual.toLowerCase().includes(partial)) return false;
  }
  const dept = param(query, 'department');
  if (dept !== undefined && String((record.department as { id?: number } | null)?.id) !== dept) return false;
  const area = param(query, 'areas');
  const areas = record.area as Array<{ id: number }>;
  return area === undefined || areas.some((entry) => String(entry.id) === area);
}

export function listEmployees(req: SandboxRequest, store: BioTimeStore, settings: ListSettings): SandboxResponse {
  if (req.method === 'POST') return createEmployee(req, store);
  const rows = store.employees().filter((record) => employeeMatches(record, req.query));
  return listPage(req, settings.links, settings.defaultPageSize, rows);
}

function createEmployee(req: SandboxRequest, store: BioTimeStore): SandboxResponse {
  const parsed = readObject(req);
  if ('error' in parsed) return parsed.error;
  const { body } = parsed;
  const checked = validateEmployee(body, store, 'create');
  if (isErrors(checked)) return { status: 400, body: checked.errors };
  const id = store.personnel.addEmployee({
    emp_code: String(body.emp_code),
    department: checked.patch.department,
    areas: checked.patch.areas,
  });
  const emp = store.personnel.employee(id);
  if (emp) store.personnel.updateEmployee(emp, checked.patch);
  return { status: 201, body: store.renderEmployee(id) };
}

export function employeeDetail(req: SandboxRequest, store: BioTimeStore, id: number): SandboxResponse {
  const emp = store.personnel.employee(id);
  if (!emp) return notFound;
  if (req.method === 'GET') return { status: 200, body: store.renderEmployee(id) };
  if (req.method === 'DELETE') {
    store.personnel.employees.splice(store.personnel.employees.indexOf(emp), 1);
    return { status: 204 };
  }
  const parsed = readObject(req);
  if ('error' in parsed) return parsed.error;
  const { body } = parsed;
  const checked = validateEmployee(body, store, req.method === 'PATCH' ? 'partial' : 'full');
  if (isErrors(checked)) return { status: 400, body: checked.errors };
  store.personnel.updateEmployee(emp, checked.patch);
  return { status: 200, body: store.renderEmployee(id) };
}

export function adjustArea(req: SandboxRequest, store: BioTimeStore): SandboxResponse {
  const parsed = readObject(req);
  if ('error' in parsed) return parsed.error;
  const { body } = parsed;
  const checked = validateAreaAdjust(body, store);
  if (isErrors(checked)) return { status: 400, body: checked.errors };
  for (const empId of checked.employees) {
    const emp = store.personnel.employee(empId);
    if (emp) store.personnel.updateEmployee(emp, { areas: checked.areas });
  }
  return done;
}

export function listAreas(req: SandboxRequest, store: BioTimeStore, settings: ListSettings): SandboxResponse {
  const code = param(req.query, 'area_code');
  const name = param(req.query, 'area_name');
  const rows = store
    .areas()
    .filter((row) => (code === undefined || row.area_code === code) && (name === undefined || row.area_name === name));
  return listPage(req, settings.links, settings.defaultPageSize, rows);
}

export function listDepartments(req: SandboxRequest, store: BioTimeStore, settings: ListSettings): SandboxResponse {
  return listPage(req, settings.links, settings.defaultPageSize, store.departments());
}

export function resigns(req: SandboxRequest, store: BioTimeStore, settings: ListSettings): SandboxResponse {
  if (req.method === 'GET') {
    const rows = store.resigns().filter((row) =>
      ['employee', 'resign_type', 'resign_date'].every((field) => {
        const wanted = param(req.query, field);
        return wanted === undefined || String(row[field]) === wanted;
      }),
    );
    return listPage(req, settings.links, settings.defaultPageSize, rows);
  }
  const parsed = readObject(req);
  if ('error' in parsed) return parsed.error;
  const { body } = parsed;
  const checked = validateResign(body, store);
  if (isErrors(checked)) return { status: 400, body: checked.errors };
  const row = store.personnel.addResign(checked.resign);
  return { status: 201, body: store.resigns().find((record) => record.id === row.id) };
}

export function resignDetail(store: BioTimeStore, id: number): SandboxResponse {
  const record = store.resigns().find((row) => row.id === id);
  return record ? { status: 200, body: record } : notFound;
}

export function reinstatement(req: SandboxRequest, store: BioTimeStore): SandboxResponse {
  const parsed = readObject(req);
  if ('error' in parsed) return parsed.error;
  const { body } = parsed;
  const checked = validateReinstatement(body, store);
  if (isErrors(checked)) return { status: 400, body: checked.errors };
  for (const id of checked.resigns) store.personnel.reinstate(id);
  return done;
}
