// One scenario's world: the simulated BioTime and Frappe HR servers on loopback, seeded with the scenario's
// people, plus the ledger of every punch committed to BioTime (its id, when it arrived) that the checker judges
// against. Only the sandboxes' programmatic API is used; nothing here knows how the engine works.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxRequest, SandboxResponse } from '../src/sandbox/common/httpServer';
import type { BioTimeSandbox } from '../src/sandbox/biotime/server';
import type { JsonRecord } from '../src/sandbox/biotime/records';
import type { FrappeSandbox } from '../src/sandbox/frappe/server';
import { startSandboxPair } from '../src/sandbox/pair';
import { expectationOf } from './expectations';
import type { PunchSpec, Scenario } from './scenario';
import { rawConfig, rawDevice, rawSite } from '../test/support/configBuilders';

export const DEVICE_ID = 'hq';
export const SITE_ID = 'acme';
export const USERNAME = 'api';
export const NO_ACCESS_AREA = 'NOACCESS';
/** timeoutSeconds of the device and the site (the validator's minimum): an injected timeout costs this much. */
export const CLIENT_TIMEOUT_MS = 5000;
const TERMINAL = { sn: 'T1', alias: 'Main gate' };

export interface LedgerEntry {
  spec: PunchSpec;
  /** BioTime transaction id; null for a record stored without one. */
  id: number | null;
  /** Cycle before which it was committed (0-based), or during which for mid-read uploads. */
  cycle: number;
  midRead: boolean;
  /** Deleted from BioTime after it was synced (its checkin or failed punch stays). */
  deleted?: boolean;
}

export type Intercept = (req: SandboxRequest) => SandboxResponse | undefined;

export class ChaosWorld {
  readonly ledger: LedgerEntry[] = [];
  /** Frappe Employee name by Biometric ID. */
  readonly employees = new Map<string, string>();
  /** Reserved id gaps: the record is committed into its id later (out of id order). */
  private readonly reserved = new Map<string, JsonRecord>();
  /** Every BioTime token the CLI presented: secrets the scan must not find anywhere. */
  readonly seenTokens = new Set<string>();
  skewSeconds = 0;
  onBiotime: Intercept | undefined;
  onFrappe: Intercept | undefined;
  readonly dir: string;
  readonly stateDir: string;
  readonly configFile: string;

  private constructor(
    readonly scenario: Scenario,
    readonly biotime: BioTimeSandbox,
    readonly frappe: FrappeSandbox,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `bts-chaos-${scenario.index}-`));
    this.stateDir = path.join(this.dir, 'state');
    this.configFile = path.join(this.dir, 'biotime-sync.json');
  }

  static async start(s: Scenario): Promise<ChaosWorld> {
    // BioTime's clock is true time plus the cycle's skew (read through the world, which exists once started).
    const ref: { world?: ChaosWorld } = {};
    const skewed = () => new Date(Date.now() + (ref.world?.skewSeconds ?? 0) * 1000);
    // frappe-user mode writes Users, which takes System Manager on a stock site; the other modes need HR Manager only.
    const roles = s.userControl === 'frappe-user' ? ['HR Manager', 'System Manager'] : ['HR Manager'];
    const { biotime, frappe } = await startSandboxPair({
      biotime: {
        users: [{ username: USERNAME, password: s.secrets.biotimePassword }],
        timeZone: s.deviceZone ?? s.siteZone,
        now: skewed,
        seed: s.seed,
        ...(s.internalHost ? { internalHost: 'biotime.internal.invalid:8081' } : {}),
      },
      frappe: {
        users: [{ name: 'sync@example.com', roles }],
        apiKeys: [{ key: s.secrets.frappeApiKey, secret: s.secrets.frappeApiSecret, user: 'sync@example.com' }],
        timeZone: s.siteZone,
        seed: s.seed ^ 0x5bd1e995,
      },
    });
    const world = (ref.world = new ChaosWorld(s, biotime, frappe));
    world.seed();
    return world;
  }

  private seed(): void {
    const s = this.scenario;
    const bt = this.biotime.store;
    const hq = bt.addArea({ area_code: 'HQ', area_name: 'Head office' });
    bt.addArea({ area_code: NO_ACCESS_AREA, area_name: 'No access' });
    bt.addTerminal({ sn: TERMINAL.sn, alias: TERMINAL.alias, areaId: hq });
    const fr = this.frappe.store;
    if (s.people.some((p) => p.strict)) fr.addShiftType({ name: 'Strict Shift', strictLogType: true });
    for (const p of s.people) {
      bt.addEmployee({ emp_code: p.code, first_name: `First${p.code}`, last_name: 'Chaos', areas: [hq] });
      if (!p.inFrappe) continue;
      const user = s.userControl === 'frappe-user' ? `u${p.code}@example.com` : undefined;
      if (user) fr.addUser({ name: user, enabled: true, roles: ['Employee'] });
      const name = fr.addEmployee({
        employee_name: `Person ${p.code}`,
        attendance_device_id: p.code,
        status: p.status,
        ...(user ? { user_id: user } : {}),
      });
      this.employees.set(p.code, name);
      if (p.strict) fr.assignShift(name, 'Strict Shift');
    }
    // Bound the dispatch once: the cycle runner swaps onBiotime/onFrappe, and a token seen is a token to hunt for.
    this.biotime.knobs.intercept = (req) => {
      const auth = req.headers.authorization;
      if (typeof auth === 'string') this.seenTokens.add(auth.replace(/^\s*\S+\s+/, '').trim());
      return this.onBiotime?.(req);
    };
    this.frappe.knobs.intercept = (req) => this.onFrappe?.(req);
    fs.writeFileSync(this.configFile, JSON.stringify(this.config(), null, 2));
  }

  /** The CLI configuration file: short timeouts so injected timeouts cost seconds, not minutes. */
  config(): object {
    const s = this.scenario;
    // The zones are left out of the file (undefined) when the scenario says so.
    return rawConfig(
      [
        rawDevice({
          id: DEVICE_ID,
          name: 'Head office',
          url: this.biotime.url,
          username: USERNAME,
          site: SITE_ID,
          timeZone: s.deviceZone || undefined,
          authScheme: s.authScheme,
          pageSize: s.pageSize,
          timeoutSeconds: CLIENT_TIMEOUT_MS / 1000,
          punchStates: s.punchStates,
          otherPunchStates: s.otherPunchStates,
          userControl:
            s.userControl === 'off'
              ? { mode: 'off' }
              : {
                  mode: s.userControl,
                  ...(s.userControl === 'area' ? { noAccessArea: NO_ACCESS_AREA } : {}),
                  exempt: s.people.filter((p) => p.exempt).map((p) => p.code),
                },
        }),
      ],
      [
        rawSite({
          id: SITE_ID,
          url: this.frappe.url,
          timeZone: s.siteZoneInConfig ? s.siteZone : undefined,
          timeoutSeconds: CLIENT_TIMEOUT_MS / 1000,
        }),
      ],
    );
  }

  /** Uploads a punch to BioTime now (and, for `manual`, first enters its checkin by hand in Frappe). */
  commit(spec: PunchSpec, cycle: number, midRead = false): void {
    if (spec.kind === 'manual') this.enterByHand(spec);
    const id = this.insert(spec);
    this.ledger.push({ spec, id, cycle, midRead });
  }

  private insert(spec: PunchSpec): number | null {
    const bt = this.biotime.store;
    const odd =
      spec.kind === 'emptyCode' || spec.kind === 'badTime' || spec.kind === 'noId' || typeof spec.state !== 'string';
    if (!odd)
      return bt.addPunch({
        emp_code: spec.code,
        punch_time: spec.time,
        punch_state: spec.state as string,
        terminal_sn: TERMINAL.sn,
        chaos_ref: spec.ref,
      });
    const record: JsonRecord = {
      emp_code: spec.code,
      first_name: `First${spec.code.trim()}`,
      last_name: 'Chaos',
      punch_time: spec.time,
      punch_state: spec.state,
      verify_type: 1,
      terminal_sn: TERMINAL.sn,
      terminal_alias: TERMINAL.alias,
      upload_time: bt.nowText(),
      chaos_ref: spec.ref,
    };
    if (spec.kind === 'noId') {
      bt.addRawTransaction({ id: undefined, ...record });
      return null;
    }
    return bt.addRawTransaction(record);
  }

  /** Takes the next id for `spec` without committing it: a transaction still open in BioTime's database. */
  reserve(spec: PunchSpec): void {
    const bt = this.biotime.store;
    const id = bt.addPunch({
      emp_code: spec.code,
      punch_time: spec.time,
      punch_state: String(spec.state),
      terminal_sn: TERMINAL.sn,
      chaos_ref: spec.ref,
    });
    const record = bt.table.get(id);
    bt.deletePunch(id);
    if (record) this.reserved.set(spec.ref, { ...record });
  }

  /** Commits a reserved punch into its (by now lower than the newest) id. */
  fill(spec: PunchSpec, cycle: number, midRead = false): void {
    const record = this.reserved.get(spec.ref);
    if (!record) return;
    this.reserved.delete(spec.ref);
    const id = this.biotime.store.addRawTransaction({ ...record, upload_time: this.biotime.store.nowText() });
    this.ledger.push({ spec, id, cycle, midRead });
  }

  private enterByHand(spec: PunchSpec): void {
    const e = expectationOf(this.scenario, spec, this.employees);
    if (e.type !== 'manual') return;
    this.frappe.store.addCheckin({
      employee: e.employee,
      time: e.time,
      log_type: e.logType ?? '',
      device_id: 'manual entry',
    });
  }

  async close(keep: boolean): Promise<void> {
    await Promise.all([this.biotime.close(), this.frappe.close()]);
    if (!keep) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
