import * as assert from 'node:assert';
import { MappingDataset } from '../../../src/vscode/webviews/mappingDataset';
import { DEFAULT_QUERY, type MappingQuery } from '../../../src/shared/webviewProtocol';
import { outcome, outcomes } from './builders';

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

  it('handles 50,000 rows without freezing: every query well under a frame budget once sorted', () => {
    const rows = outcomes(50_000);
    const t0 = performance.now();
    const ds = new MappingDataset(rows);
    const first = ds.query(q(), 200);
    const tFirst = performance.now() - t0;
    assert.strictEqual(first.matched, 50_000);
    assert.strictEqual(first.pageCount, 250);

    const timings: Record<string, number> = { 'first page (sort by punch time)': tFirst };
    const time = (label: string, query: MappingQuery) => {
      const s = performance.now();
      const page = ds.query(query, 200);
      timings[label] = performance.now() - s;
      return page;
    };
    time('next page (cached order)', q({ page: 1 }));
    time('last page (cached order)', q({ page: 249 }));
    assert.strictEqual(time('filter failed', q({ outcome: 'failed' })).matched, 12_500);
    assert.ok(time('search "gate 3"', q({ search: 'gate 3' })).matched > 0);
    time('sort by name desc', q({ sort: 'name', descending: true }));
    time('sort by code', q({ sort: 'empCode' }));
    ds.replace(
      outcomes(300)
        .filter((r) => r.outcome === 'failed')
        .map((r) => ({ ...r, outcome: 'created' as const })),
    );
    time('query after an in-place rerun of 75 rows', q({ outcome: 'failed' }));
    // The page that crosses to the webview stays small whatever the run size.
    const bytes = JSON.stringify(ds.query(q({ page: 3 }), 200)).length;
    console.log(
      `      50k rows: ${Object.entries(timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
        .join(', ')}; one page message ${(bytes / 1024).toFixed(0)} KiB`,
    );
    assert.ok(tFirst < 1500, `first page took ${tFirst.toFixed(0)} ms`);
    for (const [label, ms] of Object.entries(timings))
      if (!label.startsWith('first')) assert.ok(ms < 500, `${label} took ${ms.toFixed(0)} ms`);
    assert.ok(timings['next page (cached order)'] < 20, 'paging reuses the sorted order');
    assert.ok(bytes < 200 * 1024, `page message is ${bytes} bytes`);
  });
});
