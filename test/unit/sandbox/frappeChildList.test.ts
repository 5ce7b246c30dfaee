import * as assert from 'node:assert/strict';
import { startFrappeSandbox, type FrappeSandbox } from '../../../src/sandbox/frappe/server';

// get_list on a child doctype (Has Role, the rows of User.roles): v15 `frappe.client.get_list` runs
// `check_parent_permission(parent, doctype)` first, which raises a bare PermissionError unless `parent` names a
// doctype with a Table field of that child and the caller may read that parent.

const admin = { key: 'admin-key', secret: 'admin-secret', user: 'it@example.com' };
const hr = { key: 'demo-key', secret: 'demo-secret', user: 'sync@example.com' };

async function post(
  sb: FrappeSandbox,
  key: { key: string; secret: string },
  payload: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sb.url}/api/method/frappe.client.get_list`, {
    method: 'POST',
    headers: {
      Authorization: `token ${key.key}:${key.secret}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Frappe sandbox: child doctype lists (Has Role)', () => {
  let sb: FrappeSandbox;

  before(async () => {
    sb = await startFrappeSandbox({
      apiKeys: [admin, hr],
      users: [
        { name: admin.user, roles: ['System Manager'] },
        { name: hr.user, roles: ['HR Manager'] },
        { name: 'a@example.com', roles: ['Employee'] },
        { name: 'boss@example.com', roles: ['Employee', 'System Manager'] },
      ],
    });
  });
  after(() => sb.close());

  it('lists the rows of User.roles for a System Manager, with parent/parentfield/parenttype columns', async () => {
    const { status, body } = await post(sb, admin, {
      doctype: 'Has Role',
      parent: 'User',
      fields: ['parent', 'parentfield', 'parenttype', 'role', 'idx'],
      filters: [
        ['parent', 'in', ['a@example.com', 'BOSS@example.com']],
        ['parenttype', '=', 'User'],
      ],
      order_by: 'idx asc',
      limit_page_length: 0,
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(
      new Set((body.message as unknown[]).map((r) => JSON.stringify(r))),
      new Set(
        [
          { parent: 'a@example.com', parentfield: 'roles', parenttype: 'User', role: 'Employee', idx: 1 },
          { parent: 'boss@example.com', parentfield: 'roles', parenttype: 'User', role: 'Employee', idx: 1 },
          { parent: 'boss@example.com', parentfield: 'roles', parenttype: 'User', role: 'System Manager', idx: 2 },
        ].map((r) => JSON.stringify(r)),
      ),
    );
    const managers = await post(sb, admin, {
      doctype: 'Has Role',
      parent: 'User',
      fields: ['parent'],
      filters: [['role', '=', 'System Manager']],
      order_by: 'parent asc',
      limit_page_length: 0,
    });
    assert.deepEqual(managers.body.message, [{ parent: 'boss@example.com' }, { parent: admin.user }]);
  });

  it('refuses with a bare 403 PermissionError without parent, with a parent that has no such table, or without read on the parent', async () => {
    const refusals = [
      await post(sb, admin, { doctype: 'Has Role', fields: ['parent'] }),
      await post(sb, admin, { doctype: 'Has Role', parent: '', fields: ['parent'] }),
      await post(sb, admin, { doctype: 'Has Role', parent: 'Employee', fields: ['parent'] }),
      await post(sb, admin, { doctype: 'Has Role', parent: 'No Such DocType', fields: ['parent'] }),
    ];
    for (const r of refusals) {
      assert.equal(r.status, 403);
      assert.deepEqual(r.body, { exc_type: 'PermissionError' });
    }
  });

  it('answers an HR Manager without System Manager too: select on User is enough (recordings i3, i6)', async () => {
    const r = await post(sb, hr, {
      doctype: 'Has Role',
      parent: 'User',
      fields: ['parent', 'role'],
      filters: [['parent', 'in', ['a@example.com', hr.user]]],
      order_by: 'parent asc',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.message, [
      { parent: 'a@example.com', role: 'Employee' },
      { parent: hr.user, role: 'HR Manager' },
    ]);
  });

  it('follows permission overrides on the parent doctype', async () => {
    sb.store.setPermissions(hr.user, { readUser: false });
    try {
      const r = await post(sb, hr, {
        doctype: 'Has Role',
        parent: 'User',
        fields: ['parent'],
        filters: [['parent', '=', 'a@example.com']],
      });
      assert.equal(r.status, 403);
      assert.deepEqual(r.body, { exc_type: 'PermissionError' });
    } finally {
      sb.store.setPermissions(hr.user, { readUser: undefined });
    }
  });

  it('serves GET /api/resource/Has Role with the same check (parent from the query string)', async () => {
    const get = (query: string) =>
      fetch(`${sb.url}/api/resource/Has%20Role?${query}`, {
        headers: { Authorization: `token ${admin.key}:${admin.secret}`, Accept: 'application/json' },
      });
    const ok = await get(
      new URLSearchParams({
        parent: 'User',
        fields: '["parent","role"]',
        filters: '[["parent","=","a@example.com"]]',
      }).toString(),
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { data: [{ parent: 'a@example.com', role: 'Employee' }] });
    const refused = await get('fields=["parent"]');
    assert.equal(refused.status, 403);
  });
});
