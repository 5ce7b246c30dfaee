// The real Frappe HR v15 site of docs/reference/frappe-wire/ (README "The site"), as a seed: the same company
// zone, employees, users, roles and User Permission, so the recorded exchanges replay against the sandbox and the
// demo, the system tests and the doctor can meet the API users an operator really has.
import type { FrappeStore, ApiKey } from './store';

export const REAL_SITE_TIME_ZONE = 'Asia/Kolkata';
export const REAL_SITE_COMPANY = 'Acme';

/**
 * The API users of the recorded site, with the placeholders of the recordings as their keys (`<sync-api-key>` →
 * `sync-api-key`). `sysmgr` is not on the recorded site: a System Manager for the modes that write User records.
 */
export const realSiteKeys = {
  /** HR User + HR Manager, not System Manager: writes checkins with their time, cannot read or write other Users. */
  sync: { key: 'sync-api-key', secret: 'sync-api-secret', user: 'sync@acme.test' },
  /** Employee only, linked to HR-EMP-00003 with a User Permission on it: the permlevel trap. */
  weak: { key: 'weak-api-key', secret: 'weak-api-secret', user: 'weak@acme.test' },
  /** Employee only, linked to HR-EMP-00002 (no User Permission). */
  linked: { key: 'linked-api-key', secret: 'linked-api-secret', user: 'linked@acme.test' },
  /** System Manager + HR Manager (added by the sandbox; the recorded site used Administrator for this). */
  sysmgr: { key: 'sysmgr-api-key', secret: 'sysmgr-api-secret', user: 'sysmgr@acme.test' },
} as const satisfies Record<string, ApiKey>;

// Administrator's 47 Has Role rows as i6b lists them (HR User and HR Manager twice: the real site has them).
const administratorRoles = [
  'Administrator',
  'Accounts Manager',
  'Desk User',
  'Purchase Manager',
  'Purchase Master Manager',
  'Sales User',
  'Guest',
  'Sales Master Manager',
  'Workspace Manager',
  'Knowledge Base Editor',
  'Purchase User',
  'All',
  'System Manager',
  'Blogger',
  'Knowledge Base Contributor',
  'Prepared Report User',
  'Maintenance Manager',
  'Dashboard Manager',
  'Sales Manager',
  'Script Manager',
  'Maintenance User',
  'Accounts User',
  'Report Manager',
  'Newsletter Manager',
  'Translator',
  'Inbox User',
  'Website Manager',
  'HR Manager',
  'Fleet Manager',
  'Manufacturing User',
  'Analytics',
  'Stock User',
  'Stock Manager',
  'Agriculture Manager',
  'Agriculture User',
  'Projects User',
  'Delivery User',
  'Fulfillment User',
  'Academics User',
  'Projects Manager',
  'Delivery Manager',
  'Auditor',
  'Item Manager',
  'Support Team',
  'HR User',
  'Manufacturing Manager',
  'Quality Manager',
];

export const realSiteUsers: Array<{ name: string; first_name: string; roles: string[] }> = [
  { name: 'Administrator', first_name: 'Administrator', roles: administratorRoles },
  { name: realSiteKeys.sync.user, first_name: 'Sync', roles: ['HR User', 'HR Manager'] },
  { name: realSiteKeys.weak.user, first_name: 'Weak', roles: ['Employee'] },
  { name: realSiteKeys.linked.user, first_name: 'Linked', roles: ['Employee'] },
  { name: realSiteKeys.sysmgr.user, first_name: 'Sysmgr', roles: ['System Manager', 'HR Manager'] },
];

/** Attendance Device IDs of HR-EMP-00001…00012, in order: 101…110, then `007` and `0042`. */
export const realSiteDeviceIds = ['101', '102', '103', '104', '105', '106', '107', '108', '109', '110', '007', '0042'];

/** HR-EMP-00010 (device 110) is Inactive on the recorded site. */
export const REAL_SITE_INACTIVE = 'HR-EMP-00010';

/** Seeds employees, user links and the User Permission (users and keys come from the sandbox options). */
export function seedRealSiteEmployees(store: FrappeStore): void {
  realSiteDeviceIds.forEach((device, i) => {
    const name = `HR-EMP-${String(i + 1).padStart(5, '0')}`;
    store.addEmployee({
      name,
      employee_name: `Worker D${device}`,
      attendance_device_id: device,
      status: name === REAL_SITE_INACTIVE ? 'Inactive' : 'Active',
      company: REAL_SITE_COMPANY,
      user_id:
        name === 'HR-EMP-00003'
          ? realSiteKeys.weak.user
          : name === 'HR-EMP-00002'
            ? realSiteKeys.linked.user
            : undefined,
    });
  });
  store.addUserPermission(realSiteKeys.weak.user, 'Employee', 'HR-EMP-00003');
  // Passwords for `POST /api/method/login` (k13): `<name>-password`, e.g. sync-password.
  for (const key of Object.values(realSiteKeys)) store.setPassword(key.user, `${key.user.split('@')[0]}-password`);
}
