import type { FrappeStore, PermissionOverrides } from './store';

/** `select` lets a user list a doctype (a Link field's search) without reading its documents. */
export type PermType = 'read' | 'write' | 'create' | 'delete' | 'select';

/** Roles that hold permlevel 1 on Employee Checkin (`time`) and full rights on the HR doctypes. */
export const hrRoles = ['HR User', 'HR Manager', 'System Manager'];

export function hasHrRole(store: FrappeStore, user: string): boolean {
  return store.rolesOf(user).some((role) => hrRoles.includes(role));
}

// Role permissions as shipped (frappe-api.md §7, §8.1), reduced to what the sandbox serves. The Employee
// role may create/read/write checkins at permlevel 0 but only read `time`, which is the permlevel trap.
function byRole(store: FrappeStore, user: string, doctype: string, ptype: PermType): boolean {
  // v15 gives `select` on User to every desk user: the list answers (fields it may not read dropped, i1b, i5)
  // while reading another user's document is refused (i4). Elsewhere `select` follows `read`.
  if (ptype === 'select') return doctype === 'User' || byRole(store, user, doctype, 'read');
  const roles = store.rolesOf(user);
  const hr = hasHrRole(store, user);
  switch (doctype) {
    case 'Employee':
      return hr || (ptype === 'read' && roles.includes('Employee'));
    case 'Employee Checkin':
      return hr || roles.includes('Employee');
    case 'Shift Type':
      return hr;
    case 'HR Settings':
      // Readable by every user on the real site (h2c: an Employee-only user gets 200).
      return roles.includes('HR Manager') || roles.includes('System Manager') || ptype === 'read';
    case 'User':
      return roles.includes('System Manager');
    default:
      return false;
  }
}

function override(overrides: PermissionOverrides, doctype: string, permType: PermType): boolean | undefined {
  const ptype = permType === 'select' ? 'read' : permType;
  if (doctype === 'Employee' && ptype === 'read') return overrides.readEmployee;
  if (doctype === 'Employee' && (ptype === 'write' || ptype === 'create')) return overrides.writeEmployee;
  if (doctype === 'Employee Checkin' && ptype === 'create') return overrides.createCheckin;
  if (doctype === 'Employee Checkin' && ptype === 'read') return overrides.readCheckin;
  if (doctype === 'Shift Type' && ptype === 'write') return overrides.writeShiftType;
  if (doctype === 'User' && ptype === 'read') return overrides.readUser;
  if (doctype === 'User' && ptype === 'write') return overrides.writeUser;
  return undefined;
}

export function hasPermission(store: FrappeStore, user: string, doctype: string, ptype: PermType): boolean {
  if (user === 'Administrator') return true;
  if (user === 'Guest') return false;
  return override(store.overridesOf(user), doctype, ptype) ?? byRole(store, user, doctype, ptype);
}

/**
 * Whether `user` reads the fields of `doctype` at `permlevel` (> 0). On User only System Manager does, so
 * `user_type`, `api_key` and the `roles` table are blanked for everyone else (i8) or dropped from lists (i1b).
 */
export function readsPermlevel(store: FrappeStore, user: string, doctype: string, permlevel: number): boolean {
  if (permlevel === 0 || user === 'Administrator') return true;
  if (doctype === 'User') return store.rolesOf(user).includes('System Manager') || !!store.overridesOf(user).readUser;
  return hasHrRole(store, user);
}
