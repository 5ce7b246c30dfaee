// Engine problems found by the fault campaign (`npm run chaos`), each reduced to a minimal deterministic
// reproduction. They are kept skipped until the engine is fixed (the campaign's owner does not patch src/core,
// src/biotime or src/frappe); un-skip a test together with its fix.
import * as assert from 'node:assert/strict';
import { punch, world, type World } from './world';

describe('system: fault-campaign findings (skipped until fixed)', function () {
  this.timeout(30_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  const areaCodes = (x: World, code: string) => (x.biotime.store.employees().find((e) => e.emp_code === code) as { area: { area_code: string }[] }).area.map((a) => a.area_code);

  // Found by `npm run chaos -- --seed 7 --only 2` (and --seed 11 --only 11): the user-control planner keeps "the
  // latest punch decides" only within a run (pendingUserControl is emptied once applied), so an older punch that
  // reaches a later run — a terminal back online uploading the morning, a transaction committed out of id order —
  // re-applies its stale decision. Payroll impact: none; access impact: an employee who checked out keeps (or
  // regains) access, or the opposite.
  it('user control: an older IN uploaded late does not re-enable an employee whose later OUT was applied', async () => {
    w = await world({ device: { userControl: { mode: 'area', noAccessArea: 'NOACCESS' } } });
    punch(w, '1001', '2026-11-20 17:00:00', '1');
    assert.equal((await w.handle.engine.runDevice('hq')).status, 'completed');
    assert.deepEqual(areaCodes(w, '1001'), ['NOACCESS']);
    // The terminal at the side door was offline: its 08:00 IN of the same day arrives after the 17:00 OUT.
    punch(w, '1001', '2026-11-20 08:00:00', '0', { upload_time: '2026-11-20 18:00:00' });
    assert.equal((await w.handle.engine.runDevice('hq')).status, 'completed');
    assert.deepEqual(areaCodes(w, '1001'), ['NOACCESS'], 'the 17:00 OUT is still the latest punch: the employee stays disabled');
  });
});
