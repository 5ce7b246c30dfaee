import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FailedJournal } from '../../../src/core/state/failedJournal';
import { FailureIndex } from '../../../src/core/state/failureIndex';

const failure = (key: string, i: number) => ({
  key,
  firstFailedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  attempts: 1 + (i % 3),
  failure: i % 2 ? ('transient' as const) : ('unknownEmployee' as const),
});

/** Objects and strings reachable from `root` (typed arrays count as one object whatever their length). */
function heldItems(root: unknown): number {
  const seen = new Set<unknown>();
  let strings = 0;
  const visit = (v: unknown): void => {
    if (typeof v === 'string') return void strings++;
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return;
    if (v instanceof Map)
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    else if (v instanceof Set) for (const x of v) visit(x);
    else for (const x of Object.values(v)) visit(x);
  };
  visit(root);
  return seen.size + strings;
}

describe('core/state FailureIndex', () => {
  it('gives back what was put, per key, and forgets deleted keys', () => {
    const x = new FailureIndex();
    x.put(failure('10', 0), 0);
    x.put({ key: 'row-a', firstFailedAt: 'by hand', attempts: 4, failure: 'refused' }, 1);
    x.put({ ...failure('10', 5), attempts: 2 }, 2);
    assert.equal(x.size, 2);
    assert.deepEqual(x.get('10'), { firstFailedAt: failure('10', 5).firstFailedAt, attempts: 2, line: 2 });
    assert.deepEqual(x.get('row-a'), { firstFailedAt: 'by hand', attempts: 4, line: 1 });
    // A key that looks numeric but would not come back the same as a number stays a string.
    x.put(failure('010', 1), 3);
    assert.ok(x.has('010') && !x.has('10 '));
    assert.deepEqual([...x.keys()].sort(), ['010', '10', 'row-a']);
    assert.equal(x.delete('10'), true);
    assert.equal(x.delete('10'), false);
    assert.equal(x.get('10'), undefined);
    assert.equal(x.lineOf('10'), -1);
    x.put(failure('11', 2), 4);
    assert.deepEqual([...x.keys()].sort(), ['010', '11', 'row-a']);
    assert.deepEqual([...x.linesWhere({ failure: 'transient' })].sort(), [3]);
    assert.deepEqual([...x.linesWhere({ attemptsBelow: 4 })].sort(), [3, 4]);
    assert.deepEqual([...x.linesWhere({ failure: 'badRecord' })], []);
  });

  it('holds no object or string per punch with a transaction-id key: its size is a few columns', () => {
    const sizes = [1_000, 4_000].map((n) => {
      const x = new FailureIndex();
      for (let i = 0; i < n; i++) x.put(failure(String(100_000 + i), i), i);
      assert.equal(x.size, n);
      assert.equal(x.get(String(100_000 + n - 1))?.line, n - 1);
      return heldItems(x);
    });
    assert.equal(sizes[1], sizes[0]);
  });

  it('a failed-punch journal holds the same number of objects and strings for 4,000 failed punches as for 500', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-failidx-'));
    const held: number[] = [];
    for (const n of [500, 4_000]) {
      const j = new FailedJournal(path.join(dir, `${n}.jsonl`));
      // Batches of 20, as a run's pages leave them.
      for (let i = 0; i < n; i += 20)
        await j.update(
          Array.from({ length: 20 }, (_, k) => ({
            ...failure(String(100_000 + i + k), i + k),
            deviceId: 'hq',
            empCode: 'E1',
            name: 'N',
            punchTime: '2026-01-01 08:00:00',
            terminalAlias: '',
            punchState: '0',
            reason: 'no employee with Biometric ID E1',
            lastTriedAt: '2026-01-01T00:00:00.000Z',
            runId: 'r',
            transactionId: 100_000 + i + k,
            terminalSn: 'T1',
            uploadTime: null,
            punchStateDisplay: 'Check In',
            latitude: null,
            longitude: null,
            raw: { id: 100_000 + i + k },
          })),
          [],
        );
      assert.equal((await j.keys()).size, n);
      held.push(heldItems(j));
    }
    assert.equal(held[1], held[0]);
  });
});
