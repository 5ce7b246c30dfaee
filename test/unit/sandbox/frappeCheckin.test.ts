import * as assert from 'node:assert/strict';
import { startFrappeSandbox, type FrappeSandbox, type FrappeSandboxOptions } from '../../../src/sandbox/frappe/server';

// The Employee Checkin insert pipeline and add_log_based_on_employee_field (frappe-api.md §8.3, §8.4, §12.4).

const addLog = '/api/method/hrms.hr.doctype.employee_checkin.employee_checkin.add_log_based_on_employee_field';
const token = 'token demo-key:demo-secret';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  /** First decoded `_server_messages` entry's message, if any. */
  message?: string;
}

async function send(sb: FrappeSandbox, method: string, path: string, payload?: unknown, auth = token): Promise<Reply> {
  const headers: Record<string, string> = { Authorization: auth, Accept: 'application/json' };
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(sb.url + path, {
    method,
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const body = (await res.json()) as Record<string, unknown>;
  const raw = body._server_messages;
  const message =
    typeof raw === 'string' ? (JSON.parse(JSON.parse(raw)[0] as string) as { message: string }).message : undefined;
  return { status: res.status, body, message };
}

const post = (sb: FrappeSandbox, path: string, payload: unknown, auth?: string): Promise<Reply> =>
  send(sb, 'POST', path, payload, auth);
const createCheckin = (sb: FrappeSandbox, doc: Record<string, unknown>, auth?: string): Promise<Reply> =>
  post(sb, '/api/resource/Employee%20Checkin', doc, auth);

describe('Frappe sandbox: Employee Checkin pipeline', () => {
  let sb: FrappeSandbox;
  let clock: Date;
  const start = async (opts: FrappeSandboxOptions = {}): Promise<void> => {
    clock = new Date('2024-06-03T06:00:00Z'); // 10:00 in Asia/Dubai
    sb = await startFrappeSandbox({ now: () => clock, ...opts });
    sb.store.addEmployee({ name: 'HR-EMP-00003', employee_name: 'Rajbir Singh', attendance_device_id: '101' });
    sb.store.addEmployee({
      name: 'HR-EMP-00007',
      employee_name: 'Asha Rao',
      attendance_device_id: '103',
      status: 'Inactive',
    });
    sb.store.addEmployee({
      name: 'HR-EMP-00008',
      employee_name: 'Left Person',
      attendance_device_id: '104',
      status: 'Left',
    });
  };
  afterEach(() => sb.close());

  it('names from the creation month with a counter per prefix, drops microseconds, omits nulls', async () => {
    await start();
    const first = await createCheckin(sb, {
      employee: 'HR-EMP-00003',
      time: '2024-05-24 08:50:08.123456',
      device_id: 'HO1',
    });
    assert.equal(first.status, 200);
    const doc = first.body.data as Record<string, unknown>;
    assert.equal(doc.name, 'EMP-CKIN-06-2024-000001');
    assert.equal(doc.time, '2024-05-24 08:50:08');
    assert.equal(doc.log_type, '');
    assert.equal(doc.employee_name, 'Rajbir Singh');
    assert.equal(doc.creation, '2024-06-03 10:00:00');
    assert.equal('attendance' in doc, false);
    assert.equal(doc.doctype, 'Employee Checkin');
    clock = new Date('2024-07-01T06:00:00Z');
    const july = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24T09:00:00' });
    assert.equal((july.body.data as Record<string, unknown>).name, 'EMP-CKIN-07-2024-000001');
    assert.equal((july.body.data as Record<string, unknown>).time, '2024-05-24 09:00:00');
  });

  it('stores a checkin for an employee that does not exist, employee_name null, like the real v15 site (c6)', async () => {
    await start();
    const reply = await createCheckin(sb, { employee: 'HR-EMP-99999', time: '2024-05-24 08:50:08' });
    assert.equal(reply.status, 200);
    assert.equal((reply.body.data as Record<string, unknown>).employee, 'HR-EMP-99999');
    assert.equal('employee_name' in (reply.body.data as Record<string, unknown>), false);
    assert.equal(sb.store.checkins()[0].employee_name, null);
  });

  it('refuses only Inactive employees (Left and Suspended are accepted)', async () => {
    await start();
    const reply = await createCheckin(sb, { employee: 'HR-EMP-00007', time: '2024-05-24 08:50:08' });
    assert.equal(reply.status, 417);
    assert.equal(reply.body.exc_type, 'InactiveEmployeeStatusError');
    assert.equal(
      reply.message,
      `Transactions cannot be created for an Inactive Employee <a href="${sb.url}/app/employee/HR-EMP-00007">HR-EMP-00007</a>.`,
    );
    assert.equal((await createCheckin(sb, { employee: 'HR-EMP-00008', time: '2024-05-24 08:50:08' })).status, 200);
  });

  it('refuses employee + identical second + identical log_type as a duplicate, allows another log_type', async () => {
    await start();
    await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08', log_type: 'IN' });
    const dup = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08.999', log_type: 'IN' });
    assert.equal(dup.status, 417);
    assert.equal(dup.body.exc_type, 'ValidationError');
    assert.equal(
      dup.message,
      'This employee already has a log with the same timestamp.<Br><a href="/app/Form/Employee Checkin/EMP-CKIN-06-2024-000001" style="font-weight: bold;">Employee Checkin Rajbir Singh</a>',
    );
    assert.equal(
      (await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08', log_type: 'OUT' })).status,
      200,
    );
    assert.equal((await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' })).status, 200);
    assert.equal(sb.store.checkins().length, 3);
  });

  it('requires a log type in strict shifts unless skip_auto_attendance, and fills the shift fields', async () => {
    await start();
    sb.store.addShiftType({ name: 'General Shift', strictLogType: true });
    sb.store.assignShift('HR-EMP-00003', 'General Shift');
    const refused = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' });
    assert.equal(refused.status, 417);
    assert.equal(refused.message, 'Log Type is required for check-ins falling in the shift: General Shift.');
    const skipped = await createCheckin(sb, {
      employee: 'HR-EMP-00003',
      time: '2024-05-24 08:50:08',
      skip_auto_attendance: 1,
    });
    assert.equal(skipped.status, 200);
    const ok = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:09', log_type: 'IN' });
    assert.deepEqual(
      ['shift', 'shift_start', 'shift_end', 'shift_actual_start', 'shift_actual_end'].map(
        (k) => (ok.body.data as Record<string, unknown>)[k],
      ),
      ['General Shift', '2024-05-24 09:00:00', '2024-05-24 18:00:00', '2024-05-24 08:00:00', '2024-05-24 19:00:00'],
    );
  });

  it('requires latitude or longitude when geolocation tracking is on', async () => {
    await start();
    sb.store.setHrSettings({ allow_geolocation_tracking: true });
    const refused = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' });
    assert.equal(refused.status, 417);
    assert.equal(refused.message, 'Latitude and longitude values are required for checking in.');
    const ok = await createCheckin(sb, {
      employee: 'HR-EMP-00003',
      time: '2024-05-24 08:50:08',
      latitude: 25.2,
      longitude: 55.27,
    });
    assert.equal(ok.status, 200);
    assert.match(String((ok.body.data as Record<string, unknown>).geolocation), /"coordinates": \[55\.27, 25\.2\]/);
  });

  it('validates the log_type select, mandatory fields and zoned timestamps', async () => {
    await start();
    const select = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08', log_type: 'in' });
    assert.equal(select.status, 417);
    assert.equal(select.message, ' Log Type cannot be "in". It should be one of "", "IN", "OUT"');
    const mandatory = await createCheckin(sb, { time: '2024-05-24 08:50:08' });
    assert.equal(mandatory.status, 417);
    assert.equal(mandatory.body.exc_type, 'MandatoryError');
    assert.equal(mandatory.message, 'Error: Value missing for Employee Checkin: Employee');
    const zoned = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24T08:50:08+04:00' });
    assert.equal(zoned.status, 500);
    assert.equal(zoned.body.exc_type, 'OperationalError', 'MariaDB refuses the offset (recordings c7, d8)');
    assert.equal(sb.store.checkins().length, 0);
  });

  it('refuses creation without create permission with 403 "No permission for Employee Checkin"', async () => {
    await start();
    sb.store.setPermissions('sync@example.com', { createCheckin: false });
    const reply = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' });
    assert.equal(reply.status, 403);
    assert.equal(reply.body.exc_type, 'PermissionError');
    assert.equal(reply.message, 'No permission for Employee Checkin');
  });

  it('replaces time by server now for users without HR roles when the permlevel trap is on', async () => {
    await start({
      permlevelTrap: true,
      users: [{ name: 'kiosk@example.com', roles: ['Employee'] }],
      apiKeys: [
        { key: 'demo-key', secret: 'demo-secret', user: 'sync@example.com' },
        { key: 'kiosk', secret: 'pw', user: 'kiosk@example.com' },
      ],
    });
    const trapped = await createCheckin(
      sb,
      { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' },
      'token kiosk:pw',
    );
    assert.equal(trapped.status, 200);
    assert.equal((trapped.body.data as Record<string, unknown>).time, '2024-06-03 10:00:00');
    const hr = await createCheckin(sb, { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' });
    assert.equal((hr.body.data as Record<string, unknown>).time, '2024-05-24 08:50:08');
    sb.settings.permlevelTrap = false;
    const untrapped = await createCheckin(
      sb,
      { employee: 'HR-EMP-00003', time: '2024-05-24 08:50:07' },
      'token kiosk:pw',
    );
    assert.equal((untrapped.body.data as Record<string, unknown>).time, '2024-05-24 08:50:07');
  });
});

describe('Frappe sandbox: add_log_based_on_employee_field', () => {
  let sb: FrappeSandbox;
  beforeEach(async () => {
    sb = await startFrappeSandbox({ now: () => new Date('2024-05-24T15:29:52Z') });
    sb.store.addEmployee({ name: 'HR-EMP-00003', employee_name: 'Rajbir Singh', attendance_device_id: '101' });
    sb.store.addEmployee({
      name: 'HR-EMP-00007',
      employee_name: 'Asha Rao',
      attendance_device_id: '103',
      status: 'Inactive',
    });
  });
  afterEach(() => sb.close());

  it('creates a checkin and answers with the document, nulls omitted and log_type ""', async () => {
    const reply = await post(sb, addLog, {
      employee_field_value: '101',
      timestamp: '2024-05-24 08:50:08.000000',
      device_id: 'HO1',
      latitude: null,
      longitude: null,
    });
    assert.equal(reply.status, 200);
    const doc = reply.body.message as Record<string, unknown>;
    assert.equal(doc.name, 'EMP-CKIN-05-2024-000001');
    assert.equal(doc.employee, 'HR-EMP-00003');
    assert.equal(doc.log_type, '');
    assert.equal(doc.time, '2024-05-24 08:50:08');
    assert.equal('latitude' in doc, false);
  });

  it('checks in order: argument keys (500), empty args, employee lookup, inactive, duplicate, strict shift, geolocation', async () => {
    const missing = await post(sb, addLog, { employee_field_value: '101' });
    assert.equal(missing.status, 500);
    assert.equal(missing.body.exc_type, 'TypeError');
    const empty = await post(sb, addLog, { employee_field_value: '', timestamp: '2024-05-24 08:50:08' });
    assert.equal(empty.message, "'employee_field_value' and 'timestamp' are required.");
    const unknown = await post(sb, addLog, { employee_field_value: '9999', timestamp: '2024-05-24 08:50:08' });
    assert.equal(unknown.status, 417);
    assert.equal(unknown.message, "No Employee found for the given employee field value. 'attendance_device_id': 9999");
    // Inactive comes before duplicate: seed a duplicate for the inactive employee first.
    sb.store.addCheckin({ employee: 'HR-EMP-00007', time: '2024-05-24 08:50:08' });
    assert.equal(
      (await post(sb, addLog, { employee_field_value: '103', timestamp: '2024-05-24 08:50:08' })).body.exc_type,
      'InactiveEmployeeStatusError',
    );
    // Duplicate comes before the strict-shift rule, which comes before the geolocation rule.
    sb.store.addShiftType({ name: 'Strict', strictLogType: true });
    sb.store.assignShift('HR-EMP-00003', 'Strict');
    sb.store.setHrSettings({ allow_geolocation_tracking: true });
    sb.store.addCheckin({ employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' });
    assert.match(
      String((await post(sb, addLog, { employee_field_value: '101', timestamp: '2024-05-24 08:50:08' })).message),
      /^This employee already has a log/,
    );
    assert.match(
      String((await post(sb, addLog, { employee_field_value: '101', timestamp: '2024-05-24 08:50:09' })).message),
      /^Log Type is required/,
    );
    const geo = await post(sb, addLog, {
      employee_field_value: '101',
      timestamp: '2024-05-24 08:50:09',
      log_type: 'IN',
    });
    assert.equal(geo.message, 'Latitude and longitude values are required for checking in.');
    const ok = await post(sb, addLog, {
      employee_field_value: '101',
      timestamp: '2024-05-24 08:50:09',
      log_type: 'IN',
      latitude: 25.2,
      longitude: 55.3,
    });
    assert.equal(ok.status, 200);
  });

  it('looks the employee up by any field, whatever the status', async () => {
    const reply = await post(sb, addLog, {
      employee_field_value: 'HR-EMP-00003',
      employee_fieldname: 'name',
      timestamp: '2024-05-24 08:50:08',
      log_type: 'OUT',
    });
    assert.equal((reply.body.message as Record<string, unknown>).employee, 'HR-EMP-00003');
    sb.store.setEmployee('HR-EMP-00003', { status: 'Suspended' });
    assert.equal(
      (await post(sb, addLog, { employee_field_value: '101', timestamp: '2024-05-24 08:50:10' })).status,
      200,
    );
  });

  it('answers a GET with 200 and a name but persists nothing, and the name is reused', async () => {
    const query = new URLSearchParams({ employee_field_value: '101', timestamp: '2024-05-24 08:50:08' });
    const viaGet = await send(sb, 'GET', `${addLog}?${query}`);
    assert.equal(viaGet.status, 200);
    assert.equal((viaGet.body.message as Record<string, unknown>).name, 'EMP-CKIN-05-2024-000001');
    assert.equal(sb.store.checkins().length, 0);
    assert.equal(sb.counters.checkinsWritten, 0);
    assert.equal(sb.counters.rolledBack, 1);
    const viaPost = await post(sb, addLog, Object.fromEntries(query));
    assert.equal((viaPost.body.message as Record<string, unknown>).name, 'EMP-CKIN-05-2024-000001');
    assert.equal(sb.store.checkins().length, 1);
  });
});
