import * as assert from 'node:assert/strict';
import { FrappeError } from '../../../src/core/errors';
import { frappeTestClient, stubEmployees } from '../../support/frappeKit';
import { FrappeStub } from '../../support/frappeStub';
import { FakeCredentials } from '../../support/fakeCredentials';

describe('frappe/client: probe', () => {
  let stub: FrappeStub;
  beforeEach(async () => {
    stub = await FrappeStub.start();
    stub.employees = stubEmployees(5);
    stub.users.set('sync@example.com', { name: 'sync@example.com', enabled: 1, roles: ['Employee', 'HR User'] });
  });
  afterEach(() => stub.close());

  it('HR User: can write time and create checkins; reports shared Biometric IDs (trimmed, any case)', async () => {
    stub.employees[1].attendance_device_id = '101';
    stub.employees[3].attendance_device_id = 'ab7';
    stub.employees[4].attendance_device_id = 'AB7 ';
    stub.employees.push({
      name: 'HR-EMP-00099',
      employee_name: 'No Code',
      attendance_device_id: null,
      status: 'Active',
    });
    const { client } = frappeTestClient(stub);
    const p = await client.probe();
    assert.equal(p.user, 'sync@example.com');
    assert.equal(p.timeZone, 'Asia/Kolkata');
    assert.equal(p.canReadEmployee, true);
    assert.equal(p.canWriteTime, true);
    assert.equal(p.canCreateCheckin, true);
    assert.deepEqual(p.duplicateDeviceIds, [
      { deviceId: '101', employees: ['HR-EMP-00001', 'HR-EMP-00002'] },
      { deviceId: 'ab7', employees: ['HR-EMP-00004', 'HR-EMP-00005'] },
    ]);
    assert.ok(p.details.includes('Logged in as sync@example.com.'));
    assert.ok(p.details.some((d) => d.startsWith('Biometric ID 101 is set on HR-EMP-00001, HR-EMP-00002')));
    const dupQuery = stub
      .calls('POST /api/method/frappe.client.get_list')
      .find((r) => r.body.filters?.[0]?.[1] === 'is');
    assert.deepEqual(dupQuery!.body.filters, [['attendance_device_id', 'is', 'set']]);
    assert.equal(dupQuery!.body.limit_page_length, 0);
  });

  it('Employee role only → cannot write time (Frappe would stamp "now")', async () => {
    stub.users.get('sync@example.com')!.roles = ['Employee'];
    const p = await frappeTestClient(stub).client.probe();
    assert.equal(p.canWriteTime, false);
    assert.equal(p.canCreateCheckin, false);
    assert.ok(p.details.some((d) => /sync time instead of the punch time/.test(d)));
  });

  it('HR User + HR Manager without System Manager (the real site): roles from Has Role, though the own record shows none', async () => {
    // Real site (i8): the own User record answers 200 with roles blanked; another user's record is 403 (i4).
    stub.users.get('sync@example.com')!.roles = ['HR User', 'HR Manager', 'Employee'];
    stub.denyRead.add('User');
    const p = await frappeTestClient(stub).client.probe();
    assert.deepEqual([p.canWriteTime, p.canCreateCheckin, p.canWriteUser], [true, true, false]);
    assert.deepEqual(p.roles, ['HR User', 'HR Manager', 'Employee']);
    const q = stub.calls('POST /api/method/frappe.client.get_list').find((r) => r.body.doctype === 'Has Role')!;
    assert.equal(q.body.parent, 'User');
    assert.deepEqual(q.body.filters, [
      ['parent', '=', 'sync@example.com'],
      ['parenttype', '=', 'User'],
    ]);
    assert.equal(stub.calls('GET /api/resource/User/sync@example.com').length, 0);
  });

  it('Has Role refused: falls back to the User record; roles blanked there → unknown, never "no roles"', async () => {
    stub.denyRead.add('Has Role');
    const blanked = await frappeTestClient(stub).client.probe();
    assert.deepEqual([blanked.canWriteTime, blanked.canCreateCheckin], ['unknown', 'unknown']);
    assert.ok(blanked.details.some((d) => /Could not read the roles of sync@example.com/.test(d)));
    stub.blankOwnRoles = false; // an older site showing the roles on the own record
    const shown = await frappeTestClient(stub).client.probe();
    assert.deepEqual([shown.canWriteTime, shown.roles], [true, ['Employee', 'HR User']]);
    assert.ok(shown.details.includes('Roles (from User): Employee, HR User.'));
  });

  it('Employee unreadable → canReadEmployee false', async () => {
    stub.denyRead.add('Employee');
    const p = await frappeTestClient(stub).client.probe();
    assert.equal(p.canReadEmployee, false);
    assert.deepEqual(p.duplicateDeviceIds, []);
  });

  it('checkinWriteAccess: one get_logged_user and one Has Role list; Employee only → false', async () => {
    stub.users.get('sync@example.com')!.roles = ['Employee'];
    const { client } = frappeTestClient(stub);
    const before = stub.requests.length;
    assert.deepEqual(await client.checkinWriteAccess(), {
      user: 'sync@example.com',
      canWriteTime: false,
      roles: ['Employee'],
    });
    assert.equal(stub.requests.length - before, 2);
  });

  it('bad keys → throws auth', async () => {
    const { client } = frappeTestClient(stub, {
      credentials: new FakeCredentials({ frappeApiKey: 'x', frappeApiSecret: 'y' }),
    });
    await assert.rejects(client.probe(), (e: unknown) => FrappeError.is(e, 'auth'));
  });
});
