import * as assert from 'node:assert/strict';
import { BioTimeUserControl } from '../../../src/biotime/userControl';
import type { UserControlMemory } from '../../../src/core/ports';
import type { EmployeeRecord, UserControlChange } from '../../../src/core/types';
import { HTML_404 } from '../../support/biotimeStub';
import { biotimeKit, type Kit } from '../../support/biotimeKit';
import { userControl } from '../../support/configBuilders';

const ADJUST = '/personnel/api/employees/adjust_area/';
const RESIGNS = '/personnel/api/resigns/';
const REINSTATE = '/personnel/api/resigns/reinstatement/';

class MapMemory implements UserControlMemory {
  readonly m = new Map<string, unknown>();
  get(k: string): unknown {
    return this.m.get(k);
  }
  set(k: string, v: unknown): void {
    if (v === undefined) this.m.delete(k);
    else this.m.set(k, v);
  }
}

const employee: EmployeeRecord = {
  name: 'HR-EMP-1',
  employeeName: 'Sara',
  deviceId: '1001',
  status: 'Active',
  userId: null,
};
const change = (empCode: string, enable: boolean): UserControlChange => ({ empCode, employee, enable });

function seedPersonnel(k: Kit): void {
  k.stub.areas = [
    { id: 1, area_code: 'HQ', area_name: 'Head office' },
    { id: 2, area_code: 'YARD', area_name: 'Yard' },
    { id: 9, area_code: 'NOACCESS', area_name: 'No access' },
  ];
  k.stub.employees = [
    { id: 11, emp_code: '1001', first_name: 'Sara', areas: [1, 2] },
    { id: 12, emp_code: '10010', first_name: 'Decoy', areas: [1] },
    { id: 13, emp_code: '007', first_name: 'Bond', areas: [1] },
  ];
  k.stub.terminals = [
    { id: 1, sn: 'T1', alias: 'Main gate', area: { id: 1, area_code: 'HQ', area_name: 'Head office' } },
  ];
}

describe('biotime/userControl: area mode', () => {
  let k: Kit;
  afterEach(async () => k && (await k.close()));
  const areasOf = (id: number) => k.stub.employees.find((e) => e.id === id)!.areas;

  it('disable remembers the areas and moves the employee to the no-access area; enable moves it back', async () => {
    k = await biotimeKit({
      userControl: userControl({ mode: 'area', noAccessArea: 'NOACCESS' }),
    });
    seedPersonnel(k);
    const uc = new BioTimeUserControl({ client: k.client });
    const mem = new MapMemory();
    assert.equal(uc.mode, 'area');

    const [off] = await uc.apply([change('1001', false)], mem);
    assert.equal(off.result, 'applied', off.detail);
    assert.deepEqual(areasOf(11), [9]);
    assert.deepEqual(mem.get('1001'), { kind: 'area', employeeId: 11, areas: [1, 2] });
    const post = k.stub.calls.find((c) => c.path === ADJUST)!;
    assert.deepEqual(post.body, { employees: [11], areas: [9] });
    assert.deepEqual(areasOf(12), [1], 'exact emp_code match only');
    assert.equal(k.stub.calls.find((c) => c.path === '/personnel/api/employees/')!.query.get('emp_code'), '1001');

    const [again] = await uc.apply([change('1001', false)], mem);
    assert.equal(again.result, 'unchanged');
    assert.equal(k.stub.count('POST', ADJUST), 1);

    const [on] = await uc.apply([change('1001', true)], mem);
    assert.equal(on.result, 'applied', on.detail);
    assert.deepEqual(areasOf(11), [1, 2]);
    assert.equal(mem.get('1001'), undefined);
    const [onAgain] = await uc.apply([change('1001', true)], mem);
    assert.equal(onAgain.result, 'unchanged');
    assert.equal(k.stub.count('POST', ADJUST), 2);
  });

  it('keeps emp_code as text (007) and reports unknown codes per change without stopping the others', async () => {
    k = await biotimeKit({
      userControl: userControl({ mode: 'area', noAccessArea: 'NOACCESS', exempt: ['1001'] }),
    });
    seedPersonnel(k);
    const uc = new BioTimeUserControl({ client: k.client });
    const res = await uc.apply([change('404', false), change('007', false), change('1001', false)], new MapMemory());
    assert.deepEqual(
      res.map((r) => r.result),
      ['failed', 'applied', 'unchanged'],
    );
    assert.match(res[0].detail, /no employee with emp_code 404/);
    assert.match(res[2].detail, /exempt/);
    assert.deepEqual(areasOf(13), [9]);
    assert.deepEqual(areasOf(11), [1, 2]);
  });

  it('enable without remembered areas fails with what to do; a missing no-access area fails every change once', async () => {
    k = await biotimeKit({
      userControl: userControl({ mode: 'area', noAccessArea: 'NOACCESS' }),
    });
    seedPersonnel(k);
    k.stub.employees[0].areas = [9];
    const uc = new BioTimeUserControl({ client: k.client });
    const [r] = await uc.apply([change('1001', true)], new MapMemory());
    assert.equal(r.result, 'failed');
    assert.match(r.detail, /does not know which areas it had before/);

    const bad = new BioTimeUserControl({
      client: k.newClient({
        userControl: userControl({ mode: 'area', noAccessArea: 'NOPE' }),
      }),
    });
    const before = k.stub.calls.length;
    const res = await bad.apply([change('1001', false), change('007', false)], new MapMemory());
    assert.deepEqual(
      res.map((x) => x.result),
      ['failed', 'failed'],
    );
    assert.match(res[0].detail, /no area with area code 'NOPE' \(codes seen: .*NOACCESS/);
    assert.equal(res[1].detail, res[0].detail);
    assert.equal(
      k.stub.calls.slice(before).filter((c) => c.path === '/personnel/api/areas/').length,
      2,
      'looked up once (filtered, then one page to list the codes)',
    );
  });

  it('fails loudly when BioTime adds areas instead of replacing them', async () => {
    k = await biotimeKit({
      userControl: userControl({ mode: 'area', noAccessArea: 'NOACCESS' }),
    });
    seedPersonnel(k);
    k.stub.on((r) => {
      if (r.path !== ADJUST) return undefined;
      const e = k.stub.employees.find((x) => x.id === 11)!;
      e.areas = [...(e.areas as number[]), 9];
      return { body: { code: 0 } };
    });
    const [r] = await new BioTimeUserControl({ client: k.client }).apply([change('1001', false)], new MapMemory());
    assert.equal(r.result, 'failed');
    assert.match(r.detail, /may add areas instead of replacing them/);
  });

  it('check() finds the area and warns when it has terminals', async () => {
    k = await biotimeKit({
      userControl: userControl({ mode: 'area', noAccessArea: 'NOACCESS' }),
    });
    seedPersonnel(k);
    const uc = new BioTimeUserControl({ client: k.client });
    const ok = await uc.check();
    assert.ok(ok.ok, ok.detail);
    assert.match(ok.detail, /NOACCESS/);
    k.stub.terminals.push({ id: 2, sn: 'T2', area: { id: 9, area_code: 'NOACCESS' } });
    const bad = await new BioTimeUserControl({ client: k.newClient() }).check();
    assert.equal(bad.ok, false);
    assert.match(bad.detail, /T2.*could still punch/);
    const unset = await new BioTimeUserControl({
      client: k.newClient({ userControl: userControl({ mode: 'area' }) }),
    }).check();
    assert.equal(unset.ok, false);
    assert.match(unset.detail, /noAccessArea is not set/);
  });
});

describe('biotime/userControl: resign mode', () => {
  let k: Kit;
  afterEach(async () => k && (await k.close()));

  it('disable resigns with disableatt and today in the BioTime zone; enable reinstates the remembered resignation', async () => {
    k = await biotimeKit({
      timeZone: 'Asia/Dubai',
      userControl: userControl({ mode: 'resign' }),
    });
    seedPersonnel(k);
    k.clock.setNow('2026-03-02T21:30:00Z'); // already 3 March in Dubai
    const uc = new BioTimeUserControl({ client: k.client });
    const mem = new MapMemory();
    const [off] = await uc.apply([change('1001', false)], mem);
    assert.equal(off.result, 'applied', off.detail);
    const post = k.stub.calls.find((c) => c.method === 'POST' && c.path === RESIGNS)!;
    assert.deepEqual(post.body, {
      employee: 11,
      disableatt: true,
      resign_type: 1,
      resign_date: '2026-03-03',
      reason: 'BioTime Sync: checked out',
    });
    assert.deepEqual(mem.get('1001'), { kind: 'resign', employeeId: 11, resignId: 1 });

    const [again] = await uc.apply([change('1001', false)], mem);
    assert.equal(again.result, 'unchanged');
    assert.equal(k.stub.count('POST', RESIGNS), 1);

    // Resigned employees may vanish from the employee list: the remembered id is used.
    k.stub.employees = k.stub.employees.filter((e) => e.id !== 11);
    const [on] = await uc.apply([change('1001', true)], mem);
    assert.equal(on.result, 'applied', on.detail);
    assert.deepEqual(k.stub.calls.find((c) => c.path === REINSTATE)!.body, { resigns: [1] });
    assert.equal(k.stub.resigns.length, 0);
    assert.equal(mem.get('1001'), undefined);

    const [onAgain] = await uc.apply([change('1001', true)], mem);
    assert.equal(onAgain.result, 'unchanged');
  });

  it('enable without memory finds the resignation by employee', async () => {
    k = await biotimeKit({ userControl: userControl({ mode: 'resign' }) });
    seedPersonnel(k);
    k.stub.resigns = [
      { id: 5, employee: 12 },
      { id: 6, employee: 11 },
    ];
    const [on] = await new BioTimeUserControl({ client: k.client }).apply([change('1001', true)], new MapMemory());
    assert.equal(on.result, 'applied', on.detail);
    assert.deepEqual(k.stub.calls.find((c) => c.path === REINSTATE)!.body, { resigns: [6] });
  });

  it('a BioTime without the resign API (HTML 200) fails with a message naming the other modes, once', async () => {
    k = await biotimeKit({ userControl: userControl({ mode: 'resign' }) });
    seedPersonnel(k);
    k.stub.on((r) => (r.path.startsWith(RESIGNS) ? { text: HTML_404 } : undefined));
    const uc = new BioTimeUserControl({ client: k.client });
    const res = await uc.apply([change('1001', false), change('007', false)], new MapMemory());
    assert.deepEqual(
      res.map((r) => r.result),
      ['failed', 'failed'],
    );
    assert.match(res[0].detail, /has no resign API .*this BioTime version lacks it.*mode 'area'.*'frappe-user'/);
    assert.equal(res[1].detail, res[0].detail);
    assert.equal(
      k.stub.calls.filter((c) => c.path.startsWith(RESIGNS)).length,
      1,
      'the second change did not ask again',
    );
    const chk = await uc.check();
    assert.equal(chk.ok, false);
    assert.match(chk.detail, /has no resign API/);
  });

  it('check() says the resign API answers', async () => {
    k = await biotimeKit({ userControl: userControl({ mode: 'resign' }) });
    const chk = await new BioTimeUserControl({ client: k.client }).check();
    assert.ok(chk.ok, chk.detail);
  });

  it('refuses a mode it does not implement', async () => {
    k = await biotimeKit();
    assert.throws(() => new BioTimeUserControl({ client: k.client, mode: 'frappe-user' as 'area' }), TypeError);
  });
});
