// The next-due time has one owner (issue 17): the scheduler starts runs by it, the engine's status reports it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nullLogger } from '../../../src/core/redact';
import { nextDueAt, Scheduler } from '../../../src/core/scheduler';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import { StateDirLock } from '../../../src/core/state/lock';
import { device } from '../../support/configBuilders';
import { FakeSink, FakeSource, fakeEngine, punch } from '../../support/enginePortFakes';
import { FakeClock } from '../../support/fakeClock';

describe('core/scheduler nextDueAt', () => {
  const now = new Date('2026-11-24T08:00:00Z');
  const every5 = { intervalMinutes: 5 };

  it('is now for a device that never ran', () => {
    assert.equal(nextDueAt(every5, { lastSyncAt: null, lastAttemptAt: null }, now), now);
  });

  it('is one interval after the later of the last sync and the last failed attempt', () => {
    const synced = { lastSyncAt: '2026-11-24T07:00:00.000Z', lastAttemptAt: '2026-11-24T07:00:00.000Z' };
    assert.equal(nextDueAt(every5, synced, now).toISOString(), '2026-11-24T07:05:00.000Z');
    const failedSince = { lastSyncAt: '2026-11-24T07:00:00.000Z', lastAttemptAt: '2026-11-24T07:30:00.000Z' };
    assert.equal(nextDueAt(every5, failedSince, now).toISOString(), '2026-11-24T07:35:00.000Z');
    const onlyFailed = { lastSyncAt: null, lastAttemptAt: '2026-11-24T07:30:00.000Z' };
    assert.equal(nextDueAt(every5, onlyFailed, now).toISOString(), '2026-11-24T07:35:00.000Z');
  });

  it("the engine's status and the scheduler's table say the same time, before and after runs", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-nextdue-'));
    const clock = new FakeClock('2026-11-24T08:00:00Z');
    const source = new FakeSource();
    const sink = new FakeSink();
    sink.employee('HR-EMP-1', '1001');
    source.punches = [punch(1, '1001', '2026-11-24 08:00:00')];
    const store = new FileStateStore(dir);
    const engine = fakeEngine({ devices: [device({ intervalMinutes: 5 })], store, source, sink, clock });
    const scheduler = new Scheduler({
      engine,
      store,
      lock: new StateDirLock(dir, { owner: 'test' }),
      clock,
      logger: nullLogger,
    });
    const reported = async () => (await engine.status())[0].nextRunAt;
    try {
      await scheduler.tick();
      await scheduler.whenIdle();
      assert.equal(await reported(), '2026-11-24T08:05:00.000Z');
      clock.advance(5 * 60_000);
      await scheduler.tick(); // records the due time it used, then starts the run
      await scheduler.whenIdle();
      assert.equal(scheduler.nextRunAt('hq')?.toISOString(), '2026-11-24T08:05:00.000Z');
      await scheduler.tick();
      assert.equal(scheduler.nextRunAt('hq')?.toISOString(), await reported());
      assert.equal(await reported(), '2026-11-24T08:10:00.000Z');
    } finally {
      await scheduler.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
