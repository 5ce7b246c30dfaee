// Engine problems found by the fault campaign (`npm run chaos`), each reduced to a minimal deterministic
// reproduction. A new one is added skipped (the campaign's owner does not patch src/core, src/biotime or
// src/frappe) and un-skipped with its fix; fixed ones stay as regression tests.
import * as assert from 'node:assert/strict';
import { createEngine } from '../../src/app/createEngine';
import { StaticCredentials } from '../../src/app/staticCredentials';
import { systemClock } from '../../src/core/clock';
import { validateConfig } from '../../src/core/config';
import { nullLogger } from '../../src/core/redact';
import { checkins, punch, SECRETS, world, type World } from './world';

describe('system: fault-campaign findings', function () {
  this.timeout(30_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  const areaCodes = (x: World, code: string) =>
    (x.biotime.store.employees().find((e) => e.emp_code === code) as { area: { area_code: string }[] }).area.map(
      (a) => a.area_code,
    );

  // Found by `npm run chaos -- --seed 7 --only 2` (and --seed 11 --only 11), fixed in a9c3e85: the planner kept "the
  // latest punch decides" only within a run (pendingUserControl is emptied once applied), so an older punch that
  // reaches a later run — a terminal back online uploading the morning, a transaction committed out of id order —
  // re-applied its stale decision. Payroll impact: none; access impact: an employee who checked out keeps (or
  // regains) access, or the opposite.
  it('user control: an older IN uploaded late does not re-enable an employee whose later OUT was applied', async () => {
    w = await world({ device: { userControl: { mode: 'area', noAccessArea: 'NOACCESS' } } });
    punch(w, '1001', '2026-11-20 17:00:00', '1');
    assert.equal((await w.handle.engine.runDevice('hq')).status, 'completed');
    assert.deepEqual(areaCodes(w, '1001'), ['NOACCESS']);
    // The terminal at the side door was offline: its 08:00 IN of the same day arrives after the 17:00 OUT.
    punch(w, '1001', '2026-11-20 08:00:00', '0', { upload_time: '2026-11-20 18:00:00' });
    assert.equal((await w.handle.engine.runDevice('hq')).status, 'completed');
    assert.deepEqual(
      areaCodes(w, '1001'),
      ['NOACCESS'],
      'the 17:00 OUT is still the latest punch: the employee stays disabled',
    );
  });

  // Found by `npm run chaos -- --seed 1 --only 4` (and 7, 24, 46), fixed in a9c3e85: README "Time zones" promises
  // that a wall time in the hour skipped when clocks go forward becomes a failed punch rather than a guess, but
  // convertNaive (src/core/time.ts) returned the text unchecked when the device and the site share the zone, so
  // 01:30 on the night London springs forward became a checkin at a time that never existed.
  it('a wall time in the DST gap is a failed punch also when BioTime and Frappe share the zone', async () => {
    w = await world({ device: { timeZone: 'Europe/London' }, site: { timeZone: 'Europe/London' } });
    punch(w, '1001', '2026-03-29 01:30:00');
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed');
    assert.equal(checkins(w).length, 0, 'no checkin at a time that does not exist');
    const [f] = await w.handle.engine.listFailed('hq');
    assert.equal(f?.failure, 'timeZone');
  });

  // Found by `npm run chaos -- --seed 7 --only 2` (and seed 500 runs 16, 28, 68, 73), fixed in 02bbff6: a record
  // without an id was yielded only once a row with an id above the cursor had been seen earlier in the same read,
  // so one listed before every row with an id was never read — neither a checkin nor a failed punch.
  it('a record without an id listed before every other row still becomes a failed punch', async () => {
    w = await world();
    w.biotime.store.addRawTransaction({
      id: undefined,
      emp_code: '1001',
      punch_time: '2026-11-20 07:59:00',
      punch_state: '0',
      terminal_sn: 'T1',
      chaos_ref: 'first',
    });
    punch(w, '1002', '2026-11-20 08:00:00');
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'completed');
    assert.equal(checkins(w).length, 1);
    const failed = await w.handle.engine.listFailed('hq');
    assert.equal(failed.length, 1, 'the id-less record is kept as a failed punch');
    assert.equal(failed[0].failure, 'badRecord');
  });

  // Found by `npm run chaos -- --seed 500 --only 265` (cursor passed transaction 38 in cycle 3). Between two page
  // reads an admin deletes synced transactions while as many new punches arrive: `count` is unchanged and rows move
  // left, so the next page starts past rows never read. The reader's shift check (count changed, or a page starting
  // at or below the last id read) does not fire; the skipped ids become watched "gaps" and the cursor moves past
  // them. Gaps used to expire after 2 hours, so when the next run came later (a laptop closed for the night) the
  // punches were lost. Fixed in 586afe2 for the loss: a gap now expires only after three complete reads looked for
  // it. The run itself still skips the rows and the next run syncs them; that is by design now: the watched gaps
  // are part of the cursor (`status --json` lists them as watchedGaps, `status` counts them), and the campaign's
  // cursor check treats a watched id as not yet passed (a punch under the cursor that is neither processed nor
  // watched is still a violation).
  it('rows moved left between two page reads (deletions balanced by uploads) are watched and synced by the next run, even 3 hours later', async () => {
    w = await world({ device: { pageSize: 10 } });
    const at = (day: string, i: number) =>
      `${day} ${String(6 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
    const codes = ['1001', '1002', '1003'];
    for (let i = 0; i < 30; i++) punch(w, codes[i % 3], at('2026-11-20', i));
    assert.equal((await w.handle.engine.runDevice('hq')).status, 'completed');
    for (let i = 30; i < 230; i++) punch(w, codes[i % 3], at('2026-11-20', i));
    let shifted = false;
    w.biotime.knobs.intercept = (req) => {
      if (shifted || req.path !== '/iclock/api/transactions/' || Number(req.query.get('page')) < 5) return undefined;
      shifted = true;
      w!.biotime.store.deletePunch(3);
      w!.biotime.store.deletePunch(4);
      punch(w!, '1001', '2026-11-21 09:00:00');
      punch(w!, '1002', '2026-11-21 09:01:00');
      return undefined;
    };
    const second = await w.handle.engine.runDevice('hq');
    w.biotime.knobs.intercept = undefined;
    assert.ok(shifted && second.status === 'completed');
    // The rows that moved left past the page boundary were not read in this run: they are watched as gaps.
    assert.ok((await w.handle.store.loadDevice('hq')).cursor!.gaps!.length > 0, 'the skipped ids are watched');
    // ...and status lists them: every row in BioTime still without a checkin is under a watched gap (the two deleted
    // rows keep the checkins the first run made).
    const [st] = await w.handle.engine.status();
    const rows = w.biotime.store.transactions().map((t) => Number(t.id));
    const watched = rows.filter((id) => st.watchedGaps.some((g) => id >= g.from && id <= g.to));
    assert.ok(watched.length > 0 && watched.every((id) => id < st.cursor!), JSON.stringify(st.watchedGaps));
    assert.equal(checkins(w).length + watched.length, rows.length + 2, `watched ${watched.join(', ')}`);
    // Three hours and the night shift's 60 punches later, the next run.
    for (let i = 0; i < 60; i++) punch(w, codes[i % 3], at('2026-11-21', 120 + i));
    await w.handle.dispose();
    const later = createEngine({
      config: validateConfig(w.rawConfig),
      stateDir: w.stateDir,
      credentials: new StaticCredentials(SECRETS),
      logger: nullLogger,
      clock: { ...systemClock, now: () => new Date(Date.now() + 3 * 3600_000) },
    });
    try {
      assert.equal((await later.engine.runDevice('hq')).status, 'completed');
      assert.equal(checkins(w).length, 292, 'nothing lost');
    } finally {
      await later.dispose();
    }
  });
});
