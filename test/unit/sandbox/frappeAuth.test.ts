import * as assert from 'node:assert/strict';
import { startFrappeSandbox, type FrappeSandbox } from '../../../src/sandbox/frappe/server';

// Authentication and routing of the Frappe sandbox, checked over real HTTP (frappe-api.md §1, §2, §12.1-2).

const token = 'token demo-key:demo-secret';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

async function call(
  sb: FrappeSandbox,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(init.headers ?? {}) };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  }
  const res = await fetch(sb.url + path, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // HTML bodies are inspected through `text`
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

function messages(body: Record<string, unknown>): Array<Record<string, unknown>> {
  return (JSON.parse(String(body._server_messages)) as string[]).map((m) => JSON.parse(m) as Record<string, unknown>);
}

const loggedUser = '/api/method/frappe.auth.get_logged_user';

describe('Frappe sandbox: authentication', () => {
  let sb: FrappeSandbox;
  before(async () => {
    sb = await startFrappeSandbox({
      apiKeys: [
        { key: 'demo-key', secret: 'demo-secret', user: 'sync@example.com' },
        { key: 'k2', secret: 's2', user: 'other@example.com' },
      ],
    });
  });
  after(() => sb.close());

  it('accepts token key:secret with any scheme case', async () => {
    for (const scheme of ['token', 'Token', 'TOKEN']) {
      const reply = await call(sb, loggedUser, { headers: { Authorization: `${scheme} demo-key:demo-secret` } });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { message: 'sync@example.com' });
    }
  });

  it('accepts Basic base64(key:secret)', async () => {
    const b64 = Buffer.from('k2:s2').toString('base64');
    const reply = await call(sb, loggedUser, { headers: { Authorization: `basic ${b64}` } });
    assert.deepEqual(reply.body, { message: 'other@example.com' });
  });

  it('answers a wrong secret or unknown key with a bare 401 AuthenticationError and clears cookies', async () => {
    for (const header of ['token demo-key:nope', 'token nobody:demo-secret', 'token demo-key', 'Bearer abc']) {
      const reply = await call(sb, loggedUser, { headers: { Authorization: header } });
      assert.equal(reply.status, 401, header);
      assert.deepEqual(reply.body, { exc_type: 'AuthenticationError' });
    }
    const reply = await call(sb, loggedUser, { headers: { Authorization: 'token demo-key:nope' } });
    const cookies = reply.headers.getSetCookie();
    assert.deepEqual(cookies.map((c) => c.split('=')[0]).sort(), [
      'full_name',
      'sid',
      'system_user',
      'user_id',
      'user_image',
    ]);
  });

  it('answers undecodable Basic tokens with 400 InvalidAuthorizationToken', async () => {
    const reply = await call(sb, loggedUser, { headers: { Authorization: 'Basic abcde' } });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.exc_type, 'InvalidAuthorizationToken');
    assert.equal(
      messages(reply.body)[0].message,
      'Failed to decode token, please provide a valid base64-encoded token.',
    );
  });

  it('treats a missing or non-2-part header as Guest: 403 on protected calls', async () => {
    for (const headers of [{}, { Authorization: 'token  demo-key:demo-secret' }] as Array<Record<string, string>>) {
      const reply = await call(sb, loggedUser, { headers });
      assert.equal(reply.status, 403);
      assert.equal(reply.body.exc_type, 'PermissionError');
      assert.equal(messages(reply.body)[0].title, 'Method Not Allowed');
    }
    const list = await call(sb, '/api/resource/Employee');
    assert.equal(list.status, 403);
    assert.equal(messages(list.body)[0].message, 'No permission for Employee');
  });

  it('lets Guest read the time zone', async () => {
    const reply = await call(sb, '/api/method/frappe.client.get_time_zone');
    assert.deepEqual(reply.body, { message: { time_zone: 'Asia/Dubai' } });
  });

  it('refuses a user disabled over PUT with 401, and accepts it again once re-enabled', async () => {
    const admin = await startFrappeSandbox({ users: [{ name: 'sync@example.com', roles: ['System Manager'] }] });
    try {
      admin.store.addUser({ name: 'other@example.com', roles: ['HR Manager'] });
      admin.store.addApiKey({ key: 'k2', secret: 's2', user: 'other@example.com' });
      const off = await call(admin, '/api/resource/User/other@example.com', {
        method: 'PUT',
        headers: { Authorization: token },
        body: { enabled: 0 },
      });
      assert.equal(off.status, 200);
      assert.equal((off.body.data as Record<string, unknown>).enabled, 0);
      assert.equal((await call(admin, loggedUser, { headers: { Authorization: 'token k2:s2' } })).status, 401);
      admin.store.addUser({ name: 'other@example.com', enabled: true });
      assert.equal((await call(admin, loggedUser, { headers: { Authorization: 'token k2:s2' } })).status, 200);
    } finally {
      await admin.close();
    }
  });
});

describe('Frappe sandbox: routing', () => {
  let sb: FrappeSandbox;
  before(async () => {
    sb = await startFrappeSandbox();
    sb.store.addEmployee({ name: 'HR-EMP-00003', employee_name: 'Rajbir Singh', attendance_device_id: '101' });
  });
  after(() => sb.close());
  const auth = { Authorization: token };

  it('serves /api, /api/v1, trailing slashes and encoded names alike', async () => {
    for (const path of [
      '/api/resource/Employee/HR-EMP-00003',
      '/api/v1/resource/Employee/HR-EMP-00003/',
      '/api/resource/%45mployee/HR%2DEMP%2D00003',
    ]) {
      const reply = await call(sb, path, { headers: auth });
      assert.equal(reply.status, 200, path);
      assert.equal((reply.body.data as Record<string, unknown>).employee_name, 'Rajbir Singh');
    }
    const encoded = await call(sb, '/api/resource/Employee%20Checkin?limit_page_length=1', { headers: auth });
    assert.deepEqual(encoded.body, { data: [] });
  });

  it('answers unknown routes, doctypes and documents with 404 DoesNotExistError', async () => {
    const route = await call(sb, '/api/nothing/here', { headers: auth });
    assert.equal(route.status, 404);
    assert.deepEqual(route.body, { exc_type: 'DoesNotExistError' });
    const doctype = await call(sb, '/api/resource/Lead', { headers: auth });
    assert.equal(doctype.status, 404);
    assert.equal(messages(doctype.body)[0].message, 'DocType Lead not found');
    const doc = await call(sb, '/api/resource/Employee/HR-EMP-99999', { headers: auth });
    assert.equal(messages(doc.body)[0].message, 'Employee HR-EMP-99999 not found');
  });

  it('answers with HTML when the client asks for text', async () => {
    const reply = await call(sb, '/api/resource/Employee/HR-EMP-99999', { headers: { ...auth, Accept: 'text/html' } });
    assert.equal(reply.status, 404);
    assert.match(reply.headers.get('content-type') ?? '', /text\/html/);
    assert.match(reply.text, /<html/);
  });

  it('reads the form dict from the query string when the body is not JSON', async () => {
    const reply = await call(sb, '/api/method/frappe.client.get_count?doctype=Employee', { headers: auth });
    assert.deepEqual(reply.body, { message: 1 });
    const form = await call(sb, '/api/method/frappe.client.get_count', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `doctype=Employee&filters=${encodeURIComponent('{"attendance_device_id":"101"}')}`,
    });
    assert.deepEqual(form.body, { message: 1 });
  });

  it('fails imports of unknown dotted paths like Frappe (ERPNext ≤ v13 path → 417)', async () => {
    const reply = await call(
      sb,
      '/api/method/erpnext.hr.doctype.employee_checkin.employee_checkin.add_log_based_on_employee_field',
      {
        method: 'POST',
        headers: auth,
        body: { employee_field_value: '101', timestamp: '2024-05-24 08:50:08' },
      },
    );
    assert.equal(reply.status, 417);
    assert.equal(reply.body.exc_type, 'ValidationError');
    assert.match(
      String(messages(reply.body)[0].message),
      /^Failed to get method for command erpnext\.hr\..* with No module named 'erpnext\.hr'$/,
    );
  });

  it('counts requests per route with names folded', async () => {
    sb.stats.reset();
    await call(sb, '/api/v1/resource/Employee/HR-EMP-00003', { headers: auth });
    assert.deepEqual(sb.stats.byRoute, { 'GET /api/resource/Employee/{name}': 1 });
  });
});
