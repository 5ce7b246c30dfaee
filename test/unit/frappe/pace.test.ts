import * as assert from 'node:assert/strict';
import {
  MAX_PAUSE_MS,
  POLITE_FIRST_BATCH,
  POLITE_MIN_BATCH,
  POLITE_REQUEST_MS,
  WritePace,
} from '../../../src/frappe/pace';

describe('frappe: WritePace (issue 14, polite and fast writes)', () => {
  it('fast: every worker, batches of the site maximum, never a pause', () => {
    const p = new WritePace('fast', 2, 200);
    assert.equal(p.inFlight, 2);
    assert.equal(p.observe(200, 2000), 0);
    assert.equal(p.observe(200, 60_000), 0);
  });

  it('polite: one request in flight, a small first batch, then about a second of site work', () => {
    const p = new WritePace('polite', 2, 200);
    assert.equal(p.inFlight, 1);
    assert.equal(p.nextSize(1000), POLITE_FIRST_BATCH);
    p.observe(50, 500); // 10 ms a document → 100 documents a second
    assert.equal(p.nextSize(1000), POLITE_REQUEST_MS / 10);
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
});
