// The punch history store: real files, the real run records of FileStateStore, crashes simulated by what they leave.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PunchHistory } from '../../../src/core/history/punchHistory';
import { deviceAggregates } from '../../../src/core/history/aggregates';
import { missingCheckouts } from '../../../src/core/history/missingCheckouts';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import type { HistoryPunch } from '../../../src/shared/history';
import { emptyCounts, type PunchOutcome, type RunKind, type RunSummary } from '../../../src/shared/model';
import type { HistoryRecorder } from '../../../src/core/ports';
import { nullLogger } from '../../../src/core/redact';
import { device } from '../../support/configBuilders';
import { FakeSink, FakeSource, fakeEngine, punch } from '../../support/enginePortFakes';
import { FakeClock } from '../../support/fakeClock';

const ZONE = 'Asia/Dubai';

function outcome(key: string, code: string, time: string, o: Partial<PunchOutcome> = {}): PunchOutcome {
  return {
    key,
    deviceId: 'hq',
    transactionId: Number(key),
    empCode: code,
    name: `Person ${code}`,
    punchTime: time,
    siteTime: time,
    uploadTime: time,
    terminalSn: 'T1',
    terminalAlias: 'Main gate',
    punchState: '0',
    punchStateDisplay: 'Check In',
    logType: 'IN',
    employee: `HR-EMP-${code}`,
    employeeName: `Employee ${code}`,
    outcome: 'created',
    checkin: `CHK-${key}`,
    ...o,
  };
}

interface Kit {
  dir: string;
  store: FileStateStore;
  clock: FakeClock;
  history: PunchHistory;
  days: number;
  /** Writes a run record as DeviceRun does (outcomes appended, fsync'd) and returns its id. */
  run(outcomes: PunchOutcome[], kind?: RunKind): Promise<string>;
  fresh(): PunchHistory;
  all(): Promise<HistoryPunch[]>;
}

let seq = 0;
function kit(): Kit {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-history-'));
  const clock = new FakeClock('2026-11-24T08:00:00Z');
  const store = new FileStateStore(dir, () => clock.now());
  const k: Kit = {
    dir,
    store,
    clock,
    days: 400,
    history: undefined as unknown as PunchHistory,
    async run(outcomes, kind = 'sync') {
      const runId = `20261124T0800${String(seq++).padStart(5, '0')}-hq-${kind}`;
      const s: RunSummary = {
        runId,
        deviceId: 'hq',
        kind,
        status: 'completed',
        startedAt: clock.now().toISOString(),
        finishedAt: null,
        durationMs: null,
        counts: emptyCounts(),
        cursorBefore: null,
        cursorAfter: null,
      };
      const w = await store.startRun(s);
      await w.append(outcomes);
      await w.finish(s);
      return runId;
    },
    fresh() {
      return new PunchHistory(dir, {
        now: () => clock.now(),
        historyDays: () => k.days,
        listRuns: (id) => store.listRuns(id, 500),
      });
    },
    async all() {
      return (await k.history.search(['hq'], { limit: 1000 })).punches;
    },
  };
  k.history = k.fresh();
  return k;
}

async function record(k: Kit, outcomes: PunchOutcome[], kind: RunKind = 'sync'): Promise<string> {
  const runId = await k.run(outcomes, kind);
  await k.history.recordBatch({ deviceId: 'hq', runId, runKind: kind, outcomes, zone: ZONE });
  return runId;
}

function segment(k: Kit, day: string): string {
  return path.join(k.history.deviceDir('hq'), `${day}.jsonl`);
}

describe('core/history PunchHistory', () => {
  it('keeps each punch with its outcome, BioTime facts and raw record; lineage shows every step', async () => {
    const k = kit();
    const o = [
      outcome('1', '1001', '2026-11-20 08:00:00'),
      outcome('2', '8888', '2026-11-20 08:01:00', {
        outcome: 'failed',
        checkin: undefined,
        employee: null,
        employeeName: null,
        failure: 'unknownEmployee',
        reason: 'no employee with Biometric ID 8888',
      }),
    ];
    const runId = await k.run(o);
    await k.history.recordBatch(
      {
        deviceId: 'hq',
        runId,
        runKind: 'sync',
        outcomes: o,
        zone: ZONE,
        raw: new Map([['1', { id: 1, emp_code: '1001' }]]),
      },
      [
        {
          key: '1',
          punchTime: '2026-11-20 08:00:00',
          userControl: { action: 'enable', mode: 'area', result: 'applied' },
        },
      ],
    );
    const all = await k.all();
    assert.deepEqual(
      all.map((p) => [p.key, p.outcome, p.checkin ?? p.reason]),
      [
        ['2', 'failed', 'no employee with Biometric ID 8888'],
        ['1', 'created', 'CHK-1'],
      ],
    );
    assert.equal(all[1].punchInstant, '2026-11-20T04:00:00.000Z', 'the instant, from the device zone');
    const lin = await k.history.lineage('hq', '1');
    assert.deepEqual(lin!.raw, { id: 1, emp_code: '1001' });
    assert.deepEqual(
      lin!.steps.map((s) => [s.kind, s.outcome ?? s.userControl?.result]),
      [
        ['outcome', 'created'],
        ['userControl', 'applied'],
      ],
    );
    assert.equal(lin!.punch.userControl?.result, 'applied');
  });

  it('a failed punch rerun and created, a dismissed one, and a created punch met again as a duplicate', async () => {
    const k = kit();
    const failed = (key: string, code: string) =>
      outcome(key, code, '2026-11-20 09:00:00', { outcome: 'failed', checkin: undefined, reason: 'refused' });
    await record(k, [failed('1', '1001'), failed('2', '1002'), outcome('3', '1003', '2026-11-20 09:00:00')]);
    await record(k, [outcome('1', '1001', '2026-11-20 09:00:00')], 'rerun');
    await k.history.recordDismissed('hq', [outcome('2', '1002', '2026-11-20 09:00:00')]);
    await record(k, [outcome('3', '1003', '2026-11-20 09:00:00', { outcome: 'duplicate', duplicateOf: 'CHK-3' })]);
    const by = Object.fromEntries((await k.all()).map((p) => [p.key, p]));
    assert.equal(by['1'].outcome, 'created');
    assert.equal(by['1'].rerun, true);
    assert.ok(by['1'].firstFailedAt, 'its wait in the failed list is remembered');
    assert.equal(by['2'].outcome, 'dismissed');
    assert.equal(by['3'].outcome, 'created', 'reading it again (a reset cursor) does not make it a duplicate');
    const lin = await k.history.lineage('hq', '3', '2026-11-20 09:00:00');
    assert.deepEqual(
      lin!.steps.map((s) => s.outcome),
      ['created', 'duplicate'],
    );
    assert.deepEqual(
      (await k.history.search(['hq'], { outcome: 'failed' })).punches,
      [],
      'a punch failed once and created since is not failed',
    );
    assert.deepEqual(
      (await k.history.search(['hq'], { outcome: 'rerun' })).punches.map((p) => p.key),
      ['1'],
    );
  });

  it('filters: code, employee, name (any case), terminal, dates in the operator zone, limit', async () => {
    const k = kit();
    await record(k, [
      outcome('1', '1001', '2026-11-19 23:30:00'),
      outcome('2', '1002', '2026-11-20 03:30:00', { terminalSn: 'T2', terminalAlias: 'Back door' }),
      outcome('3', '1001', '2026-11-21 10:00:00'),
    ]);
    const keys = async (q: Parameters<PunchHistory['search']>[1]) =>
      (await k.history.search(['hq'], q)).punches.map((p) => p.key);
    assert.deepEqual(await keys({ empCode: '1001' }), ['3', '1']);
    assert.deepEqual(await keys({ employee: 'HR-EMP-1002' }), ['2']);
    assert.deepEqual(await keys({ name: 'PERSON 1002' }), ['2']);
    assert.deepEqual(await keys({ name: 'employee 100' }), ['3', '2', '1']);
    assert.deepEqual(await keys({ terminal: 'Back door' }), ['2']);
    assert.deepEqual(await keys({ terminal: 'T2' }), ['2']);
    // 2026-11-19 23:30 Dubai = 19:30Z; 2026-11-20 03:30 Dubai = 2026-11-19 23:30Z: in UTC, both are the 19th.
    assert.deepEqual(await keys({ from: '2026-11-19', to: '2026-11-19', zone: 'UTC' }), ['2', '1']);
    assert.deepEqual(await keys({ from: '2026-11-20', to: '2026-11-20', zone: ZONE }), ['2']);
    const r = await k.history.search(['hq'], { limit: 2 });
    assert.deepEqual(
      r.punches.map((p) => p.key),
      ['3', '2'],
    );
    assert.equal(r.truncated, true);
  });

  it('a SIGKILL between the checkpoint and the history write: the next process catches up from the run record', async () => {
    const k = kit();
    // The run record holds the batch (the checkpoint), the history never heard of it.
    await k.run([outcome('1', '1001', '2026-11-20 08:00:00'), outcome('2', '1002', '2026-11-20 08:05:00')]);
    assert.deepEqual(await k.all(), []);
    const h = k.fresh();
    assert.equal(await h.catchUp('hq', ZONE), 2);
    k.history = h;
    assert.deepEqual(
      (await k.all()).map((p) => p.key),
      ['2', '1'],
    );
    assert.equal(await k.fresh().catchUp('hq', ZONE), 0, 'nothing twice once marked');
  });

  it('a catch-up of a long run (over 4 MB of lines, names in other scripts) is appended in parts, every line indexed', async () => {
    const k = kit();
    const names = ['Ahmed Ali', 'أحمد علي', 'Zoë 😀', 'Ümit "Gate" Öz'];
    const outcomes = Array.from({ length: 12_000 }, (_, i) =>
      outcome(String(i + 1), String(1000 + (i % 50)), `2026-11-${i < 7000 ? 20 : 21} 08:00:00`, {
        name: names[i % names.length],
        employeeName: names[(i + 1) % names.length],
      }),
    );
    await k.run(outcomes);
    const h = k.fresh();
    assert.equal(await h.catchUp('hq', ZONE), 12_000);
    await h.flush();
    for (const [day, count] of [
      ['2026-11-20', 7000],
      ['2026-11-21', 5000],
    ] as const) {
      const seg = fs.readFileSync(segment(k, day));
      const entries = fs
        .readFileSync(segment(k, day).replace(/\.jsonl$/, '.idx'), 'utf8')
        .trim()
        .split('\n');
      assert.equal(seg.toString().trim().split('\n').length, count);
      // The index's first line is its header; then each entry's offset and length frame its line exactly.
      const framed = entries.filter((e) => /^\d+\t\d+\t\d+\t/.test(e));
      assert.equal(framed.length, count, day);
      for (const e of framed) {
        const [key, off, len] = e.split('\t');
        const line = JSON.parse(seg.subarray(Number(off), Number(off) + Number(len)).toString()) as { k: string };
        assert.equal(line.k, key);
        assert.equal(seg[Number(off) + Number(len)], 0x0a);
      }
    }
    k.history = h;
    // By code and by name (the punch's or the employee's, any case): read through the index.
    const found = await h.search(['hq'], { limit: 20_000, empCode: '1002', name: 'zoë' });
    assert.deepEqual(
      found.punches.map((p) => p.key).sort((a, b) => Number(a) - Number(b)),
      outcomes.filter((o) => o.empCode === '1002' && [o.name, o.employeeName].includes('Zoë 😀')).map((o) => o.key),
    );
    assert.ok(found.punches.length > 0);
  });

  it('a SIGKILL after the append and before its progress mark: the replay writes it again, a search shows it once', async () => {
    const k = kit();
    await record(k, [outcome('1', '1001', '2026-11-20 08:00:00')]);
    fs.rmSync(path.join(k.history.deviceDir('hq'), 'progress.json'));
    const h = k.fresh();
    assert.equal(await h.catchUp('hq', ZONE), 1);
    assert.equal(fs.readFileSync(segment(k, '2026-11-20'), 'utf8').trim().split('\n').length, 2, 'on disk twice');
    k.history = h;
    assert.equal((await k.all()).length, 1);
    assert.equal((await k.history.lineage('hq', '1'))!.steps.length, 1);
  });

  it('progress is marked at most every few seconds: a process ending without flush() only leaves a replay', async () => {
    const k = kit();
    for (const [i, code] of ['1001', '1002', '1003'].entries())
      await record(k, [outcome(String(i + 1), code, `2026-11-20 08:0${i}:00`)]);
    const progress = () =>
      Object.keys(JSON.parse(fs.readFileSync(path.join(k.history.deviceDir('hq'), 'progress.json'), 'utf8')).runs);
    assert.equal(progress().length, 1, 'the clock did not move: only the first batch was marked on disk');
    // Killed here: the next process replays the two unmarked batches, and a search shows each punch once.
    const next = k.fresh();
    assert.equal(await next.catchUp('hq', ZONE), 2);
    assert.deepEqual(
      (await next.search(['hq'], { limit: 10 })).punches.map((p) => p.key),
      ['3', '2', '1'],
    );
    // With flush() at the end of a run, nothing is replayed.
    await record(k, [outcome('4', '1004', '2026-11-20 08:04:00')]);
    await k.history.flush();
    assert.equal(progress().length, 4);
    assert.equal(await k.fresh().catchUp('hq', ZONE), 0);
  });

  it('index entries are appended with each batch, so the index keeps up with its segment', async () => {
    const k = kit();
    const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').length : 0);
    const idx = (day: string) => segment(k, day).replace(/\.jsonl$/, '.idx');
    // The clock does not move: nothing here is written because time passed.
    await record(k, [outcome('1', '1001', '2026-11-20 08:00:00')]);
    await record(k, [outcome('2', '1002', '2026-11-20 09:00:00')]);
    assert.equal(lines(idx('2026-11-20')), 2, 'the second batch of the day is indexed at once');
    await record(k, [outcome('3', '1003', '2026-11-21 08:00:00')]);
    assert.deepEqual([lines(idx('2026-11-20')), lines(idx('2026-11-21'))], [2, 1]);
    // An index that is not as the writer left it (here: deleted) is completed from its segment, not appended to.
    fs.rmSync(idx('2026-11-21'));
    await record(k, [outcome('4', '1004', '2026-11-21 09:00:00')]);
    await k.history.flush();
    assert.equal(lines(idx('2026-11-21')), 2);
    assert.deepEqual(
      (await k.history.search(['hq'], { limit: 10, empCode: '1003' })).punches.map((p) => p.key),
      ['3'],
    );
  });

  it('a torn last line (killed mid-append) is skipped and never swallows the next event', async () => {
    const k = kit();
    await record(k, [outcome('1', '1001', '2026-11-20 08:00:00')]);
    fs.appendFileSync(segment(k, '2026-11-20'), '{"k":"2","v":"o","r":"x","a":"2026-11-2');
    await record(k, [outcome('3', '1003', '2026-11-20 08:10:00')]);
    assert.deepEqual(
      (await k.all()).map((p) => p.key),
      ['3', '1'],
    );
  });

  it('a failed write (full disk) is thrown; the next write of the run replays what was missed', async () => {
    const k = kit();
    const o1 = [outcome('1', '1001', '2026-11-20 08:00:00')];
    const runId = await k.run(o1);
    const dayFile = segment(k, '2026-11-20');
    fs.mkdirSync(dayFile, { recursive: true }); // a directory where the segment goes: every append fails
    await assert.rejects(k.history.recordBatch({ deviceId: 'hq', runId, runKind: 'sync', outcomes: o1, zone: ZONE }));
    fs.rmdirSync(dayFile);
    // The run goes on: its next batch is appended to the run record, then the history hears of it.
    const o2 = [outcome('2', '1002', '2026-11-20 08:05:00')];
    const summary = {
      runId,
      deviceId: 'hq',
      kind: 'sync' as const,
      status: 'running' as const,
      startedAt: '',
      finishedAt: null,
      durationMs: null,
      counts: emptyCounts(),
      cursorBefore: null,
      cursorAfter: null,
    };
    const w = await k.store.startRun(summary);
    await w.append(o2);
    await w.finish({ ...summary, status: 'completed' }); // closes the run record (no file handle left to the GC)
    await k.history.recordBatch({ deviceId: 'hq', runId, runKind: 'sync', outcomes: o2, zone: ZONE });
    assert.deepEqual(
      (await k.all()).map((p) => p.key),
      ['2', '1'],
    );
  });

  it('drops the days older than historyDays', async () => {
    const k = kit();
    k.days = 30;
    await record(k, [outcome('1', '1001', '2026-09-01 08:00:00'), outcome('2', '1002', '2026-11-20 08:00:00')]);
    const dropped = await k.fresh().prune('hq');
    assert.deepEqual(dropped, ['2026-09-01']);
    assert.deepEqual(
      (await k.all()).map((p) => p.key),
      ['2'],
    );
  });

  it('daily aggregates: outcomes, upload delays, waits; cached per day and recomputed only where a segment grew', async () => {
    const k = kit();
    await record(k, [
      outcome('1', '1001', '2026-11-20 08:00:00', { uploadTime: '2026-11-20 08:00:30' }),
      outcome('2', '1002', '2026-11-20 08:00:00', { uploadTime: '2026-11-22 08:00:00' }),
      outcome('3', '1003', '2026-11-21 08:00:00', { outcome: 'failed', checkin: undefined, reason: 'refused' }),
    ]);
    const dir = k.history.deviceDir('hq');
    const first = await deviceAggregates('hq', dir);
    assert.equal(first.recomputed, 2);
    const d20 = first.days.get('2026-11-20')!;
    assert.equal(d20.outcomes.created, 2);
    assert.deepEqual(d20.terminals.T1.delay, [1, 0, 0, 0, 0, 0, 1, 0]);
    assert.equal(d20.terminals.T1.worst[0].delayMinutes, 2880);
    assert.equal(first.days.get('2026-11-21')!.waits.length, 1);
    assert.equal((await deviceAggregates('hq', dir)).recomputed, 0, 'all from the cache');
    await record(k, [outcome('4', '1004', '2026-11-21 09:00:00')]);
    assert.equal((await deviceAggregates('hq', dir)).recomputed, 1, 'only the day that grew');
  });

  it('missing check-outs: the last punch of the day an IN with no later OUT, across terminals; nothing written', async () => {
    const k = kit();
    await record(k, [
      outcome('1', '1001', '2026-11-20 08:00:00'),
      outcome('2', '1001', '2026-11-20 17:00:00', { logType: 'OUT', terminalSn: 'T2' }),
      outcome('3', '1002', '2026-11-20 08:00:00'),
      outcome('4', '1003', '2026-11-20 22:00:00'),
      outcome('5', '1003', '2026-11-21 06:00:00', { logType: 'OUT' }),
    ]);
    const before = fs.readFileSync(segment(k, '2026-11-20'), 'utf8');
    const base = { history: k.history, devices: [{ id: 'hq', site: 'acme' }], date: '2026-11-20' };
    const plain = await missingCheckouts({ ...base, shiftSites: new Set() });
    assert.deepEqual(
      plain.map((m) => m.empCode),
      ['1002', '1003'],
    );
    const shift = await missingCheckouts({ ...base, shiftSites: new Set(['acme']) });
    assert.deepEqual(
      shift.map((m) => m.empCode),
      ['1002'],
      'a night shift closed after midnight is not missing',
    );
    assert.equal(fs.readFileSync(segment(k, '2026-11-20'), 'utf8'), before);
  });
});

describe('core/history written by the engine', () => {
  function engineKit(history: (dir: string, store: FileStateStore) => HistoryRecorder) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-history-engine-'));
    const store = new FileStateStore(dir);
    const source = new FakeSource();
    const sink = new FakeSink();
    const logs: string[] = [];
    const logger = { ...nullLogger, warn: (m: string) => logs.push(m) };
    const engine = fakeEngine({ devices: [device()], store, source, sink, logger, history: history(dir, store) });
    return { dir, store, source, sink, logs, engine };
  }

  it('every punch of a run is in the history, agreeing with the checkins in Frappe', async () => {
    let h!: PunchHistory;
    const w = engineKit((dir, store) => {
      h = new PunchHistory(dir, {
        now: () => new Date('2026-11-24T08:00:00Z'),
        historyDays: () => 400,
        listRuns: (id) => store.listRuns(id, 250),
      });
      return h;
    });
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00'), punch(2, '9999', '2026-11-24 08:01:00')];
    assert.equal((await w.engine.runDevice('hq')).status, 'completed');
    const got = (await h.search(['hq'], {})).punches;
    assert.deepEqual(
      got.map((p) => [p.key, p.outcome]),
      [
        ['2', 'failed'],
        ['1', 'created'],
      ],
    );
    assert.equal(got[1].checkin, w.sink.checkins.find((c) => c.employee === 'HR-EMP-1')!.name);
    // The history does not copy raw records (cost per punch): the lineage reads them from BioTime.
    assert.equal((await h.lineage('hq', '1'))!.raw, null);
    assert.deepEqual(await w.engine.transaction('hq', 1), punch(1, '1001', '2026-11-24 08:00:00').raw);
    await w.engine.dismiss('hq', ['2']);
    assert.equal((await h.search(['hq'], { empCode: '9999' })).punches[0].outcome, 'dismissed');
  });

  it('a run ends with the history flushed: a process started after it has nothing to replay', async () => {
    const open = (dir: string, store: FileStateStore) =>
      new PunchHistory(dir, {
        now: () => new Date('2026-11-24T08:00:00Z'),
        historyDays: () => 400,
        listRuns: (id) => store.listRuns(id, 250),
      });
    const w = engineKit(open);
    w.sink.employee('HR-EMP-1', '1001');
    for (const [i, at] of ['08:00', '09:00', '10:00'].entries()) {
      w.source.punches.push(punch(i + 1, '1001', `2026-11-24 ${at}:00`));
      assert.equal((await w.engine.runDevice('hq')).status, 'completed');
    }
    // The injected clock never moves, so without the flush at the end of each run only the first would be marked.
    assert.equal(await open(w.dir, w.store).catchUp('hq'), 0);
  });

  it('a full disk under the history never fails the sync: the run completes and the log says what happened', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const w = engineKit(() => ({
      catchUp: async () => 0,
      recordBatch: async () => Promise.reject(full),
      recordPatches: async () => undefined,
      recordDismissed: async () => Promise.reject(full),
      flush: async () => Promise.reject(full),
    }));
    w.sink.employee('HR-EMP-1', '1001');
    w.source.punches = [punch(1, '1001', '2026-11-24 08:00:00'), punch(2, '1001', '2026-11-24 09:00:00')];
    const s = await w.engine.runDevice('hq');
    assert.equal(s.status, 'completed');
    assert.equal(s.counts.created, 2);
    assert.equal((await w.store.loadDevice('hq')).cursor!.hwm, 2, 'the cursor moved: the sync state came first');
    assert.equal(w.logs.length, 1, 'said once per run');
    assert.match(w.logs[0], /punch history could not be written \(the disk holding the state directory is full\)/);
    assert.match(w.logs[0], /The sync itself is saved and goes on/);
  });
});
