// The engine's run logic against in-memory fakes of BioTime and Frappe, with real state files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeviceConfig } from '../../../src/core/configTypes';
import { statusTable } from '../../../src/cli/format';
import type { SyncEngine } from '../../../src/core/engine';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import type { PunchOutcome } from '../../../src/shared/model';
import { device, userControl } from '../../support/configBuilders';
import { FakeClock } from '../../support/fakeClock';
import { FakeSink, FakeSource, FakeUserControl, punch, fakeEngine } from '../../support/enginePortFakes';

interface World {
  engine: SyncEngine;
  source: FakeSource;
  sink: FakeSink;
  uc: FakeUserControl;
  store: FileStateStore;
  dir: string;
  clock: FakeClock;
}

function world(
  dev: DeviceConfig = device(),
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-engine-')),
  parts?: Partial<World>,
): World {
  const source = parts?.source ?? new FakeSource();
  const sink = parts?.sink ?? new FakeSink();
  const uc = parts?.uc ?? new FakeUserControl();
  const store = new FileStateStore(dir);
  const clock = new FakeClock('2026-11-24T08:00:00Z');
  const engine = fakeEngine({
    devices: [dev],
    store,
    clock,
    source,
    sink,
    userControl: dev.userControl.mode === 'off' ? undefined : uc,
  });
  return { engine, source, sink, uc, store, dir, clock };
}

async function outcomes(w: World, runId: string): Promise<PunchOutcome[]> {
  const out: PunchOutcome[] = [];
  for await (const o of w.engine.runOutcomes(runId)) out.push(o);
  return out;
}

describe('core/engine runs', () => {
  it('creates checkins, records every outcome, and moves the cursor past the run', async () => {
    const w = world(device({ punchStates: { '0': 'IN', '1': 'OUT', '2': 'OUT', '255': 'SKIP' } }));
    w.sink.employee('HR-EMP-1', '1001');
    w.sink.employee('HR-EMP-2', '007');
    w.sink.checkins.push({
      name: 'EMP-CKIN-OLD',
      employee: 'HR-EMP-1',
      time: '2026-11-24 09:00:00',
      logType: 'OUT',
      deviceId: 'x',
      seq: 0,
    });
    w.source.punches = [
      punch(1, '1001', '2026-11-24 08:00:00', '0'),
      punch(2, '007', '2026-11-24 08:01:00', '2'),
      punch(3, '9999', '2026-11-24 08:02:00', '0'),
      punch(4, '1001', '2026-11-24 09:00:00', '0'), // same employee+time as an existing checkin
      punch(5, '007', '2026-11-24 09:05:00', '255'),
      { ...punch(6, '', '2026-11-24 09:06:00'), problem: 'empty emp_code' },
      punch(7, '007', '2026-11-24 17:00:00', '1'),
    ];
    const s = await w.engine.runDevice('hq');
    assert.equal(s.status, 'completed');
    assert.deepEqual(
      {
        fetched: s.counts.fetched,
        created: s.counts.created,
        duplicate: s.counts.duplicate,
        failed: s.counts.failed,
        skipped: s.counts.skipped,
      },
      { fetched: 7, created: 3, duplicate: 1, failed: 2, skipped: 1 },
    );
    const byKey = new Map((await outcomes(w, s.runId)).map((o) => [o.key, o]));
    assert.equal(byKey.get('2')!.logType, 'OUT');
    assert.equal(byKey.get('3')!.reason, 'no employee with Biometric ID 9999');
    assert.equal(byKey.get('4')!.duplicateOf, 'EMP-CKIN-OLD');
    assert.match(byKey.get('6')!.reason!, /empty emp_code/);
    const failed = await w.engine.listFailed('hq');
    assert.deepEqual(failed.map((f) => f.key).sort(), ['3', '6']);
    assert.equal(failed.find((f) => f.key === '3')!.raw.emp_code, '9999');
    assert.equal((await w.store.loadDevice('hq')).cursor!.hwm, 7);
    assert.equal(w.sink.checkins.filter((c) => c.deviceId === 'http://biotime.invalid:8081').length, 3);
  });

  it('status counts failed punches from the journal index without reading them, and follows another process', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [
      punch(1, '1001', '2026-11-24 08:00:00'),
      punch(2, '9998', '2026-11-24 08:01:00'),
      punch(3, '9999', '2026-11-24 08:02:00'),
    ];
    assert.equal((await w.engine.runDevice('hq')).counts.failed, 2);
    const read: string[] = [];
    const listFailed = w.store.listFailed.bind(w.store);
    w.store.listFailed = (...a) => (read.push(a[0] ?? '*'), listFailed(...a));
    assert.equal((await w.engine.status())[0].failedCount, 2);
    // Another process (the CLI beside the extension) dismisses one: the count follows the file.
    await new FileStateStore(w.dir).dismissFailed('hq', ['2'], new Date('2026-11-24T09:00:00Z'));
    assert.equal((await w.engine.status())[0].failedCount, 1);
    assert.deepEqual(read, [], 'no failed punch was read to count them');
  });

  it('reads only after the cursor next time, and picks up late uploads (higher ids, old punch times)', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00')];
    await w.engine.runDevice('hq');
    w.source.punches.push(punch(2, '1001', '2026-11-20 07:00:00')); // uploaded days late
    const s = await w.engine.runDevice('hq');
    assert.equal(s.counts.created, 1);
    assert.equal(w.source.reads[1].afterId, 0); // overlap window re-read below hwm 1
    assert.equal(w.sink.checkins.length, 2);
  });

  it('processes a transaction committed out of id order inside the overlap window, once', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(10, '1001', '2026-11-24 08:00:00'), punch(12, '1001', '2026-11-24 08:02:00')];
    await w.engine.runDevice('hq');
    w.source.punches.push(punch(11, '1001', '2026-11-24 08:01:00')); // became visible after 12
    const s = await w.engine.runDevice('hq');
    assert.equal(s.counts.fetched, 1);
    assert.equal(s.counts.created, 1);
    const s3 = await w.engine.runDevice('hq');
    assert.equal(s3.counts.fetched, 0);
  });

  it('converts punch times from the BioTime zone to the site zone', async () => {
    const w = world(device({ timeZone: 'Asia/Kolkata' }));
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(1, '1001', '2026-11-24 09:30:00')];
    await w.engine.runDevice('hq');
    assert.equal(w.sink.checkins[0].time, '2026-11-24 08:00:00');
  });

  it('a failing page leaves the cursor at the last complete page and loses nothing', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [1, 2, 3, 4, 5, 6, 7].map((i) => punch(i, '1001', `2026-11-24 08:0${i}:00`));
    w.source.failOnPage = { index: 1, error: new Error('BioTime went away') };
    const s1 = await w.engine.runDevice('hq');
    assert.equal(s1.status, 'failed');
    assert.equal((await w.store.loadDevice('hq')).cursor!.hwm, 3);
    assert.equal((await w.store.loadDevice('hq')).consecutiveFailures, 1);
    const s2 = await w.engine.runDevice('hq');
    assert.equal(s2.status, 'completed');
    assert.equal(w.sink.checkins.length, 7);
  });

  it('after a crash between writing checkins and recording them, recognises its own checkins (recovered, not duplicates)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-crash-'));
    const w = world(device(), dir);
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00'), punch(2, '1001', '2026-11-24 08:05:00')];
    w.sink.loseAnswerOnce = true; // checkins written, answer lost: the run fails before recording
    const s1 = await w.engine.runDevice('hq');
    assert.equal(s1.status, 'failed');
    assert.equal(w.sink.checkins.length, 2);
    const again = world(device(), dir, { source: w.source, sink: w.sink }); // a new process on the same state
    const s2 = await again.engine.runDevice('hq');
    assert.equal(s2.counts.created, 2);
    assert.equal(s2.counts.duplicate, 0);
    assert.ok((await outcomes(again, s2.runId)).every((o) => o.recovered));
    assert.equal(w.sink.checkins.length, 2);
  });

  it('dry run writes nothing anywhere and returns the plan', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [
      punch(1, '1001', '2026-11-24 08:00:00'),
      punch(2, '1001', '2026-11-24 08:00:00'),
      punch(3, '42', '2026-11-24 08:00:00'),
    ];
    const s = await w.engine.runDevice('hq', { dryRun: true });
    assert.equal(s.kind, 'dryRun');
    assert.deepEqual([s.counts.created, s.counts.duplicate, s.counts.failed], [1, 1, 1]);
    assert.equal(w.sink.checkins.length, 0);
    assert.equal(w.sink.requests.insert, undefined);
    assert.equal((await w.store.loadDevice('hq')).cursor, null);
    assert.equal((await w.engine.listRuns('hq')).length, 0);
    assert.equal((await outcomes(w, s.runId)).length, 3);
    assert.deepEqual(fs.readdirSync(w.dir), []);
  });

  it('reruns a failed punch after the operator links the Biometric ID, without duplicates', async () => {
    const w = world();
    const e = w.sink.employee('HR-EMP-9', null);
    w.source.punches = [punch(1, '9999', '2026-11-24 08:00:00'), punch(2, '9999', '2026-11-24 17:00:00', '1')];
    await w.engine.runDevice('hq');
    assert.equal((await w.engine.listFailed()).length, 2);
    await w.engine.linkEmployee('hq', e.name, '9999');
    const [r] = await w.engine.rerun({ deviceId: 'hq', empCode: '9999' });
    assert.equal(r.kind, 'rerun');
    assert.equal(r.counts.created, 2);
    assert.equal((await w.engine.listFailed()).length, 0);
    const [again] = await w.engine.rerun({ deviceId: 'hq' });
    assert.equal(again, undefined);
    assert.equal(w.sink.checkins.length, 2);
  });

  it('a refused punch keeps its reason; other punches of the batch are created', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.sink.employee('HR-EMP-2', '1002');
    w.sink.refuse.set('HR-EMP-2', 'Transactions cannot be created for an Inactive Employee HR-EMP-2.');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00'), punch(2, '1002', '2026-11-24 08:00:00')];
    const s = await w.engine.runDevice('hq');
    assert.deepEqual([s.counts.created, s.counts.failed], [1, 1]);
    assert.match((await w.engine.listFailed())[0].reason, /Inactive Employee/);
  });

  it('applies user control once per employee with the final state of the run, never to exempt codes', async () => {
    const w = world(device({ userControl: userControl({ mode: 'frappe-user', exempt: ['0002'] }) }));
    w.sink.employee('HR-EMP-1', '0001');
    w.sink.employee('HR-EMP-2', '0002');
    w.source.punches = [
      punch(1, '0001', '2026-11-24 08:00:00', '0'),
      punch(2, '0002', '2026-11-24 08:00:00', '0'),
      punch(3, '0001', '2026-11-24 12:00:00', '1'),
      punch(4, '0001', '2026-11-24 13:00:00', '0'),
      punch(5, '0001', '2026-11-24 18:00:00', '1'),
    ];
    const s = await w.engine.runDevice('hq');
    assert.equal(w.uc.calls.length, 1);
    assert.deepEqual(
      w.uc.calls[0].map((c) => [c.empCode, c.enable]),
      [['0001', false]],
    );
    assert.equal(s.counts.userControlCalls, 1);
    const o = new Map((await outcomes(w, s.runId)).map((x) => [x.key, x.userControl?.result]));
    assert.deepEqual(
      [o.get('1'), o.get('2'), o.get('3'), o.get('4'), o.get('5')],
      ['superseded', 'exempt', 'superseded', 'superseded', 'applied'],
    );
  });

  it('refuses to start a second run of a device that is running', async () => {
    const w = world();
    w.source.punches = [punch(1, '1', '2026-11-24 08:00:00')];
    const [a, b] = await Promise.all([w.engine.runDevice('hq'), w.engine.runDevice('hq')]);
    assert.equal(a.status, 'completed');
    assert.equal(b.status, 'failed');
    assert.equal(b.error!.code, 'busy');
  });
});

describe('core/engine repeated BioTime rows', () => {
  it('a punch BioTime stored twice becomes one checkin and a duplicate naming it', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00'), punch(2, '1001', '2026-11-24 08:00:00')];
    const s = await w.engine.runDevice('hq');
    const [a, b] = await outcomes(w, s.runId);
    assert.equal(a.outcome, 'created');
    assert.equal(b.outcome, 'duplicate');
    assert.equal(b.duplicateOf, a.checkin);
    assert.match(b.reason!, /BioTime sent the same punch twice/);
  });

  it('if the first copy is refused, the repeat is kept as failed with the same reason', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.sink.refuse.set('HR-EMP-1', 'Log Type is required for check-ins falling in the shift: Day.');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00'), punch(2, '1001', '2026-11-24 08:00:00')];
    await w.engine.runDevice('hq');
    const failed = await w.engine.listFailed('hq');
    assert.deepEqual(
      failed.map((f) => f.key),
      ['1', '2'],
    );
    assert.ok(failed.every((f) => /Log Type is required/.test(f.reason)));
  });
});

describe('core/engine watched gaps', () => {
  it('an id committed long after higher ids (beyond the overlap window) is still processed, once', async () => {
    const w = world(device({ pageSize: 20 }));
    w.sink.employee('HR-EMP-1', '1001');
    const at = (i: number) =>
      `2026-11-24 ${String(6 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
    w.source.punches = [1, 2, 3, 4, 6, 7].map((i) => punch(i, '1001', at(i)));
    await w.engine.runDevice('hq');
    for (let i = 8; i <= 120; i++) w.source.punches.push(punch(i, '1001', at(i)));
    await w.engine.runDevice('hq');
    assert.deepEqual(
      (await w.store.loadDevice('hq')).cursor!.gaps!.map((g) => [g[0], g[1]]),
      [[5, 5]],
    );
    // Status shows the watched id as part of the cursor: 120 passed, 5 not yet.
    const [st] = await w.engine.status();
    assert.deepEqual(
      st.watchedGaps.map((g) => [g.from, g.to, g.reads]),
      [[5, 5, 0]],
    );
    assert.match(statusTable([st]), /watched ids[\s\S]*\b120\s+1\s+0\b/);
    w.source.punches.push(punch(5, '1001', at(5))); // the long transaction finally commits
    const s = await w.engine.runDevice('hq');
    assert.equal(s.counts.created, 1);
    assert.equal(w.source.reads[2].afterId, 4);
    assert.deepEqual((await w.store.loadDevice('hq')).cursor!.gaps, []);
    assert.deepEqual((await w.engine.status())[0].watchedGaps, []);
    const s4 = await w.engine.runDevice('hq');
    assert.equal(s4.counts.fetched, 0);
    assert.equal(w.sink.checkins.length, 120);
  });

  it('stops watching a gap after the watch period (a deleted transaction) and says so', async () => {
    const w = world();
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [1, 3].map((i) => punch(i, '1001', `2026-11-24 08:0${i}:00`));
    await w.engine.runDevice('hq');
    assert.deepEqual(
      (await w.store.loadDevice('hq')).cursor!.gaps!.map((g) => g[0]),
      [2],
    );
    w.source.punches.push(punch(5, '1001', '2026-11-24 08:05:00'));
    await w.engine.runDevice('hq');
    assert.deepEqual(
      (await w.store.loadDevice('hq')).cursor!.gaps!.map((g) => g[0]),
      [2, 4],
    );
    w.clock.advance(3 * 3600_000);
    // Old enough, but not yet looked for by enough reads (the editor may have been closed): still watched.
    await w.engine.runDevice('hq');
    assert.deepEqual(
      (await w.store.loadDevice('hq')).cursor!.gaps!.map((g) => g[0]),
      [2, 4],
    );
    for (let i = 0; i < 3; i++) await w.engine.runDevice('hq');
    assert.deepEqual((await w.store.loadDevice('hq')).cursor!.gaps, []);
  });

  it('importSince: the first import is filtered by BioTime, later old uploads are skipped with a reason', async () => {
    const w = world(device({ importSince: '2026-11-01 00:00:00' }));
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00')];
    await w.engine.runDevice('hq');
    assert.equal(w.source.reads[0].startTime, '2026-11-01 00:00:00');
    w.source.punches.push(punch(2, '1001', '2026-10-30 08:00:00'));
    const s = await w.engine.runDevice('hq');
    assert.equal(w.source.reads[1].startTime, undefined);
    assert.equal(s.counts.skipped, 1);
    assert.match((await outcomes(w, s.runId))[0].reason!, /before importSince/);
  });
});
