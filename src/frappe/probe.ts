// What doctor / Test Connection needs to know about a Frappe site and its API user.
import { FrappeError } from '../core/errors';
import type { SinkProbe } from '../core/types';
import type { FrappeApi } from './api';

/**
 * Roles that may write Employee Checkin `time` (permlevel 1) and create checkins for any employee: HRMS v15 gives
 * System Manager, HR Manager and HR User read/write at permlevel 1; Employee gets read only there, so Frappe resets
 * `time` to "now" for it (frappe-api.md §8.1, recordings g1/g2/g4).
 */
export const HR_ROLES = ['HR User', 'HR Manager', 'System Manager'];
/** Stock Frappe gives write on User to System Manager only (an HR Manager gets 403 on every User update). */
export const USER_WRITE_ROLES = ['System Manager'];
/** Roles to grant when the API user lacks HR_ROLES, as the operator should read them. */
export const HR_ROLES_FIX = 'HR User or HR Manager';

export interface RoleInfo {
  roles: string[];
  /** Where they were read: the Has Role list, or the User document when that list was refused. */
  source: 'Has Role' | 'User' | 'Administrator';
}

/** What the roles allow on the objects the sync touches; 'unknown' when the roles could not be read. */
export interface AccessVerdict {
  canWriteTime: boolean | 'unknown';
  canCreateCheckin: boolean | 'unknown';
  canWriteUser: boolean | 'unknown';
}

export function accessFromRoles(info: RoleInfo | undefined): AccessVerdict {
  if (!info) return { canWriteTime: 'unknown', canCreateCheckin: 'unknown', canWriteUser: 'unknown' };
  const admin = info.source === 'Administrator' || info.roles.includes('Administrator');
  const hr = admin || info.roles.some((r) => HR_ROLES.includes(r));
  return {
    canWriteTime: hr,
    canCreateCheckin: hr,
    canWriteUser: admin || info.roles.some((r) => USER_WRITE_ROLES.includes(r)),
  };
}

/**
 * The roles of `user` the way a real site lets any API user read them: `frappe.client.get_list` on the child
 * doctype Has Role with `parent: "User"` (recordings i3, i6; `/api/resource/Has Role` is 403, i2). The User
 * document is the fallback for a site that refuses that list; there a user reading its own record gets every
 * permlevel-1 field blanked, `roles: []` included (i8), so an empty list means "not readable", never "no roles".
 */
export async function readRoles(api: FrappeApi, user: string, signal?: AbortSignal): Promise<RoleInfo | undefined> {
  if (user === 'Administrator') return { roles: ['Administrator', 'System Manager'], source: 'Administrator' };
  try {
    const rows = await api.getList(
      'Has Role',
      {
        fields: ['role'],
        filters: [
          ['parent', '=', user],
          ['parenttype', '=', 'User'],
        ],
        limit_page_length: 0,
        parent: 'User',
      },
      signal,
    );
    const roles = [...new Set(rows.flatMap((r) => (typeof r.role === 'string' && r.role ? [r.role] : [])))];
    if (roles.length) return { roles, source: 'Has Role' };
  } catch (e) {
    if (!FrappeError.is(e) || !(e.reason === 'permission' || e.status === 404 || e.reason === 'validation')) throw e;
  }
  const doc = await userRoles(api, user, signal);
  return doc?.roles.length ? { roles: doc.roles, source: 'User' } : undefined;
}

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

  const info = await readRoles(api, user, signal);
  const access = accessFromRoles(info);
  if (!info) {
    details.push(
      `Could not read the roles of ${user} (neither the Has Role list nor its User record shows them); whether it may write Employee Checkin time is unknown.`,
    );
  } else {
    details.push(`Roles (from ${info.source}): ${info.roles.length ? info.roles.join(', ') : 'none'}.`);
    if (access.canWriteTime === false) {
      details.push(
        `${user} has none of ${HR_ROLES.join(', ')}: it cannot create checkins for other employees, and Frappe would store the sync time instead of the punch time.`,
      );
    }
  }

  const duplicateDeviceIds = canReadEmployee ? await sharedDeviceIds(api, signal) : [];
  for (const d of duplicateDeviceIds) details.push(`Biometric ID ${d.deviceId} is set on ${d.employees.join(', ')}.`);
  return {
    user,
    timeZone,
    ...access,
    roles: info?.roles,
    canReadEmployee,
    duplicateDeviceIds,
    details,
  };
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
