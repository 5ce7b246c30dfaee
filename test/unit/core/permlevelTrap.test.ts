// The permlevel trap (issue 11): an API user without HR User/HR Manager gets 200 on every insert while Frappe stores
// the sync time instead of the punch time. The run must detect it from the roles before writing, and verify what
// was written: a wrongly stored checkin is never "created", the device stops naming the cause, the fix and the
// checkins to delete, nothing is lost, and a rerun after the fix creates the checkins with the right time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BATCH_MAX_PAGES, BATCH_PUNCHES } from '../../../src/core/deviceRun';
import type { SyncEngine } from '../../../src/core/engine';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import type { PunchOutcome } from '../../../src/shared/model';
import { device } from '../../support/configBuilders';
import { FakeSink, FakeSource, fakeEngine, punch } from '../../support/enginePortFakes';

const PAGE = 10;
const FIRST_BATCH = Math.min(BATCH_PUNCHES, PAGE * BATCH_MAX_PAGES);
const NOW = '2026-12-03 13:23:31';
const at = (i: number) =>
  `2026-11-24 ${String(6 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;

async function outcomes(engine: SyncEngine, runId: string): Promise<PunchOutcome[]> {
  const out: PunchOutcome[] = [];
  for await (const o of engine.runOutcomes(runId)) out.push(o);
  return out;
}

function setup(n: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-trap-'));
  const source = new FakeSource();
  const sink = new FakeSink();
  sink.employee('HR-EMP-1', '1001');
  source.punches = Array.from({ length: n }, (_, i) => punch(i + 1, '1001', at(i + 1)));
  const store = new FileStateStore(dir);
  const engine = fakeEngine({ devices: [device({ pageSize: PAGE })], store, source, sink });
  return { source, sink, store, engine };
}

describe('core: the permlevel trap (Frappe stores the sync time)', () => {
  it('roles without HR User/HR Manager: the run stops before reading or writing anything, saying what to grant', async () => {
    const { sink, store, engine } = setup(5);
    sink.access = { user: 'weak@acme.test', canWriteTime: false, roles: ['Employee'] };
    const s = await engine.runDevice('hq');
    assert.equal(s.status, 'failed');
    assert.equal(s.error!.code, 'frappe.permission');
    assert.match(
      s.error!.message,
      /API user weak@acme\.test of Frappe site .* cannot write Employee Checkin "time" \(a permlevel 1 field; its roles: Employee\).*Nothing was read or written\./,
    );
    assert.match(s.error!.hint!, /Give weak@acme\.test the HR User or HR Manager role/);
    assert.equal(sink.requests.access, 1);
    assert.equal(sink.requests.insert, undefined);
    assert.equal(sink.requests.findCheckins, undefined);
    assert.equal(s.counts.fetched, 0);
    assert.equal((await store.loadDevice('hq')).cursor, null);
    // A dry run would claim "would be created" for checkins that would get the wrong time: it stops too.
    const dry = await engine.runDevice('hq', { dryRun: true });
    assert.equal(dry.status, 'failed');
  });

  it('roles unreadable, wrong times stored: never "created", the device stops listing them; a rerun after the fix is right', async () => {
    const { sink, store, engine } = setup(FIRST_BATCH + 5);
    sink.access = { user: 'sync@acme.test', canWriteTime: 'unknown' };
    sink.trapNow = NOW;
    const s1 = await engine.runDevice('hq');
    assert.equal(s1.status, 'failed');
    assert.equal(s1.counts.created, 0);
    const wrong = sink.checkins.map((c) => c.name);
    assert.equal(wrong.length, FIRST_BATCH, 'only the first batch was sent; the next one was not');
    assert.equal(sink.requests.insert, 1);
    assert.deepEqual(s1.wrongCheckins, wrong);
    assert.match(s1.error!.message, new RegExp(`stored ${FIRST_BATCH} checkin\\(s\\) with the time of the sync`));
    assert.match(s1.error!.message, new RegExp(`${NOW} instead of ${at(1)}`));
    assert.ok(s1.error!.message.includes(`to delete in Frappe: ${wrong.join(', ')}.`));
    assert.match(s1.error!.hint!, /HR User or HR Manager role.*biotime-sync rerun --device hq/);
    // The run record says which checkin each punch got wrongly; the punches are failed and kept.
    const recorded = await outcomes(engine, s1.runId);
    assert.equal(recorded.length, FIRST_BATCH);
    assert.ok(recorded.every((o) => o.outcome === 'failed' && o.failure === 'permission' && o.wrongCheckin));
    assert.deepEqual(
      recorded.map((o) => o.wrongCheckin),
      wrong,
    );
    const failed = await engine.listFailed('hq');
    assert.equal(failed.length, FIRST_BATCH);
    assert.equal((await store.loadDevice('hq')).cursor!.hwm, FIRST_BATCH);

    // The operator gives the API user HR Manager (and may not have deleted the wrong checkins yet).
    sink.trapNow = undefined;
    sink.access = { user: 'sync@acme.test', canWriteTime: true, roles: ['HR Manager'] };
    const [r] = await engine.rerun({ deviceId: 'hq' });
    assert.equal(r.status, 'completed');
    assert.equal(r.counts.created, FIRST_BATCH, 'the wrong checkins (other time) are not taken for these punches');
    assert.equal(r.counts.duplicate, 0);
    const s2 = await engine.runDevice('hq');
    assert.equal(s2.status, 'completed');
    assert.equal(s2.counts.created, 5);
    const right = sink.checkins.filter((c) => !wrong.includes(c.name));
    assert.deepEqual(
      right.map((c) => c.time),
      Array.from({ length: FIRST_BATCH + 5 }, (_, i) => at(i + 1)),
    );
    assert.deepEqual(await engine.listFailed('hq'), []);
  });
});
