import * as assert from 'node:assert/strict';
import {
  MAX_PAUSE_MS,
  POLITE_FIRST_BATCH,
  POLITE_MIN_BATCH,
  POLITE_REQUEST_MS,
  WritePace,
  inWindow,
} from '../../../src/frappe/pace';
import { parseHoursWindow } from '../../../src/core/configSchema';

describe('frappe: WritePace (issue 14, polite and fast writes)', () => {
  it('fast: every worker, batches of the site maximum, never a pause', () => {
    const p = new WritePace('fast', 2, 200);
    assert.equal(p.inFlight, 2);
    assert.equal(p.observe(200, 2000), 0);
    assert.equal(p.observe(200, 60_000), 0);
  });

  it('polite: one request in flight, a small first batch, then about two seconds of site work', () => {
    const p = new WritePace('polite', 2, 400);
    assert.equal(p.inFlight, 1);
    assert.equal(p.nextSize(1000), POLITE_FIRST_BATCH);
    p.observe(50, 1000); // 20 ms a document → 100 documents in two seconds
    assert.equal(p.nextSize(1000), POLITE_REQUEST_MS / 20);
    // Evened out: 250 left in requests of at most 100 → 3 of 84/83/83, not 100/100/50.
    assert.equal(p.nextSize(250), 84);
  });

  it('polite: stays within the minimum and the site maximum', () => {
    const fast = new WritePace('polite', 2, 200);
    fast.observe(100, 10); // 0.1 ms a document
    assert.equal(fast.nextSize(5000), 200);
    const slow = new WritePace('polite', 2, 200);
    slow.observe(10, 10_000); // 1 s a document
    assert.equal(slow.nextSize(5000), POLITE_MIN_BATCH);
    assert.equal(slow.nextSize(3), 3);
  });

  it('polite: pauses for the extra time only when the site got much slower than its recent best', () => {
    const p = new WritePace('polite', 2, 200);
    assert.equal(p.observe(100, 1000), 0);
    assert.equal(p.observe(100, 1400), 0, 'a 40% slower answer is noise or a growing table');
    assert.equal(p.observe(100, 3000), 2000, 'three times slower: leave the site the extra 2 s');
    assert.equal(p.observe(100, 100_000), MAX_PAUSE_MS);
  });

  it('fastWriteHours: a polite site is written fast inside the window (local time, across midnight)', () => {
    const night = parseHoursWindow('22:00-06:00')!;
    assert.deepEqual(night, { from: 22 * 60, to: 6 * 60 });
    const local = (h: number, m = 0) => new Date(2024, 4, 24, h, m);
    assert.equal(inWindow(night, local(23)), true);
    assert.equal(inWindow(night, local(5, 59)), true);
    assert.equal(inWindow(night, local(6)), false);
    assert.equal(inWindow(night, local(12)), false);
    assert.equal(inWindow(parseHoursWindow('01:30-04:00')!, local(2)), true);
    const p = new WritePace('polite', 2, 200, night);
    assert.equal(p.at(local(12)), 'polite');
    assert.equal(p.inFlight, 1);
    assert.equal(p.at(local(23)), 'fast');
    assert.equal(p.inFlight, 2);
    assert.equal(new WritePace('fast', 2, 200, night).at(local(12)), 'fast', 'fast stays fast all day');
  });

  it('parseHoursWindow refuses what is not a window', () => {
    for (const bad of ['22-06', '24:00-06:00', '22:60-06:00', '06:00-06:00', 'night', '22:00 - 6:00'])
      assert.equal(parseHoursWindow(bad), undefined, bad);
    assert.deepEqual(parseHoursWindow(' 22:00 - 06:30 '), { from: 1320, to: 390 });
  });
});
