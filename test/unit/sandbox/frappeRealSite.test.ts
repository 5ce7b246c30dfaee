import * as assert from 'node:assert/strict';
import { realSiteKeys } from '../../../src/sandbox/frappe/realSite';
import { startFrappeSandbox, type FrappeSandbox, type FrappeSandboxOptions } from '../../../src/sandbox/frappe/server';

// The sandbox in real-site mode answers like the recorded Frappe HR v15 site (docs/reference/frappe-wire/): users
// with roles, the permlevel trap on every insert path, the User record and Has Role as the real site serves them,
// and the v16 differences behind `frappeVersion`.

const addLog = '/api/method/hrms.hr.doctype.employee_checkin.employee_checkin.add_log_based_on_employee_field';
type Key = { key: string; secret: string };
const auth = (k: Key): string => `token ${k.key}:${k.secret}`;
const { sync, weak, sysmgr } = realSiteKeys;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  /** Decoded `_server_messages` entries. */
  messages: Array<Record<string, unknown>>;
}

async function send(sb: FrappeSandbox, method: string, path: string, key: Key, payload?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { Authorization: auth(key), Accept: 'application/json' };
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  const res = await fetch(sb.url + path, { method, headers, body });
  const json = (await res.json()) as Record<string, unknown>;
  const raw = json._server_messages;
  const messages =
    typeof raw === 'string' ? (JSON.parse(raw) as string[]).map((m) => JSON.parse(m) as Record<string, unknown>) : [];
  return { status: res.status, body: json, messages };
}

const data = (r: Reply): Record<string, unknown> => r.body.data as Record<string, unknown>;
const message = (r: Reply): Record<string, unknown> => r.body.message as Record<string, unknown>;

describe('Frappe sandbox: real-site mode (users, roles, permlevel)', () => {
  let sb: FrappeSandbox;
  // 07:47:02 UTC = 13:17:02 in Asia/Kolkata, the recorded site's zone.
  const start = async (opts: FrappeSandboxOptions = {}): Promise<void> => {
    sb = await startFrappeSandbox({ realSite: true, now: () => new Date('2026-12-03T07:47:02Z'), ...opts });
  };
  afterEach(() => sb.close());

  it('seeds the recorded site: each API key is its user, employees 101…110, 007, 0042, HR-EMP-00010 inactive', async () => {
    await start();
    for (const key of Object.values(realSiteKeys)) {
      const r = await send(sb, 'GET', '/api/method/frappe.auth.get_logged_user', key);
      assert.deepEqual(r.body, { message: key.user });
    }
    const employees = sb.store.employees();
    assert.equal(employees.length, 12);
    assert.deepEqual(
      employees.map((e) => e.attendance_device_id),
      ['101', '102', '103', '104', '105', '106', '107', '108', '109', '110', '007', '0042'],
    );
    assert.equal(employees.find((e) => e.name === 'HR-EMP-00010')?.status, 'Inactive');
    assert.equal(employees.find((e) => e.name === 'HR-EMP-00003')?.user_id, weak.user);
    assert.equal(sb.store.timeZone, 'Asia/Kolkata');
  });

  it('replaces time by server now for an Employee-only user on every insert path, answering 200 (g1, g2, g4)', async () => {
    await start();
    const own = { employee: 'HR-EMP-00003', log_type: 'IN', device_id: 'GATE-W' };
    const g1 = await send(sb, 'POST', '/api/resource/Employee%20Checkin', weak, {
      ...own,
      time: '2026-11-01 08:00:00',
    });
    assert.equal(g1.status, 200);
    assert.equal(data(g1).time, '2026-12-03 13:17:02');
    const g2 = await send(sb, 'POST', '/api/method/frappe.client.insert_many', weak, {
      docs: [{ doctype: 'Employee Checkin', ...own, log_type: 'OUT', time: '2026-11-02 08:00:00' }],
    });
    assert.equal(g2.status, 200);
    const g4 = await send(sb, 'POST', addLog, weak, {
      employee_field_value: '103',
      timestamp: '2026-11-03 08:00:00',
      log_type: 'OUT',
    });
    // Same employee, same replaced second, same log type as g2's row: the trap makes it a duplicate (g6).
    assert.equal(g4.status, 417);
    const insert = await send(sb, 'POST', '/api/method/frappe.client.insert', weak, {
      doc: { doctype: 'Employee Checkin', ...own, log_type: '', time: '2026-11-04 08:00:00' },
    });
    assert.equal(insert.status, 200);
    assert.equal(message(insert).time, '2026-12-03 13:17:02');
    const times = sb.store.checkins().map((c) => c.time);
    assert.deepEqual(times, ['2026-12-03 13:17:02', '2026-12-03 13:17:02', '2026-12-03 13:17:02']);
    // The HR Manager user keeps the punch time.
    const hr = await send(sb, 'POST', addLog, sync, { employee_field_value: '101', timestamp: '2026-11-03 08:00:00' });
    assert.equal(message(hr).time, '2026-11-03 08:00:00');
  });

  it('add_log for an Employee-only user stores now too (g4)', async () => {
    await start();
    const g4 = await send(sb, 'POST', addLog, weak, {
      employee_field_value: '103',
      timestamp: '2026-11-03 08:00:00',
      log_type: 'OUT',
    });
    assert.equal(g4.status, 200);
    assert.equal(message(g4).time, '2026-12-03 13:17:02');
    assert.equal(message(g4).owner, weak.user);
  });

  it('refuses an Employee-only user a checkin for another employee with the User Permission message (g3)', async () => {
    await start();
    const r = await send(sb, 'POST', '/api/resource/Employee%20Checkin', weak, {
      employee: 'HR-EMP-00001',
      time: '2026-11-01 08:00:00',
      log_type: 'IN',
    });
    assert.equal(r.status, 403);
    assert.equal(r.body.exc_type, 'PermissionError');
    assert.deepEqual(r.messages, [
      {
        message:
          "You are not allowed to access this Employee Checkin record because it is linked to Employee 'HR-EMP-00001' in field Employee" +
          '<br>User <strong>weak@acme.test</strong> does not have access to this document: Employee Checkin - None',
        title: 'Message',
      },
    ]);
    assert.equal(
      r.body._error_message,
      "You need the 'create' permission on <strong>Employee Checkin</strong>  to perform this action.",
    );
    const list = await send(
      sb,
      'GET',
      `/api/resource/Employee?fields=${encodeURIComponent('["name"]')}&limit_page_length=0`,
      weak,
    );
    assert.deepEqual(list.body, { data: [{ name: 'HR-EMP-00003' }] }, 'b3: only the permitted employee');
  });

  it('serves the own User record with permlevel-1 fields blanked, refuses another user (i8, i4)', async () => {
    await start();
    const self = await send(sb, 'GET', '/api/resource/User/sync@acme.test', sync);
    assert.equal(self.status, 200);
    assert.deepEqual(data(self).roles, []);
    assert.equal('user_type' in data(self), false);
    assert.equal('api_key' in data(self), false);
    assert.equal(data(self).enabled, 1);
    const other = await send(sb, 'GET', '/api/resource/User/linked@acme.test', sync);
    assert.equal(other.status, 403);
    assert.equal(other.body.exc_type, 'PermissionError');
    assert.deepEqual(other.messages, [
      {
        message:
          'User <strong>sync@acme.test</strong> does not have doctype access via role permission for document <strong>User</strong>' +
          '<br>User <strong>sync@acme.test</strong> does not have access to this document: User - linked@acme.test',
        title: 'Message',
      },
    ]);
    assert.equal('_error_message' in other.body, false);
    // A System Manager reads every User, roles included.
    const full = await send(sb, 'GET', '/api/resource/User/linked@acme.test', sysmgr);
    assert.equal(full.status, 200);
    assert.deepEqual(
      (data(full).roles as Array<{ role: string }>).map((r) => r.role),
      ['Employee'],
    );
  });

  it('lists Users for every user, silently dropping the fields it may not read (i1b, i5)', async () => {
    await start();
    const query = new URLSearchParams({
      filters: JSON.stringify([['name', 'in', ['sync@acme.test', 'weak@acme.test']]]),
      fields: JSON.stringify(['name', 'enabled', 'user_type', 'email', 'api_key']),
      order_by: 'name asc',
    });
    for (const key of [sync, weak]) {
      const r = await send(sb, 'GET', `/api/resource/User?${query.toString()}`, key);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.data, [
        { name: 'sync@acme.test', enabled: 1, email: 'sync@acme.test' },
        { name: 'weak@acme.test', enabled: 1, email: 'weak@acme.test' },
      ]);
    }
    const admin = await send(sb, 'GET', `/api/resource/User?${query.toString()}`, sysmgr);
    assert.equal((admin.body.data as Array<Record<string, unknown>>)[0].user_type, 'System User');
  });

  it('reads roles through frappe.client.get_list on Has Role with parent User, for HR and Employee users (i3, i6)', async () => {
    await start();
    const args = (users: string[]) => ({
      doctype: 'Has Role',
      parent: 'User',
      filters: [['parent', 'in', users]],
      fields: ['parent', 'role'],
      limit_page_length: 0,
    });
    const hr = await send(sb, 'POST', '/api/method/frappe.client.get_list', sync, args([sync.user, weak.user]));
    assert.deepEqual(hr.body, {
      message: [
        { parent: sync.user, role: 'HR User' },
        { parent: sync.user, role: 'HR Manager' },
        { parent: weak.user, role: 'Employee' },
      ],
    });
    const own = await send(sb, 'POST', '/api/method/frappe.client.get_list', weak, args([weak.user]));
    assert.deepEqual(own.body, { message: [{ parent: weak.user, role: 'Employee' }] });
    const resource = await send(sb, 'GET', '/api/resource/Has%20Role', sync);
    assert.equal(resource.status, 403, 'i2: /api/resource/Has Role without parent');
  });

  it('refuses User updates to an HR Manager with the role-permission message; a System Manager may', async () => {
    await start();
    const r = await send(sb, 'PUT', '/api/resource/User/linked@acme.test', sync, { enabled: 0 });
    assert.equal(r.status, 403);
    assert.equal(r.body.exc_type, 'PermissionError');
    assert.deepEqual(r.messages, [
      {
        message:
          'User <strong>sync@acme.test</strong> does not have doctype access via role permission for document <strong>User</strong>',
        title: 'Message',
      },
    ]);
    assert.equal(r.body._error_message, 'No permission for User');
    assert.equal(sb.store.users().find((u) => u.name === 'linked@acme.test')?.enabled, 1);
    const ok = await send(sb, 'PUT', '/api/resource/User/linked@acme.test', sysmgr, { enabled: 0 });
    assert.equal(ok.status, 200);
    assert.equal(sb.store.users().find((u) => u.name === 'linked@acme.test')?.enabled, 0);
  });

  it('reads HR Settings for an Employee-only user (h2c)', async () => {
    await start();
    const r = await send(sb, 'GET', '/api/resource/HR%20Settings/HR%20Settings', weak);
    assert.equal(r.status, 200);
    assert.equal(data(r).allow_geolocation_tracking, 0);
  });

  it('keeps the trap off when asked (permlevelTrap: false)', async () => {
    await start({ permlevelTrap: false });
    const r = await send(sb, 'POST', '/api/resource/Employee%20Checkin', weak, {
      employee: 'HR-EMP-00003',
      time: '2026-11-01 08:00:00',
    });
    assert.equal(data(r).time, '2026-11-01 08:00:00');
  });
});

describe('Frappe sandbox: frappeVersion 15 and 16', () => {
  let sb: FrappeSandbox;
  const start = async (frappeVersion: 15 | 16): Promise<void> => {
    sb = await startFrappeSandbox({ realSite: true, frappeVersion, now: () => new Date('2026-12-03T07:47:02Z') });
  };
  afterEach(() => sb.close());

  const addLogGet = (): Promise<Reply> =>
    send(sb, 'GET', `${addLog}?employee_field_value=007&timestamp=2026-11-22%2009:25:00&log_type=IN`, sync);

  it('v15: a GET on add_log answers 200 with a document that is rolled back (f7, f7b)', async () => {
    await start(15);
    const r = await addLogGet();
    assert.equal(r.status, 200);
    assert.equal(message(r).employee, 'HR-EMP-00011');
    assert.equal(sb.store.checkins().length, 0);
  });

  it('v16: a GET on a writing method is refused like insert_many (403 Not permitted)', async () => {
    await start(16);
    const r = await addLogGet();
    assert.equal(r.status, 403);
    assert.equal(r.messages[0].message, 'Not permitted');
    const many = await send(sb, 'GET', '/api/method/frappe.client.insert_many?docs=[]', sync);
    assert.equal(many.status, 403);
    const post = await send(sb, 'POST', addLog, sync, {
      employee_field_value: '007',
      timestamp: '2026-11-22 09:25:00',
    });
    assert.equal(post.status, 200);
  });

  for (const [version, desk] of [
    [15, '/app'],
    [16, '/desk'],
  ] as const) {
    it(`v${version}: duplicate and inactive-employee messages link to ${desk}`, async () => {
      await start(version);
      const doc = { employee: 'HR-EMP-00001', time: '2026-11-20 09:00:00', log_type: 'IN' };
      const first = await send(sb, 'POST', '/api/resource/Employee%20Checkin', sync, doc);
      const dup = await send(sb, 'POST', '/api/resource/Employee%20Checkin', sync, doc);
      assert.equal(dup.status, 417);
      assert.equal(
        dup.messages[0].message,
        'This employee already has a log with the same timestamp.<Br>' +
          `<a href="${desk}/Form/Employee Checkin/${String(data(first).name)}" style="font-weight: bold;">Employee Checkin Worker D101</a>`,
      );
      const inactive = await send(sb, 'POST', '/api/resource/Employee%20Checkin', sync, {
        ...doc,
        employee: 'HR-EMP-00010',
      });
      assert.equal(inactive.status, 417);
      assert.match(
        String(inactive.messages[0].message),
        new RegExp(`href="http://[^"]+${desk}/employee/HR-EMP-00010"`),
      );
    });
  }

  it('v16 adds overtime_type to Employee Checkin; v15 has no such column', async () => {
    for (const version of [15, 16] as const) {
      await start(version);
      const r = await send(sb, 'POST', '/api/method/frappe.client.insert', sync, {
        doc: { doctype: 'Employee Checkin', employee: 'HR-EMP-00001', time: '2026-11-20 09:00:00' },
      });
      assert.equal(r.status, 200);
      assert.equal('overtime_type' in message(r), version === 16, `v${version}`);
      await sb.close();
    }
    sb = await startFrappeSandbox();
  });
});

describe('Frappe sandbox: password login, /api/v2, get_roles, get_single_value (k13, k7–k9, i7, h2b)', () => {
  let sb: FrappeSandbox;
  beforeEach(async () => {
    sb = await startFrappeSandbox({ realSite: true, now: () => new Date('2026-12-03T07:52:02Z') });
  });
  afterEach(() => sb.close());

  const postJson = (path: string, payload: unknown, headers: Record<string, string> = {}) =>
    fetch(sb.url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });

  it('logs in with a password, answers "Logged In" with a sid cookie that then authenticates', async () => {
    const res = await postJson('/api/method/login', { usr: sync.user, pwd: 'sync-password' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Logged In', home_page: '/app', full_name: 'Sync' });
    const sid = /sid=([0-9a-f]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1];
    assert.ok(sid);
    const who = await fetch(`${sb.url}/api/method/frappe.auth.get_logged_user`, { headers: { Cookie: `sid=${sid}` } });
    assert.deepEqual(await who.json(), { message: sync.user });
    const wrong = await postJson('/api/method/login', { usr: sync.user, pwd: 'nope' });
    assert.equal(wrong.status, 401);
    const body = (await wrong.json()) as Record<string, unknown>;
    assert.equal(body.message, 'Invalid login credentials');
    assert.equal(body.exc_type, 'AuthenticationError');
  });

  it('serves /api/v2 with the data and errors envelopes', async () => {
    const headers = { Authorization: auth(sync) };
    const me = await fetch(`${sb.url}/api/v2/method/frappe.auth.get_logged_user`, { headers });
    assert.deepEqual(await me.json(), { data: sync.user });
    const doc = { employee: 'HR-EMP-00006', time: '2026-11-24 12:00:00', log_type: 'IN' };
    const created = await postJson('/api/v2/document/Employee%20Checkin', doc, headers);
    assert.equal(created.status, 200);
    assert.equal(((await created.json()) as { data: { employee: string } }).data.employee, 'HR-EMP-00006');
    const dup = await postJson('/api/v2/document/Employee%20Checkin', doc, headers);
    assert.equal(dup.status, 417);
    const errors = ((await dup.json()) as { errors: Array<Record<string, unknown>> }).errors;
    assert.equal(errors[0].type, 'ValidationError');
    assert.match(String(errors[0].message), /^This employee already has a log with the same timestamp\./);
  });

  it('answers get_roles for any uid with the automatic roles, and get_single_value on HR Settings', async () => {
    const roles = await send(
      sb,
      'GET',
      '/api/method/frappe.core.doctype.user.user.get_roles?uid=linked%40acme.test',
      sync,
    );
    assert.deepEqual(roles.body, { message: ['Employee', 'All', 'Guest', 'Desk User'] });
    const single = await send(
      sb,
      'GET',
      '/api/method/frappe.client.get_single_value?doctype=HR%20Settings&field=allow_geolocation_tracking',
      weak,
    );
    assert.deepEqual(single.body, { message: 0 });
  });
});

describe('Frappe sandbox: racy duplicate check (j2)', () => {
  const batch = {
    docs: ['HR-EMP-00001', 'HR-EMP-00004'].map((employee) => ({
      doctype: 'Employee Checkin',
      employee,
      time: '2026-11-27 09:00:00',
      log_type: 'IN',
    })),
  };

  /** Sends the batch twice at once, the first held in flight until the second has been handled. */
  async function twice(racyDuplicates: boolean): Promise<{ statuses: number[]; rows: number }> {
    const sb = await startFrappeSandbox({ realSite: true, racyDuplicates });
    try {
      let arrivals = 0;
      let release = (): void => {};
      const second = new Promise<void>((resolve) => (release = resolve));
      sb.settings.holdBeforeAnswer = async () => {
        if (++arrivals === 1) await second;
        else release();
      };
      const replies = await Promise.all(
        [1, 2].map(() => send(sb, 'POST', '/api/method/frappe.client.insert_many', sync, batch)),
      );
      return { statuses: replies.map((r) => r.status).sort(), rows: sb.store.checkins().length };
    } finally {
      await sb.close();
    }
  }

  it('stores both of two overlapping identical batches, as the real site did', async () => {
    assert.deepEqual(await twice(true), { statuses: [200, 200], rows: 4 });
  });

  it('stays atomic when off: the second batch is a duplicate and rolled back', async () => {
    assert.deepEqual(await twice(false), { statuses: [200, 417], rows: 2 });
  });
});
