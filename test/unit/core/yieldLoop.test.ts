import * as assert from 'node:assert/strict';
import { forEachYielding, YIELD_EVERY } from '../../../src/core/yieldLoop';

describe('core/yieldLoop (issue 14: the engine never holds the extension host for a whole batch)', () => {
  it('visits every item in order and lets an immediate run between slices', async () => {
    const seen: number[] = [];
    const between: number[] = [];
    const items = Array.from({ length: YIELD_EVERY * 2 + 5 }, (_, i) => i);
    // Scheduled before the loop starts: it can only run if the loop hands the event loop back.
    setImmediate(() => between.push(seen.length));
    await forEachYielding(items, (x, i) => {
      assert.equal(x, i);
      seen.push(x);
    });
    assert.deepEqual(seen, items);
    assert.deepEqual(between, [YIELD_EVERY], 'the event loop ran after the first slice, not after the whole list');
  });

  it('does not yield for a list that fits in one slice', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    await forEachYielding([1, 2, 3], () => undefined);
    assert.equal(ran, false);
  });
});
