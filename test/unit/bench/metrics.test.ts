import * as assert from 'node:assert/strict';
import {
  percentile,
  computeFloor,
  isUserControlRoute,
  linearity,
  ratio,
  requestsPerPunch,
  spread,
  target,
} from '../../../bench/metrics';

describe('bench/metrics', () => {
  it('counts requests per punch by endpoint and separates the user-control step', () => {
    const r = requestsPerPunch(
      {
        biotime: { 'POST /jwt-api-token-auth/': 1, 'GET /iclock/api/transactions/': 5 },
        frappe: {
          'POST /api/method/frappe.client.insert_many': 10,
          'POST /api/method/frappe.client.get_list': 6,
          'GET /api/resource/User/{name}': 40,
          'PUT /api/resource/User/{name}': 30,
        },
      },
      1000,
    );
    assert.equal(r.byEndpoint['biotime GET /iclock/api/transactions/'], 0.005);
    assert.equal(r.byEndpoint['frappe PUT /api/resource/User/{name}'], 0.03);
    assert.equal(r.biotime, 0.006);
    assert.equal(r.frappe, 0.086);
    assert.equal(r.frappeUserControl, 0.07);
    assert.equal(r.frappeBesidesUserControl, 0.016);
    assert.equal(r.total, 0.092);
  });

  it('treats only User reads and writes as user control', () => {
    assert.ok(isUserControlRoute('GET /api/resource/User/{name}'));
    assert.ok(isUserControlRoute('PUT /api/resource/User/{name}'));
    assert.ok(isUserControlRoute('GET /api/resource/User'));
    assert.ok(!isUserControlRoute('GET /api/resource/Employee'));
    assert.ok(!isUserControlRoute('GET /api/resource/User Permission'));
    assert.ok(!isUserControlRoute('POST /api/resource/Employee Checkin'));
  });

  it('gives zeros rather than NaN for an empty backlog', () => {
    const r = requestsPerPunch({ biotime: { 'GET /x': 3 }, frappe: {} }, 0);
    assert.equal(r.total, 0);
    assert.equal(r.byEndpoint['biotime GET /x'], 0);
  });

  it('computes the floor: documents × cost / workers plus the round trips nothing can overlap', () => {
    const f = computeFloor({ documents: 4000, perDocCostMs: 0.5, workers: 2, biotimeLatencyMs: 5, frappeLatencyMs: 5 });
    assert.equal(f.serverWorkSeconds, 1);
    assert.deepEqual(f.roundTrips, { biotime: 2, frappe: 3 });
    assert.equal(f.roundTripSeconds, 0.025);
    assert.equal(f.seconds, 1.025);
    // workers below 1 (unlimited in the sandbox's terms) are counted as one, never as a division by zero
    assert.equal(
      computeFloor({ documents: 10, perDocCostMs: 1, workers: 0, biotimeLatencyMs: 0, frappeLatencyMs: 0 }).seconds,
      0.01,
    );
  });

  it('measures time per 1k punches in each half from page samples, start-up excluded', () => {
    const samples = [
      { processed: 0, ms: 0 },
      { processed: 200, ms: 500 }, // first page after a slow login: the halves start here
      { processed: 1000, ms: 1300 },
      { processed: 2000, ms: 2300 },
      { processed: 3000, ms: 3800 },
      { processed: 4000, ms: 5300 },
    ];
    const l = linearity(samples)!;
    assert.equal(l.firstHalfMsPer1k, 1000); // 200 → 2000 in 1800 ms
    assert.equal(l.secondHalfMsPer1k, 1500); // 2000 → 4000 in 3000 ms
    assert.equal(l.growth, 1.5);
    assert.equal(linearity(samples.slice(0, 3)), undefined);
  });

  it('spreads a few samples evenly, first and last kept', () => {
    assert.deepEqual(spread([1, 2, 3, 4, 5, 6, 7, 8, 9], 3), [1, 5, 9]);
    assert.deepEqual(spread([1, 2], 5), [1, 2]);
  });

  it('judges targets as PASS/MISS and leaves unmeasured ones undecided', () => {
    assert.equal(target('a', 'x', 31, 'min', 30).pass, true);
    assert.equal(target('a', 'x', 29.9, 'min', 30).pass, false);
    assert.equal(target('b', 'x', 1.5, 'max', 1.5).pass, true);
    assert.equal(target('c', 'x', 200, 'max', 200, true).pass, false);
    assert.equal(target('d', 'x', null, 'min', 1).pass, null);
    assert.equal(target('d', 'x', NaN, 'min', 1).value, null);
    assert.equal(ratio(10, 0), null);
    assert.equal(ratio(10, 4), 2.5);
  });

  it('takes nearest-rank percentiles of the desk probe, null when nothing was measured', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 10);
    assert.equal(percentile(sorted, 95), 19);
    assert.equal(percentile(sorted, 100), 20);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([], 95), null);
  });
});
