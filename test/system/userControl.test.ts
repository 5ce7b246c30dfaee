// Step 6 against the sandboxes: each mechanism really changes what it claims to change.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { punch, world, type World } from './world';

describe('system: post-checkin user control', function () {
  this.timeout(30_000);
  let w: World;
  afterEach(async () => w && (await w.close()));

  const areaCodes = (w: World, code: string) => {
    const e = w.biotime.store.employees().find((x) => x.emp_code === code) as { area: { area_code: string }[] };
    return e.area.map((a) => a.area_code);
  };

  it('area mode moves an employee who checked out to the no-access area and back on the next IN; exempt codes are never touched', async () => {
    w = await world({ device: { userControl: { mode: 'area', noAccessArea: 'NOACCESS', exempt: ['1003'] } } });
    punch(w, '1001', '2026-11-20 08:00:00', '0');
    punch(w, '1001', '2026-11-20 17:00:00', '1');
    punch(w, '1002', '2026-11-20 08:00:00', '0');
    punch(w, '1003', '2026-11-20 17:00:00', '1');
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed', JSON.stringify(s.error));
    assert.deepEqual(areaCodes(w, '1001'), ['NOACCESS']);
    assert.deepEqual(areaCodes(w, '1002'), ['HQ']);
    assert.deepEqual(areaCodes(w, '1003'), ['HQ']);
    const o = await w.outcomes(s.runId);
    assert.equal(o[0].userControl!.result, 'superseded');
    assert.equal(o[1].userControl!.result, 'applied');
    assert.equal(o[3].userControl!.result, 'exempt');
    punch(w, '1001', '2026-11-21 08:00:00', '0');
    await w.handle.engine.runDevice('hq');
    assert.deepEqual(areaCodes(w, '1001'), ['HQ']);
  });

  it('area mode: the areas to go back to are on disk before BioTime receives the move (a crash right after it loses nothing)', async () => {
    w = await world({ device: { userControl: { mode: 'area', noAccessArea: 'NOACCESS' } } });
    punch(w, '1001', '2026-11-20 17:00:00', '1');
    const onDisk: unknown[] = [];
    // Read the state file the moment BioTime has moved the employee, before the engine hears back: what a process
    // killed at that instant would leave behind.
    w.biotime.knobs.intercept = (req) => {
      if (req.path.endsWith('/adjust_area/')) {
        const state = JSON.parse(fs.readFileSync(path.join(w.stateDir, 'devices', 'hq.json'), 'utf8'));
        onDisk.push(state.userControlMemory?.['1001']);
      }
      return undefined;
    };
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed', JSON.stringify(s.error));
    assert.equal(onDisk.length, 1);
    assert.deepEqual(onDisk[0], {
      kind: 'area',
      employeeId: w.biotime.store.employees().find((e) => e.emp_code === '1001')!.id,
      areas: [1],
    });
    assert.deepEqual(areaCodes(w, '1001'), ['NOACCESS']);
  });

  it('resign mode resigns with disableatt on OUT and reinstates on IN', async () => {
    w = await world({ device: { userControl: { mode: 'resign' } } });
    punch(w, '1001', '2026-11-20 17:00:00', '1');
    await w.handle.engine.runDevice('hq');
    assert.equal(w.biotime.store.resigns().length, 1);
    punch(w, '1001', '2026-11-21 08:00:00', '0');
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.counts.userControlFailed, 0);
    assert.equal(w.biotime.store.resigns().length, 0);
  });

  it('frappe-user mode toggles the linked Frappe User and never disables a System Manager', async () => {
    w = await world({ device: { userControl: { mode: 'frappe-user' } } });
    // Writing User records needs more than HR Manager on a real site (System Manager, or a User permission).
    w.frappe.store.setPermissions('sync@example.com', { readUser: true, writeUser: true });
    w.frappe.store.addUser({ name: 'u1@example.com', enabled: true, roles: ['Employee'] });
    w.frappe.store.addUser({ name: 'admin@example.com', enabled: true, roles: ['System Manager'] });
    w.frappe.store.setEmployee(w.emp['1001'], { user_id: 'u1@example.com' });
    w.frappe.store.setEmployee(w.emp['1002'], { user_id: 'admin@example.com' });
    punch(w, '1001', '2026-11-20 17:00:00', '1');
    punch(w, '1002', '2026-11-20 17:00:00', '1');
    w.frappe.stats.reset();
    await w.handle.engine.runDevice('hq');
    const users = new Map(w.frappe.store.users().map((u) => [u.name, u]));
    assert.ok(!users.get('u1@example.com')!.enabled);
    assert.ok(users.get('admin@example.com')!.enabled);
    // Both Users were read with the User and Has Role lists, not one GET each; only u1 was written.
    assert.equal(w.frappe.stats.byRoute['GET /api/resource/User/{name}'], undefined);
    assert.equal(w.frappe.stats.byRoute['PUT /api/resource/User/{name}'], 1);
  });
});
