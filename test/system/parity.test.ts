// Parity with the tools operators already use: Shift Type "Last Sync of Checkin", geolocation, terminal health.
import * as assert from 'node:assert/strict';
import { addSecondsNaive, formatInZone } from '../../src/core/time';
import { checkins, punch, world, type World } from './world';

const ZONE = 'Asia/Dubai';
const nowNaive = (offsetSeconds = 0) => addSecondsNaive(formatInZone(new Date(), ZONE), offsetSeconds);

describe('system: Shift Type last sync, geolocation, terminal health', function () {
  this.timeout(30_000);
  let w: World;
  afterEach(async () => w && (await w.close()));

  it('moves Last Sync of Checkin forward to the run start minus the margin, in the site zone', async () => {
    w = await world({ site: { shiftTypes: [{ shiftType: 'Day' }], shiftSyncMarginMinutes: 10 } });
    w.frappe.store.addShiftType({ name: 'Day', last_sync_of_checkin: '2026-01-01 00:00:00' });
    punch(w, '1001', nowNaive(-3600));
    const before = nowNaive(-600);
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed');
    const day = w.frappe.store.shiftTypes().find((x) => x.name === 'Day')!;
    const moved = String(day.last_sync_of_checkin).slice(0, 19);
    assert.ok(moved >= addSecondsNaive(before, -5) && moved <= nowNaive(-590), `moved to ${moved}`);
    const [st] = await w.handle.engine.shiftStatus();
    assert.equal(st.records[0].status, 'moved');
  });

  it('holds a shift back while a terminal is behind, and catches up when it comes back with old punches', async () => {
    w = await world({ site: { shiftTypes: [{ shiftType: 'Day' }], shiftSyncMarginMinutes: 5 } });
    w.frappe.store.addShiftType({ name: 'Day', last_sync_of_checkin: '2026-01-01 00:00:00' });
    const hq = w.biotime.store.areas()[0].id as number;
    w.biotime.store.addTerminal({ sn: 'W1', alias: 'Warehouse', areaId: hq, lastActivity: nowNaive(-3 * 3600) });
    punch(w, '1001', nowNaive(-7200));
    await w.handle.engine.runDevice('hq');
    const held = String(w.frappe.store.shiftTypes()[0].last_sync_of_checkin).slice(0, 19);
    assert.ok(held <= nowNaive(-3 * 3600 - 290) && held >= nowNaive(-3 * 3600 - 330), `held at ${held}`);
    const [st] = await w.handle.engine.shiftStatus();
    assert.match(st.records[0].reason, /terminal Warehouse \(device hq\) last seen 3 h ago/);
    const status = await w.handle.engine.status();
    assert.deepEqual(
      status[0].terminals.filter((t) => t.offline).map((t) => t.alias),
      ['Warehouse'],
    );
    // The warehouse terminal reconnects and uploads the punches it held, from inside the held window.
    w.biotime.store.setTerminalActivity('W1', nowNaive());
    w.biotime.store.addPunch({
      emp_code: '1002',
      punch_time: nowNaive(-2 * 3600),
      punch_state: '0',
      terminal_sn: 'W1',
    });
    const s2 = await w.handle.engine.runDevice('hq');
    assert.equal(s2.counts.created, 1);
    const after = String(w.frappe.store.shiftTypes()[0].last_sync_of_checkin).slice(0, 19);
    assert.ok(after > nowNaive(-600), `caught up to ${after}`);
    assert.equal(checkins(w).length, 2);
  });

  it('never moves a shift back and leaves auto-updating shifts alone (doctor says so)', async () => {
    w = await world({ site: { shiftTypes: [{ shiftType: 'Future' }, { shiftType: 'Auto' }] } });
    w.frappe.store.addShiftType({ name: 'Future', last_sync_of_checkin: '2099-01-01 00:00:00' });
    w.frappe.store.addShiftType({
      name: 'Auto',
      last_sync_of_checkin: '2026-01-01 00:00:00',
      auto_update_last_sync: true,
    });
    await w.handle.engine.runDevice('hq');
    const byName = new Map(
      w.frappe.store.shiftTypes().map((x) => [x.name, String(x.last_sync_of_checkin).slice(0, 19)]),
    );
    assert.equal(byName.get('Future'), '2099-01-01 00:00:00');
    assert.equal(byName.get('Auto'), '2026-01-01 00:00:00');
    const [st] = await w.handle.engine.shiftStatus();
    assert.deepEqual(
      st.records.map((r) => r.status),
      ['unchanged', 'autoUpdate'],
    );
    const checks = await w.handle.engine.doctor('hq');
    assert.ok(
      checks.some(
        (c) => c.check === 'Shift Types' && c.status === 'warn' && /Auto Update Last Sync of Checkin/.test(c.detail),
      ),
    );
  });

  it('sends coordinates where the site requires them: the punch own, else the terminal configured ones', async () => {
    w = await world({ device: { terminalLocations: { T1: { latitude: 25.2048, longitude: 55.2708 } } } });
    w.frappe.store.setHrSettings({ allow_geolocation_tracking: true });
    const hq = w.biotime.store.areas()[0].id as number;
    w.biotime.store.addTerminal({ sn: 'T2', alias: 'Back door', areaId: hq });
    punch(w, '1001', '2026-11-20 08:00:00');
    w.biotime.store.addPunch({
      emp_code: '1002',
      punch_time: '2026-11-20 08:01:00',
      punch_state: '0',
      latitude: 24.4539,
      longitude: 54.3773,
    });
    w.biotime.store.addPunch({
      emp_code: '1003',
      punch_time: '2026-11-20 08:02:00',
      punch_state: '0',
      terminal_sn: 'T2',
    });
    const s = await w.handle.engine.runDevice('hq');
    assert.deepEqual([s.counts.created, s.counts.failed], [2, 1]);
    const made = new Map(checkins(w).map((c) => [c.employee, c]));
    assert.equal(Number(made.get(w.emp['1001'])!.latitude), 25.2048);
    assert.equal(Number(made.get(w.emp['1002'])!.longitude), 54.3773);
    const [f] = await w.handle.engine.listFailed();
    assert.match(f.reason, /Latitude and longitude values are required/);
    const checks = await w.handle.engine.doctor('hq');
    const geo = checks.find((c) => c.check === 'geolocation' && c.status === 'warn');
    assert.ok(
      geo && /Back door \(T2\)/.test(geo.detail),
      JSON.stringify(checks.filter((c) => c.check === 'geolocation')),
    );
  });
});
