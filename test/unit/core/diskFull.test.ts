// The state directory's disk fills up during a run: the run says so (which directory, what Frappe received and
// that it is safe), never reports fewer checkins than it sent, is recorded as failed (not left "running" and
// later called interrupted), and the next run with space again completes without creating anything twice.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunLock } from '../../../src/core/ports';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import { device } from '../../support/configBuilders';
import { FakeSink, FakeSource, punch, fakeEngine } from '../../support/enginePortFakes';
import { fullDiskUnder, type FullDisk } from '../../support/fullDisk';

const heldLock: RunLock = { isHeld: true, tryAcquire: async () => true };
const PUNCHES = 1000;

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-full-'));
  const store = new FileStateStore(dir);
  const source = new FakeSource();
  const at = (i: number) => new Date(Date.UTC(2026, 10, 20, 8, i)).toISOString().slice(0, 19).replace('T', ' ');
  for (let i = 1; i <= PUNCHES; i++) source.punches.push(punch(i, '1001', at(i)));
  const sink = new FakeSink();
  sink.employee('HR-EMP-1', '1001');
  const errors: string[] = [];
  const logger = { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => errors.push(m) };
  const engine = fakeEngine({ devices: [device()], store, source, sink, lock: heldLock, logger });
  return { dir, store, source, sink, engine, errors };
}

describe('core: the state directory runs out of space mid-run', () => {
  let disk: FullDisk | undefined;
  afterEach(() => disk?.restore());

  for (const fillAtInsert of [1, 2, 3, 4]) {
    it(`disk full from insert request ${fillAtInsert}: failed with what happened, counts as sent, recorded as failed`, async () => {
      const s = setup();
      disk = fullDiskUnder(s.dir);
      let inserts = 0;
      s.sink.beforeInsert = async () => {
        if (++inserts === fillAtInsert) disk!.full = true;
      };
      const r = await s.engine.runDevice('hq');
      assert.ok(disk.refused > 0, 'the disk never refused a write');
      const sent = s.sink.checkins.length;
      assert.ok(sent > 0);
      assert.equal(r.status, 'failed');
      assert.equal(r.error?.code, 'state.diskFull');
      assert.equal(r.counts.created, sent, 'the run reports every checkin Frappe received from it');
      assert.equal(
        r.error?.message,
        `The disk holding the state directory ${s.dir} is full (ENOSPC): the run stopped. Frappe received ${r.counts.created} new checkin(s) from this run (0 more were already there); they are safe and stay. The cursor stays at the last batch recorded, so the next run reads the rest again and recognises what Frappe already has: nothing is lost or created twice.`,
      );
      assert.equal(r.error?.hint, `Free space on the disk of the state directory ${s.dir}, then run again.`);
      assert.ok(s.errors.some((l) => l.includes('is full (ENOSPC)')));
      // Recorded as failed while the disk is still full, with the counts.
      const onDisk = await s.store.getRun(r.runId);
      assert.equal(onDisk?.status, 'failed');
      assert.equal(onDisk?.counts.created, r.counts.created);
      const [st] = await s.engine.status();
      assert.equal(st.health, 'error');
      assert.equal(st.lastRun?.status, 'failed');
      // Space again: the next run is not told the failed one was interrupted, and completes with nothing twice.
      disk.full = false;
      const next = await s.engine.runDevice('hq');
      assert.equal(next.status, 'completed', JSON.stringify(next.error));
      assert.equal((await s.store.getRun(r.runId))?.status, 'failed');
      assert.equal(s.sink.checkins.length, PUNCHES);
      assert.equal(new Set(s.sink.checkins.map((c) => c.time)).size, PUNCHES);
    });
  }

  it('when not even the reserved summary can be overwritten, the same engine records it once there is space', async () => {
    const s = setup();
    disk = fullDiskUnder(s.dir);
    disk.overwrites = false;
    s.sink.beforeInsert = async () => void (disk!.full = true);
    const r = await s.engine.runDevice('hq');
    s.sink.beforeInsert = undefined;
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.code, 'state.diskFull');
    assert.equal(r.counts.created, s.sink.checkins.length);
    assert.equal((await s.store.getRun(r.runId))?.status, 'running');
    disk.full = false;
    const next = await s.engine.runDevice('hq');
    assert.equal(next.status, 'completed');
    const recorded = await s.store.getRun(r.runId);
    assert.equal(recorded?.status, 'failed');
    assert.equal(recorded?.error?.code, 'state.diskFull');
    assert.equal(recorded?.counts.created, r.counts.created);
    assert.ok(!s.errors.some((l) => /interrupted/.test(l)));
  });
});
