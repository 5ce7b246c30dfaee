// Issue 11 against the sandbox in real-site mode (the site of docs/reference/frappe-wire): an API user with HR User +
// HR Manager (no System Manager) passes doctor and syncs with the punch times; an Employee-only API user is stopped
// before anything is written, and when its roles cannot be read the wrong times Frappe stores are caught, listed and
// never counted as created, and a rerun after the roles are fixed creates the right checkins. And the cycle on
// Frappe v15 and v16 (POST-only writes, /desk links, overtime_type).
import * as assert from 'node:assert/strict';
import { realSiteKeys } from '../../src/sandbox/frappe/server';
import type { DoctorCheck } from '../../src/shared/model';
import { FrappeClient } from '../../src/frappe/client';
import { frappeSite, recordingLogger } from '../support/frappeKit';
import { FakeClock } from '../support/fakeClock';
import { SECRETS, checkins, punch, world, type World } from './world';
import { FakeCredentials } from '../support/fakeCredentials';

const HQ_CODES = ['101', '102', '103'];

async function realSite(key: { key: string; secret: string }, device: Record<string, unknown> = {}): Promise<World> {
  const w = await world({
    frappe: { realSite: true },
    codes: [],
    frappeKey: key,
    site: { timeZone: 'Asia/Kolkata' },
    device,
  });
  for (const code of HQ_CODES) w.biotime.store.addEmployee({ emp_code: code, first_name: `W${code}`, last_name: 'D' });
  return w;
}

const check = (checks: DoctorCheck[], name: string) => checks.filter((c) => c.check === name);

describe('system: a real Frappe HR v15 site (sandbox real-site mode)', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('HR User + HR Manager, no System Manager: doctor passes the checkin checks, the run keeps the punch times', async () => {
    w = await realSite(realSiteKeys.sync);
    punch(w, '101', '2023-03-03 15:30:21');
    punch(w, '103', '2023-03-03 15:31:00', '1');
    const checks = await w.handle.engine.doctor();
    assert.deepEqual(
      check(checks, 'checkin time').map((c) => c.status),
      ['ok'],
    );
    assert.match(
      check(checks, 'checkin time')[0].detail,
      /sync@acme\.test can write Employee Checkin time \(roles: HR User, HR Manager/,
    );
    assert.deepEqual(
      check(checks, 'create checkin').map((c) => c.status),
      ['ok'],
    );
    assert.deepEqual(
      checks.filter((c) => c.status === 'fail'),
      [],
    );
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed');
    assert.equal(s.counts.created, 2);
    // BioTime in Dubai, the site in Kolkata: +1:30.
    assert.deepEqual(
      checkins(w).map((c) => c.time),
      ['2023-03-03 17:00:21', '2023-03-03 17:01:00'],
    );
  });

  it('frappe-user control: an HR Manager is told before the first run to get write on User; System Manager passes', async () => {
    w = await realSite(realSiteKeys.sync, { userControl: { mode: 'frappe-user' } });
    const hr = check(await w.handle.engine.doctor(), 'user control')[0];
    assert.equal(hr.status, 'fail');
    assert.match(
      hr.detail,
      /sync@acme\.test cannot write User records .*403 "does not have doctype access via role permission for document User"/,
    );
    assert.match(hr.fix!, /^Before the first run, give sync@acme\.test the System Manager role/);
    await w.close();
    w = await realSite(realSiteKeys.sysmgr, { userControl: { mode: 'frappe-user' } });
    const sm = check(await w.handle.engine.doctor(), 'user control')[0];
    assert.equal(sm.status, 'ok', sm.detail);
  });

  it('Employee only: doctor fails the checkin time saying what to grant; the run stops before writing anything', async () => {
    w = await realSite(realSiteKeys.weak);
    punch(w, '103', '2023-03-03 15:30:21');
    const checks = await w.handle.engine.doctor();
    const time = check(checks, 'checkin time')[0];
    assert.equal(time.status, 'fail');
    assert.match(
      time.detail,
      /weak@acme\.test cannot write Employee Checkin "time", a permlevel 1 field \(roles: Employee\)/,
    );
    assert.match(time.fix!, /Give weak@acme\.test the HR User or HR Manager role/);
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'failed');
    assert.match(s.error!.message, /cannot write Employee Checkin "time".*Nothing was read or written/);
    assert.equal(w.frappe.store.checkins().length, 0);
    assert.equal(s.counts.fetched, 0);
  });

  it('roles unreadable: the wrong times Frappe stored are caught, listed, never created; fixed roles → rerun is right', async () => {
    w = await realSite(realSiteKeys.weak);
    w.frappe.store.setPermissions('weak@acme.test', { readUser: false }); // no Has Role list: roles unknown
    punch(w, '103', '2023-03-03 15:30:21');
    punch(w, '103', '2023-03-03 23:59:00', '1');
    const time = check(await w.handle.engine.doctor(), 'checkin time')[0];
    assert.equal(time.status, 'warn');
    assert.match(time.detail, /Could not read the roles of weak@acme\.test.*stop at the first wrong one/);
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'failed');
    assert.equal(s.counts.created, 0);
    const stored = w.frappe.store.checkins();
    assert.ok(stored.length >= 1);
    assert.ok(stored.every((c) => c.time !== '2023-03-03 17:00:21'));
    assert.deepEqual(
      s.wrongCheckins,
      stored.map((c) => c.name),
    );
    assert.match(s.error!.message, /stored \d+ checkin\(s\) with the time of the sync instead of the punch time/);
    for (const c of stored) assert.ok(s.error!.message.includes(String(c.name)));
    assert.match(s.error!.hint!, /HR User or HR Manager.*biotime-sync rerun --device hq/);
    const failed = await w.handle.engine.listFailed('hq');
    assert.equal(failed.length, 2, 'both punches kept as failed');
    // The operator gives the API user HR User and reruns (the wrong checkins not deleted yet).
    w.frappe.store.addUser({ name: 'weak@acme.test', roles: ['Employee', 'HR User'] });
    w.frappe.store.setPermissions('weak@acme.test', { readUser: true });
    const [r] = await w.handle.engine.rerun({ deviceId: 'hq' });
    assert.equal(r.status, 'completed');
    assert.equal(r.counts.created, 2);
    const right = w.frappe.store.checkins().filter((c) => !s.wrongCheckins!.includes(String(c.name)));
    assert.deepEqual(right.map((c) => c.time).sort(), ['2023-03-03 17:00:21', '2023-03-04 01:29:00']);
  });
});

for (const frappeVersion of [15, 16] as const) {
  describe(`system: the cycle on Frappe v${frappeVersion}`, () => {
    let w: World | undefined;
    afterEach(async () => {
      await w?.close();
      w = undefined;
    });

    it('creates, recognises a hand-entered duplicate by name, refuses an inactive employee; never GETs a write method', async () => {
      w = await world({ frappe: { frappeVersion }, codes: ['1001', '1002', '1003'] });
      w.frappe.store.setEmployee(w.emp['1003'], { status: 'Inactive' });
      const hand = w.frappe.store.addCheckin({ employee: w.emp['1002'], time: '2026-11-20 08:00:00', log_type: 'IN' });
      punch(w, '1001', '2026-11-20 08:00:00');
      punch(w, '1001', '2026-11-20 17:00:00', '1');
      punch(w, '1002', '2026-11-20 08:00:00');
      punch(w, '1003', '2026-11-20 08:05:00');
      const s = await w.handle.engine.runDevice('hq');
      assert.equal(s.status, 'completed', JSON.stringify(s.error));
      assert.deepEqual([s.counts.created, s.counts.duplicate, s.counts.failed], [2, 1, 1]);
      const all = await w.outcomes(s.runId);
      assert.equal(all.find((o) => o.empCode === '1002')!.duplicateOf, hand);
      assert.match(all.find((o) => o.empCode === '1003')!.reason!, /Inactive Employee/);
      // A second run creates nothing; the same punches sent again would be duplicates named by the v16 link too.
      const again = await w.handle.engine.rerun({ deviceId: 'hq' });
      assert.equal(again[0].counts.created, 0);
      const gets = Object.keys(w.frappe.stats.byRoute).filter((r) =>
        /^GET \/api\/method\/(?!frappe\.(auth\.get_logged_user|client\.get_time_zone))/.test(r),
      );
      assert.deepEqual(gets, []);
      if (frappeVersion === 16) assert.ok(w.frappe.store.checkins().every((c) => 'overtime_type' in c));
    });

    it(`a duplicate refused at write time is named from the v${frappeVersion} desk link`, async () => {
      w = await world({ frappe: { frappeVersion }, codes: ['1001'] });
      const hand = w.frappe.store.addCheckin({ employee: w.emp['1001'], time: '2026-11-20 08:00:00', log_type: 'IN' });
      const client = new FrappeClient({
        site: frappeSite(w.frappe.url),
        credentials: new FakeCredentials({
          frappeApiKey: SECRETS.frappeApiKey,
          frappeApiSecret: SECRETS.frappeApiSecret,
        }),
        clock: new FakeClock('2026-11-20T06:00:00Z', { autoAdvance: true }),
        logger: recordingLogger(),
      });
      const doc = { employee: w.emp['1001'], time: '2026-11-20 08:00:00', logType: 'IN' as const, deviceId: 'x' };
      const results = await client.insertCheckins([
        { key: 'a', ...doc },
        { key: 'b', ...doc, time: '2026-11-20 09:00:00' },
      ]);
      assert.deepEqual(results[0], {
        key: 'a',
        status: 'duplicate',
        duplicateOf: hand,
        message: (results[0] as { message: string }).message,
      });
      assert.equal(results[1].status, 'created');
      assert.equal(w.frappe.stats.byRoute[`GET /api/method/frappe.client.insert_many`], undefined);
    });
  });
}
