// Reading Employee Checkins back: for the engine's dedupe, for reconciling lost answers, and for duplicates.
import type { ExistingCheckin } from '../core/types';
import type { FrappeApi } from './api';
import { chunk, mapPool } from './pool';
import { normaliseFrappeTime } from './time';

export const EMPLOYEE_CHUNK = 500;

/** Checkins of `employees` with time in [from, to] (inclusive, naive site time), oldest first. */
export async function findCheckins(
  api: FrappeApi,
  employees: string[],
  from: string,
  to: string,
  concurrency: number,
  signal?: AbortSignal,
): Promise<ExistingCheckin[]> {
  const unique = [...new Set(employees.filter(Boolean))];
  const pages = await mapPool(chunk(unique, EMPLOYEE_CHUNK), concurrency, (part) =>
    api.getList(
      'Employee Checkin',
      {
        fields: ['name', 'employee', 'time', 'log_type', 'device_id'],
        filters: [
          ['employee', 'in', part],
          ['time', 'between', [from, to]],
        ],
        order_by: 'time asc',
        limit_page_length: 0,
      },
      signal,
    ),
  );
  const out: ExistingCheckin[] = [];
  for (const row of pages.flat()) {
    const c = toCheckin(row);
    if (c) out.push(c);
    else
      api.logger.debug(
        `Frappe site ${api.siteId}: ignored an Employee Checkin row without name, employee or a readable time.`,
      );
  }
  return out;
}

export function toCheckin(row: Record<string, unknown>): ExistingCheckin | undefined {
  const time = normaliseFrappeTime(row.time);
  if (typeof row.name !== 'string' || typeof row.employee !== 'string' || !time) return undefined;
  const lt = row.log_type;
  return {
    name: row.name,
    employee: row.employee,
    time,
    logType: lt === 'IN' || lt === 'OUT' ? lt : '',
    deviceId: typeof row.device_id === 'string' && row.device_id !== '' ? row.device_id : null,
  };
}
