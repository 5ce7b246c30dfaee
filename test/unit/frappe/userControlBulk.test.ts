// frappe-user control over real HTTP against the Frappe sandbox: Users read in bulk (User list + Has Role list),
// and the per-User GETs when a site refuses or garbles the bulk read. Both paths must give the same results.
import * as assert from 'node:assert/strict';
import type { SandboxRequest, SandboxResponse } from '../../../src/sandbox/common/httpServer';
import { startFrappeSandbox, type FrappeSandbox } from '../../../src/sandbox/frappe/server';
import type { EmployeeRecord, UserControlChange, UserControlResult } from '../../../src/core/types';
import { FrappeClient } from '../../../src/frappe/client';
import { FrappeUserControl } from '../../../src/frappe/userControl';
import { USER_CHUNK } from '../../../src/frappe/userStates';
import { frappeSite, recordingLogger, type RecordingLogger } from '../../support/frappeKit';
import { FakeClock } from '../../support/fakeClock';
import { FakeCredentials } from '../../support/fakeCredentials';

const memory = { get: () => undefined, set: () => undefined };
const employee = (name: string, userId: string | null): EmployeeRecord => ({
  name,
  employeeName: name,
  deviceId: '1',
  status: 'Active',
  userId,
});
const change = (code: string, userId: string | null, enable: boolean): UserControlChange => ({
  empCode: code,
  employee: employee(`HR-EMP-${code}`, userId),
  enable,
});

const LIST = 'POST /api/method/frappe.client.get_list';
const GET_USER = 'GET /api/resource/User/{name}';
const PUT_USER = 'PUT /api/resource/User/{name}';

/** The API user holds System Manager, as writing User records on a real site needs. */
async function site(): Promise<FrappeSandbox> {
  const sb = await startFrappeSandbox({
    users: [
      { name: 'sync@example.com', roles: ['HR Manager', 'System Manager'] },
      { name: 'a@example.com', enabled: false, roles: ['Employee'] },
      { name: 'b@example.com', enabled: true, roles: ['Employee'] },
      { name: 'boss@example.com', enabled: true, roles: ['Employee', 'System Manager'] },
      { name: 'c@example.com', enabled: true, roles: [] },
    ],
  });
  sb.stats.reset();
  return sb;
}

function control(sb: FrappeSandbox, logger: RecordingLogger = recordingLogger()): FrappeUserControl {
  const clock = new FakeClock('2024-05-24T06:00:00Z', { autoAdvance: true });
  const client = new FrappeClient({
    site: frappeSite(sb.url),
    credentials: new FakeCredentials({ frappeApiKey: 'demo-key', frappeApiSecret: 'demo-secret' }),
    clock,
    logger,
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 100 },
  });
  return new FrappeUserControl({ client, logger });
}

const changes = [
  change('1', 'a@example.com', true),
  change('2', 'b@example.com', false),
  change('3', 'a@example.com', true), // same User again: sees the first change's write
  change('4', 'boss@example.com', false),
  change('5', null, false),
  change('6', 'gone@example.com', true),
  change('7', 'Administrator', false),
  change('8', 'c@example.com', true),
  change('9', 'B@example.com', true), // another case of b: the site's collation makes it the same User
];

const expected: UserControlResult[] = [
  { empCode: '1', result: 'applied', detail: 'User a@example.com enabled' },
  { empCode: '2', result: 'applied', detail: 'User b@example.com disabled' },
  { empCode: '3', result: 'unchanged', detail: 'User a@example.com is already enabled' },
  {
    empCode: '4',
    result: 'unchanged',
    detail: 'User boss@example.com has the System Manager role and is never enabled or disabled by BioTime Sync',
  },
  { empCode: '5', result: 'failed', detail: 'Employee HR-EMP-5 has no linked User' },
  {
    empCode: '6',
    result: 'failed',
    detail: 'User gone@example.com linked to Employee HR-EMP-6 does not exist in Frappe',
  },
  { empCode: '7', result: 'unchanged', detail: 'User Administrator is never enabled or disabled by BioTime Sync' },
  { empCode: '8', result: 'unchanged', detail: 'User c@example.com is already enabled' },
  { empCode: '9', result: 'applied', detail: 'User B@example.com enabled' },
];

function enabledUsers(sb: FrappeSandbox): Record<string, unknown> {
  return Object.fromEntries(sb.store.users().map((u) => [u.name, u.enabled]));
}

/** Answers get_list on Has Role with `answer` instead of the handler (an older or stricter site, a proxy). */
function refuseHasRole(sb: FrappeSandbox, answer: SandboxResponse): void {
  sb.knobs.intercept = (req: SandboxRequest) => {
    if (req.path !== '/api/method/frappe.client.get_list') return undefined;
    return (req.json() as { doctype?: string }).doctype === 'Has Role' ? answer : undefined;
  };
}

const forbidden: SandboxResponse = {
  status: 403,
  headers: { 'Content-Type': 'application/json' },
  body: { exc_type: 'PermissionError' },
};

describe('frappe/userControl: Users read in bulk (sandbox)', () => {
  const open: FrappeSandbox[] = [];
  const start = async () => {
    const sb = await site();
    open.push(sb);
    return sb;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((sb) => sb.close()));
  });

  it('reads every User in two list requests, GETs only the User the list did not show, PUTs only what changes', async () => {
    const sb = await start();
    const results = await control(sb).apply(changes, memory);
    assert.deepEqual(results, expected);
    assert.equal(sb.stats.byRoute[LIST], 2);
    assert.equal(sb.stats.byRoute[GET_USER], 1, 'gone@example.com is confirmed missing by one GET');
    assert.equal(sb.stats.byRoute[PUT_USER], 3);
    assert.deepEqual(enabledUsers(sb), {
      'sync@example.com': 1,
      'a@example.com': 1,
      'b@example.com': 1,
      'boss@example.com': 1,
      'c@example.com': 1,
    });
  });

  it('never touches a System Manager, whatever the wanted state', async () => {
    const sb = await start();
    sb.store.addUser({ name: 'boss@example.com', enabled: false });
    const results = await control(sb).apply(
      [change('1', 'boss@example.com', true), change('2', 'BOSS@example.com', false)],
      memory,
    );
    assert.deepEqual(
      results.map((r) => r.result),
      ['unchanged', 'unchanged'],
    );
    assert.equal(sb.stats.byRoute[PUT_USER], undefined);
    assert.equal(enabledUsers(sb)['boss@example.com'], 0);
  });

  it('falls back to one GET per User when the Has Role list is refused, with identical results, and says so once', async () => {
    const bulk = await start();
    const bulkResults = await control(bulk).apply(changes, memory);
    const sb = await start();
    refuseHasRole(sb, forbidden);
    const logger = recordingLogger();
    const uc = control(sb, logger);
    const results = await uc.apply(changes, memory);
    assert.deepEqual(results, bulkResults);
    assert.deepEqual(results, expected);
    assert.deepEqual(enabledUsers(sb), enabledUsers(bulk));
    // One GET per change with a User that may be touched (1, 2, 3, 4, 6, 8, 9), each before its own decision.
    assert.equal(sb.stats.byRoute[GET_USER], 7);
    assert.equal(sb.stats.byRoute[PUT_USER], 3);
    assert.equal(logger.lines.filter((l) => /in bulk/.test(l)).length, 1);
    assert.match(
      logger.lines.find((l) => /in bulk/.test(l))!,
      /^info Frappe site acme: could not read Users and their System Manager role in bulk/,
    );
    await uc.apply([change('1', 'a@example.com', false)], memory);
    assert.deepEqual(
      logger.lines.filter((l) => /in bulk/.test(l)).map((l) => l.split(' ')[0]),
      ['info', 'debug'],
    );
  });

  it('falls back when the bulk read comes back in another shape or as a validation error (older site)', async () => {
    const answers: SandboxResponse[] = [
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: { message: { rows: [] } } },
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: { message: [{ role: 'System Manager' }] } },
      { status: 417, headers: { 'Content-Type': 'application/json' }, body: { exc_type: 'ValidationError' } },
      { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>Login</html>' },
    ];
    for (const answer of answers) {
      const sb = await start();
      refuseHasRole(sb, answer);
      assert.deepEqual(await control(sb).apply(changes, memory), expected, JSON.stringify(answer.body));
      assert.equal(sb.stats.byRoute[GET_USER], 7);
    }
  });

  it('an HR Manager without System Manager (the real site): Users are listed, every update is refused (403)', async () => {
    const sb = await start();
    sb.store.addUser({ name: 'sync@example.com', roles: ['HR Manager'] });
    const results = await control(sb).apply(
      [change('1', 'a@example.com', true), change('2', 'boss@example.com', false)],
      memory,
    );
    assert.deepEqual(results, [
      {
        empCode: '1',
        result: 'failed',
        detail:
          'Could not enable User a@example.com: Frappe site acme: User sync@example.com does not have doctype access via role permission for document User',
      },
      {
        empCode: '2',
        result: 'unchanged',
        detail: 'User boss@example.com has the System Manager role and is never enabled or disabled by BioTime Sync',
      },
    ]);
    assert.equal(sb.stats.byRoute[PUT_USER], 1);
  });

  it('without read permission on User: the bulk read is refused and each User fails as before', async () => {
    const sb = await start();
    sb.store.addUser({ name: 'sync@example.com', roles: ['HR Manager'] });
    sb.store.setPermissions('sync@example.com', { readUser: false });
    const results = await control(sb).apply(
      [change('1', 'a@example.com', true), change('2', 'boss@example.com', false)],
      memory,
    );
    assert.deepEqual(
      results.map((r) => r.result),
      ['failed', 'failed'],
    );
    assert.match(results[0].detail, /^Could not enable User a@example.com: Frappe site acme: /);
    assert.equal(sb.stats.byRoute[PUT_USER], undefined);
  });

  it(`splits more than ${USER_CHUNK} Users into one list pair per ${USER_CHUNK}`, async () => {
    const sb = await start();
    const many = Array.from({ length: USER_CHUNK + 3 }, (_, i) => `u${i}@example.com`);
    for (const name of many) sb.store.addUser({ name, enabled: true, roles: ['Employee'] });
    const results = await control(sb).apply(
      many.map((u, i) => change(String(i), u, true)),
      memory,
    );
    assert.ok(results.every((r) => r.result === 'unchanged'));
    assert.equal(sb.stats.byRoute[LIST], 4);
    assert.equal(sb.stats.byRoute[GET_USER], undefined);
  });
});
