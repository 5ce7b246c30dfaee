// Runs a killed process left "running" are closed as interrupted by the next run, under the state-directory lock.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SyncEngine } from '../../../src/core/engine';
import type { Logger, RunLock } from '../../../src/core/ports';
import type { TransactionPage, TransactionQuery } from '../../../src/core/types';
import { nullLogger } from '../../../src/core/redact';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import { StateDirLock } from '../../../src/core/state/lock';
import { Scheduler } from '../../../src/core/scheduler';
import { emptyCounts, type PunchOutcome, type RunSummary } from '../../../src/shared/model';
import { device } from '../../support/configBuilders';
import { FakeClock } from '../../support/fakeClock';
import { FakeSink, FakeSource, punch, fakeEngine } from '../../support/enginePortFakes';

const heldLock = (held = true): RunLock => ({ isHeld: held, tryAcquire: async () => held });

function engine(store: FileStateStore, source: FakeSource, lock?: RunLock, logger: Logger = nullLogger): SyncEngine {
  const sink = new FakeSink();
  sink.employee('HR-EMP-1', '1001');
  return fakeEngine({ devices: [device()], store, source, sink, lock, logger });
}

/** What a process killed after its first page leaves behind: a summary still "running" and that page's outcomes. */
async function killedRun(store: FileStateStore, runId = '20261124T070000000Z-hq-dead01'): Promise<RunSummary> {
  const summary: RunSummary = {
    runId,
    deviceId: 'hq',
    kind: 'sync',
    status: 'running',
    startedAt: '2026-11-24T07:00:00.000Z',
    finishedAt: null,
    durationMs: null,
    counts: emptyCounts(),
    cursorBefore: null,
    cursorAfter: null,
  };
  const writer = await store.startRun(summary);
  const outcome = (key: string, kind: PunchOutcome['outcome']) => ({ key, outcome: kind }) as PunchOutcome;
  await writer.append([outcome('1', 'created'), outcome('2', 'created'), outcome('3', 'failed')]);
  await writer.finish(summary); // closes the file; the summary on disk stays the one written at the start
  return summary;
}

describe('core/engine interrupted runs', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bts-interrupted-'));

  it('the next run under the lock closes a run left "running" as interrupted, counting what it recorded', async () => {
    const store = new FileStateStore(tmp());
    const dead = await killedRun(store);
    const source = new FakeSource();
    source.punches = [punch(1, '1001', '2026-11-24 06:00:00')];
    const warnings: string[] = [];
    const s = await engine(store, source, heldLock(), {
      ...nullLogger,
      warn: (m: string) => void warnings.push(m),
    }).runDevice('hq');
    assert.equal(s.status, 'completed');
    const closed = await store.getRun(dead.runId);
    assert.equal(closed?.status, 'interrupted');
    assert.match(
      closed!.error!.message,
      /process stopped before the run finished \(killed or crashed\); what it had recorded is kept/,
    );
    assert.deepEqual(
      { fetched: closed!.counts.fetched, created: closed!.counts.created, failed: closed!.counts.failed },
      { fetched: 3, created: 2, failed: 1 },
    );
    assert.ok(
      warnings.some((w) => w.includes(dead.runId) && /interrupted/.test(w)),
      warnings.join('\n'),
    );
    // Once closed it stays closed, and the new run is an ordinary completed one.
    assert.deepEqual((await store.listRuns('hq')).map((r) => r.status).sort(), ['completed', 'interrupted']);
  });

  it('without the lock nothing is marked: the run may be live in another process', async () => {
    const store = new FileStateStore(tmp());
    const dead = await killedRun(store);
    const s = await engine(store, new FakeSource(), heldLock(false)).runDevice('hq');
    assert.equal(s.error?.code, 'state.locked');
    assert.equal((await store.getRun(dead.runId))?.status, 'running');
    await engine(store, new FakeSource()).runDevice('hq', { dryRun: true });
    assert.equal((await store.getRun(dead.runId))?.status, 'running', 'a dry run (no lock) leaves it alone');
  });

  it('a run still going in this process (another engine on the same state) is never marked', async () => {
    const store = new FileStateStore(tmp());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reading!: () => void;
    const started = new Promise<void>((r) => (reading = r));
    class SlowSource extends FakeSource {
      override async *readTransactions(q: TransactionQuery): AsyncIterable<TransactionPage> {
        reading();
        await gate;
        yield* super.readTransactions(q);
      }
    }
    const slow = engine(store, new SlowSource(), heldLock()).runDevice('hq');
    await started;
    const [live] = await store.listRuns('hq');
    assert.equal(live.status, 'running');
    // A host that rebuilt its engine (settings changed) starts the device again while the old run still reads.
    assert.equal((await engine(store, new FakeSource(), heldLock()).runDevice('hq')).status, 'completed');
    assert.equal((await store.getRun(live.runId))?.status, 'running');
    release();
    assert.equal((await slow).status, 'completed');
    assert.equal((await store.getRun(live.runId))?.status, 'completed');
  });

  it('a scheduler that becomes the runner closes interrupted runs at once, before any device is due', async () => {
    const dir = tmp();
    const store = new FileStateStore(dir);
    const dead = await killedRun(store);
    await store.saveDevice('hq', {
      lastSyncAt: '2026-11-24T07:59:00.000Z',
      lastAttemptAt: '2026-11-24T07:59:00.000Z',
      cursor: null,
      consecutiveFailures: 0,
      userControlMemory: {},
    });
    const lock = new StateDirLock(dir, { owner: 'test' });
    const e = engine(store, new FakeSource(), lock);
    const scheduler = new Scheduler({
      engine: e,
      store,
      lock,
      clock: new FakeClock('2026-11-24T08:00:00Z'),
      logger: nullLogger,
      tickMs: 60_000,
    });
    try {
      await scheduler.tick();
      await scheduler.whenIdle();
      assert.equal((await store.getRun(dead.runId))?.status, 'interrupted');
      assert.equal((await store.listRuns('hq')).length, 1, 'no run was started: the device was not due');
    } finally {
      await lock.release();
    }
  });
});
