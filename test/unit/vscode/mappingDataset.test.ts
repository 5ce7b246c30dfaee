import * as assert from 'node:assert';
import { MappingDataset } from '../../../src/vscode/webviews/mappingDataset';
import { DEFAULT_QUERY, type MappingQuery } from '../../../src/shared/webviewProtocol';
import { outcome, outcomes } from './builders';

/** How many times Array.prototype.sort ran inside `fn`. */
function countSorts(fn: () => void): number {
  const sort = Array.prototype.sort;
  let calls = 0;
  Array.prototype.sort = function (this: unknown[], ...args: Parameters<typeof sort>) {
    calls++;
    return sort.apply(this, args);
  } as typeof sort;
  try {
    fn();
  } finally {
    Array.prototype.sort = sort;
  }
  return calls;
}

const q = (patch: Partial<MappingQuery> = {}): MappingQuery => ({ ...DEFAULT_QUERY, ...patch });

describe('MappingDataset (punch mapping panel rows, queried on the host)', () => {
  it('filters by outcome, searches every visible column, sorts both ways and pages', () => {
    const ds = new MappingDataset(outcomes(100));
    assert.deepStrictEqual(ds.totals(), { all: 100, created: 25, duplicate: 25, failed: 25, skipped: 25 });
    const failed = ds.query(q({ outcome: 'failed' }), 10);
    assert.strictEqual(failed.matched, 25);
    assert.strictEqual(failed.pageCount, 3);
    assert.ok(failed.rows.every((r) => r.outcome === 'failed'));
    assert.strictEqual(ds.query(q({ search: 'no employee with biometric' }), 100).matched, 8);
    assert.strictEqual(ds.query(q({ search: 'EMP-CKIN-03-2026-000004' }), 100).rows[0].key, '5');
    const byId = ds.query(q({ sort: 'transactionId', descending: true }), 5).rows.map((r) => r.transactionId);
    assert.deepStrictEqual(byId, [100, 99, 98, 97, 96]);
    const last = ds.query(q({ sort: 'transactionId', page: 99 }), 30);
    assert.strictEqual(last.page, 3, 'a page past the end is clamped');
    assert.strictEqual(last.rows.length, 10);
  });

  it('sorts numeric employee codes as numbers and keeps ties in their original order', () => {
    const ds = new MappingDataset([
      outcome(0, { empCode: '10' }),
      outcome(1, { empCode: '9' }),
      outcome(2, { empCode: '0042' }),
      outcome(3, { empCode: '9' }),
    ]);
    assert.deepStrictEqual(
      ds.query(q({ sort: 'empCode' }), 10).rows.map((r) => r.key),
      ['2', '4', '1', '3'],
    );
    assert.deepStrictEqual(
      ds.query(q({ sort: 'empCode', descending: true }), 10).rows.map((r) => r.empCode),
      ['0042', '10', '9', '9'],
    );
  });

  it('replaces rerun rows in place and updates the totals', () => {
    const ds = new MappingDataset(outcomes(8));
    const before = ds.query(q({ sort: 'transactionId' }), 8).rows.map((r) => r.key);
    const changed = ds.replace([
      outcome(2, { outcome: 'created', checkin: 'EMP-CKIN-NEW', reason: undefined, failure: undefined }),
      outcome(999, { key: 'not-here' }),
    ]);
    assert.deepStrictEqual(
      changed.map((r) => r.key),
      ['3'],
    );
    assert.strictEqual(ds.get('3')?.checkin, 'EMP-CKIN-NEW');
    assert.deepStrictEqual(ds.totals(), { all: 8, created: 3, duplicate: 2, failed: 1, skipped: 2 });
    assert.deepStrictEqual(
      ds.query(q({ sort: 'transactionId' }), 8).rows.map((r) => r.key),
      before,
      'rows stay where they were',
    );
  });

  // How long each query takes is a timing, printed by `npm run bench:timings`; here what makes it fast and small.
  it('handles 50,000 rows: paging reuses the sorted order and a page message stays small', () => {
    const ds = new MappingDataset(outcomes(50_000));
    const first = ds.query(q(), 200);
    assert.strictEqual(first.matched, 50_000);
    assert.strictEqual(first.pageCount, 250);
    const sorts = countSorts(() => {
      ds.query(q({ page: 1 }), 200);
      ds.query(q({ page: 249 }), 200);
    });
    assert.strictEqual(sorts, 0, 'paging reuses the sorted order');
    assert.strictEqual(ds.query(q({ outcome: 'failed' }), 200).matched, 12_500);
    assert.ok(ds.query(q({ search: 'gate 3' }), 200).matched > 0);
    ds.replace(
      outcomes(300)
        .filter((r) => r.outcome === 'failed')
        .map((r) => ({ ...r, outcome: 'created' as const })),
    );
    assert.strictEqual(ds.query(q({ outcome: 'failed' }), 200).matched, 12_500 - 75);
    // The page that crosses to the webview stays small whatever the run size.
    const bytes = JSON.stringify(ds.query(q({ page: 3 }), 200)).length;
    assert.ok(bytes < 200 * 1024, `page message is ${bytes} bytes`);
  });
});
