import * as assert from 'node:assert/strict';
import { jwtExpiry } from '../../../src/biotime/auth';
import { BioTimeError } from '../../../src/core/errors';
import { HTML_404, tx } from '../../support/biotimeStub';
import { biotimeKit, range, type Kit } from '../../support/biotimeKit';

const TERMINALS = '/iclock/api/terminals/';

describe('biotime/client: getTransaction, listTerminals, probe', () => {
  let k: Kit;
  afterEach(async () => k && (await k.close()));

  it('getTransaction reads /iclock/api/transactions/{id}/; 404 and an HTML answer are null', async () => {
    k = await biotimeKit();
    k.stub.transactions = [tx(7, { emp_code: '007' })];
    const p = await k.client.getTransaction(7);
    assert.equal(p!.id, 7);
    assert.equal(p!.empCode, '007');
    assert.equal(await k.client.getTransaction(8), null);
    k.stub.on((r) => (r.path === '/iclock/api/transactions/7/' ? { text: HTML_404 } : undefined));
    assert.equal(await k.client.getTransaction(7), null);
  });

  it('getTransaction refuses a record with another id (a server that ignores the path)', async () => {
    k = await biotimeKit();
    k.stub.on((r) => (r.path === '/iclock/api/transactions/9/' ? { body: tx(1) } : undefined));
    assert.equal(await k.client.getTransaction(9), null);
  });

  it('listTerminals reads every page with loose types', async () => {
    k = await biotimeKit();
    k.stub.defaultPageSize = 2;
    k.stub.ignorePageSize = true;
    k.stub.terminals = range(1, 5).map((i) => ({
      id: i,
      sn: `SN${i}`,
      alias: `Gate ${i}`,
      area: { id: 1, area_code: '1', area_name: 'Head office' },
      last_activity: i === 5 ? null : `2026-03-02 15:0${i}:00`,
      user_count: i === 2 ? '12' : i,
      transaction_count: null,
      state: '1',
    }));
    const t = await k.client.listTerminals();
    assert.deepEqual(
      t.map((x) => [x.id, x.sn, x.alias, x.area, x.lastActivity, x.userCount, x.transactionCount]),
      [
        [1, 'SN1', 'Gate 1', 'Head office', '2026-03-02 15:01:00', 1, null],
        [2, 'SN2', 'Gate 2', 'Head office', '2026-03-02 15:02:00', 12, null],
        [3, 'SN3', 'Gate 3', 'Head office', '2026-03-02 15:03:00', 3, null],
        [4, 'SN4', 'Gate 4', 'Head office', '2026-03-02 15:04:00', 4, null],
        [5, 'SN5', 'Gate 5', 'Head office', null, 5, null],
      ],
    );
    assert.equal(k.stub.count('GET', TERMINALS), 3);
  });

  it('listTerminals stops when a server ignores `page`', async () => {
    k = await biotimeKit();
    k.stub.terminals = range(1, 3).map((i) => ({ id: i, sn: `SN${i}` }));
    k.stub.on((r) =>
      r.path === TERMINALS
        ? { body: { count: 30, next: 'http://10.0.0.1/x?page=2', data: k.stub.terminals } }
        : undefined,
    );
    assert.equal((await k.client.listTerminals()).length, 3);
    assert.equal(k.stub.count('GET', TERMINALS), 2);
  });

  it('probe logs in and reports the scheme, token expiry, count and the newest id and upload_time', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 42).map((i) =>
      tx(i, { upload_time: `2026-03-02 10:${String(i).padStart(2, '0')}:00` }),
    );
    const p = await k.client.probe();
    assert.equal(p.scheme, 'jwt');
    assert.equal(p.tokenExpiresAt!.getTime(), jwtExpiry(k.creds.tokens.get('hq')!)!.getTime());
    assert.equal(p.transactionCount, 42);
    assert.equal(p.newestTransactionId, 42);
    assert.equal(p.newestUploadTime, '2026-03-02 10:42:00');
    assert.deepEqual(k.stub.pagesRequested(), [1, 42]);
  });

  it('probe follows a server that ignores page_size=1, and handles an empty list', async () => {
    k = await biotimeKit({ authScheme: 'token' });
    k.stub.ignorePageSize = true;
    k.stub.transactions = range(1, 25).map((i) => tx(i));
    const p = await k.client.probe();
    assert.equal(p.scheme, 'token');
    assert.equal(p.tokenExpiresAt, undefined);
    assert.equal(p.newestTransactionId, 25);
    assert.deepEqual(k.stub.pagesRequested(), [1, 3]);
    k.stub.transactions = [];
    const empty = await k.client.probe();
    assert.equal(empty.transactionCount, 0);
    assert.equal(empty.newestTransactionId, null);
  });

  it('an unreachable server is reason unreachable, with the origin in the hint', async () => {
    k = await biotimeKit();
    const url = k.stub.url;
    await k.close();
    await assert.rejects(
      k.newClient({ url }).probe(),
      (e) => BioTimeError.is(e, 'unreachable') && e.hint!.includes(url),
    );
  });

  it('a redirect says where to, so the URL can be fixed', async () => {
    k = await biotimeKit();
    k.stub.on((r) =>
      r.path === '/iclock/api/transactions/'
        ? { status: 301, headers: { location: 'https://biotime.example.com/iclock/api/transactions/?page=1' } }
        : undefined,
    );
    await assert.rejects(
      k.client.probe(),
      (e) =>
        BioTimeError.is(e, 'http') &&
        /redirected .* to https:\/\/biotime\.example\.com\/iclock\/api\/transactions\//.test(e.message) &&
        !e.message.includes('page=1'),
    );
  });
});
