// What doctor / Test Connection needs to know about a Frappe site and its API user.
import { FrappeError } from '../core/errors';
import type { SinkProbe } from '../core/ports';
import type { FrappeApi } from './api';

/** Roles that may write Employee Checkin `time` (permlevel 1) and create checkins for anyone (frappe-api.md §8.1). */
export const HR_ROLES = ['HR User', 'HR Manager', 'System Manager'];

export async function loggedUser(api: FrappeApi, signal?: AbortSignal): Promise<string> {
  const body = await api.call({
    method: 'GET',
    path: '/api/method/frappe.auth.get_logged_user',
    retry: 'read',
    signal,
  });
  const user = body.message ?? body.data;
  if (typeof user !== 'string' || !user) throw api.badShape('the logged-in user');
  if (user === 'Guest') {
    throw new FrappeError(
      'auth',
      `Frappe site ${api.siteId} treats the API key as Guest (the key/secret were not accepted).`,
      'Generate new API keys for the integration user and store them.',
    );
  }
  return user;
}

export async function readTimeZone(api: FrappeApi, signal?: AbortSignal): Promise<string> {
  const body = await api.call({
    method: 'GET',
    path: '/api/method/frappe.client.get_time_zone',
    retry: 'read',
    signal,
  });
  const m = body.message ?? body.data;
  const zone =
    typeof m === 'string' ? m : m && typeof m === 'object' ? (m as Record<string, unknown>).time_zone : undefined;
  if (typeof zone !== 'string' || !zone) throw api.badShape('the time zone');
  return zone;
}

/** The user's roles from its User document (roles child table); undefined when the document cannot be read. */
export async function userRoles(
  api: FrappeApi,
  user: string,
  signal?: AbortSignal,
): Promise<{ roles: string[]; enabled: boolean } | undefined> {
  const r = await api.send({
    method: 'GET',
    path: `/api/resource/User/${encodeURIComponent(user)}`,
    retry: 'read',
    signal,
  });
  if (!r.ok) {
    if (r.error.reason === 'permission' || r.error.status === 404) return undefined;
    throw r.error;
  }
  return parseUser(r.body.data ?? r.body.message);
}

export function parseUser(doc: unknown): { roles: string[]; enabled: boolean } | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const d = doc as Record<string, unknown>;
  const roles = Array.isArray(d.roles)
    ? d.roles.flatMap((r) =>
        typeof r === 'string'
          ? [r]
          : r && typeof r === 'object' && typeof (r as Record<string, unknown>).role === 'string'
            ? [(r as Record<string, string>).role]
            : [],
      )
    : [];
  return { roles, enabled: d.enabled === undefined ? true : Number(d.enabled) === 1 || d.enabled === true };
}

export async function probeSite(api: FrappeApi, signal?: AbortSignal): Promise<SinkProbe> {
  const details: string[] = [];
  const user = await loggedUser(api, signal);
  details.push(`Logged in as ${user}.`);
  const timeZone = await readTimeZone(api, signal);
  details.push(`Site time zone: ${timeZone}.`);

  const canReadEmployee = await canRead(api, 'Employee', signal);
  details.push(
    canReadEmployee
      ? 'Can read Employee.'
      : `${user} cannot read Employee records: punches cannot be matched to employees.`,
  );

  let canWriteTime: SinkProbe['canWriteTime'] = 'unknown';
  let canCreateCheckin: SinkProbe['canCreateCheckin'] = 'unknown';
  const info =
    user === 'Administrator'
      ? { roles: ['Administrator', 'System Manager'], enabled: true }
      : await userRoles(api, user, signal);
  if (!info) {
    details.push(`Could not read the roles of ${user}; whether it may write Employee Checkin time is unknown.`);
  } else {
    const hr = info.roles.filter((r) => HR_ROLES.includes(r));
    canWriteTime = hr.length > 0;
    canCreateCheckin = hr.length > 0;
    details.push(`Roles: ${info.roles.length ? info.roles.join(', ') : 'none'}.`);
    if (!hr.length) {
      details.push(
        `${user} has none of ${HR_ROLES.join(', ')}: it cannot create checkins for other employees, and Frappe would store the sync time instead of the punch time.`,
      );
    }
  }

  const duplicateDeviceIds = canReadEmployee ? await sharedDeviceIds(api, signal) : [];
  for (const d of duplicateDeviceIds) details.push(`Biometric ID ${d.deviceId} is set on ${d.employees.join(', ')}.`);
  return { user, timeZone, canWriteTime, canCreateCheckin, canReadEmployee, duplicateDeviceIds, details };
}

async function canRead(api: FrappeApi, doctype: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await api.getList(doctype, { fields: ['name'], limit_page_length: 1 }, signal);
    return true;
  } catch (e) {
    if (FrappeError.is(e, 'permission')) return false;
    throw e;
  }
}

/**
 * Biometric IDs held by more than one Employee. Grouped trimmed and case-insensitively: MariaDB's default
 * collation makes the `in` look-up match those variants too, so they are just as ambiguous.
 */
async function sharedDeviceIds(api: FrappeApi, signal?: AbortSignal): Promise<SinkProbe['duplicateDeviceIds']> {
  const rows = await api.getList(
    'Employee',
    {
      fields: ['name', 'attendance_device_id'],
      filters: [['attendance_device_id', 'is', 'set']],
      limit_page_length: 0,
    },
    signal,
  );
  const groups = new Map<string, { deviceId: string; employees: string[] }>();
  for (const row of rows) {
    const id = row.attendance_device_id;
    if (typeof row.name !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) continue;
    const shown = String(id);
    if (!shown.trim()) continue;
    const k = shown.trim().toLowerCase();
    const g = groups.get(k) ?? { deviceId: shown, employees: [] };
    g.employees.push(row.name);
    groups.set(k, g);
  }
  return [...groups.values()].filter((g) => g.employees.length > 1);
}
