import * as assert from 'node:assert/strict';
import { BioTimeError, CancelledError } from '../../../src/core/errors';
import { tx, type Json } from '../../support/biotimeStub';
import { biotimeKit, readAll, range, type Kit } from '../../support/biotimeKit';

const TX = '/iclock/api/transactions/';

describe('biotime/transactions: paging', () => {
  let k: Kit;
  afterEach(async () => k && (await k.close()));

  it('streams every page in id order with page_size and limit, and never follows the next link host', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 35).map((i) => tx(i));
    const { pages, ids } = await readAll(k.client);
    assert.deepEqual(ids, range(1, 35));
    assert.deepEqual(
      pages.map((p) => [p.page, p.punches.length, p.isLast, p.totalCount]),
      [
        [1, 10, false, 35],
        [2, 10, false, 35],
        [3, 10, false, 35],
        [4, 5, true, 35],
      ],
    );
    assert.deepEqual(pages[3].hint, { pageSize: 10, page: 4 });
    const reqs = k.stub.calls.filter((c) => c.path === TX);
    assert.deepEqual(
      reqs.map((c) => [c.query.get('page'), c.query.get('page_size'), c.query.get('limit')]),
      [
        ['1', '10', '10'],
        ['2', '10', '10'],
        ['3', '10', '10'],
        ['4', '10', '10'],
      ],
    );
    // Every request reached the stub on loopback: none went to the internal host of the next links.
    assert.ok(k.stub.internalOrigin.startsWith('http://10.'));
  });

  it('yields only ids above afterId, and a final empty page when nothing is new', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 25).map((i) => tx(i));
    assert.deepEqual((await readAll(k.client, { afterId: 13 })).ids, range(14, 25));
    const none = await readAll(k.client, { afterId: 25 });
    assert.deepEqual(none.ids, []);
    assert.equal(none.pages.length, 1);
    assert.ok(none.pages[0].isLast);
    assert.equal(none.pages[0].page, 3);
  });

  it('an empty list yields nothing', async () => {
    k = await biotimeKit();
    assert.deepEqual((await readAll(k.client)).pages, []);
  });

  it('sends start_time and keeps it in the hint', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 5).map((i) => tx(i, { punch_time: `2026-03-0${i} 08:00:00` }));
    const { pages, ids } = await readAll(k.client, { startTime: '2026-03-03 00:00:00' });
    assert.deepEqual(ids, [3, 4, 5]);
    assert.equal(k.stub.calls.find((c) => c.path === TX)!.query.get('start_time'), '2026-03-03 00:00:00');
    assert.equal(pages[0].hint.startTime, '2026-03-03 00:00:00');
    k.stub.calls.length = 0;
    assert.deepEqual((await readAll(k.client, { startTime: '2026-03-04' })).ids, [4, 5]);
    assert.equal(
      k.stub.calls.find((c) => c.path === TX)!.query.get('start_time'),
      '2026-03-04 00:00:00',
      'a bare date is sent with midnight',
    );
  });

  it('yields records without an id where they sit on any page holding new rows (the engine skips ones already recorded)', async () => {
    k = await biotimeKit();
    k.stub.transactions = [tx(1), tx(2), tx(null, { emp_code: 'A' }), tx(3), tx(null, { emp_code: 'B' }), tx(4)];
    const { pages } = await readAll(k.client, { afterId: 2 });
    const got = pages.flatMap((p) => p.punches.map((x) => x.id ?? x.empCode));
    assert.deepEqual(got, ['A', 3, 'B', 4]);
    assert.match(pages[0].punches[0].key, /^raw:/);
    assert.match(pages[0].punches[0].problem!, /no id/);
  });

  it('does not yield id-less records on pages with nothing new', async () => {
    k = await biotimeKit();
    k.stub.transactions = [tx(1), tx(null, { emp_code: 'A' }), ...range(2, 12).map((i) => tx(i)), tx(13)];
    const { pages } = await readAll(k.client, { afterId: 12 });
    assert.deepEqual(
      pages.flatMap((p) => p.punches.map((x) => x.id ?? x.empCode)),
      [13],
    );
  });

  it('404 "Invalid page." past the end means done; an empty page with a next link is done too (logged)', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 15).map((i) => tx(i));
    k.stub.on((r) =>
      r.path === TX && r.query.get('page') === '2' ? { status: 404, body: { detail: 'Invalid page.' } } : undefined,
    );
    assert.deepEqual((await readAll(k.client)).ids, range(1, 10));

    k.stub.on((r) =>
      r.path === TX && r.query.get('page') === '2'
        ? { body: { count: 15, next: 'http://10.0.0.1/x?page=3', data: [] } }
        : undefined,
    );
    assert.deepEqual((await readAll(k.newClient())).ids, range(1, 10));
    assert.ok(k.log.lines.some((l) => l.startsWith('warn') && /empty but BioTime says more follow/.test(l)));
  });

  it('follows the page size of a server that ignores page_size and limit', async () => {
    k = await biotimeKit();
    k.stub.ignorePageSize = true;
    k.stub.defaultPageSize = 7;
    k.stub.transactions = range(1, 40).map((i) => tx(i));
    assert.deepEqual((await readAll(k.client)).ids, range(1, 40));
    const later = await readAll(k.newClient(), { afterId: 30 });
    assert.deepEqual(later.ids, range(31, 40));
    assert.equal(later.pages.at(-1)!.hint.pageSize, 7);
    assert.ok(k.log.lines.some((l) => /following its page size/.test(l)));
  });

  it('refuses a server that ignores the page parameter instead of reporting "nothing new" for ever', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 40).map((i) => tx(i));
    k.stub.on((r) =>
      r.path === TX && r.query.get('page') !== '1'
        ? k.stub.list({ ...r, query: new URLSearchParams('page=1&page_size=10') }, k.stub.transactions)
        : undefined,
    );
    await assert.rejects(
      readAll(k.client),
      (e) => BioTimeError.is(e, 'badResponse') && /ignore the page parameter/.test(e.message),
    );
    await assert.rejects(
      readAll(k.newClient(), { afterId: 25 }),
      (e) => BioTimeError.is(e, 'badResponse') && /ignore the page parameter/.test(e.message),
    );
  });

  it('stops with an order error when a page is not in ascending id order', async () => {
    k = await biotimeKit();
    k.stub.transactions = [1, 2, 5, 4, 6].map((i) => tx(i));
    await assert.rejects(
      readAll(k.client),
      (e) =>
        BioTimeError.is(e, 'order') &&
        e.message.startsWith('BioTime does not list transactions in id order; page 1 lists id 4 after id 5'),
    );
  });

  it('an HTML page with status 200 is a badResponse naming the likely cause', async () => {
    k = await biotimeKit();
    k.stub.on((r) =>
      r.path === TX ? { text: '<!DOCTYPE html><html><title>Page not found</title></html>' } : undefined,
    );
    await assert.rejects(
      readAll(k.client),
      (e) =>
        BioTimeError.is(e, 'badResponse') &&
        /answered an HTML page instead of JSON .*— is the URL the BioTime server root, and is the API module installed\?$/.test(
          e.message,
        ),
    );
  });

  it('malformed JSON is a badResponse', async () => {
    k = await biotimeKit();
    k.stub.on((r) => (r.path === TX ? { text: '{"count": 3, "data": [{"id": 1,' } : undefined));
    await assert.rejects(
      readAll(k.client),
      (e) => BioTimeError.is(e, 'badResponse') && /malformed JSON/.test(e.message),
    );
  });

  it('respects an aborted signal between pages', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 35).map((i) => tx(i));
    const ac = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of k.client.readTransactions({ afterId: 0, pageSize: 10, signal: ac.signal })) {
          seen.push(p.page);
          ac.abort();
        }
      })(),
      (e) => CancelledError.is(e),
    );
    assert.deepEqual(seen, [1]);
    assert.deepEqual(k.stub.pagesRequested(), [1]);
  });
});

describe('biotime/transactions: locating the cursor', () => {
  let k: Kit;
  afterEach(async () => k && (await k.close()));

  // 1000 rows with gaps (even ids 2..2000): page p holds ids 20p-18 … 20p.
  const evens = () => range(1, 1000).map((i) => tx(2 * i));

  it('binary-searches the page numbers with count, then streams from the first page above the cursor', async () => {
    k = await biotimeKit();
    k.stub.transactions = evens();
    const { ids, pages } = await readAll(k.client, { afterId: 1467 });
    assert.equal(ids[0], 1468);
    assert.equal(ids.at(-1), 2000);
    assert.equal(ids.length, 267);
    assert.equal(pages[0].page, 74);
    const requested = k.stub.pagesRequested();
    const locating = requested.length - (100 - 74 + 1);
    assert.ok(locating <= 10, `pages read to locate: ${locating} (${requested.join(',')})`);
    assert.deepEqual(requested.slice(-27), range(74, 100));
  });

  it('starts at the hint page at once when it straddles the cursor', async () => {
    k = await biotimeKit();
    k.stub.transactions = evens();
    const { ids } = await readAll(k.client, { afterId: 1467, hint: { pageSize: 10, page: 74 } });
    assert.equal(ids[0], 1468);
    assert.deepEqual(k.stub.pagesRequested(), range(74, 100));
  });

  it('accepts a hint page that starts above the cursor after checking the page before it', async () => {
    k = await biotimeKit();
    k.stub.transactions = evens();
    const { ids } = await readAll(k.client, { afterId: 1460, hint: { pageSize: 10, page: 74 } });
    assert.equal(ids[0], 1462);
    assert.deepEqual(k.stub.pagesRequested().slice(0, 3), [74, 73, 75]);
  });

  it('the usual steady state: the hint page ended exactly at the cursor, new rows are on the next page', async () => {
    k = await biotimeKit();
    k.stub.transactions = evens().slice(0, 740);
    const first = await readAll(k.client, { afterId: 1400 });
    const hint = first.pages.at(-1)!.hint;
    assert.deepEqual(hint, { pageSize: 10, page: 74 });
    k.stub.transactions = evens().slice(0, 745);
    k.stub.calls.length = 0;
    const { ids } = await readAll(k.client, { afterId: 1480, hint });
    assert.deepEqual(ids, [1482, 1484, 1486, 1488, 1490]);
    assert.deepEqual(k.stub.pagesRequested(), [74, 75]);
  });

  it('recovers from a wrong hint: another page size, past the end, or another start_time', async () => {
    k = await biotimeKit();
    k.stub.transactions = evens();
    assert.equal((await readAll(k.client, { afterId: 1467, hint: { pageSize: 20, page: 37 } })).ids[0], 1468);
    assert.equal((await readAll(k.client, { afterId: 1467, hint: { pageSize: 10, page: 5000 } })).ids[0], 1468);
    assert.equal((await readAll(k.client, { afterId: 1467, hint: { pageSize: 10, page: 3 } })).ids[0], 1468);
    k.stub.calls.length = 0;
    await readAll(k.client, { afterId: 1467, hint: { pageSize: 10, page: 74, startTime: '2026-01-01 00:00:00' } });
    assert.equal(k.stub.pagesRequested()[0], 1, 'a hint for another start_time is ignored');
  });
});

describe('biotime/transactions: rows shifting between page reads', () => {
  let k: Kit;
  afterEach(async () => k && (await k.close()));

  const insertSorted = (rows: Json[], row: Json) => {
    rows.push(row);
    rows.sort((a, b) => (a.id as number) - (b.id as number));
  };

  it('a deletion below the cursor between page reads skips nothing', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 30).map((i) => tx(i));
    k.stub.beforeTransactionsPage = (call) => {
      if (call === 2) k.stub.transactions = k.stub.transactions.filter((t) => t.id !== 3 && t.id !== 4);
    };
    assert.deepEqual((await readAll(k.client)).ids, range(1, 30));
  });

  it('a late commit below the cursor (rows pushed right) doubles nothing', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 30).map((i) => tx(2 * i));
    k.stub.beforeTransactionsPage = (call) => {
      if (call === 2) insertSorted(k.stub.transactions, tx(5));
      if (call === 3) insertSorted(k.stub.transactions, tx(41)); // above the cursor (38) when inserted: must come
      if (call === 5) insertSorted(k.stub.transactions, tx(43)); // below the cursor by then: left to the next run's overlap
    };
    const { ids } = await readAll(k.client);
    assert.deepEqual(ids, [...range(1, 20).map((i) => 2 * i), 41, ...range(21, 30).map((i) => 2 * i)]);
  });

  it('new punches arriving between every page read cost no extra requests', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 100).map((i) => tx(i));
    let next = 101;
    k.stub.beforeTransactionsPage = () => void k.stub.transactions.push(tx(next++));
    const { ids } = await readAll(k.client);
    assert.deepEqual(ids.slice(0, 100), range(1, 100));
    assert.deepEqual(ids, range(1, ids.length));
    const pages = k.stub.pagesRequested();
    assert.deepEqual(pages, range(1, pages.length), 'one request per page, in order');
  });

  it('a mass deletion that empties the next page is looked at once more from the cursor', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 25).map((i) => tx(i));
    k.stub.beforeTransactionsPage = (call) => {
      if (call === 2)
        k.stub.transactions = k.stub.transactions.filter((t) => (t.id as number) > 12 || (t.id as number) <= 2);
    };
    assert.deepEqual(
      (await readAll(k.client)).ids,
      range(1, 25).filter((i) => i <= 10 || i > 12),
    );
  });

  it('random inserts and deletions while reading: ids strictly ascending, nothing that stayed is skipped', async function () {
    this.timeout(20_000);
    k = await biotimeKit();
    // mulberry32: small, seeded, good enough for test data.
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    for (let round = 0; round < 60; round++) {
      const initial = range(1, 150).filter(() => rnd(4) !== 0);
      k.stub.transactions = initial.map((i) => tx(i));
      const deleted = new Set<number>();
      let nextNew = 1000;
      k.stub.beforeTransactionsPage = () => {
        const r = rnd(3);
        if (r === 0 && k.stub.transactions.length) {
          const victim = k.stub.transactions[rnd(k.stub.transactions.length)].id as number;
          deleted.add(victim);
          k.stub.transactions = k.stub.transactions.filter((t) => t.id !== victim);
        } else if (r === 1) {
          insertSorted(k.stub.transactions, tx(nextNew++));
        } else if (r === 2) {
          const low = 1 + rnd(150);
          if (!k.stub.transactions.some((t) => t.id === low) && !deleted.has(low))
            insertSorted(k.stub.transactions, tx(low));
        }
      };
      const afterId = rnd(100);
      const { ids } = await readAll(k.newClient(), {
        afterId,
        hint: rnd(2) ? { pageSize: 10, page: 1 + rnd(20) } : undefined,
      });
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `round ${round}: not ascending at ${i}`);
      const mustHave = initial.filter((i) => i > afterId && !deleted.has(i));
      const got = new Set(ids);
      const missing = mustHave.filter((i) => !got.has(i));
      assert.deepEqual(missing, [], `round ${round}: skipped ${missing.join(',')}`);
    }
  });
});
