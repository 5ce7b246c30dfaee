// Both simulated servers, started in the benchmark's parent process with the costs of a small real site, and
// loaded with a backlog. Each contender gets a fresh pair (same seed, same data), so none of them finds the
// checkins or user states another one left behind.
import type { BioTimeSandbox } from '../src/sandbox/biotime/server';
import type { FrappeSandbox } from '../src/sandbox/frappe/server';
import { startSandboxPair } from '../src/sandbox/pair';
import type { Profile } from './profiles';
import type { Backlog } from './workload';
import { TERMINALS } from './workload';

export const ZONE = 'Asia/Dubai';
export const CREDENTIALS = {
  username: 'api',
  password: 'bench-biotime-pass',
  apiKey: 'bench-key',
  apiSecret: 'bench-secret',
};

/** The site a world simulates: a profile (bench/profiles.ts), with the command line's overrides applied. */
export type Costs = Profile;

export interface World {
  biotime: BioTimeSandbox;
  frappe: FrappeSandbox;
  /** Frappe Employee name by code (known codes only). */
  employeeOf: Map<string, string>;
  close(): Promise<void>;
}

export async function startWorld(backlog: Backlog, costs: Costs): Promise<World> {
  const { biotime, frappe, close } = await startSandboxPair({
    biotime: {
      users: [{ username: CREDENTIALS.username, password: CREDENTIALS.password }],
      timeZone: ZONE,
      latencyMs: costs.latencyMs,
      defaultPageSize: 10,
    },
    frappe: {
      apiKeys: [{ key: CREDENTIALS.apiKey, secret: CREDENTIALS.apiSecret, user: 'sync@example.com' }],
      // The API user needs System Manager to toggle Users (user control) and HR Manager for checkins.
      users: [{ name: 'sync@example.com', roles: ['HR Manager', 'System Manager'] }],
      timeZone: ZONE,
      latencyMs: costs.latencyMs,
      workers: costs.workers,
      perDocCostMs: costs.perDocCostMs,
      costs: costs.costs,
      cpuCapacity: costs.cpuCapacity,
    },
  });
  // 0.5 ms per document must cost 0.5 ms on a single insert too, not the 1.1 ms a setTimeout(0.5) lasts.
  frappe.knobs.preciseWork = true;
  const bt = biotime.store;
  const hq = bt.addArea({ area_code: 'HQ', area_name: 'Head office' });
  bt.addArea({ area_code: 'NOACCESS', area_name: 'No access' });
  for (const sn of TERMINALS) bt.addTerminal({ sn, alias: `Gate ${sn}`, areaId: hq });
  const employeeOf = new Map<string, string>();
  for (const e of backlog.employees) {
    bt.addEmployee({ emp_code: e.code, first_name: `First${e.code}`, last_name: 'Bench', areas: [hq] });
    if (!e.known) continue;
    const user = `u${e.code}@example.com`;
    frappe.store.addUser({ name: user, enabled: true, roles: e.systemManager ? ['System Manager'] : ['Employee'] });
    employeeOf.set(
      e.code,
      frappe.store.addEmployee({ employee_name: `First${e.code} Bench`, attendance_device_id: e.code, user_id: user }),
    );
  }
  for (const x of backlog.existing) {
    frappe.store.addCheckin({
      employee: employeeOf.get(x.code)!,
      time: x.time,
      log_type: x.logType,
      device_id: 'manual entry',
    });
  }
  for (const p of backlog.punches)
    bt.addPunch({
      emp_code: p.code,
      punch_time: p.time,
      punch_state: p.state,
      terminal_sn: p.terminal,
      upload_time: p.upload,
    });
  biotime.stats.reset();
  frappe.stats.reset();
  frappe.counters.reset();
  return {
    biotime,
    frappe,
    employeeOf,
    close,
  };
}
