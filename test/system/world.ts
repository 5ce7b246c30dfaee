// A real world for system tests: both simulated servers on loopback, a state directory on disk, and the engine
// wired exactly as the hosts wire it (real BioTime and Frappe clients over HTTP).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type EngineHandle } from '../../src/app/createEngine';
import { validateConfig } from '../../src/core/config';
import type { Logger } from '../../src/core/ports';
import type { BioTimeSandbox, BioTimeSandboxOptions } from '../../src/sandbox/biotime/server';
import type { FrappeSandbox, FrappeSandboxOptions } from '../../src/sandbox/frappe/server';
import { startSandboxPair } from '../../src/sandbox/pair';
import type { PunchOutcome } from '../../src/shared/model';
import { FakeCredentials } from '../support/fakeCredentials';
import { rawConfig as builtConfig, rawDevice, rawSite } from '../support/configBuilders';

export const SECRETS = {
  biotimePassword: 'bt-Secret-7731',
  frappeApiKey: 'key-5f1e2d',
  frappeApiSecret: 'sec-9a8b7c6d',
};

export interface World {
  biotime: BioTimeSandbox;
  frappe: FrappeSandbox;
  stateDir: string;
  handle: EngineHandle;
  logs: string[];
  rawConfig: { sites: Record<string, unknown>[]; devices: Record<string, unknown>[] };
  /** Frappe Employee name by Biometric ID. */
  emp: Record<string, string>;
  outcomes(runId: string): Promise<PunchOutcome[]>;
  restart(): EngineHandle;
  close(): Promise<void>;
}

export interface WorldOptions {
  biotime?: BioTimeSandboxOptions;
  frappe?: FrappeSandboxOptions;
  device?: Record<string, unknown>;
  site?: Record<string, unknown>;
  /** Biometric IDs that exist in both systems (default 1001-1003). */
  codes?: string[];
  stateDir?: string;
  /** Other Frappe API key/secret than SECRETS' (e.g. the real-site users' keys). */
  frappeKey?: { key: string; secret: string };
}

export async function world(o: WorldOptions = {}): Promise<World> {
  const pair = await startSandboxPair({
    biotime: { users: [{ username: 'api', password: SECRETS.biotimePassword }], timeZone: 'Asia/Dubai', ...o.biotime },
    frappe: {
      apiKeys: [{ key: SECRETS.frappeApiKey, secret: SECRETS.frappeApiSecret, user: 'sync@example.com' }],
      timeZone: 'Asia/Dubai',
      ...o.frappe,
    },
  });
  const { biotime, frappe } = pair;
  const hq = biotime.store.addArea({ area_code: 'HQ', area_name: 'Head office' });
  biotime.store.addArea({ area_code: 'NOACCESS', area_name: 'No access' });
  biotime.store.addTerminal({ sn: 'T1', alias: 'Main gate', areaId: hq });
  const emp: Record<string, string> = {};
  for (const code of o.codes ?? ['1001', '1002', '1003']) {
    biotime.store.addEmployee({ emp_code: code, first_name: `First${code}`, last_name: 'Last', areas: [hq] });
    emp[code] = frappe.store.addEmployee({ employee_name: `Employee ${code}`, attendance_device_id: code });
  }
  const rawConfig = builtConfig(
    [rawDevice({ url: biotime.url, pageSize: 10, ...o.device })],
    [rawSite({ url: frappe.url, ...o.site })],
  );
  const stateDir = o.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bts-system-'));
  const logs: string[] = [];
  const logger: Logger = {
    trace: () => {},
    debug: (m) => logs.push(m),
    info: (m) => logs.push(m),
    warn: (m) => logs.push(m),
    error: (m) => logs.push(m),
  };
  const credentials = new FakeCredentials(
    o.frappeKey ? { ...SECRETS, frappeApiKey: o.frappeKey.key, frappeApiSecret: o.frappeKey.secret } : SECRETS,
  );
  const make = () =>
    createEngine({ config: validateConfig(rawConfig), stateDir, credentials, logger, lockOwner: 'system test' });
  const w: World = {
    biotime,
    frappe,
    stateDir,
    logs,
    rawConfig,
    emp,
    handle: make(),
    async outcomes(runId) {
      const out: PunchOutcome[] = [];
      for await (const x of w.handle.engine.runOutcomes(runId)) out.push(x);
      return out;
    },
    restart() {
      void w.handle.dispose();
      return (w.handle = make());
    },
    async close() {
      await w.handle.dispose();
      await pair.close();
    },
  };
  return w;
}

export function punch(w: World, code: string, time: string, state = '0', extra: Record<string, unknown> = {}): number {
  return w.biotime.store.addPunch({
    emp_code: code,
    punch_time: time,
    punch_state: state,
    terminal_sn: 'T1',
    ...extra,
  });
}

/** Frappe checkins created by this device. */
export function checkins(w: World) {
  return w.frappe.store.checkins().filter((c) => c.device_id === w.biotime.url);
}
