import * as assert from 'node:assert/strict';
import { FrappeError } from '../../../src/core/errors';
import type { InsertResult, NewCheckin } from '../../../src/core/types';
import { frappeSite, frappeTestClient, stubEmployees } from '../../support/frappeKit';
import { FrappeStub, type StubReply } from '../../support/frappeStub';
import { FakeCredentials } from '../../support/fakeCredentials';

const INSERT_MANY = 'POST /api/method/frappe.client.insert_many';
const INSERT_ONE = 'POST /api/resource/Employee Checkin';
const GET_LIST = 'POST /api/method/frappe.client.get_list';
const DEVICE = 'https://biotime.example.com:8081';

/** `n` checkins spread over the stub's employees, one second apart from 08:00:00. */
function checkins(n: number, employees = 10): NewCheckin[] {
  return Array.from({ length: n }, (_, i) => {
    const s = 8 * 3600 + i;
    const hh = String(Math.floor(s / 3600)).padStart(2, '0');
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    return {
      key: `t${i}`,
      employee: `HR-EMP-${String((i % employees) + 1).padStart(5, '0')}`,
      time: `2024-05-24 ${hh}:${mm}:${ss}`,
      logType: i % 2 ? 'OUT' : 'IN',
      deviceId: DEVICE,
    };
  });
}

function assertCreatedInOrder(stub: FrappeStub, docs: NewCheckin[], results: InsertResult[]): void {
  assert.equal(results.length, docs.length);
  results.forEach((r, i) => {
    assert.equal(r.key, docs[i].key);
    assert.equal(r.status, 'created', `${r.key}: ${JSON.stringify(r)}`);
    const stored = stub.checkins.find((c) => c.name === (r as { name: string }).name)!;
    assert.equal(stored.employee, docs[i].employee);
    assert.equal(stored.time, docs[i].time);
  });
}

describe('frappe/client: insertCheckins', () => {
  let stub: FrappeStub;
  beforeEach(async () => {
    stub = await FrappeStub.start();
    stub.employees = stubEmployees(10);
  });
  afterEach(() => stub.close());

  it('insert_many: one request, doc shape, names back in order', async () => {
    const { client } = frappeTestClient(stub);
    const docs: NewCheckin[] = [
      { key: 'a', employee: 'HR-EMP-00001', time: '2024-05-24 08:50:08', logType: 'IN', deviceId: DEVICE },
      {
        key: 'b',
        employee: 'HR-EMP-00002',
        time: '2024-05-24 08:51:02',
        logType: null,
        deviceId: DEVICE,
        latitude: 12.9716,
        longitude: 77.5946,
      },
      {
        key: 'c',
        employee: 'HR-EMP-00003',
        time: '2024-05-24 08:52:00',
        logType: 'OUT',
        deviceId: DEVICE,
        latitude: null,
        longitude: null,
      },
    ];
    const results = await client.insertCheckins(docs);
    assert.deepEqual(results, [
      { key: 'a', status: 'created', name: 'EMP-CKIN-05-2024-000001' },
      { key: 'b', status: 'created', name: 'EMP-CKIN-05-2024-000002' },
      { key: 'c', status: 'created', name: 'EMP-CKIN-05-2024-000003' },
    ]);
    const calls = stub.calls(INSERT_MANY);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].body.docs, [
      {
        doctype: 'Employee Checkin',
        employee: 'HR-EMP-00001',
        time: '2024-05-24 08:50:08',
        log_type: 'IN',
        device_id: DEVICE,
      },
      {
        doctype: 'Employee Checkin',
        employee: 'HR-EMP-00002',
        time: '2024-05-24 08:51:02',
        device_id: DEVICE,
        latitude: 12.9716,
        longitude: 77.5946,
      },
      {
        doctype: 'Employee Checkin',
        employee: 'HR-EMP-00003',
        time: '2024-05-24 08:52:00',
        log_type: 'OUT',
        device_id: DEVICE,
      },
    ]);
  });

  it('no docs → no request', async () => {
    const { client } = frappeTestClient(stub);
    assert.deepEqual(await client.insertCheckins([]), []);
    assert.equal(stub.requests.length, 0);
  });

  it('fast: chunks at 200 per insert_many (evened out, rounded to the concurrency)', async () => {
    const docs = checkins(401);
    const fast = frappeSite(stub.url, { writeMode: 'fast' });
    const one = frappeTestClient(stub, { concurrency: 1, site: fast }).client;
    assertCreatedInOrder(stub, docs, await one.insertCheckins(docs));
    assert.deepEqual(
      stub.calls(INSERT_MANY).map((r) => r.body.docs.length),
      [134, 134, 133],
    );

    stub.checkins = [];
    stub.requests = [];
    const two = frappeTestClient(stub, { site: fast }).client;
    assertCreatedInOrder(stub, docs, await two.insertCheckins(docs));
    assert.deepEqual(
      stub
        .calls(INSERT_MANY)
        .map((r) => r.body.docs.length)
        .sort(),
      [100, 100, 100, 101],
    );
    assert.equal(stub.checkins.length, 401);
  });

  it('a refused batch is bisected down to single inserts: one refused, one duplicate, two copies of one punch, the rest created', async () => {
    stub.employees[4].status = 'Inactive'; // HR-EMP-00005
    stub.checkins.push({
      name: 'EMP-CKIN-04-2024-000777',
      employee: 'HR-EMP-00004',
      employee_name: 'Employee 4',
      time: '2024-05-24 08:00:23',
      log_type: 'OUT',
      device_id: 'other',
    });
    const docs = checkins(40);
    docs[4].employee = 'HR-EMP-00006'; // keep the inactive employee to one punch
    docs[14].employee = 'HR-EMP-00006';
    docs[24].employee = 'HR-EMP-00006';
    docs[34].employee = 'HR-EMP-00006';
    docs[7].employee = 'HR-EMP-00005';
    docs[31] = { ...docs[30], key: 't31' }; // BioTime sent one punch twice
    const { client } = frappeTestClient(stub);
    const results = await client.insertCheckins(docs);

    assert.deepEqual(results[7], {
      key: 't7',
      status: 'failed',
      failure: 'refused',
      message: 'Transactions cannot be created for an Inactive Employee HR-EMP-00005.',
    });
    assert.deepEqual(results[23], {
      key: 't23',
      status: 'duplicate',
      duplicateOf: 'EMP-CKIN-04-2024-000777',
      message: 'This employee already has a log with the same timestamp. Employee Checkin Employee 4',
    });
    assert.equal(results[30].status, 'created');
    assert.equal(results[31].status, 'duplicate');
    assert.equal((results[31] as { duplicateOf: string }).duplicateOf, (results[30] as { name: string }).name);
    const created = results.filter((r) => r.status === 'created');
    assert.equal(created.length, 37);
    assert.equal(new Set(created.map((r) => (r as { name: string }).name)).size, 37);
    assert.equal(stub.checkins.length, 1 + 37);
    assert.ok(
      stub.calls(INSERT_ONE).length <= 16,
      `bisecting keeps single inserts few (${stub.calls(INSERT_ONE).length})`,
    );
  });

  it('a batch refused for permission on some employees: those fail as permission, the others are created', async () => {
    stub.hook(INSERT_MANY, () => stub.error(403, 'PermissionError', 'No permission for Employee Checkin'));
    stub.hook(INSERT_ONE, (req) =>
      req.body.employee === 'HR-EMP-00002'
        ? stub.error(403, 'PermissionError', 'Not allowed for HR-EMP-00002')
        : 'default',
    );
    const { client } = frappeTestClient(stub, { concurrency: 1 });
    const results = await client.insertCheckins(checkins(6));
    assert.deepEqual(
      results.map((r) => (r.status === 'failed' ? r.failure : r.status)),
      ['created', 'permission', 'created', 'created', 'created', 'created'],
    );
    assert.equal((results[1] as { message: string }).message, 'Frappe site acme: Not allowed for HR-EMP-00002');
  });

  it('insert_many not whitelisted → every checkin goes one by one, and insert_many is not tried again', async () => {
    stub.hook(INSERT_MANY, () =>
      stub.error(
        403,
        'PermissionError',
        'You are not permitted to access this resource. Function frappe.client.insert_many is not whitelisted.',
      ),
    );
    const { client } = frappeTestClient(stub);
    const docs = checkins(30);
    assertCreatedInOrder(stub, docs, await client.insertCheckins(docs));
    assertCreatedInOrder(
      stub,
      checkins(30).map((d) => ({ ...d, time: d.time.replace('08:', '09:') })),
      await client.insertCheckins(checkins(30).map((d) => ({ ...d, time: d.time.replace('08:', '09:') }))),
    );
    assert.equal(stub.calls(INSERT_MANY).length, 1);
    assert.equal(stub.calls(INSERT_ONE).length, 60);
  });

  describe('uncertain outcomes: reconcile before any retry', () => {
    it('processed, then the connection dropped → recovered, nothing created twice', async () => {
      stub.hook(
        INSERT_MANY,
        (req, s) => {
          s.insertAll(req.body.docs);
          return { drop: true };
        },
        1,
      );
      const { client, clock, logger } = frappeTestClient(stub, { concurrency: 1 });
      const docs = checkins(25);
      const results = await client.insertCheckins(docs);
      assertCreatedInOrder(stub, docs, results);
      assert.ok(results.every((r) => r.status === 'created' && r.recovered === true));
      assert.equal(stub.checkins.length, 25);
      assert.equal(stub.calls(INSERT_MANY).length, 1, 'the write was not sent again');
      assert.equal(stub.calls(GET_LIST).length, 1);
      assert.deepEqual(clock.sleeps, [2000]);
      assert.ok(logger.lines.some((l) => /25 checkin\(s\) were created by a request whose answer was lost/.test(l)));
    });

    it('dropped before processing → read back, then sent again once', async () => {
      stub.hook(INSERT_MANY, () => ({ drop: true }), 1);
      const { client } = frappeTestClient(stub, { concurrency: 1 });
      const docs = checkins(25);
      const results = await client.insertCheckins(docs);
      assertCreatedInOrder(stub, docs, results);
      assert.ok(results.every((r) => r.status === 'created' && !r.recovered));
      assert.equal(stub.calls(INSERT_MANY).length, 2);
      assert.equal(stub.checkins.length, 25);
    });

    it('504 from the proxy after Frappe committed → recovered', async () => {
      stub.hook(
        INSERT_MANY,
        (req, s) => {
          s.insertAll(req.body.docs);
          return { status: 504, text: '<html><head><title>504 Gateway Time-out</title></head></html>' };
        },
        1,
      );
      const { client } = frappeTestClient(stub, { concurrency: 1 });
      const results = await client.insertCheckins(checkins(10));
      assert.ok(results.every((r) => r.status === 'created' && r.recovered));
      assert.equal(stub.checkins.length, 10);
      assert.equal(stub.calls(INSERT_MANY).length, 1);
    });

    it('a Frappe 500 (rolled back) → read back, then the batch is split so a bad doc cannot block it', async () => {
      stub.hook(INSERT_MANY, () => stub.error(500, 'QueryDeadlockError', 'Deadlock found when trying to get lock'), 1);
      const { client } = frappeTestClient(stub, { concurrency: 1 });
      const docs = checkins(20);
      const results = await client.insertCheckins(docs);
      assertCreatedInOrder(stub, docs, results);
      assert.deepEqual(
        stub.calls(INSERT_MANY).map((r) => r.body.docs.length),
        [20, 10, 10],
      );
    });

    it('answers lost every time → failed transient after the bounded attempts, nothing created', async () => {
      stub.hook(INSERT_MANY, () => ({ drop: true }));
      const { client, clock } = frappeTestClient(stub, { concurrency: 1 });
      const results = await client.insertCheckins(checkins(12));
      for (const r of results) {
        assert.equal(r.status, 'failed');
        assert.equal((r as { failure: string }).failure, 'transient');
        assert.match(
          (r as { message: string }).message,
          /No certain answer from Frappe site acme after 3 attempts \(.*connection reset.*\); checked that the checkin was not created/,
        );
      }
      assert.equal(stub.calls(INSERT_MANY).length, 3);
      assert.equal(stub.checkins.length, 0);
      assert.deepEqual(clock.sleeps, [2000, 4000, 8000]);
    });

    it('single insert processed but not yet visible, then Frappe says duplicate → recognised as ours (same device)', async () => {
      stub.hook(
        INSERT_ONE,
        (req, s) => {
          s.insertAll([req.body]);
          return { drop: true };
        },
        1,
      );
      stub.hook(GET_LIST, () => ({ json: { message: [] } }), 1); // the read-back does not see it yet
      const { client } = frappeTestClient(stub);
      const [r] = await client.insertCheckins(checkins(1));
      assert.deepEqual(r, { key: 't0', status: 'created', name: 'EMP-CKIN-05-2024-000001', recovered: true });
      assert.equal(stub.checkins.length, 1);
      assert.equal(stub.calls(INSERT_ONE).length, 2);
    });

    it('read-back impossible → failed transient, the write is never repeated blind', async () => {
      stub.hook(INSERT_MANY, () => ({ drop: true }));
      stub.hook(GET_LIST, () => ({ status: 503, text: 'Service Unavailable' }));
      const { client } = frappeTestClient(stub, { concurrency: 1 });
      const results = await client.insertCheckins(checkins(5));
      assert.ok(
        results.every(
          (r) => r.status === 'failed' && r.failure === 'transient' && /could not be read back/.test(r.message),
        ),
      );
      assert.equal(stub.calls(INSERT_MANY).length, 1);
    });
  });

  it('429 with Retry-After is honoured (FakeClock) and the batch then goes through', async () => {
    const tooMany: StubReply = {
      status: 429,
      headers: { 'Retry-After': '7' },
      json: { exc_type: 'TooManyRequestsError' },
    };
    stub.hook(INSERT_MANY, () => tooMany, 1);
    const { client, clock } = frappeTestClient(stub, { concurrency: 1 });
    const docs = checkins(5);
    assertCreatedInOrder(stub, docs, await client.insertCheckins(docs));
    assert.deepEqual(clock.sleeps, [7000]);
    assert.equal(stub.calls(INSERT_MANY).length, 2);
  });

  it('429 that never ends → failed transient (not processed, so no read-back), nothing created', async () => {
    stub.hook(INSERT_MANY, () => ({
      status: 429,
      headers: { 'Retry-After': '1' },
      json: { exc_type: 'TooManyRequestsError' },
    }));
    const { client, clock } = frappeTestClient(stub, { concurrency: 1 });
    const results = await client.insertCheckins(checkins(3));
    assert.ok(results.every((r) => r.status === 'failed' && r.failure === 'transient' && /HTTP 429/.test(r.message)));
    assert.deepEqual(clock.sleeps, [1000, 1000]);
    assert.equal(stub.calls(GET_LIST).length, 0);
  });

  for (const concurrency of [2, 3]) {
    it(`fast: at most ${concurrency} insert_many in flight, results in input order whatever order they finish in`, async () => {
      // Holds each round of requests, then lets the later batches finish first.
      const held: { first: string; release: () => void }[] = [];
      stub.hook(
        INSERT_MANY,
        (req) =>
          new Promise<'default'>((resolve) => {
            held.push({ first: req.body.docs[0].time, release: () => resolve('default') });
            if (held.length < concurrency) return;
            const round = held.splice(0).sort((a, b) => b.first.localeCompare(a.first));
            queueMicrotask(() => round.forEach((h) => h.release())); // after this request's own await is in place
          }),
      );
      const { client } = frappeTestClient(stub, { concurrency, site: frappeSite(stub.url, { writeMode: 'fast' }) });
      const docs = checkins(1200);
      const results = await client.insertCheckins(docs);
      assertCreatedInOrder(stub, docs, results);
      assert.equal(stub.calls(INSERT_MANY).length, 6);
      assert.equal(stub.maxInflight, concurrency);
      const first = (results[0] as { name: string }).name;
      const second = (results[200] as { name: string }).name;
      assert.ok(
        first > second,
        `the second batch finished first (${first} vs ${second}); ${JSON.stringify(stub.calls(INSERT_MANY).map((r) => r.body.docs[0].time))}`,
      );
    });
  }

  it('bad keys → throws FrappeError auth, nothing created', async () => {
    const { client } = frappeTestClient(stub, {
      credentials: new FakeCredentials({ frappeApiKey: 'nope', frappeApiSecret: 'nada' }),
    });
    await assert.rejects(client.insertCheckins(checkins(3)), (e: unknown) => FrappeError.is(e, 'auth'));
    assert.equal(stub.checkins.length, 0);
  });

  it('a site-level failure after some batches were created → stops, keeps the created results, fails the rest', async () => {
    let n = 0;
    stub.hook(INSERT_MANY, () =>
      ++n === 2 ? { status: 404, text: '<html><head><title>Not Found</title></head></html>' } : 'default',
    );
    const { client } = frappeTestClient(stub, { concurrency: 1, site: frappeSite(stub.url, { writeMode: 'fast' }) });
    const results = await client.insertCheckins(checkins(401));
    assert.equal(results.filter((r) => r.status === 'created').length, 134);
    const failed = results.filter((r) => r.status === 'failed');
    assert.equal(failed.length, 267);
    assert.ok(failed.every((r) => r.status === 'failed' && r.failure === 'transient' && /HTML page/.test(r.message)));
    assert.equal(stub.calls(INSERT_MANY).length, 2, 'no batch started after the failure');
  });

  describe('the permlevel trap: Frappe answers 200 and stores its own "now" (recordings g1, g2, g4)', () => {
    const NOW = '2026-12-03 13:23:31';

    it('insert_many: stored times read back in one list request; a wrong time is never "created"', async () => {
      const { client } = frappeTestClient(stub);
      const docs = checkins(3);
      const ok = await client.insertCheckins(docs.slice(0, 1));
      assert.equal(ok[0].status, 'created');
      stub.trapNow = NOW;
      const before = stub.calls(GET_LIST).length;
      const results = await client.insertCheckins(docs.slice(1));
      assert.deepEqual(
        results.map((r) => [r.status, r.status === 'wrongTime' ? r.storedTime : '']),
        [
          ['wrongTime', NOW],
          ['wrongTime', NOW],
        ],
      );
      const names = results.map((r) => (r as { name: string }).name);
      assert.deepEqual(
        names,
        stub.checkins.slice(1).map((c) => c.name),
      );
      const readBack = stub.calls(GET_LIST).slice(before);
      assert.equal(readBack.length, 1);
      assert.deepEqual(readBack[0].body.filters, [['name', 'in', names]]);
      assert.match(
        (results[0] as { message: string }).message,
        /stored checkin .* with time 2026-12-03 13:23:31 instead of the punch time 2024-05-24 08:00:01.*HR User or HR Manager/,
      );
    });

    it('single insert: the stored time comes with the answer; nothing more is sent after a wrong one', async () => {
      stub.trapNow = NOW;
      const { client } = frappeTestClient(stub, { concurrency: 1 });
      client['writer'].singlesOnly = true;
      const results = await client.insertCheckins(checkins(3));
      assert.deepEqual(
        results.map((r) => r.status),
        ['wrongTime', 'failed', 'failed'],
      );
      assert.equal(stub.calls(INSERT_ONE).length, 1);
      assert.equal(stub.calls(GET_LIST).length, 0);
      const f = results[1] as Extract<InsertResult, { status: 'failed' }>;
      assert.equal(f.failure, 'permission');
      assert.match(f.message, /^Not sent: .*stored the time of the sync instead of the punch time on EMP-CKIN-/);
    });

    it('two punches of one employee collide on "now" (g6): the batch is isolated, neither is a duplicate or created', async () => {
      stub.trapNow = NOW;
      const { client } = frappeTestClient(stub, { concurrency: 1 });
      const docs = checkins(2, 1).map((d) => ({ ...d, logType: 'IN' as const })); // one employee, two times
      const results = await client.insertCheckins(docs);
      assert.deepEqual(
        results.map((r) => r.status),
        ['wrongTime', 'failed'],
      );
      assert.equal(stub.checkins.length, 1);
    });

    it('a batch after the one that met the trap is not sent', async () => {
      const { client } = frappeTestClient(stub, { concurrency: 1 });
      stub.trapNow = NOW;
      stub.employees = stubEmployees(300);
      const results = await client.insertCheckins(checkins(260, 260));
      assert.equal(stub.calls(INSERT_MANY).length, 1);
      assert.ok(results.every((r) => r.status !== 'created' && r.status !== 'duplicate'));
      assert.equal(results.filter((r) => r.status === 'wrongTime').length, stub.checkins.length);
    });
  });

  describe('polite writes (the default, issue 14)', () => {
    it('one request in flight, a first batch of about 50, then sized from the time the site took', async () => {
      const { client, clock } = frappeTestClient(stub);
      // 20 ms a document on the site → about two seconds of work is 100 documents.
      stub.hook(INSERT_MANY, (req) => {
        clock.advance(20 * req.body.docs.length);
        return 'default';
      });
      const docs = checkins(401);
      assertCreatedInOrder(stub, docs, await client.insertCheckins(docs));
      assert.deepEqual(
        stub.calls(INSERT_MANY).map((r) => r.body.docs.length),
        [45, 89, 89, 89, 89], // 401 evened out: 9 × ~45 at first, then 356 in 4 × ~100
      );
      assert.deepEqual(clock.sleeps, [], 'no pause on a site answering at its usual speed');
    });

    it('once the stored times were right, each read-back runs beside the next insert; never two inserts at once', async () => {
      const { client } = frappeTestClient(stub);
      const order: string[] = [];
      let insertsIn = 0;
      let maxInserts = 0;
      let inserted = 0;
      const nextInsert: (() => void)[] = [];
      stub.hook(INSERT_MANY, () => {
        order.push(`insert ${++inserted}`);
        maxInserts = Math.max(maxInserts, ++insertsIn);
        nextInsert.splice(0).forEach((go) => go());
        return new Promise<'default'>((resolve) => setImmediate(() => (insertsIn--, resolve('default'))));
      });
      let lists = 0;
      stub.hook(GET_LIST, async () => {
        const n = ++lists;
        order.push(`read-back ${n}`);
        // The first read-back comes before anything else is sent (the times are not trusted yet). From the second
        // on, each answer is held until the next insert has arrived: a writer that waited for it would hang here.
        if (n >= 2 && n < 4) await new Promise<void>((go) => nextInsert.push(go));
        return 'default' as const;
      });
      stub.employees = stubEmployees(600);
      const docs = checkins(600, 600); // 50, then 184, 183, 183: four inserts
      assertCreatedInOrder(stub, docs, await client.insertCheckins(docs));
      assert.equal(maxInserts, 1, 'one insert in flight: a worker stays free for the desk');
      assert.deepEqual(order.slice(0, 6), [
        'insert 1',
        'read-back 1',
        'insert 2',
        'read-back 2',
        'insert 3',
        'read-back 3',
      ]);
      assert.equal(lists, stub.calls(INSERT_MANY).length, 'every answer was read back');
    });

    it('a wrong time found by a read-back beside an insert: nothing is sent after it, and it is never "created"', async () => {
      const { client } = frappeTestClient(stub);
      const NOW = '2026-12-03 13:23:31';
      let inserted = 0;
      stub.hook(INSERT_MANY, () => {
        if (++inserted === 2) stub.trapNow = NOW; // from the second insert on, the site stores its own "now"
        return 'default';
      });
      stub.employees = stubEmployees(600);
      const results = await client.insertCheckins(checkins(600, 600));
      const sent = stub.calls(INSERT_MANY).length;
      assert.ok(sent <= 3, `at most the insert beside the read-back that found it goes out (${sent} sent)`);
      assert.ok(
        results.every((r) => r.status !== 'created' || stub.checkins.find((c) => c.name === r.name)?.time !== NOW),
      );
      const wrong = results.filter((r) => r.status === 'wrongTime').length;
      assert.equal(
        wrong,
        stub.checkins.filter((c) => c.time === NOW).length,
        'every checkin stored with "now" is reported',
      );
      assert.ok(wrong > 0);
      assert.equal(results.filter((r) => r.status === 'created').length, stub.checkins.length - wrong);
    });

    it('a site much slower than its recent best (someone else is using it) → a pause of the extra time', async () => {
      const { client, clock } = frappeTestClient(stub);
      let n = 0;
      stub.hook(INSERT_MANY, (req) => {
        clock.advance((++n === 3 ? 60 : 20) * req.body.docs.length);
        return 'default';
      });
      const docs = checkins(400);
      assertCreatedInOrder(stub, docs, await client.insertCheckins(docs));
      const sizes = stub.calls(INSERT_MANY).map((r) => r.body.docs.length);
      assert.deepEqual(clock.sleeps, [40 * sizes[2]], 'the third request took 3× per document: wait the extra');
    });

    it('a site-level failure stops the writes; what was created is kept', async () => {
      let n = 0;
      stub.hook(INSERT_MANY, () =>
        ++n === 2 ? { status: 404, text: '<html><head><title>Not Found</title></head></html>' } : 'default',
      );
      const { client } = frappeTestClient(stub);
      const results = await client.insertCheckins(checkins(300));
      assert.equal(results.filter((r) => r.status === 'created').length, 50);
      assert.equal(results.filter((r) => r.status === 'failed').length, 250);
      assert.ok(results.slice(0, 50).every((r) => r.status === 'created'));
      assert.equal(stub.calls(INSERT_MANY).length, 2, 'no batch started after the failure');
    });
  });
});
