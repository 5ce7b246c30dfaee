import * as assert from 'node:assert/strict';
import { logTypeOf, planBacklog } from '../../../bench/workload';

describe('bench/workload', () => {
  const b = planBacklog({ punches: 20_000 });

  it('is deterministic and exactly the size asked for', () => {
    assert.equal(b.punches.length, 20_000);
    assert.deepEqual(planBacklog({ punches: 20_000 }).punches.slice(0, 50), b.punches.slice(0, 50));
  });

  it('has 500 employees, 5% of them unknown to Frappe, and about 2% of punches already checked in', () => {
    assert.equal(b.employees.length, 500);
    assert.equal(b.employees.filter((e) => !e.known).length, 25);
    const share = b.stats.unknown / b.punches.length;
    assert.ok(share > 0.04 && share < 0.06, `unknown share ${share}`);
    const already = b.existing.length / b.punches.length;
    assert.ok(already > 0.015 && already < 0.025, `already share ${already}`);
  });

  it('mixes punch states and has late uploads arriving after newer punches', () => {
    for (const s of ['0', '1', '2', '3', '4', '5', '255']) assert.ok(b.stats.byState[s] > 0, `state ${s}`);
    assert.ok(b.stats.late > 0);
    // arrival order (ids) is upload order; a late punch sits after punches newer than itself
    const i = b.punches.findIndex((p) => p.late);
    assert.ok(b.punches.slice(0, i).some((p) => p.time > b.punches[i].time));
    for (let k = 1; k < b.punches.length; k++) assert.ok(b.punches[k - 1].upload <= b.punches[k].upload);
  });

  it('never has two punches of one employee at the same time', () => {
    const seen = new Set(b.punches.map((p) => `${p.code} ${p.time}`));
    assert.equal(seen.size, b.punches.length);
  });

  it('maps states like the seed: 0/3/4 IN, 1/2/5 OUT, others IN', () => {
    assert.deepEqual(['0', '1', '2', '3', '4', '5', '255'].map(logTypeOf), [
      'IN',
      'OUT',
      'OUT',
      'IN',
      'IN',
      'OUT',
      'IN',
    ]);
  });
});
