import * as assert from 'node:assert/strict';
import type { EmployeeRecord, UserControlChange } from '../../../src/core/types';
import { FrappeUserControl } from '../../../src/frappe/userControl';
import { frappeTestClient } from '../../support/frappeKit';
import { FrappeStub } from '../../support/frappeStub';

const memory = { get: () => undefined, set: () => undefined };
const employee = (name: string, userId: string | null): EmployeeRecord => ({
  name,
  employeeName: name,
  deviceId: '1',
  status: 'Active',
  userId,
});
const change = (code: string, emp: EmployeeRecord, enable: boolean): UserControlChange => ({
  empCode: code,
  employee: emp,
  enable,
});

describe('frappe/userControl: frappe-user mode', () => {
  let stub: FrappeStub;
  let control: FrappeUserControl;
  beforeEach(async () => {
    stub = await FrappeStub.start();
    stub.users.set('a@x.com', { name: 'a@x.com', enabled: 0, roles: ['Employee'] });
    stub.users.set('b@x.com', { name: 'b@x.com', enabled: 1, roles: ['Employee'] });
    stub.users.set('boss@x.com', { name: 'boss@x.com', enabled: 1, roles: ['Employee', 'System Manager'] });
    control = new FrappeUserControl({ client: frappeTestClient(stub).client });
  });
  afterEach(() => stub.close());

  it('enables, disables, leaves unchanged, skips System Managers, fails without a linked user', async () => {
    const results = await control.apply(
      [
        change('1', employee('HR-EMP-1', 'a@x.com'), true),
        change('2', employee('HR-EMP-2', 'b@x.com'), false),
        change('3', employee('HR-EMP-3', 'a@x.com'), true),
        change('4', employee('HR-EMP-4', 'boss@x.com'), false),
        change('5', employee('HR-EMP-5', null), false),
        change('6', employee('HR-EMP-6', 'gone@x.com'), true),
      ],
      memory,
    );
    assert.deepEqual(results, [
      { empCode: '1', result: 'applied', detail: 'User a@x.com enabled' },
      { empCode: '2', result: 'applied', detail: 'User b@x.com disabled' },
      { empCode: '3', result: 'unchanged', detail: 'User a@x.com is already enabled' },
      {
        empCode: '4',
        result: 'unchanged',
        detail: 'User boss@x.com has the System Manager role and is never enabled or disabled by BioTime Sync',
      },
      { empCode: '5', result: 'failed', detail: 'Employee HR-EMP-5 has no linked User' },
      {
        empCode: '6',
        result: 'failed',
        detail: 'User gone@x.com linked to Employee HR-EMP-6 does not exist in Frappe',
      },
    ]);
    assert.equal(stub.users.get('a@x.com')!.enabled, 1);
    assert.equal(stub.users.get('b@x.com')!.enabled, 0);
    assert.equal(stub.users.get('boss@x.com')!.enabled, 1);
    const puts = stub.requests.filter((r) => r.method === 'PUT');
    assert.deepEqual(
      puts.map((r) => [r.path, r.body]),
      [
        ['/api/resource/User/a@x.com', { enabled: 1 }],
        ['/api/resource/User/b@x.com', { enabled: 0 }],
      ],
    );
  });

  it("a refused write → failed with Frappe's message", async () => {
    stub.hook('PUT /api/resource/User/a@x.com', (_r, s) => s.error(403, 'PermissionError', 'No permission for User'));
    const [r] = await control.apply([change('1', employee('HR-EMP-1', 'a@x.com'), true)], memory);
    assert.equal(r.result, 'failed');
    assert.equal(r.detail, 'Could not enable User a@x.com: Frappe site acme: No permission for User');
  });

  it('check(): frappe-user needs write on User — an HR Manager fails with what to grant, System Manager passes', async () => {
    stub.users.set('sync@example.com', { name: 'sync@example.com', enabled: 1, roles: ['HR User', 'HR Manager'] });
    const hr = await control.check();
    assert.equal(hr.ok, false);
    assert.match(
      hr.detail,
      /sync@example.com cannot write User records on Frappe site acme \(roles: HR User, HR Manager\)/,
    );
    assert.match(hr.detail, /does not have doctype access via role permission for document User/);
    assert.match(hr.fix!, /Before the first run, give sync@example.com the System Manager role/);
    // The roles came from the Has Role list: the own User record shows none (roles blanked, recording i8).
    const hasRole = stub.calls('POST /api/method/frappe.client.get_list').filter((r) => r.body.doctype === 'Has Role');
    assert.equal(hasRole.length, 1);
    assert.equal(hasRole[0].body.parent, 'User');
    stub.users.get('sync@example.com')!.roles = ['HR Manager', 'System Manager'];
    const sm = await control.check();
    assert.deepEqual([sm.ok, sm.warn], [true, undefined]);
    assert.match(sm.detail, /can read and write User records/);
  });

  it('check(): roles unreadable → a warning saying what to make sure of; User unreadable → not ok', async () => {
    stub.users.set('sync@example.com', { name: 'sync@example.com', enabled: 1, roles: ['System Manager'] });
    stub.denyRead.add('Has Role');
    const unknown = await control.check();
    assert.deepEqual([unknown.ok, unknown.warn], [true, true]);
    assert.match(unknown.detail, /could not be read to confirm it may write User/);
    assert.match(unknown.fix!, /System Manager/);
    stub.denyRead.add('User');
    const no = await control.check();
    assert.equal(no.ok, false);
    assert.match(no.detail, /Cannot read User records on Frappe site acme/);
  });
});
