// One file on purpose (past the ~300-line guide): every suite shares the seeded sandbox harness below.
import * as assert from 'node:assert/strict';
import type { BioTimeSandbox, BioTimeSandboxOptions } from '../../../src/sandbox/biotime/server';
import { startBioTimeSandbox } from '../../../src/sandbox/biotime/server';

type Json = Record<string, unknown>;
interface Envelope {
  count: number;
  next: string | null;
  previous: string | null;
  msg: string;
  code: number;
  data: Json[];
}

// 06:00Z is 10:00 in Dubai (UTC+4, no DST): the sandbox renders its clock in the configured zone.
const start = Date.parse('2026-03-02T06:00:00Z');

describe('BioTime sandbox', () => {
  let sandbox: BioTimeSandbox;
  let clockMs = start;
  const open: BioTimeSandbox[] = [];

  async function boot(opts: BioTimeSandboxOptions = {}): Promise<BioTimeSandbox> {
    const created = await startBioTimeSandbox({ now: () => new Date(clockMs), timeZone: 'Asia/Dubai', ...opts });
    open.push(created);
    return created;
  }

  async function login(scheme: 'jwt' | 'token' = 'jwt', target = sandbox, password = 'admin123'): Promise<string> {
    const path = scheme === 'jwt' ? '/jwt-api-token-auth/' : '/api-token-auth/';
    const res = await fetch(`${target.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(res.status, 200);
    const { token } = (await res.json()) as { token: string };
    return `${scheme === 'jwt' ? 'JWT' : 'Token'} ${token}`;
  }

  async function get(
    path: string,
    auth?: string,
    target = sandbox,
  ): Promise<{ status: number; body: unknown; res: Response }> {
    const res = await fetch(`${target.url}${path}`, {
      headers: auth ? { Authorization: auth } : {},
      redirect: 'manual',
    });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: res.status, body, res };
  }

  async function send(
    method: string,
    path: string,
    auth: string,
    payload: unknown,
  ): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
    return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Json) };
  }

  function seed(target: BioTimeSandbox, punches: number): void {
    const { store } = target;
    const area = store.addArea({ area_code: '1', area_name: 'Head office' });
    const dept = store.addDepartment({ dept_code: '10', dept_name: 'Operations' });
    store.addEmployee({ emp_code: '1001', first_name: 'Sara', last_name: 'Ali', department: dept, areas: [area] });
    store.addEmployee({ emp_code: '007', first_name: 'James', areas: [area] });
    store.addTerminal({ sn: 'CQUJ123456789', alias: 'Main gate', areaId: area });
    store.addTerminal({ sn: 'CQUJ000000002', alias: 'Back door', areaId: area, lastActivity: '2026-02-27 18:00:00' });
    const pad = (n: number): string => String(n).padStart(2, '0');
    for (let i = 0; i < punches; i++) {
      // Six punches an hour from 08:00, ten minutes apart.
      store.addPunch({
        emp_code: i % 2 === 0 ? '1001' : '007',
        punch_time: `2026-03-01 ${pad(8 + Math.floor(i / 6))}:${pad((i % 6) * 10)}:00`,
        punch_state: i % 2,
        terminal_sn: i % 5 === 4 ? 'CQUJ000000002' : 'CQUJ123456789',
      });
    }
  }

  beforeEach(async () => {
    clockMs = start;
    sandbox = await boot({ internalHost: 'biotime.internal.invalid:8081' });
    seed(sandbox, 25);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  describe('authentication', () => {
    it('issues an HS256 JWT whose exp follows the sandbox clock and lifetime', async () => {
      const short = await boot({ jwtLifetimeSeconds: 300 });
      const auth = await login('jwt', short);
      const [header, payload] = auth
        .slice(4)
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Json);
      assert.deepEqual(header, { typ: 'JWT', alg: 'HS256' });
      assert.equal(payload.exp, start / 1000 + 300);
      assert.equal(payload.username, 'admin');
      assert.equal((await get('/iclock/api/transactions/', auth, short)).status, 200);
      clockMs = start + 301_000;
      assert.deepEqual(await get('/iclock/api/transactions/', auth, short).then((r) => r.body), {
        detail: 'Signature has expired.',
      });
    });

    it('returns the same non-expiring 40-hex general token on every login', async () => {
      const first = await login('token');
      assert.match(first, /^Token [0-9a-f]{40}$/);
      assert.equal(await login('token'), first);
      clockMs = start + 365 * 86_400_000;
      assert.equal((await get('/iclock/api/transactions/', first)).status, 200);
    });

    it('answers bad credentials and missing fields with 400', async () => {
      for (const path of ['/jwt-api-token-auth/', '/api-token-auth/']) {
        const res = await fetch(`${sandbox.url}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"username":"admin","password":"nope"}',
        });
        assert.equal(res.status, 400);
        assert.deepEqual(await res.json(), { non_field_errors: ['Unable to log in with provided credentials.'] });
      }
      const missing = await fetch(`${sandbox.url}/api-token-auth/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      assert.deepEqual(await missing.json(), {
        username: ['This field is required.'],
        password: ['This field is required.'],
      });
      assert.equal((await get('/api-token-auth/')).status, 405);
    });

    it('gives the reference 401 bodies for missing, unknown and malformed credentials', async () => {
      const detail = async (auth?: string): Promise<unknown> => {
        const { status, body } = await get('/iclock/api/transactions/', auth);
        assert.equal(status, 401);
        return (body as Json).detail;
      };
      assert.equal(await detail(), 'Authentication credentials were not provided.');
      assert.equal(
        await detail(`Bearer ${(await login('jwt')).slice(4)}`),
        'Authentication credentials were not provided.',
      );
      assert.equal(await detail('Token 0123456789abcdef0123456789abcdef01234567'), 'Invalid token.');
      assert.equal(await detail('JWT not.a.jwt'), 'Error decoding signature.');
      const jwt = await login('jwt');
      assert.equal(await detail(`${jwt.slice(0, -2)}xx`), 'Error decoding signature.');
    });

    it('expireTokensAfter(n) lets n requests through, then reports expiry until a re-login', async () => {
      const auth = await login('jwt');
      sandbox.store.expireTokensAfter(2);
      assert.equal((await get('/iclock/api/transactions/?page=1', auth)).status, 200);
      assert.equal((await get('/iclock/api/transactions/?page=2', auth)).status, 200);
      const third = await get('/iclock/api/transactions/?page=3', auth);
      assert.deepEqual([third.status, third.body], [401, { detail: 'Signature has expired.' }]);
      assert.equal((await get('/iclock/api/transactions/?page=3', await login('jwt'))).status, 200);
    });

    it('revokeTokens() invalidates general tokens and JWTs; setPassword changes the login', async () => {
      const key = await login('token');
      const jwt = await login('jwt');
      sandbox.store.revokeTokens();
      assert.deepEqual((await get('/iclock/api/terminals/', key)).body, { detail: 'Invalid token.' });
      assert.deepEqual((await get('/iclock/api/terminals/', jwt)).body, { detail: 'Error decoding signature.' });
      assert.notEqual(await login('token'), key);
      sandbox.store.setPassword('admin', 'n3w');
      assert.equal((await login('jwt', sandbox, 'n3w')).startsWith('JWT '), true);
    });

    it('answers 403 mentioning the licence when the API module is not licensed', async () => {
      const unlicensed = await boot({ license: false });
      const { status, body } = await get('/iclock/api/transactions/', await login('jwt', unlicensed), unlicensed);
      assert.equal(status, 403);
      assert.match(String((body as Json).detail), /licen[cs]e/i);
    });
  });

  describe('transactions', () => {
    it('pages in ascending id order with the DRF envelope and internal-host links', async () => {
      const auth = await login();
      const first = (await get('/iclock/api/transactions/?start_time=2026-03-01+00:00:00', auth)).body as Envelope;
      assert.equal(first.count, 25);
      assert.deepEqual([first.msg, first.code, first.previous], ['', 0, null]);
      assert.deepEqual(
        first.data.map((r) => r.id),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      assert.equal(
        first.next,
        'http://biotime.internal.invalid:8081/iclock/api/transactions/?page=2&start_time=2026-03-01+00%3A00%3A00',
      );
      const second = (await get('/iclock/api/transactions/?page=2&page_size=10', auth)).body as Envelope;
      assert.equal(second.previous, 'http://biotime.internal.invalid:8081/iclock/api/transactions/?page_size=10');
      assert.equal(second.next, 'http://biotime.internal.invalid:8081/iclock/api/transactions/?page=3&page_size=10');
      const last = (await get('/iclock/api/transactions/?page=3', auth)).body as Envelope;
      assert.deepEqual([last.data.length, last.next], [5, null]);
      assert.equal(((await get('/iclock/api/transactions/?page=last', auth)).body as Envelope).data[0].id, 21);
    });

    it('uses the request Host for links when no internal host is set', async () => {
      const plain = await boot();
      seed(plain, 12);
      const body = (await get('/iclock/api/transactions/', await login('jwt', plain), plain)).body as Envelope;
      assert.equal(body.next, `${plain.url}/iclock/api/transactions/?page=2`);
    });

    it('answers pages out of range with 404 Invalid page, but an empty first page with count 0', async () => {
      const auth = await login();
      for (const page of ['4', '0', '-1', 'abc']) {
        const { status, body } = await get(`/iclock/api/transactions/?page=${page}`, auth);
        assert.deepEqual([status, body], [404, { detail: 'Invalid page.' }], `page=${page}`);
      }
      const empty = await get('/iclock/api/transactions/?emp_code=nobody', auth);
      assert.equal(empty.status, 200);
      assert.deepEqual((empty.body as Envelope).data, []);
      assert.equal((empty.body as Envelope).count, 0);
    });

    it('takes page_size, falls back to limit, and ignores invalid sizes', async () => {
      const auth = await login();
      const size = async (query: string): Promise<number> =>
        ((await get(`/iclock/api/transactions/?${query}`, auth)).body as Envelope).data.length;
      assert.equal(await size('page_size=4'), 4);
      assert.equal(await size('limit=6'), 6);
      assert.equal(await size('page_size=3&limit=6'), 3);
      assert.equal(await size('page_size=0'), 10);
      assert.equal(await size('page_size=abc&limit=x'), 10);
    });

    it('filters exactly on emp_code, terminal_sn and terminal_alias, ignoring unknown and empty params', async () => {
      const auth = await login();
      const ids = async (query: string): Promise<unknown[]> =>
        ((await get(`/iclock/api/transactions/?page_size=100&${query}`, auth)).body as Envelope).data.map((r) => r.id);
      assert.equal((await ids('emp_code=007')).length, 12);
      assert.deepEqual(await ids('emp_code=7'), []);
      assert.deepEqual(await ids('terminal_sn=CQUJ000000002'), [5, 10, 15, 20, 25]);
      assert.deepEqual(await ids('terminal_alias=Back+door&emp_code=1001'), [5, 15, 25]);
      assert.equal((await ids('id__gt=20&upload_time__gte=2030-01-01+00:00:00')).length, 25);
      assert.equal((await ids('emp_code=&terminal_sn=')).length, 25);
    });

    it('filters punch_time inclusively with start_time/end_time and rejects invalid values', async () => {
      const auth = await login();
      const window = (
        (await get('/iclock/api/transactions/?start_time=2026-03-01%2008:10:00&end_time=2026-03-01%2008:30:00', auth))
          .body as Envelope
      ).data;
      assert.deepEqual(
        window.map((r) => r.punch_time),
        ['2026-03-01 08:10:00', '2026-03-01 08:20:00', '2026-03-01 08:30:00'],
      );
      const dateOnly = ((await get('/iclock/api/transactions/?end_time=2026-03-01', auth)).body as Envelope).count;
      assert.equal(dateOnly, 0);
      // An aware value is converted to the server zone (Dubai, UTC+4) before comparing.
      const aware = ((await get('/iclock/api/transactions/?end_time=2026-03-01T04:10:00Z', auth)).body as Envelope)
        .count;
      assert.equal(aware, 2);
      const bad = await get('/iclock/api/transactions/?start_time=yesterday', auth);
      assert.deepEqual([bad.status, bad.body], [400, { start_time: ['Enter a valid date/time.'] }]);
    });

    it('places a late upload by arrival id and honours only the punch/upload time orderings', async () => {
      clockMs = start + 3 * 86_400_000;
      const late = sandbox.store.addPunch({
        emp_code: '1001',
        punch_time: '2026-02-20 07:55:00',
        terminal_sn: 'CQUJ123456789',
      });
      assert.equal(late, 26);
      const auth = await login();
      const first = async (ordering: string): Promise<Json> =>
        ((await get(`/iclock/api/transactions/?ordering=${ordering}`, auth)).body as Envelope).data[0];
      assert.equal((await first('-upload_time')).id, 26);
      assert.equal((await first('punch_time')).id, 26);
      assert.equal((await first('-punch_time')).id, 25);
      assert.equal((await first('upload_time')).id, 1);
      assert.equal((await first('-id')).id, 1);
      assert.equal((await first('emp_code')).id, 1);
      const record = sandbox.store.transactions()[25];
      assert.deepEqual([record.punch_time, record.upload_time], ['2026-02-20 07:55:00', '2026-03-05 10:00:00']);
    });

    it('serves the full record field set with denormalised names, labels and string punch_state', async () => {
      const auth = await login();
      const { body } = await get('/iclock/api/transactions/2/', auth);
      assert.deepEqual(body, {
        id: 2,
        emp: null,
        emp_code: '007',
        first_name: 'James',
        last_name: '',
        department: 'Department',
        position: null,
        punch_time: '2026-03-01 08:10:00',
        punch_state: '1',
        punch_state_display: 'Check Out',
        verify_type: 1,
        verify_type_display: 'Fingerprint',
        work_code: '',
        gps_location: '',
        area_alias: 'Head office',
        terminal_sn: 'CQUJ123456789',
        terminal_alias: 'Main gate',
        temperature: 0,
        is_mask: '-',
        upload_time: '2026-03-02 10:00:00',
        longitude: null,
        latitude: null,
        terminal: null,
      });
      const app = sandbox.store.addPunch({
        emp_code: '1001',
        punch_time: '2026-03-02 09:00:00',
        punch_state: '255',
        verify_type: 15,
        latitude: 25.2,
        longitude: 55.3,
      });
      const appRecord = (await get(`/iclock/api/transactions/${app}/`, auth)).body as Json;
      assert.deepEqual(
        [
          appRecord.terminal_sn,
          appRecord.terminal_alias,
          appRecord.department,
          appRecord.punch_state_display,
          appRecord.verify_type_display,
          appRecord.latitude,
        ],
        ['', null, 'Operations', 'Unknown', 'Face', 25.2],
      );
      assert.deepEqual((await get('/iclock/api/transactions/999/', auth)).body, { detail: 'Not found.' });
    });

    it('keeps upload_time >= punch_time', () => {
      const id = sandbox.store.addPunch({ emp_code: '1001', punch_time: '2026-03-02 12:00:00' });
      assert.equal(sandbox.store.transactions().find((r) => r.id === id)?.upload_time, '2026-03-02 12:00:00');
      assert.throws(
        () =>
          sandbox.store.addPunch({
            emp_code: '1001',
            punch_time: '2026-03-02 12:00:00',
            upload_time: '2026-03-02 11:00:00',
          }),
        RangeError,
      );
      assert.throws(() => sandbox.store.addPunch({ emp_code: '1001', punch_time: '2026-03-02T12:00:00' }), RangeError);
    });

    it('supports deletion gaps, raw odd records and a DB restore that reuses ids', async () => {
      const auth = await login();
      assert.equal((await send('DELETE', '/iclock/api/transactions/3/', auth, {})).status, 204);
      sandbox.store.deletePunch(4);
      const raw = sandbox.store.addRawTransaction({
        emp_code: 1002,
        punch_time: '2026-03-01 23:59:59',
        punch_state: 0,
        terminal_sn: null,
      });
      assert.equal(raw, 26);
      const page = ((await get('/iclock/api/transactions/?page_size=5', auth)).body as Envelope).data.map((r) => r.id);
      assert.deepEqual(page, [1, 2, 5, 6, 7]);
      assert.deepEqual((await get('/iclock/api/transactions/26/', auth)).body, {
        id: 26,
        emp_code: 1002,
        punch_time: '2026-03-01 23:59:59',
        punch_state: 0,
        terminal_sn: null,
      });
      sandbox.store.resetIds(11);
      assert.equal(sandbox.store.addPunch({ emp_code: '1001', punch_time: '2026-03-02 09:30:00' }), 11);
      const all = ((await get('/iclock/api/transactions/?page_size=50', auth)).body as Envelope).data.map((r) => r.id);
      assert.deepEqual(all, [1, 2, 5, 6, 7, 8, 9, 10, 11]);
    });

    // How fast is a timing, printed by `npm run bench:timings`; here what a page holds.
    it('pages through 300,000 rows when unfiltered', async function () {
      this.timeout(60_000);
      const big = await boot();
      seed(big, 0);
      for (let i = 0; i < 300_000; i++)
        big.store.addPunch({
          emp_code: i % 7 === 0 ? '007' : '1001',
          punch_time: '2026-03-01 08:00:00',
          terminal_sn: 'CQUJ123456789',
        });
      const auth = await login('token', big);
      await get('/iclock/api/transactions/?page=2&page_size=100', auth, big);
      const { body } = await get('/iclock/api/transactions/?page=2999&page_size=100', auth, big);
      assert.equal((body as Envelope).data[0].id, 299_801);
      const filtered = (await get('/iclock/api/transactions/?emp_code=007&page=last', auth, big)).body as Envelope;
      assert.equal(filtered.count, Math.ceil(300_000 / 7));
    });
  });

  describe('terminals and personnel', () => {
    it('lists terminals with last_activity, counts, and a partial sn filter', async () => {
      const auth = await login();
      clockMs = start + 60_000;
      const body = (await get('/iclock/api/terminals/', auth)).body as Envelope;
      assert.equal(body.count, 2);
      const [online, stale] = body.data;
      assert.deepEqual(
        [
          online.sn,
          online.alias,
          online.state,
          online.last_activity,
          online.transaction_count,
          online.user_count,
          online.area_name,
        ],
        ['CQUJ123456789', 'Main gate', 1, '2026-03-02 10:01:00', 20, 2, 'Head office'],
      );
      assert.equal(stale.last_activity, '2026-02-27 18:00:00');
      sandbox.store.setTerminalActivity('CQUJ123456789', '2026-03-01 09:00:00');
      assert.equal(((await get('/iclock/api/terminals/1/', auth)).body as Json).last_activity, '2026-03-01 09:00:00');
      assert.equal(((await get('/iclock/api/terminals/?sn=CQUJ', auth)).body as Envelope).count, 2);
    });

    it('lists employees with exact and icontains filters, and updates them with PUT', async () => {
      const auth = await login();
      const find = async (query: string): Promise<Json[]> =>
        ((await get(`/personnel/api/employees/?${query}`, auth)).body as Envelope).data;
      assert.equal((await find('emp_code=007')).length, 1);
      assert.equal((await find('emp_code=07')).length, 0);
      assert.equal((await find('emp_code_icontains=00')).length, 2);
      const [sara] = await find('emp_code=1001');
      assert.deepEqual(sara.department, { id: 1, dept_code: '10', dept_name: 'Operations' });
      assert.deepEqual(sara.area, [{ id: 1, area_code: '1', area_name: 'Head office' }]);
      const put = await send('PUT', `/personnel/api/employees/${String(sara.id)}/`, auth, {
        emp_code: '9999',
        first_name: 'Sarah',
        department: 1,
        area: [1],
        mobile: '050',
      });
      assert.equal(put.status, 200);
      assert.deepEqual([put.body.emp_code, put.body.first_name, put.body.mobile], ['1001', 'Sarah', '050']);
      const invalid = await send('PUT', `/personnel/api/employees/${String(sara.id)}/`, auth, {
        emp_code: '1001',
        area: [42],
      });
      assert.deepEqual(invalid, {
        status: 400,
        body: { department: ['This field is required.'], area: ['Invalid pk "42" - object does not exist.'] },
      });
    });

    it('adjusts areas and lists areas', async () => {
      const auth = await login();
      const gate = sandbox.store.addArea({ area_code: '2', area_name: 'Warehouse' });
      assert.equal(
        (await send('POST', '/personnel/api/employees/adjust_area/', auth, { employees: [1, 2], areas: [gate] }))
          .status,
        200,
      );
      assert.deepEqual(
        sandbox.store.employees().map((e) => (e.area as Json[]).map((a) => a.area_name)),
        [['Warehouse'], ['Warehouse']],
      );
      assert.equal(((await get('/personnel/api/areas/', auth)).body as Envelope).count, 2);
    });

    it('resigns with disableatt and reinstates by resign id', async () => {
      const auth = await login();
      const created = await send('POST', '/personnel/api/resigns/', auth, {
        employee: 2,
        disableatt: true,
        resign_type: 1,
        resign_date: '2026-03-02',
        reason: '',
      });
      assert.equal(created.status, 201);
      assert.equal(sandbox.store.employees()[1].enable_att, false);
      const listed = (await get('/personnel/api/resigns/?employee=2', auth)).body as Envelope;
      assert.deepEqual(
        listed.data.map((r) => [r.id, r.emp_code]),
        [[created.body.id, '007']],
      );
      assert.equal((await send('POST', '/personnel/api/resigns/', auth, { employee: 2 })).status, 400);
      assert.equal(
        (await send('POST', '/personnel/api/resigns/reinstatement/', auth, { resigns: [created.body.id] })).status,
        200,
      );
      assert.deepEqual([sandbox.store.resigns().length, sandbox.store.employees()[1].enable_att], [0, true]);
    });

    it('answers the resign API with the HTML page when the server version lacks it', async () => {
      const old = await boot({ resignApi: false });
      const { status, body, res } = await get('/personnel/api/resigns/', await login('jwt', old), old);
      assert.equal(status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(String(body), /Page not found/);
    });
  });

  describe('HTTP quirks and faults', () => {
    it('answers unknown paths with 200 HTML and redirects a missing trailing slash', async () => {
      const unknown = await get('/iclock/api/nothing-here/');
      assert.equal(unknown.status, 200);
      assert.match(String(unknown.body), /Page not found/);
      const slash = await get('/iclock/api/transactions?page=2');
      assert.deepEqual([slash.status, slash.res.headers.get('location')], [301, '/iclock/api/transactions/?page=2']);
    });

    it('injects deterministic faults on matching paths and counts routes', async () => {
      const auth = await login();
      sandbox.stats.reset();
      sandbox.faults.injectNext('503', 1, /transactions/);
      assert.equal((await get('/iclock/api/terminals/', auth)).status, 200);
      assert.equal((await get('/iclock/api/transactions/?page=2', auth)).status, 503);
      assert.equal((await get('/iclock/api/transactions/', auth)).status, 200);
      await get('/iclock/api/transactions/7/', auth);
      assert.deepEqual(sandbox.stats.byRoute, {
        'GET /iclock/api/terminals/': 1,
        'GET /iclock/api/transactions/': 2,
        'GET /iclock/api/transactions/{id}/': 1,
      });
    });

    it('replays random faults from the same seed', async () => {
      const statuses = async (seed: number): Promise<number[]> => {
        const target = await boot({ seed });
        const auth = await login('token', target);
        target.faults.setRandom({ rate: 0.4, kinds: ['500', '429', 'html'], paths: /transactions/ });
        const out: number[] = [];
        for (let i = 0; i < 20; i++) {
          const res = await get('/iclock/api/transactions/', auth, target);
          out.push(res.status === 200 && typeof res.body === 'string' ? 1 : res.status);
        }
        return out;
      };
      const first = await statuses(11);
      assert.deepEqual(await statuses(11), first);
      assert.ok(first.some((s) => s !== 200) && first.some((s) => s === 200));
    });

    it('refuses an internal host that is not a .invalid name', async () => {
      await assert.rejects(startBioTimeSandbox({ internalHost: '10.0.0.5:8081' }), /\.invalid/);
    });
  });
});
