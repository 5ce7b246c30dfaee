// Employee look-ups and the one Employee write (setting the Biometric ID from the mapping triage).
import { FrappeError } from '../core/errors';
import type { EmployeeRecord } from '../core/types';
import type { FrappeApi } from './api';
import { chunk, mapPool } from './pool';

const EMPLOYEE_FIELDS = ['name', 'employee_name', 'attendance_device_id', 'status', 'user_id'];
/** Codes per `in` filter: one SQL IN list per request, well below any practical limit. */
export const DEVICE_ID_CHUNK = 500;

export async function findEmployeesByDeviceIds(
  api: FrappeApi,
  codes: string[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<EmployeeRecord[]> {
  const unique = [...new Set(codes.filter((c) => typeof c === 'string' && c !== ''))];
  const pages = await mapPool(chunk(unique, DEVICE_ID_CHUNK), concurrency, (part) =>
    api.getList(
      'Employee',
      { fields: EMPLOYEE_FIELDS, filters: [['attendance_device_id', 'in', part]], limit_page_length: 0 },
      signal,
    ),
  );
  return pages.flat().flatMap((row) => toEmployee(row) ?? []);
}

/** Employees whose name (document name) or full name contains `text`. */
export async function searchEmployees(
  api: FrappeApi,
  text: string,
  limit: number,
  signal?: AbortSignal,
): Promise<EmployeeRecord[]> {
  const like = `%${text.trim()}%`;
  const rows = await api.getList(
    'Employee',
    {
      fields: EMPLOYEE_FIELDS,
      or_filters: [
        ['employee_name', 'like', like],
        ['name', 'like', like],
      ],
      order_by: 'employee_name asc',
      limit_page_length: Math.max(1, Math.floor(limit)),
    },
    signal,
  );
  return rows.flatMap((row) => toEmployee(row) ?? []);
}

/**
 * Writes attendance_device_id. Setting a field to a value is idempotent, so the request is retried like a read.
 * A code already used by another employee comes back as UniqueValidationError (417) → FrappeError 'validation'.
 */
export async function setEmployeeDeviceId(
  api: FrappeApi,
  employee: string,
  deviceId: string,
  signal?: AbortSignal,
): Promise<void> {
  const r = await api.send({
    method: 'PUT',
    path: `/api/resource/Employee/${encodeURIComponent(employee)}`,
    data: { attendance_device_id: deviceId },
    retry: 'read',
    signal,
  });
  if (r.ok) return;
  if (r.decoded?.status === 404 && r.decoded.excType) {
    throw new FrappeError(
      'employeeNotFound',
      `Frappe site ${api.siteId}: ${r.decoded.message || `Employee ${employee} not found`}`,
      'Search the employee again; it may have been renamed or deleted.',
      { status: 404, excType: r.decoded.excType },
    );
  }
  throw r.error;
}

export function toEmployee(row: Record<string, unknown>): EmployeeRecord | undefined {
  if (typeof row.name !== 'string' || !row.name) return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
  return {
    name: row.name,
    employeeName: str(row.employee_name) ?? row.name,
    deviceId: str(row.attendance_device_id),
    status: str(row.status) ?? '',
    userId: str(row.user_id),
  };
}
