// The run's pipeline: batch k+1 is prepared (employee match, duplicate query, write journal) while batch k's
// checkins are in flight, and batch k is recorded while batch k+1's are. These tests hold a batch in flight on
// purpose to check that nothing is created twice, nothing is lost, and the cursor never passes unrecorded punches.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeviceConfig } from '../../../src/core/configTypes';
import { BATCH_MAX_PAGES, BATCH_PUNCHES } from '../../../src/core/deviceRun';
import type { SyncEngine } from '../../../src/core/engine';
import type { DeviceState } from '../../../src/core/types';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import type { PunchOutcome } from '../../../src/shared/model';
import { device } from '../../support/configBuilders';
import { FakeSink, FakeSource, punch, fakeEngine } from '../../support/enginePortFakes';

/** Fails saveDevice once, on the given call, like a full disk at the worst moment. */
class FlakyStore extends FileStateStore {
  saves = 0;
  failOnSave?: number;
  override async saveDevice(id: string, state: DeviceState): Promise<void> {
    if (++this.saves === this.failOnSave) throw new Error('ENOSPC: no space left on device');
    return super.saveDevice(id, state);
  }
}

function world(dev: DeviceConfig, dir: string, source: FakeSource, sink: FakeSink) {
  const store = new FlakyStore(dir);
  const engine = fakeEngine({ devices: [dev], store, source, sink });
  return { engine, store };
}

async function outcomes(engine: SyncEngine, runId: string): Promise<PunchOutcome[]> {
  const out: PunchOutcome[] = [];
  for await (const o of engine.runOutcomes(runId)) out.push(o);
  return out;
}

const PAGE = 10;
/** Punches 1..n, one employee, one minute apart; the first batch is BATCH_MAX_PAGES pages of PAGE. */
const FIRST_BATCH = Math.min(BATCH_PUNCHES, PAGE * BATCH_MAX_PAGES);
const at = (i: number) =>
  `2026-11-24 ${String(6 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;

function setup(extra: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-pipeline-'));
  const source = new FakeSource();
  const sink = new FakeSink();
  sink.employee('HR-EMP-1', '1001');
  source.punches = Array.from({ length: FIRST_BATCH + extra }, (_, i) => punch(i + 1, '1001', at(i + 1)));
  return { dir, source, sink, dev: device({ pageSize: PAGE }) };
}

/** Holds the first insert request until the next batch's duplicate query has been answered. */
function holdFirstInsertUntilNextBatchQueried(sink: FakeSink): { queriedWhileHeld: () => boolean } {
  let queries = 0;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held = false;
  let first = true;
  sink.onFindCheckins = () => {
    if (++queries === 2) release();
  };
  sink.beforeInsert = async () => {
    if (!first) return;
    first = false;
    held = true;
    await released;
  };
  return { queriedWhileHeld: () => held && queries >= 2 };
}

describe('core/engine pipeline', () => {
  it('groups pages into batches: one duplicate query per batch, every punch created once', async () => {
    const { dir, source, sink, dev } = setup(FIRST_BATCH + 5);
    const { engine } = world(dev, dir, source, sink);
    const s = await engine.runDevice('hq');
    assert.equal(s.status, 'completed');
    assert.equal(s.counts.created, 2 * FIRST_BATCH + 5);
    assert.equal(sink.requests.findCheckins, 3);
    assert.equal(new Set(sink.checkins.map((c) => c.time)).size, sink.checkins.length);
  });

  it('a repeat of a punch whose checkin is still in flight in the previous batch is a duplicate, not a second checkin', async () => {
    const { dir, source, sink, dev } = setup(0);
    source.punches.push(punch(FIRST_BATCH + 1, '1001', at(FIRST_BATCH))); // BioTime stored the last punch twice
    const probe = holdFirstInsertUntilNextBatchQueried(sink);
    const { engine } = world(dev, dir, source, sink);
    const s = await engine.runDevice('hq');
    assert.ok(probe.queriedWhileHeld(), 'the second batch was prepared while the first was in flight');
    assert.equal(sink.checkins.length, FIRST_BATCH);
    const all = await outcomes(engine, s.runId);
    const first = all.find((o) => o.key === String(FIRST_BATCH))!;
    const echo = all.find((o) => o.key === String(FIRST_BATCH + 1))!;
    assert.equal(first.outcome, 'created');
    assert.equal(echo.outcome, 'duplicate');
    assert.equal(echo.duplicateOf, first.checkin);
    assert.match(echo.reason!, /BioTime sent the same punch twice/);
  });

  it('if the first copy in the previous batch is refused, its repeat fails with the same reason', async () => {
    const { dir, source, sink, dev } = setup(0);
    sink.employee('HR-EMP-2', '2002');
    source.punches[FIRST_BATCH - 1] = punch(FIRST_BATCH, '2002', at(FIRST_BATCH));
    source.punches.push(punch(FIRST_BATCH + 1, '2002', at(FIRST_BATCH)));
    sink.refuse.set('HR-EMP-2', 'Employee HR-EMP-2 is inactive');
    const probe = holdFirstInsertUntilNextBatchQueried(sink);
    const { engine } = world(dev, dir, source, sink);
    await engine.runDevice('hq');
    assert.ok(probe.queriedWhileHeld());
    const failed = await engine.listFailed('hq');
    assert.deepEqual(
      failed.map((f) => [f.key, f.reason]),
      [
        [String(FIRST_BATCH), 'Employee HR-EMP-2 is inactive'],
        [String(FIRST_BATCH + 1), 'Employee HR-EMP-2 is inactive'],
      ],
    );
  });

  it('a failure while recording one batch waits for the next batch in flight; the next run recovers it as its own', async () => {
    const { dir, source, sink, dev } = setup(FIRST_BATCH);
    const w1 = world(dev, dir, source, sink);
    w1.store.failOnSave = 1; // the first batch's checkpoint: its outcomes are on disk, its cursor save fails
    const s1 = await w1.engine.runDevice('hq');
    assert.equal(s1.status, 'failed');
    assert.match(s1.error!.message, /ENOSPC/);
    // Both batches' checkins were written (the second was in flight when the first failed to record) ...
    assert.equal(sink.checkins.length, 2 * FIRST_BATCH);
    // ... the cursor passes the first batch only (its outcomes are recorded), and the journal keeps the second.
    assert.equal((await w1.store.loadDevice('hq')).cursor!.hwm, FIRST_BATCH);
    assert.equal((await outcomes(w1.engine, s1.runId)).length, FIRST_BATCH);
    const journal = new Set((await w1.store.getInflight('hq')).map((e) => e.key));
    for (let i = FIRST_BATCH + 1; i <= 2 * FIRST_BATCH; i++) assert.ok(journal.has(String(i)), `journal keeps ${i}`);
    const w2 = world(dev, dir, source, sink); // a later run (or a new process) on the same state
    const s2 = await w2.engine.runDevice('hq');
    assert.equal(s2.status, 'completed');
    assert.equal(s2.counts.created, FIRST_BATCH);
    assert.equal(s2.counts.duplicate, 0);
    assert.ok((await outcomes(w2.engine, s2.runId)).every((o) => o.recovered));
    assert.equal(sink.checkins.length, 2 * FIRST_BATCH);
    assert.equal((await w2.store.loadDevice('hq')).cursor!.hwm, 2 * FIRST_BATCH);
    assert.deepEqual(await w2.store.getInflight('hq'), []);
  });

  it('a failed insert stops the run after the batch before it is recorded; the cursor passes only that batch', async () => {
    const { dir, source, sink, dev } = setup(FIRST_BATCH);
    let inserts = 0;
    sink.beforeInsert = async () => {
      if (++inserts === 2) throw new Error('Frappe site went away');
    };
    const { engine, store } = world(dev, dir, source, sink);
    const s = await engine.runDevice('hq');
    assert.equal(s.status, 'failed');
    assert.equal((await store.loadDevice('hq')).cursor!.hwm, FIRST_BATCH);
    assert.equal(s.counts.created, FIRST_BATCH);
    sink.beforeInsert = undefined;
    const s2 = await world(dev, dir, source, sink).engine.runDevice('hq');
    assert.equal(s2.counts.created, FIRST_BATCH);
    assert.equal(sink.checkins.length, 2 * FIRST_BATCH);
  });

  it('a run that fails after reading ahead never saves a cursor past what it recorded (starting from a saved cursor)', async () => {
    const { dir, source, sink, dev } = setup(0);
    const { engine, store } = world(dev, dir, source, sink);
    await engine.runDevice('hq');
    assert.equal((await store.loadDevice('hq')).cursor!.hwm, FIRST_BATCH);
    for (let i = FIRST_BATCH + 1; i <= 4 * FIRST_BATCH; i++) source.punches.push(punch(i, '1001', at(i)));
    // The second run's first insert fails after it has read ahead (the next batch's pages): nothing is recorded.
    sink.beforeInsert = async () => {
      throw new Error('Frappe site went away');
    };
    const s = await engine.runDevice('hq');
    assert.equal(s.status, 'failed');
    assert.equal((await store.loadDevice('hq')).cursor!.hwm, FIRST_BATCH);
    sink.beforeInsert = undefined;
    await engine.runDevice('hq');
    assert.equal(sink.checkins.length, 4 * FIRST_BATCH);
    assert.equal((await store.loadDevice('hq')).cursor!.hwm, 4 * FIRST_BATCH);
  });
});
