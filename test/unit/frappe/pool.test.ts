import * as assert from 'node:assert/strict';
import { mapPool, planBatches, runPool } from '../../../src/frappe/pool';

describe('frappe/pool', () => {
  it('planBatches: ≤ max, rounded to the concurrency, evened, no tiny parallel batches', () => {
    assert.deepEqual(planBatches(0, 200, 2), []);
    assert.deepEqual(planBatches(3, 200, 2), [3]);
    assert.deepEqual(planBatches(40, 200, 2), [20, 20]);
    assert.deepEqual(planBatches(200, 200, 1), [200]);
    assert.deepEqual(planBatches(201, 200, 1), [101, 100]);
    assert.deepEqual(planBatches(401, 200, 2), [101, 100, 100, 100]);
    assert.deepEqual(planBatches(1000, 200, 2), [167, 167, 167, 167, 166, 166]);
    for (const n of [1, 7, 199, 200, 201, 399, 400, 401, 999, 5000]) {
      for (const c of [1, 2, 3, 4]) {
        const sizes = planBatches(n, 200, c);
        assert.equal(
          sizes.reduce((a, b) => a + b, 0),
          n,
        );
        assert.ok(sizes.every((s) => s >= 1 && s <= 200));
        assert.ok(sizes.length >= Math.ceil(n / 200));
      }
    }
  });

  it('runPool never exceeds the concurrency and stops starting work after a failure', async () => {
    let inFlight = 0;
    let max = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const done = runPool([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      max = Math.max(max, ++inFlight);
      await new Promise<void>((r) => gates.push(r));
      inFlight--;
      if (i === 2) throw new Error('boom');
    });
    while (started.length < 6 && gates.length) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    while (gates.length) gates.shift()!();
    const errors = await done;
    assert.equal(max, 2);
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['boom'],
    );
    assert.ok(!started.includes(5), `started ${started}`);
  });

  it('mapPool keeps the input order', async () => {
    assert.deepEqual(await mapPool([3, 1, 2], 2, async (x) => x * 10), [30, 10, 20]);
  });
});
