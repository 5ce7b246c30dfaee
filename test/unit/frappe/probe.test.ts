import * as assert from 'node:assert/strict';
import { FrappeError } from '../../../src/core/errors';
import { frappeCredentials, frappeTestClient, stubEmployees } from '../../support/frappeKit';
import { FrappeStub } from '../../support/frappeStub';

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

  it('User record unreadable → unknown; Employee unreadable → canReadEmployee false', async () => {
    stub.denyRead.add('User');
    stub.denyRead.add('Employee');
    const p = await frappeTestClient(stub).client.probe();
    assert.equal(p.canWriteTime, 'unknown');
    assert.equal(p.canCreateCheckin, 'unknown');
    assert.equal(p.canReadEmployee, false);
    assert.deepEqual(p.duplicateDeviceIds, []);
  });

  it('bad keys → throws auth', async () => {
    const { client } = frappeTestClient(stub, { credentials: frappeCredentials('x', 'y') });
    await assert.rejects(client.probe(), (e: unknown) => FrappeError.is(e, 'auth'));
  });
});
