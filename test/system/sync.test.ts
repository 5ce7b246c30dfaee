// The whole cycle, step by step, against the simulated BioTime and Frappe HR servers over HTTP.
import * as assert from 'node:assert/strict';
import { checkins, punch, world, type World } from './world';

describe('system: sync cycle against the sandboxes', function () {
  this.timeout(30_000);
  let w: World;
  afterEach(async () => w && (await w.close()));

  it('fetches every page with page_size, ignores next-link hosts, creates checkins with device_id and log types', async () => {
    w = await world({
      biotime: { internalHost: 'biotime.internal.invalid:8081' },
      device: { pageSize: 10, punchStates: { '0': 'IN', '1': 'OUT', '2': 'OUT' } },
    });
    for (let i = 0; i < 25; i++)
      punch(w, ['1001', '1002', '1003'][i % 3], `2026-11-20 08:${String(i).padStart(2, '0')}:00`, String(i % 4));
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed', JSON.stringify(s.error));
    assert.equal(s.counts.created, 25);
    const made = checkins(w);
    assert.equal(made.length, 25);
    assert.deepEqual([...new Set(made.map((c) => c.log_type))].sort(), ['IN', 'OUT']);
    assert.equal(made.filter((c) => c.log_type === 'OUT').length, 12); // states 1 and 2 → OUT (6 + 6); 0 and 3 → IN
    const pages = w.biotime.stats.byRoute['GET /iclock/api/transactions/'];
    assert.ok(pages >= 3 && pages <= 6, `pages requested: ${pages}`);
  });

  it('reuses the JWT across runs and logs in again once after it expires mid-pagination', async () => {
    w = await world();
    for (let i = 0; i < 30; i++) punch(w, '1001', `2026-11-20 09:${String(i).padStart(2, '0')}:00`);
    await w.handle.engine.runDevice('hq');
    punch(w, '1002', '2026-11-20 10:00:00');
    await w.handle.engine.runDevice('hq');
    assert.equal(w.biotime.stats.byRoute['POST /jwt-api-token-auth/'], 1);
    for (let i = 0; i < 30; i++) punch(w, '1003', `2026-11-21 09:${String(i).padStart(2, '0')}:00`);
    w.biotime.store.expireTokensAfter(2);
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed', JSON.stringify(s.error));
    assert.equal(s.counts.created, 30);
    assert.equal(w.biotime.stats.byRoute['POST /jwt-api-token-auth/'], 2);
  });

  it('uses the general token scheme when configured', async () => {
    w = await world({ device: { authScheme: 'token' } });
    punch(w, '1001', '2026-11-20 08:00:00');
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.counts.created, 1);
    assert.equal(w.biotime.stats.byRoute['POST /api-token-auth/'], 1);
  });

  it('stops on bad credentials with a clear error and does not hammer the login endpoint', async () => {
    w = await world();
    w.biotime.store.setPassword('api', 'changed-elsewhere');
    punch(w, '1001', '2026-11-20 08:00:00');
    const s1 = await w.handle.engine.runDevice('hq');
    assert.equal(s1.status, 'failed');
    assert.match(s1.error!.message, /refused|credentials|password/i);
    assert.ok(s1.error!.hint);
    const s2 = await w.handle.engine.runDevice('hq');
    assert.equal(s2.status, 'failed');
    assert.equal(w.biotime.stats.byRoute['POST /jwt-api-token-auth/'], 1);
    assert.ok(!JSON.stringify([s1, s2, w.logs]).includes('changed-elsewhere'));
  });

  it('keeps codes as text, fails unknown codes with the seed reason, and recognises duplicates', async () => {
    w = await world({ codes: ['0042', '42'] });
    w.frappe.store.addCheckin({
      employee: w.emp['42'],
      time: '2026-11-20 08:05:00',
      log_type: 'OUT',
      device_id: 'manual',
    });
    punch(w, '0042', '2026-11-20 08:00:00');
    punch(w, '42', '2026-11-20 08:05:00');
    punch(w, '7777', '2026-11-20 08:06:00');
    const s = await w.handle.engine.runDevice('hq');
    const o = await w.outcomes(s.runId);
    assert.equal(o[0].employee, w.emp['0042']);
    assert.equal(o[1].outcome, 'duplicate');
    assert.match(o[1].reason!, /^duplicate of EMP-CKIN-/);
    assert.equal(o[2].reason, 'no employee with Biometric ID 7777');
    const failed = await w.handle.engine.listFailed('hq');
    assert.equal(failed[0].raw.emp_code, '7777');
  });

  it('converts from the BioTime zone to the site zone', async () => {
    w = await world({ device: { timeZone: 'Asia/Riyadh' } });
    punch(w, '1001', '2026-11-20 23:30:00');
    await w.handle.engine.runDevice('hq');
    assert.equal(checkins(w)[0].time, '2026-11-21 00:30:00');
  });

  it('one refused punch never blocks its batch; Frappe messages are decoded', async () => {
    w = await world({ codes: ['1001', '1002', '1003'] });
    w.frappe.store.setEmployee(w.emp['1002'], { status: 'Inactive' });
    punch(w, '1001', '2026-11-20 08:00:00');
    punch(w, '1002', '2026-11-20 08:01:00');
    punch(w, '1003', '2026-11-20 08:02:00');
    const s = await w.handle.engine.runDevice('hq');
    assert.deepEqual([s.counts.created, s.counts.failed], [2, 1]);
    const [f] = await w.handle.engine.listFailed('hq');
    assert.match(f.reason, /^Transactions cannot be created for an Inactive Employee/);
    assert.ok(!/[<>{}]|_server_messages/.test(f.reason), f.reason);
  });

  it('retries transient Frappe failures (503, 429 Retry-After, reset) and creates each checkin once', async () => {
    w = await world();
    for (let i = 0; i < 12; i++) punch(w, '1001', `2026-11-20 08:${String(i).padStart(2, '0')}:00`);
    w.frappe.faults.injectNext('503', 1, /insert_many/);
    w.frappe.faults.injectNext('429', 1, /get_list/);
    w.frappe.faults.injectNext('reset', 1, /insert_many/);
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed', JSON.stringify(s.error));
    assert.equal(s.counts.created, 12);
    assert.equal(checkins(w).length, 12);
  });

  it('picks up a late upload with an old punch time, and a deleted row does not make it skip anything', async () => {
    w = await world({ device: { pageSize: 10 } });
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(punch(w, '1001', `2026-11-20 08:${String(i).padStart(2, '0')}:00`));
    await w.handle.engine.runDevice('hq');
    w.biotime.store.deletePunch(ids[3]);
    w.biotime.store.deletePunch(ids[15]);
    punch(w, '1002', '2026-11-12 07:00:00', '0', { upload_time: '2026-11-20 12:00:00' });
    for (let i = 0; i < 11; i++) punch(w, '1003', `2026-11-20 13:${String(i).padStart(2, '0')}:00`);
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.counts.created, 12);
    assert.equal(checkins(w).length, 32);
  });

  it('dry run writes nothing anywhere', async () => {
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    punch(w, '9999', '2026-11-20 08:01:00');
    const before = w.frappe.stats.total;
    const s = await w.handle.engine.runDevice('hq', { dryRun: true });
    assert.deepEqual([s.counts.created, s.counts.failed], [1, 1]);
    assert.equal(w.frappe.store.checkins().length, 0);
    assert.equal(w.frappe.stats.byRoute['POST /api/method/frappe.client.insert_many'] ?? 0, 0);
    assert.ok(w.frappe.stats.total > before);
    assert.equal((await w.handle.engine.status())[0].cursor, null);
  });

  it('reruns a failed punch after the Biometric ID is set, never duplicating', async () => {
    w = await world();
    punch(w, '5555', '2026-11-20 08:00:00');
    punch(w, '1001', '2026-11-20 08:00:00');
    await w.handle.engine.runDevice('hq');
    const name = w.frappe.store.addEmployee({ employee_name: 'New Hire' });
    await w.handle.engine.linkEmployee('hq', name, '5555');
    const [r] = await w.handle.engine.rerun({ deviceId: 'hq' });
    assert.equal(r.counts.created, 1);
    assert.equal((await w.handle.engine.listFailed()).length, 0);
    assert.equal((await w.handle.engine.rerun({ deviceId: 'hq' })).length, 0);
    assert.equal(checkins(w).length, 2);
  });
});

describe('system: BioTime clock far behind ours', function () {
  this.timeout(30_000);
  it('reuses the JWT instead of logging in for every request', async () => {
    const w = await world({ biotime: { now: () => new Date(Date.now() - 3 * 3600_000), jwtLifetimeSeconds: 3600 } });
    try {
      for (let i = 0; i < 40; i++) punch(w, '1001', `2026-11-20 08:${String(i).padStart(2, '0')}:00`);
      const s = await w.handle.engine.runDevice('hq');
      assert.equal(s.status, 'completed');
      assert.equal(w.biotime.stats.byRoute['POST /jwt-api-token-auth/'], 1);
    } finally {
      await w.close();
    }
  });
});
