/**
 * Request-body validation for the personnel endpoints, with DRF's standard error wording (the BioTime
 * API is a DRF application, §0), so clients meet the same 400 shapes a real server sends.
 */
import type { JsonRecord, ResignRow } from './records';
import type { BioTimeStore } from './store';

type Errors = Record<string, string[]>;
type Checked<T> = T | { errors: Errors };

export interface EmployeePatch {
  first_name?: string;
  last_name?: string;
  department?: number;
  areas?: number[];
  extra?: JsonRecord;
}

// Writable optional fields of POST/PUT employees (§5.1); stored and echoed back as sent.
const optionalFields = [
  'hire_date',
  'gender',
  'mobile',
  'national',
  'address',
  'email',
  'app_status',
  'nickname',
  'birthday',
  'city',
  'postcode',
  'office_tel',
  'contact_tel',
  'card_no',
];

function pythonType(value: unknown): string {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return value === null ? 'NoneType' : 'dict';
}

function pk(value: unknown, exists: (id: number) => boolean): number | string {
  if (value === undefined) return 'This field is required.';
  if (value === null) return 'This field may not be null.';
  const id = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(id)) return `Incorrect type. Expected pk value, received ${pythonType(value)}.`;
  return exists(id) ? id : `Invalid pk "${String(value)}" - object does not exist.`;
}

function pkList(value: unknown, exists: (id: number) => boolean): number[] | string {
  if (value === undefined) return 'This field is required.';
  if (!Array.isArray(value)) return `Expected a list of items but got type "${pythonType(value)}".`;
  const ids: number[] = [];
  for (const item of value) {
    const id = pk(item, exists);
    if (typeof id === 'string') return id;
    ids.push(id);
  }
  return ids;
}

function name(value: unknown): string | undefined | Error {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text.length > 25 ? new Error('Ensure this field has no more than 25 characters.') : text;
}

function result<T>(errors: Errors, value: T): Checked<T> {
  return Object.keys(errors).length > 0 ? { errors } : value;
}

export function validateEmployee(
  body: JsonRecord,
  store: BioTimeStore,
  mode: 'create' | 'full' | 'partial',
): Checked<{ patch: EmployeePatch }> {
  const errors: Errors = {};
  const patch: EmployeePatch = { extra: {} };
  const required = mode !== 'partial';
  const { personnel } = store;
  if (required && (body.emp_code === undefined || body.emp_code === '')) errors.emp_code = ['This field is required.'];
  else if (mode === 'create' && personnel.employeeByCode(String(body.emp_code)))
    errors.emp_code = ['employee with this emp code already exists.'];
  if (required || body.department !== undefined) {
    const dept = pk(body.department, (id) => personnel.department(id) !== undefined);
    if (typeof dept === 'string') errors.department = [dept];
    else patch.department = dept;
  }
  if (required || body.area !== undefined) {
    const areas = pkList(body.area, (id) => personnel.area(id) !== undefined);
    if (typeof areas === 'string') errors.area = [areas];
    else patch.areas = areas;
  }
  for (const field of ['first_name', 'last_name'] as const) {
    const value = name(body[field]);
    if (value instanceof Error) errors[field] = [value.message];
    else if (value !== undefined) patch[field] = value;
  }
  for (const field of optionalFields) if (body[field] !== undefined) (patch.extra as JsonRecord)[field] = body[field];
  return result(errors, { patch });
}

export function validateAreaAdjust(
  body: JsonRecord,
  store: BioTimeStore,
): Checked<{ employees: number[]; areas: number[] }> {
  const errors: Errors = {};
  const employees = pkList(body.employees, (id) => store.personnel.employee(id) !== undefined);
  const areas = pkList(body.areas, (id) => store.personnel.area(id) !== undefined);
  if (typeof employees === 'string') errors.employees = [employees];
  if (typeof areas === 'string') errors.areas = [areas];
  return typeof employees === 'string' || typeof areas === 'string' ? { errors } : { employees, areas };
}

function resignDate(value: unknown, today: string): string | Error {
  if (value === undefined || value === null || value === '') return today;
  const text = String(value);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
  return valid ? text : new Error('Date has wrong format. Use one of these formats instead: YYYY-MM-DD.');
}

export function validateResign(body: JsonRecord, store: BioTimeStore): Checked<{ resign: Omit<ResignRow, 'id'> }> {
  const errors: Errors = {};
  const employee = pk(body.employee, (id) => store.personnel.employee(id) !== undefined);
  if (typeof employee === 'string') errors.employee = [employee];
  else if (store.personnel.resigns.some((row) => row.employee === employee))
    errors.employee = ['This employee has already resigned.'];
  const type = body.resign_type ?? 1;
  if (![1, 2, 3, 4, 5].includes(Number(type))) errors.resign_type = [`"${String(type)}" is not a valid choice.`];
  const date = resignDate(body.resign_date, store.nowText().slice(0, 10));
  if (date instanceof Error) errors.resign_date = [date.message];
  const resign = {
    employee: typeof employee === 'number' ? employee : 0,
    resign_date: typeof date === 'string' ? date : '',
    resign_type: Number(type),
    reason: typeof body.reason === 'string' ? body.reason : '',
    // The documented create example always sends disableatt: true; absent is read the same way.
    disableatt:
      body.disableatt === undefined
        ? true
        : body.disableatt === true || body.disableatt === 'true' || body.disableatt === 1,
  };
  return result(errors, { resign });
}

export function validateReinstatement(body: JsonRecord, store: BioTimeStore): Checked<{ resigns: number[] }> {
  const ids = pkList(body.resigns, (id) => store.personnel.resigns.some((row) => row.id === id));
  return typeof ids === 'string' ? { errors: { resigns: [ids] } } : { resigns: ids };
}
