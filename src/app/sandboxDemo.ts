// The built-in sandbox: simulated BioTime and Frappe HR servers on loopback, seeded with a small office so a new
// user sees a real sync in a minute — including the cases that matter: an unknown code that fails and succeeds
// after linking, a checkin that already exists (duplicate), a late upload from a terminal that was offline, a
// break punch (state 2), a skipped state (255), an inactive employee, and BioTime and Frappe in different zones.
import { addSecondsNaive, formatInZone } from '../core/time';
import { DEMO_BIOTIME_ZONE, DEMO_SITE_ZONE } from './demoZones';
import type { BioTimeSandbox } from '../sandbox/biotime/server';
import type { FrappeSandbox } from '../sandbox/frappe/server';
import { startSandboxPair } from '../sandbox/pair';

export { DEMO_BIOTIME_ZONE, DEMO_SITE_ZONE };

export interface DemoSandbox {
  biotimeUrl: string;
  frappeUrl: string;
  /** A raw configuration (validateConfig input) for one device and one site on the sandbox. */
  config: { sites: object[]; devices: object[] };
  secrets: { biotimePassword: string; frappeApiKey: string; frappeApiSecret: string };
  biotime: BioTimeSandbox;
  frappe: FrappeSandbox;
  /** The day the demo punches are on (BioTime zone). */
  day: string;
  /** Simulates the offline Warehouse terminal coming back and uploading an old punch. */
  addLateUpload(): number;
  close(): Promise<void>;
}

export interface DemoOptions {
  biotimePort?: number;
  frappePort?: number;
  now?: () => Date;
  /** The simulated Frappe's version (default 15). */
  frappeVersion?: 15 | 16;
}

const PEOPLE: [code: string, first: string, last: string][] = [
  ['1001', 'Sara', 'Ali'],
  ['1002', 'Omar', 'Haddad'],
  ['1003', 'Lina', 'Nasser'],
  ['1004', 'Yusuf', 'Karim'],
  ['0042', 'Maya', 'Fares'],
  ['1008', 'Rami', 'Saleh'],
  ['2001', 'Layla', 'Haddad'],
];

export async function startDemoSandbox(o: DemoOptions = {}): Promise<DemoSandbox> {
  const now = o.now ?? (() => new Date());
  const secrets = {
    biotimePassword: 'demo-biotime-pass',
    frappeApiKey: 'demo-api-key',
    frappeApiSecret: 'demo-api-secret',
  };
  const pair = await startSandboxPair({
    biotime: {
      port: o.biotimePort ?? 0,
      users: [{ username: 'api', password: secrets.biotimePassword }],
      timeZone: DEMO_BIOTIME_ZONE,
      now,
      internalHost: 'biotime.internal.invalid:8081',
    },
    frappe: {
      port: o.frappePort ?? 0,
      apiKeys: [{ key: secrets.frappeApiKey, secret: secrets.frappeApiSecret, user: 'sync@example.com' }],
      timeZone: DEMO_SITE_ZONE,
      now,
      frappeVersion: o.frappeVersion,
    },
  });
  const { biotime, frappe } = pair;
  // Yesterday: every demo punch is in the past whatever the hour, so no punch looks like a clock running ahead.
  const day = addSecondsNaive(formatInZone(now(), DEMO_BIOTIME_ZONE), -86_400).slice(0, 10);
  const at = (hhmm: string) => `${day} ${hhmm}:00`;

  const bt = biotime.store;
  const hq = bt.addArea({ area_code: 'HQ', area_name: 'Head office' });
  bt.addArea({ area_code: 'NOACCESS', area_name: 'No access' });
  bt.addTerminal({
    sn: 'CQUJ0001',
    alias: 'Main gate',
    areaId: hq,
    lastActivity: formatInZone(now(), DEMO_BIOTIME_ZONE),
  });
  bt.addTerminal({
    sn: 'CQUJ0002',
    alias: 'Warehouse',
    areaId: hq,
    lastActivity: addSecondsNaive(formatInZone(now(), DEMO_BIOTIME_ZONE), -3 * 86400),
  });
  for (const [code, first, last] of PEOPLE)
    bt.addEmployee({ emp_code: code, first_name: first, last_name: last, areas: [hq] });

  const fs = frappe.store;
  const emp: Record<string, string> = {};
  for (const [code, first, last] of PEOPLE) {
    if (code === '2001') continue; // in Frappe, but without a Biometric ID yet: the demo links her
    emp[code] = fs.addEmployee({
      employee_name: `${first} ${last}`,
      attendance_device_id: code,
      status: code === '1008' ? 'Inactive' : 'Active',
    });
  }
  fs.addEmployee({ employee_name: 'Layla Haddad', status: 'Active' });
  fs.addShiftType({ name: 'General Shift', last_sync_of_checkin: `${day} 00:00:00` });
  // Omar's morning punch was already entered by hand: the sync must see it and not create it twice.
  fs.addCheckin({
    employee: emp['1002'],
    time: addSecondsNaive(at('08:02'), 3600),
    log_type: 'IN',
    device_id: 'manual entry',
  });

  const punch = (code: string, hhmm: string, state: string, sn = 'CQUJ0001') =>
    bt.addPunch({ emp_code: code, punch_time: at(hhmm), punch_state: state, terminal_sn: sn });
  punch('1001', '08:00', '0');
  punch('1002', '08:02', '0');
  punch('0042', '08:10', '0');
  punch('2001', '08:15', '0');
  punch('1008', '08:20', '0');
  punch('1003', '08:30', '255');
  punch('1002', '12:30', '2');
  punch('1002', '13:15', '3');
  punch('1001', '17:05', '1');

  const config = {
    sites: [
      { id: 'demo-site', url: frappe.url, timeZone: DEMO_SITE_ZONE, shiftTypes: [{ shiftType: 'General Shift' }] },
    ],
    devices: [
      {
        id: 'demo',
        name: 'Demo head office',
        url: biotime.url,
        username: 'api',
        site: 'demo-site',
        enabled: true,
        intervalMinutes: 5,
        timeZone: DEMO_BIOTIME_ZONE,
        punchStates: { '0': 'IN', '1': 'OUT', '2': 'OUT', '5': 'OUT', '255': 'SKIP' },
        otherPunchStates: 'IN',
        userControl: { mode: 'off' },
      },
    ],
  };

  return {
    biotimeUrl: biotime.url,
    frappeUrl: frappe.url,
    config,
    secrets,
    biotime,
    frappe,
    day,
    addLateUpload: () => {
      bt.setTerminalActivity('CQUJ0002', formatInZone(now(), DEMO_BIOTIME_ZONE));
      return bt.addPunch({
        emp_code: '1004',
        punch_time: `${addSecondsNaive(at('09:00'), -2 * 86400)}`,
        punch_state: '0',
        terminal_sn: 'CQUJ0002',
      });
    },
    close: pair.close,
  };
}
