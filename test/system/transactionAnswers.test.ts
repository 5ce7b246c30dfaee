// Transaction pages that are not what they claim, from the sandbox BioTime (its intercept knob): a `count` of a
// million transactions over a few real pages (read the real pages, a bounded number of requests, a warning naming
// the device), and a page far larger than its rows can be (cut at a bound that follows the page size).
import * as assert from 'node:assert/strict';
import type { SandboxRequest, SandboxResponse } from '../../src/sandbox/common/httpServer';
import { checkins, punch, world, type World } from './world';

const TX = '/iclock/api/transactions/';
const BOGUS = 1_000_000;

/**
 * The sandbox's own rows, paged with a lying `count`. Past the real rows, `empty` answers like Django with a wrong
 * count (200, no rows, a next link up to the page the count implies), otherwise 404 "Invalid page.".
 */
function lyingCount(
  w: World,
  past: 'empty' | '404',
  seen: number[],
): (req: SandboxRequest) => SandboxResponse | undefined {
  return (req) => {
    if (req.path !== TX) return undefined;
    const page = Number(req.query.get('page') ?? '1');
    const size = Number(req.query.get('page_size') ?? '10');
    seen.push(page);
    const data = w.biotime.store.transactions().slice((page - 1) * size, page * size);
    if (!data.length && (past === '404' || page > BOGUS / size))
      return { status: 404, body: { detail: 'Invalid page.' } };
    const next = page < BOGUS / size ? `${w.biotime.url}${TX}?page=${page + 1}&page_size=${size}` : null;
    return { status: 200, body: { count: BOGUS, next, previous: null, msg: '', code: 0, data } };
  };
}

describe('system: a bogus transaction count', function () {
  this.timeout(30_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  for (const past of ['404', 'empty'] as const) {
    it(`reads the real pages, warns naming the device, and keeps the requests bounded (pages past the end: ${past})`, async () => {
      w = await world({ device: { pageSize: 10 } });
      for (let i = 0; i < 25; i++)
        punch(w, ['1001', '1002', '1003'][i % 3], `2026-11-20 09:${String(i).padStart(2, '0')}:00`);
      const pages: number[] = [];
      w.biotime.knobs.intercept = lyingCount(w, past, pages);
      assert.equal((await w.handle.engine.runDevice('hq')).status, 'completed');
      assert.equal(checkins(w).length, 25);
      const warned = w.logs.filter((l) => /count says 1000000 transactions/.test(l));
      assert.equal(warned.length, 1, w.logs.join('\n'));
      assert.match(warned[0], /^BioTime hq: .*page \d+ is empty: the count is wrong/);
      assert.ok(pages.length <= 6, `${pages.length} page requests: ${pages.join(', ')}`);

      // The next run (two more punches) finds them with a bounded search again.
      punch(w, '1001', '2026-11-20 10:00:00');
      punch(w, '1002', '2026-11-20 10:01:00');
      pages.length = 0;
      const second = await w.handle.engine.runDevice('hq');
      assert.equal(second.status, 'completed', JSON.stringify(second.error) + pages.join(','));
      assert.equal(checkins(w).length, 27);
      assert.ok(pages.length <= 10, `${pages.length} page requests: ${pages.join(', ')}`);
    });
  }
});

describe('system: an oversized transaction page', function () {
  this.timeout(30_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('is cut at a bound that follows the page size, and the error names the device, the bound and what to do', async () => {
    w = await world({ device: { pageSize: 10 } });
    punch(w, '1001', '2026-11-20 09:00:00');
    // Ten rows are a few KB; this is 5 MB of padding after a valid beginning (a portal page, a debug dump...).
    const body = Buffer.alloc(5 * 1024 * 1024, 0x20);
    body.write('{"count": 1, "next": null, "previous": null, "data": [', 0);
    w.biotime.knobs.intercept = (req) =>
      req.path === TX ? { status: 200, headers: { 'Content-Type': 'application/json' }, body } : undefined;
    const s = await w.handle.engine.runDevice('hq');
    assert.equal(s.status, 'failed');
    assert.match(
      s.error!.message,
      /^BioTime hq: page 1 of the transactions \(10 rows asked for\) is larger than the 3 MB limit; 10 BioTime transactions are normally under 1 MB\.$/,
    );
    assert.match(s.error!.hint!, /check the device URL.*lower "pageSize" for this device/);
    assert.equal(checkins(w).length, 0);
    // The same page at its real size goes through.
    w.biotime.knobs.intercept = undefined;
    assert.equal((await w.handle.engine.runDevice('hq')).status, 'completed');
    assert.equal(checkins(w).length, 1);
  });
});
