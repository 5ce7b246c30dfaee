import * as assert from 'node:assert/strict';
import { startFrappeSandbox, type FrappeSandbox } from '../../../src/sandbox/frappe/server';

// List queries of the Frappe sandbox: fields, filter shapes, operators, order and paging (frappe-api.md §3, §4.1).

const headers = { Authorization: 'token demo-key:demo-secret', Accept: 'application/json' };

async function getJson(sb: FrappeSandbox, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sb.url + path, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postJson(
  sb: FrappeSandbox,
  path: string,
  payload: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sb.url + path, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function q(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  return search.toString();
}

async function names(sb: FrappeSandbox, doctype: string, params: Record<string, unknown>): Promise<string[]> {
  const { status, body } = await getJson(
    sb,
    `/api/resource/${encodeURIComponent(doctype)}?${q({ limit_page_length: 0, ...params })}`,
  );
  assert.equal(status, 200, JSON.stringify(body));
  return (body.data as Array<{ name: string }>).map((row) => row.name);
}

describe('Frappe sandbox: lists', () => {
  let sb: FrappeSandbox;
  const ckin = (n: number): string => `EMP-CKIN-05-2024-${String(n).padStart(6, '0')}`;

  before(async () => {
    sb = await startFrappeSandbox({ now: () => new Date('2024-05-24T15:00:00Z') });
    for (let i = 1; i <= 25; i++) {
      const status = i === 2 ? 'Left' : i === 3 ? 'Inactive' : 'Active';
      sb.store.addEmployee({
        employee_name: `Person ${i}`,
        attendance_device_id: i <= 5 ? String(100 + i) : undefined,
        status,
      });
    }
    // Five checkins for HR-EMP-00001 across two days, one without log_type.
    sb.store.addCheckin({ employee: 'HR-EMP-00001', time: '2024-05-01 08:00:00', log_type: 'IN', device_id: 'HO1' });
    sb.store.addCheckin({ employee: 'HR-EMP-00001', time: '2024-05-01 17:00:00', log_type: 'OUT', device_id: 'HO1' });
    sb.store.addCheckin({ employee: 'HR-EMP-00001', time: '2024-05-01 23:59:59', device_id: 'Gate-2' });
    sb.store.addCheckin({ employee: 'HR-EMP-00001', time: '2024-05-02 00:00:00', log_type: 'IN', device_id: 'gate-2' });
    sb.store.addCheckin({ employee: 'HR-EMP-00002', time: '2024-05-02 09:30:00', log_type: 'IN' });
  });
  after(() => sb.close());

  it('returns only names and 20 rows by default; 0 means all; `limit` is an alias; limit_start offsets', async () => {
    const { body } = await getJson(sb, '/api/resource/Employee');
    const rows = body.data as Array<Record<string, unknown>>;
    assert.equal(rows.length, 20);
    assert.deepEqual(Object.keys(rows[0]), ['name']);
    assert.equal((await names(sb, 'Employee', {})).length, 25);
    const { body: limited } = await getJson(
      sb,
      `/api/resource/Employee?${q({ limit: 3, order_by: 'name asc', limit_start: 2 })}`,
    );
    assert.deepEqual(
      (limited.data as Array<{ name: string }>).map((r) => r.name),
      ['HR-EMP-00003', 'HR-EMP-00004', 'HR-EMP-00005'],
    );
  });

  it('returns every column (nulls included) for fields ["*"] and aliases for "x as y"', async () => {
    const { body } = await getJson(
      sb,
      `/api/resource/Employee%20Checkin?${q({ fields: ['*'], limit_page_length: 1 })}`,
    );
    const row = (body.data as Array<Record<string, unknown>>)[0];
    assert.equal(row.attendance, null);
    assert.equal(row.time, '2024-05-01 08:00:00');
    assert.equal(row.log_type, 'IN');
    const { body: aliased } = await getJson(
      sb,
      `/api/resource/Employee?${q({ fields: ['name', 'attendance_device_id as device'], filters: [['name', '=', 'HR-EMP-00001']] })}`,
    );
    assert.deepEqual(aliased.data, [{ name: 'HR-EMP-00001', device: '101' }]);
  });

  it('accepts every filter shape', async () => {
    const expected = ['HR-EMP-00002'];
    assert.deepEqual(await names(sb, 'Employee', { filters: [['status', '=', 'Left']] }), expected);
    assert.deepEqual(await names(sb, 'Employee', { filters: [['Employee', 'status', '=', 'Left']] }), expected);
    assert.deepEqual(await names(sb, 'Employee', { filters: [['Employee', 'status', '=', 'Left', false]] }), expected);
    assert.deepEqual(await names(sb, 'Employee', { filters: [['status', 'Left']] }), expected);
    assert.deepEqual(await names(sb, 'Employee', { filters: { status: 'Left' } }), expected);
    assert.deepEqual(await names(sb, 'Employee', { filters: { status: ['=', 'Left'] } }), expected);
    assert.deepEqual(await names(sb, 'Employee', { filters: ['HR-EMP-00002', 'HR-EMP-00099'] }), expected);
  });

  it('implements the comparison operators', async () => {
    const time = (op: string, value: unknown): Promise<string[]> =>
      names(sb, 'Employee Checkin', { filters: [['time', op, value]] });
    assert.deepEqual(await time('=', '2024-05-01 17:00:00'), [ckin(2)]);
    assert.deepEqual(await time('!=', '2024-05-01 17:00:00'), [ckin(1), ckin(3), ckin(4), ckin(5)]);
    assert.deepEqual(await time('<', '2024-05-01 17:00:00'), [ckin(1)]);
    assert.deepEqual(await time('<=', '2024-05-01 17:00:00'), [ckin(1), ckin(2)]);
    assert.deepEqual(await time('>', '2024-05-02'), [ckin(5)]);
    assert.deepEqual(await time('>=', '2024-05-02T00:00:00'), [ckin(4), ckin(5)]);
  });

  it('implements like, in, between and is', async () => {
    const by = (field: string, op: string, value: unknown): Promise<string[]> =>
      names(sb, 'Employee Checkin', { filters: [[field, op, value]] });
    assert.deepEqual(await by('device_id', 'like', 'gate%'), [ckin(3), ckin(4)]);
    assert.deepEqual(await by('device_id', 'not like', 'gate%'), [ckin(1), ckin(2), ckin(5)]);
    assert.deepEqual(await by('log_type', 'in', ['IN']), [ckin(1), ckin(4), ckin(5)]);
    assert.deepEqual(await by('log_type', 'in', []), []);
    assert.deepEqual(await by('log_type', 'not in', 'IN,OUT'), [ckin(3)]);
    assert.deepEqual(await by('time', 'between', ['2024-05-01', '2024-05-01']), [ckin(1), ckin(2), ckin(3)]);
    assert.deepEqual(await by('time', 'between', ['2024-05-01 12:00:00', '2024-05-02 00:00:00']), [
      ckin(2),
      ckin(3),
      ckin(4),
    ]);
    assert.deepEqual(await by('device_id', 'is', 'not set'), [ckin(5)]);
    assert.deepEqual(await by('device_id', 'is', 'set'), [ckin(1), ckin(2), ckin(3), ckin(4)]);
  });

  it('compares text like MariaDB: case-insensitive equality, numeric comparisons for Check/Int', async () => {
    assert.deepEqual(await names(sb, 'Employee Checkin', { filters: [['device_id', '=', 'GATE-2']] }), [
      ckin(3),
      ckin(4),
    ]);
    assert.deepEqual(
      await names(sb, 'Employee', { filters: [['attendance_device_id', 'in', ['101', '103', '999']]] }),
      ['HR-EMP-00001', 'HR-EMP-00003'],
    );
    assert.equal((await names(sb, 'Employee Checkin', { filters: [['skip_auto_attendance', '<', 1]] })).length, 5);
  });

  it('ANDs filters with the OR of or_filters', async () => {
    const result = await names(sb, 'Employee Checkin', {
      filters: [['employee', '=', 'HR-EMP-00001']],
      or_filters: [
        ['log_type', '=', 'OUT'],
        ['device_id', '=', 'gate-2'],
      ],
    });
    assert.deepEqual(result, [ckin(2), ckin(3), ckin(4)]);
  });

  it('orders by the requested field and direction, defaulting to the doctype sort', async () => {
    assert.deepEqual(await names(sb, 'Employee Checkin', { order_by: 'time desc', limit_page_length: 2 }), [
      ckin(5),
      ckin(4),
    ]);
    assert.deepEqual(
      await names(sb, 'Employee Checkin', { order_by: '`tabEmployee Checkin`.`time` asc', limit_page_length: 2 }),
      [ckin(1), ckin(2)],
    );
    assert.deepEqual((await names(sb, 'Employee Checkin', {})).slice(0, 2), [ckin(1), ckin(2)]);
  });

  it('serves frappe.client.get_list and get_count from a JSON body', async () => {
    const list = await postJson(sb, '/api/method/frappe.client.get_list', {
      doctype: 'Employee',
      fields: ['name', 'status'],
      filters: [['attendance_device_id', 'in', ['101', '102', '103']]],
      order_by: 'name asc',
    });
    assert.deepEqual(list.body.message, [
      { name: 'HR-EMP-00001', status: 'Active' },
      { name: 'HR-EMP-00002', status: 'Left' },
      { name: 'HR-EMP-00003', status: 'Inactive' },
    ]);
    const count = await postJson(sb, '/api/method/frappe.client.get_count', {
      doctype: 'Employee Checkin',
      filters: { employee: 'HR-EMP-00001' },
    });
    assert.deepEqual(count.body, { message: 4 });
  });

  it('fails like the database on unknown filter columns (500), refuses unknown fields (417) and bad operators (417)', async () => {
    const column = await getJson(sb, `/api/resource/Employee?${q({ filters: [['nope', '=', 1]] })}`);
    assert.equal(column.status, 500);
    assert.equal(column.body.exc_type, 'OperationalError');
    const field = await getJson(sb, `/api/resource/Employee?${q({ fields: ['nope'] })}`);
    assert.equal(field.status, 417, 'b5: DataError "Field not permitted in query: nope"');
    assert.equal(field.body.exc_type, 'DataError');
    const injected = await getJson(sb, `/api/resource/Employee?${q({ order_by: 'modified desc; select 1' })}`);
    assert.equal(injected.status, 417, 'e4: Illegal SQL Query');
    const op = await getJson(sb, `/api/resource/Employee?${q({ filters: [['status', '~', 'x']] })}`);
    assert.equal(op.status, 417);
    const message = (JSON.parse(String(op.body._server_messages)) as string[]).map(
      (m) => JSON.parse(m) as { message: string },
    )[0].message;
    assert.match(message, /^Operator must be one of =, !=/);
  });

  it('refuses lists without read permission with 403', async () => {
    sb.store.setPermissions('sync@example.com', { readEmployee: false });
    try {
      const { status, body } = await getJson(sb, '/api/resource/Employee');
      assert.equal(status, 403);
      assert.equal(body.exc_type, 'PermissionError');
      assert.equal(body._error_message, 'No permission for Employee');
    } finally {
      sb.store.setPermissions('sync@example.com', { readEmployee: undefined });
    }
  });
});
