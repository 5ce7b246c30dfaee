import * as assert from 'node:assert/strict';
import {
  NO_COSTS,
  requestCostMs,
  startFrappeSandbox,
  type FrappeSandbox,
  type SiteCosts,
} from '../../../src/sandbox/frappe/server';

// The real-site cost model of the benchmark (issue 14, frappe-wire/README.md "Cost"): what each request charges the
// site's workers. Checked on the simulated work the server counts, never on elapsed time.
const COSTS: SiteCosts = {
  perRequestMs: 1,
  insertManyDocMs: 7.4,
  insertManyGrowthMsPer1k: 1,
  insertManyDocMaxMs: 12,
  singleWriteMs: 15,
  readDocMs: 11,
  listRowMs: 0.02,
};
const none = { rows: 0, doc: false, insertMany: false };

describe('Frappe sandbox: real-site cost model', () => {
  it('charges per request, per document inside insert_many (growing with the table, capped), per single write, per read', () => {
    assert.equal(requestCostMs(COSTS, { docsWritten: 0, read: none }, 0), 1);
    assert.equal(requestCostMs(COSTS, { docsWritten: 0, read: { ...none, doc: true } }, 0), 12);
    assert.equal(requestCostMs(COSTS, { docsWritten: 0, read: { ...none, rows: 2100 } }, 0), 43);
    assert.equal(requestCostMs(COSTS, { docsWritten: 1, read: none }, 0), 16);
    const many = (tableRows: number) =>
      requestCostMs(COSTS, { docsWritten: 100, read: { ...none, insertMany: true } }, tableRows);
    assert.equal(many(0), 741);
    assert.equal(many(2000), 941);
    assert.equal(many(1_000_000), 1201, 'capped at 12 ms a document');
    assert.equal(requestCostMs(NO_COSTS, { docsWritten: 100, read: { ...none, insertMany: true } }, 5000), 0);
  });

  describe('on a running sandbox', () => {
    let sb: FrappeSandbox;
    afterEach(() => sb.close());

    it('counts the modelled work of each request (list rows, insert_many documents) as worker time', async () => {
      sb = await startFrappeSandbox({ costs: COSTS, cpuCapacity: 1.12 });
      const employee = sb.store.addEmployee({ employee_name: 'A', attendance_device_id: '101' });
      const headers = { Authorization: 'token demo-key:demo-secret', 'Content-Type': 'application/json' };
      const docs = [0, 1, 2].map((i) => ({
        doctype: 'Employee Checkin',
        employee,
        time: `2024-05-24 08:0${i}:00`,
        log_type: 'IN',
      }));
      const res = await fetch(`${sb.url}/api/method/frappe.client.insert_many`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ docs }),
      });
      assert.equal(res.status, 200);
      assert.equal(sb.counters.workMs.toFixed(3), (1 + 3 * 7.4).toFixed(3));
      const list = await fetch(`${sb.url}/api/resource/Employee%20Checkin?limit_page_length=0`, { headers });
      assert.equal(((await list.json()) as { data: unknown[] }).data.length, 3);
      assert.equal(sb.counters.workMs.toFixed(3), (1 + 3 * 7.4 + 1 + 3 * 0.02).toFixed(3));
    });
  });
});
