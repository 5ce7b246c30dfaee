// The punch history and the reports through the CLI, as an operator runs them, against the sandboxes.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkins, punch, SECRETS, world, type World } from './world';

import { CLI } from './cliPath';

const env = {
  ...process.env,
  TZ: 'Asia/Dubai',
  BIOTIME_PASSWORD_HQ: SECRETS.biotimePassword,
  FRAPPE_API_KEY_ACME: SECRETS.frappeApiKey,
  FRAPPE_API_SECRET_ACME: SECRETS.frappeApiSecret,
};

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

describe('system: punch history and reports through the CLI', function () {
  this.timeout(60_000);
  let w: World;
  let opts: string[];
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
  });
  beforeEach(async () => {
    w = await world();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-hist-'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(w.rawConfig));
    opts = ['--config', path.join(dir, 'config.json'), '--state-dir', path.join(dir, 'state')];
  });
  afterEach(async () => w && (await w.close()));

  it('history lists every punch with its outcome; filters, --json and --csv agree with Frappe', async () => {
    punch(w, '1001', '2026-11-20 08:00:00');
    punch(w, '8888', '2026-11-20 08:01:00');
    punch(w, '1002', '2026-11-21 17:30:00', '1', { upload_time: '2026-11-23 09:00:00' });
    assert.equal((await cli(['run', ...opts])).code, 0);
    const all = JSON.parse((await cli(['history', '--json', ...opts])).out);
    assert.equal(all.punches.length, 3);
    assert.deepEqual(
      all.punches.map((p: { empCode: string; outcome: string }) => `${p.empCode}:${p.outcome}`),
      ['1002:created', '8888:failed', '1001:created'],
      'newest first, each with its outcome',
    );
    const names = new Set(checkins(w).map((c) => c.name));
    for (const p of all.punches.filter((x: { outcome: string }) => x.outcome === 'created'))
      assert.ok(names.has(p.checkin), `checkin ${p.checkin} exists in Frappe`);
    const failed = JSON.parse((await cli(['history', '--json', '--outcome', 'failed', ...opts])).out);
    assert.equal(failed.punches.length, 1);
    assert.equal(failed.punches[0].reason, 'no employee with Biometric ID 8888');
    const byCode = JSON.parse((await cli(['history', '--json', '--code', '1002', ...opts])).out);
    assert.equal(byCode.punches[0].logType, 'OUT');
    assert.equal(byCode.punches[0].uploadTime, '2026-11-23 09:00:00');
    const day = JSON.parse(
      (await cli(['history', '--json', '--from', '2026-11-20', '--to', '2026-11-20', ...opts])).out,
    );
    assert.deepEqual(day.punches.map((p: { empCode: string }) => p.empCode).sort(), ['1001', '8888']);
    const byName = JSON.parse((await cli(['history', '--json', '--name', 'employee 1001', ...opts])).out);
    assert.deepEqual(
      byName.punches.map((p: { empCode: string }) => p.empCode),
      ['1001'],
    );
    const csvOut = (await cli(['history', '--csv', '--terminal', 'Main gate', ...opts])).out.trim().split('\r\n');
    assert.equal(csvOut.length, 4, 'header and three punches');
    assert.match(csvOut[0], /^device,punch,transaction_id,emp_code/);
    const text = (await cli(['history', '--limit', '1', ...opts])).out;
    assert.match(text, /Showing the newest 1; more match/);
  });

  it('a dismissed failed punch and a rerun show in the history; failed --csv lists every device', async () => {
    punch(w, '8888', '2026-11-20 08:01:00');
    punch(w, '7777', '2026-11-20 08:02:00');
    await cli(['run', ...opts]);
    const csvOut = (await cli(['failed', '--csv', ...opts])).out.trim().split('\r\n');
    assert.equal(csvOut.length, 3);
    assert.match(csvOut[1], /^hq,/);
    const keys = JSON.parse((await cli(['failed', '--json', ...opts])).out).failed.map((f: { key: string }) => f.key);
    assert.equal((await cli(['dismiss', '--device', 'hq', '--punch', keys[0], ...opts])).code, 0);
    w.frappe.store.addEmployee({ employee_name: 'Employee 7777', attendance_device_id: '7777' });
    assert.equal((await cli(['rerun', ...opts])).code, 0);
    const h = JSON.parse((await cli(['history', '--json', ...opts])).out);
    const by = Object.fromEntries(h.punches.map((p: { empCode: string }) => [p.empCode, p]));
    assert.equal(by['8888'].outcome, 'dismissed');
    assert.equal(by['7777'].outcome, 'created');
    assert.equal(by['7777'].rerun, true);
    const reruns = JSON.parse((await cli(['history', '--json', '--outcome', 'rerun', ...opts])).out);
    assert.deepEqual(
      reruns.punches.map((p: { empCode: string }) => p.empCode),
      ['7777'],
    );
  });

  it('report gives per-day outcomes and terminal delays; missing-checkouts finds the IN with no OUT', async () => {
    const today = new Date(Date.now() + 4 * 3_600_000).toISOString().slice(0, 10);
    punch(w, '1001', `${today} 08:00:00`, '0');
    punch(w, '1001', `${today} 17:00:00`, '1');
    punch(w, '1002', `${today} 08:30:00`, '0');
    await cli(['run', ...opts]);
    const r = JSON.parse((await cli(['report', '--days', '7', '--json', ...opts])).out);
    assert.equal(r.perDay.length, 7);
    assert.equal(r.perDay[6].day, today);
    assert.equal(r.perDay[6].created, 3);
    assert.equal(r.totals.created, 3);
    assert.equal(r.terminals[0].punches, 3);
    assert.equal(r.devices[0].deviceId, 'hq');
    assert.ok(r.devices[0].cursor > 0);
    const m = JSON.parse((await cli(['report', 'missing-checkouts', '--date', today, '--json', ...opts])).out);
    assert.deepEqual(
      m.missing.map((x: { empCode: string }) => x.empCode),
      ['1002'],
    );
    const before = checkins(w).length;
    assert.match((await cli(['report', ...opts])).out, /Failed waiting/);
    assert.equal(checkins(w).length, before, 'reports never create anything');
  });

  it("report shows each Shift Type's Last Sync of Checkin over time, with what held it back", async () => {
    await w.close();
    w = await world({ site: { shiftTypes: [{ shiftType: 'Day' }], shiftSyncMarginMinutes: 5 } });
    fs.writeFileSync(opts[1], JSON.stringify(w.rawConfig));
    w.frappe.store.addShiftType({ name: 'Day', last_sync_of_checkin: '2026-01-01 00:00:00' });
    const naive = (ms: number) =>
      new Date(Date.now() + 4 * 3_600_000 + ms).toISOString().slice(0, 19).replace('T', ' ');
    punch(w, '1001', naive(-3_600_000));
    assert.equal((await cli(['run', ...opts])).code, 0);
    // A terminal three hours behind holds the shift back on the next run.
    const area = w.biotime.store.areas()[0].id as number;
    w.biotime.store.addTerminal({ sn: 'W1', alias: 'Warehouse', areaId: area, lastActivity: naive(-3 * 3_600_000) });
    assert.equal((await cli(['run', ...opts])).code, 0);
    const r = JSON.parse((await cli(['report', '--days', '7', '--json', ...opts])).out);
    assert.equal(r.shiftHistory.length, 1);
    assert.equal(r.shiftHistory[0].site, 'acme');
    const points = r.shiftHistory[0].points as { shiftType: string; status: string; reason: string }[];
    assert.deepEqual(
      points.map((p) => `${p.shiftType}:${p.status}`),
      ['Day:moved', 'Day:held'],
    );
    assert.match(points[1].reason, /terminal Warehouse \(device hq\)/);
    const text = (await cli(['report', '--days', '7', ...opts])).out;
    assert.match(text, /Last Sync of Checkin over time/);
    assert.match(text, /held .*terminal Warehouse/);
  });

  it('bad filters are usage errors that say what to write', async () => {
    const r = await cli(['history', '--from', '20-11-2026', ...opts]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--from '20-11-2026' is not a date: write YYYY-MM-DD/);
    const o = await cli(['history', '--outcome', 'lost', ...opts]);
    assert.match(o.err, /--outcome 'lost' is not one of created, duplicate, failed, skipped, dismissed, rerun/);
    const d = await cli(['history', '--device', 'nope', ...opts]);
    assert.equal(d.code, 2);
    assert.match(d.err, /No device 'nope'/);
    assert.equal((await cli(['report', 'missing-checkouts', ...opts])).code, 2);
  });
});
