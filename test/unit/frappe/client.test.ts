import * as assert from 'node:assert/strict';
import { CredentialsMissingError, FrappeError } from '../../../src/core/errors';
import { FrappeClient } from '../../../src/frappe/client';
import { normaliseFrappeTime } from '../../../src/frappe/time';
import { FakeClock } from '../../support/fakeClock';
import { frappeSite, frappeTestClient, recordingLogger, stubEmployees } from '../../support/frappeKit';
import { FrappeStub, STUB_KEY, STUB_SECRET } from '../../support/frappeStub';
import { FakeCredentials } from '../../support/fakeCredentials';

const GET_LIST = 'POST /api/method/frappe.client.get_list';

describe('frappe/client: reads', () => {
  let stub: FrappeStub;
  beforeEach(async () => {
    stub = await FrappeStub.start();
    stub.employees = stubEmployees(3);
  });
  afterEach(() => stub.close());

  it('sends `token key:secret` and Accept: application/json', async () => {
    const { client } = frappeTestClient(stub);
    await client.findEmployeesByDeviceIds(['101']);
    const req = stub.calls(GET_LIST)[0];
    assert.equal(req.headers.authorization, `token ${STUB_KEY}:${STUB_SECRET}`);
    assert.equal(req.headers.accept, 'application/json');
    assert.match(String(req.headers['content-type']), /application\/json/);
  });

  it('missing credentials → CredentialsMissingError naming the env var and the command, nothing sent', async () => {
    const client = new FrappeClient({
      site: frappeSite(stub.url),
      credentials: new FakeCredentials({ frappeApiSecret: 's' }),
      clock: new FakeClock(),
      logger: recordingLogger(),
    });
    await assert.rejects(client.findEmployeesByDeviceIds(['101']), (e: unknown) => {
      assert.ok(CredentialsMissingError.is(e));
      assert.match(e.message, /FRAPPE_API_KEY_ACME/);
      assert.match(e.hint!, /FRAPPE_API_SECRET_ACME/);
      assert.match(e.hint!, /BioTime Sync: Set Frappe API Key/);
      return true;
    });
    assert.equal(stub.requests.length, 0);
  });

  it('wrong keys → FrappeError auth', async () => {
    const client = new FrappeClient({
      site: frappeSite(stub.url),
      credentials: new FakeCredentials({ frappeApiKey: 'bad', frappeApiSecret: 'worse' }),
      clock: new FakeClock(),
      logger: recordingLogger(),
    });
    await assert.rejects(
      client.siteTimeZone(),
      (e: unknown) => FrappeError.is(e, 'auth') && /refused the API key\/secret/.test(e.message),
    );
  });

  it('findEmployeesByDeviceIds: get_list by POST, `in` filter, limit 0, mapped records', async () => {
    stub.employees[2].status = 'Left';
    stub.employees[2].user_id = null;
    const { client } = frappeTestClient(stub);
    const found = await client.findEmployeesByDeviceIds(['101', '103', '999', '101']);
    assert.deepEqual(found, [
      {
        name: 'HR-EMP-00001',
        employeeName: 'Employee 1',
        deviceId: '101',
        status: 'Active',
        userId: 'emp1@example.com',
      },
      { name: 'HR-EMP-00003', employeeName: 'Employee 3', deviceId: '103', status: 'Left', userId: null },
    ]);
    const body = stub.calls(GET_LIST)[0].body;
    assert.equal(body.doctype, 'Employee');
    assert.deepEqual(body.fields, ['name', 'employee_name', 'attendance_device_id', 'status', 'user_id']);
    assert.deepEqual(body.filters, [['attendance_device_id', 'in', ['101', '103', '999']]]);
    assert.equal(body.limit_page_length, 0);
  });

  it('findEmployeesByDeviceIds chunks codes by 500', async () => {
    stub.employees = stubEmployees(1201);
    const { client } = frappeTestClient(stub);
    const codes = stub.employees.map((e) => e.attendance_device_id!);
    const found = await client.findEmployeesByDeviceIds(codes);
    const sizes = stub.calls(GET_LIST).map((r) => r.body.filters[0][2].length);
    assert.deepEqual(sizes, [500, 500, 201]);
    assert.deepEqual(
      found.map((e) => e.deviceId),
      codes,
    );
  });

  it('findCheckins: employee in + time between, times normalised', async () => {
    stub.checkins = [
      {
        name: 'C1',
        employee: 'HR-EMP-00001',
        employee_name: 'E1',
        time: '2024-05-24 08:50:08.123456',
        log_type: 'IN',
        device_id: 'https://bt',
      },
      { name: 'C2', employee: 'HR-EMP-00002', employee_name: 'E2', time: '2024-05-24T09:00:01', log_type: '' },
      { name: 'C3', employee: 'HR-EMP-00003', employee_name: 'E3', time: '2024-05-24 09:00:00', log_type: 'OUT' },
      { name: 'C4', employee: 'HR-EMP-00001', employee_name: 'E1', time: '2024-05-25 09:00:00', log_type: 'OUT' },
    ];
    const { client } = frappeTestClient(stub);
    const got = await client.findCheckins(
      ['HR-EMP-00001', 'HR-EMP-00002'],
      '2024-05-24 00:00:00',
      '2024-05-24 23:59:59',
    );
    assert.deepEqual(got, [
      { name: 'C1', employee: 'HR-EMP-00001', time: '2024-05-24 08:50:08', logType: 'IN', deviceId: 'https://bt' },
      { name: 'C2', employee: 'HR-EMP-00002', time: '2024-05-24 09:00:01', logType: '', deviceId: null },
    ]);
    const body = stub.calls(GET_LIST)[0].body;
    assert.equal(body.doctype, 'Employee Checkin');
    assert.deepEqual(body.fields, ['name', 'employee', 'time', 'log_type', 'device_id']);
    assert.deepEqual(body.filters, [
      ['employee', 'in', ['HR-EMP-00001', 'HR-EMP-00002']],
      ['time', 'between', ['2024-05-24 00:00:00', '2024-05-24 23:59:59']],
    ]);
    assert.equal(body.limit_page_length, 0);
  });

  it('normaliseFrappeTime', () => {
    assert.equal(normaliseFrappeTime('2024-05-24 08:50:08'), '2024-05-24 08:50:08');
    assert.equal(normaliseFrappeTime('2024-05-24 08:50:08.000000'), '2024-05-24 08:50:08');
    assert.equal(normaliseFrappeTime('2024-05-24T08:50:08.5+05:30'), '2024-05-24 08:50:08');
    assert.equal(normaliseFrappeTime('2024-05-24 08:50'), '2024-05-24 08:50:00');
    assert.equal(normaliseFrappeTime('yesterday'), null);
    assert.equal(normaliseFrappeTime(null), null);
  });

  it("siteTimeZone: message.time_zone or message as a string; always the site's, even when one is configured", async () => {
    const { client } = frappeTestClient(stub, { site: frappeSite(stub.url, { timeZone: 'Africa/Nairobi' }) });
    assert.equal(await client.siteTimeZone(), 'Asia/Kolkata');
    stub.hook('GET /api/method/frappe.client.get_time_zone', () => ({ json: { message: 'Europe/Berlin' } }));
    assert.equal(await client.siteTimeZone(), 'Europe/Berlin');
    stub.hook('GET /api/method/frappe.client.get_time_zone', () => ({ json: { message: {} } }));
    await assert.rejects(client.siteTimeZone(), (e: unknown) => FrappeError.is(e, 'badResponse'));
  });

  it('an HTML page instead of JSON → badResponse asking about the URL', async () => {
    stub.hook(GET_LIST, () => ({ status: 200, text: '<html><head><title>Login</title></head></html>' }));
    const { client } = frappeTestClient(stub);
    await assert.rejects(
      client.findEmployeesByDeviceIds(['101']),
      (e: unknown) => FrappeError.is(e, 'badResponse') && /HTML page.*is the site URL right\?/.test(e.message),
    );
  });

  it('reads are retried on 502 by HttpClient', async () => {
    stub.hook(GET_LIST, () => ({ status: 502, text: '<html>Bad Gateway</html>' }), 1);
    const { client, clock } = frappeTestClient(stub);
    assert.equal((await client.findEmployeesByDeviceIds(['101'])).length, 1);
    assert.equal(stub.calls(GET_LIST).length, 2);
    assert.deepEqual(clock.sleeps, [100]);
  });

  it('searchEmployees: name or full name like, limited', async () => {
    stub.employees[1].employee_name = 'Rajbir Singh';
    const { client } = frappeTestClient(stub);
    const got = await client.searchEmployees('rajbir', 5);
    assert.deepEqual(
      got.map((e) => e.name),
      ['HR-EMP-00002'],
    );
    const body = stub.calls(GET_LIST)[0].body;
    assert.deepEqual(body.or_filters, [
      ['employee_name', 'like', '%rajbir%'],
      ['name', 'like', '%rajbir%'],
    ]);
    assert.equal(body.limit_page_length, 5);
  });

  it("setEmployeeDeviceId: PUT attendance_device_id; a taken code → validation with Frappe's message", async () => {
    const { client } = frappeTestClient(stub);
    await client.setEmployeeDeviceId('HR-EMP-00001', '555');
    assert.equal(stub.employees[0].attendance_device_id, '555');
    assert.deepEqual(stub.calls('PUT /api/resource/Employee/HR-EMP-00001')[0].body, { attendance_device_id: '555' });
    await assert.rejects(client.setEmployeeDeviceId('HR-EMP-00002', '555'), (e: unknown) => {
      return (
        FrappeError.is(e, 'validation') &&
        e.message === 'Attendance Device ID (Biometric/RF tag ID) must be unique' &&
        e.excType === 'UniqueValidationError'
      );
    });
    await assert.rejects(client.setEmployeeDeviceId('HR-EMP-404', '1'), (e: unknown) =>
      FrappeError.is(e, 'employeeNotFound'),
    );
  });

  it('deskUrl', () => {
    const client = new FrappeClient({
      site: frappeSite('https://hr.example.com/'),
      credentials: new FakeCredentials({ frappeApiKey: STUB_KEY, frappeApiSecret: STUB_SECRET }),
      clock: new FakeClock(),
      logger: recordingLogger(),
    });
    assert.equal(client.deskUrl('Employee', 'HR-EMP-00003'), 'https://hr.example.com/app/employee/HR-EMP-00003');
    assert.equal(
      client.deskUrl('Employee Checkin', 'EMP-CKIN-05-2024-000008'),
      'https://hr.example.com/app/employee-checkin/EMP-CKIN-05-2024-000008',
    );
    assert.equal(client.deskUrl('Employee', 'Jane Doe/2'), 'https://hr.example.com/app/employee/Jane%20Doe%2F2');
  });
});
