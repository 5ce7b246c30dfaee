import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createEngine } from '../../../src/app/createEngine';
import { nullLogger } from '../../../src/core/redact';
import { FailedJournal } from '../../../src/core/state/failedJournal';
import { FileStateStore, emptyDeviceState } from '../../../src/core/state/fileStateStore';
import { StateDirLock } from '../../../src/core/state/lock';
import type { RunSummary } from '../../../src/shared/model';
import { emptyCounts } from '../../../src/shared/model';
import { config, device } from '../../support/configBuilders';
import { FakeCredentials } from '../../support/fakeCredentials';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bts-state-'));
const summary = (runId: string, deviceId = 'hq'): RunSummary => ({
  runId,
  deviceId,
  kind: 'sync',
  status: 'running',
  startedAt: '2026-11-24T08:00:00Z',
  finishedAt: null,
  durationMs: null,
  counts: emptyCounts(),
  cursorBefore: null,
  cursorAfter: null,
});

describe('core/state FileStateStore', () => {
  it('round-trips device state with owner-only permissions', async () => {
    const dir = tmp();
    const s = new FileStateStore(dir);
    await s.saveDevice('hq', { ...emptyDeviceState(), cursor: { hwm: 42, recent: [41, 42] } });
    assert.equal((await new FileStateStore(dir).loadDevice('hq')).cursor!.hwm, 42);
    assert.equal(fs.statSync(path.join(dir, 'devices', 'hq.json')).mode & 0o777, 0o600);
  });

  it('moves a corrupt file aside, reports it, and keeps the other devices', async () => {
    const dir = tmp();
    const s = new FileStateStore(dir);
    await s.saveDevice('a', { ...emptyDeviceState(), lastSyncAt: 'x' });
    await s.saveDevice('b', { ...emptyDeviceState(), lastSyncAt: 'y' });
    fs.writeFileSync(path.join(dir, 'devices', 'a.json'), '{"lastSyncAt": "x", "curs');
    const fresh = new FileStateStore(dir);
    assert.equal((await fresh.loadDevice('a')).lastSyncAt, null);
    assert.equal((await fresh.loadDevice('b')).lastSyncAt, 'y');
    assert.equal(fresh.problems.length, 1);
    assert.match(fresh.problems[0], /State of device a .* unreadable/);
    assert.ok(fs.readdirSync(path.join(dir, 'devices')).some((n) => n.startsWith('a.json.corrupt-')));
  });

  it('appends run outcomes durably and applies later patches when reading', async () => {
    const s = new FileStateStore(tmp());
    const w = await s.startRun(summary('20261124T080000000Z-hq-aaaaaa'));
    const o = {
      key: '1',
      deviceId: 'hq',
      transactionId: 1,
      empCode: '1',
      name: '',
      punchTime: 't',
      siteTime: 't',
      uploadTime: null,
      terminalSn: '',
      terminalAlias: '',
      punchState: '0',
      punchStateDisplay: '',
      logType: 'IN' as const,
      employee: 'E',
      employeeName: 'E',
      outcome: 'created' as const,
    };
    await w.append([o, { ...o, key: '2' }]);
    await w.patch([{ key: '2', patch: { userControl: { action: 'enable', mode: 'area', result: 'applied' } } }]);
    await w.finish({ ...summary('20261124T080000000Z-hq-aaaaaa'), status: 'completed' });
    const got = [];
    for await (const x of s.readRunOutcomes('20261124T080000000Z-hq-aaaaaa')) got.push(x);
    assert.equal(got.length, 2);
    assert.equal(got[1].userControl!.result, 'applied');
    assert.equal((await s.listRuns('hq'))[0].status, 'completed');
  });

  it('skips a line torn by a crash mid-append', async () => {
    const dir = tmp();
    const s = new FileStateStore(dir);
    const w = await s.startRun(summary('r1'));
    await w.append([{ key: '1' } as never]);
    await w.finish(summary('r1'));
    fs.appendFileSync(path.join(dir, 'runs', 'r1.jsonl'), '{"t":"o","o":{"key":"2"');
    const got = [];
    for await (const x of s.readRunOutcomes('r1')) got.push(x);
    assert.deepEqual(
      got.map((x) => x.key),
      ['1'],
    );
  });

  it('keeps failed punches until they succeed or are dismissed, counting attempts', async () => {
    const s = new FileStateStore(tmp());
    const f = {
      key: '9',
      deviceId: 'hq',
      empCode: '9',
      name: 'N',
      punchTime: 't',
      terminalAlias: '',
      punchState: '0',
      reason: 'no employee',
      failure: 'unknownEmployee' as const,
      firstFailedAt: 'a',
      lastTriedAt: 'a',
      attempts: 1,
      runId: 'r',
      transactionId: 9,
      terminalSn: '',
      uploadTime: null,
      punchStateDisplay: '',
      latitude: null,
      longitude: null,
      raw: { id: 9 },
    };
    await s.updateFailed('hq', [f], []);
    await s.updateFailed('hq', [{ ...f, firstFailedAt: 'b' }], []);
    const [got] = await s.listFailed('hq');
    assert.equal(got.attempts, 2);
    assert.equal(got.firstFailedAt, 'a');
    await s.updateFailed('hq', [], ['9']);
    assert.equal((await s.listFailed()).length, 0);
  });
});

describe('core/state StateDirLock', () => {
  it('lets one holder in at a time and releases', async () => {
    const dir = tmp();
    const a = new StateDirLock(dir, { owner: 'a' });
    const b = new StateDirLock(dir, { owner: 'b' });
    assert.equal(await a.tryAcquire(), true);
    assert.equal(await b.tryAcquire(), false);
    await assert.rejects(b.acquire(), /Another BioTime Sync process is syncing .* \(a, pid/);
    await a.release();
    assert.equal(await b.tryAcquire(), true);
    await b.release();
  });

  it('takes over from a holder that died (pid gone)', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['-e', '0']);
    const pid: number = await new Promise((r) => child.on('exit', () => r(child.pid!)));
    fs.writeFileSync(
      path.join(dir, 'sync.lock'),
      JSON.stringify({ pid, host: os.hostname(), startedAt: 'then', owner: 'crashed', token: 't' }),
    );
    const l = new StateDirLock(dir, { owner: 'me' });
    assert.equal(await l.tryAcquire(), true);
    await l.release();
  });

  it('takes over a lock whose heartbeat went stale even if the pid exists', async () => {
    const dir = tmp();
    const file = path.join(dir, 'sync.lock');
    fs.writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, host: 'other-host', startedAt: 'then', owner: 'elsewhere', token: 't' }),
    );
    const old = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(file, old, old);
    const l = new StateDirLock(dir, { owner: 'me', staleMs: 60_000 });
    assert.equal(await l.tryAcquire(), true);
    await l.release();
  });
});

describe('core/state stale temporary files', () => {
  const leave = (file: string, ageMs: number) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"half": ');
    const t = new Date(Date.now() - ageMs);
    fs.utimesSync(file, t, t);
    return file;
  };

  it('taking the lock removes the temporary files of writers killed mid-write, and only those', async () => {
    const dir = tmp();
    const killed = [
      leave(path.join(dir, 'devices', '.hq.json.4242.0123456789ab.tmp'), 5 * 60_000),
      leave(path.join(dir, '.tokens.json.77.abcdefabcdef.tmp'), 2 * 60_000),
      leave(path.join(dir, 'runs', '.r1.json.9.aaaaaaaaaaaa.tmp'), 90_000),
    ];
    const kept = [
      leave(path.join(dir, 'devices', `.hq.json.${process.pid}.bbbbbbbbbbbb.tmp`), 1_000), // a write in progress
      leave(path.join(dir, 'devices', 'hq.json.corrupt-2026-11-24T08-00-00-000Z'), 3600_000), // kept for inspection
      leave(path.join(dir, 'devices', 'notes.tmp'), 3600_000), // not one of ours
      leave(path.join(dir, 'devices', 'hq.json'), 3600_000),
    ];
    const h = createEngine({
      config: config([device()]),
      stateDir: dir,
      credentials: new FakeCredentials({}),
      logger: nullLogger,
    });
    try {
      assert.ok(
        killed.every((f) => fs.existsSync(f)),
        'nothing is removed before the lock is held',
      );
      await h.lock.acquire();
      assert.deepEqual(
        killed.filter((f) => fs.existsSync(f)),
        [],
      );
      assert.deepEqual(
        kept.filter((f) => !fs.existsSync(f)),
        [],
      );
    } finally {
      await h.dispose();
    }
  });

  it('a process that does not get the lock removes nothing', async () => {
    const dir = tmp();
    const holder = new StateDirLock(dir, { owner: 'other' });
    assert.equal(await holder.tryAcquire(), true);
    const old = leave(path.join(dir, 'devices', '.hq.json.4242.0123456789ab.tmp'), 5 * 60_000);
    const h = createEngine({
      config: config([device()]),
      stateDir: dir,
      credentials: new FakeCredentials({}),
      logger: nullLogger,
    });
    try {
      assert.equal(await h.lock.tryAcquire(), false);
      assert.ok(fs.existsSync(old));
    } finally {
      await h.dispose();
      await holder.release();
    }
  });
});

describe('core/state failed-punch journal', () => {
  const fp = (key: string, reason = 'no employee') => ({
    key,
    deviceId: 'hq',
    empCode: key,
    name: 'N',
    punchTime: 't',
    terminalAlias: '',
    punchState: '0',
    reason,
    failure: 'unknownEmployee' as const,
    firstFailedAt: 'a',
    lastTriedAt: 'a',
    attempts: 1,
    runId: 'r',
    transactionId: Number(key),
    terminalSn: '',
    uploadTime: null,
    punchStateDisplay: '',
    latitude: null,
    longitude: null,
    raw: { id: Number(key) },
  });

  it('appends changes instead of rewriting, and another process sees them', async () => {
    const dir = tmp();
    const a = new FileStateStore(dir);
    await a.updateFailed('hq', [fp('1'), fp('2')], []);
    const size1 = fs.statSync(path.join(dir, 'failed', 'hq.jsonl')).size;
    await a.updateFailed('hq', [fp('3')], ['1']);
    const size2 = fs.statSync(path.join(dir, 'failed', 'hq.jsonl')).size;
    assert.ok(size2 > size1);
    assert.deepEqual(
      (await new FileStateStore(dir).listFailed('hq')).map((f) => f.key),
      ['2', '3'],
    );
    // The other process dismisses one; the first sees it on its next read.
    await new FileStateStore(dir).updateFailed('hq', [], ['2']);
    assert.deepEqual(
      (await a.listFailed('hq')).map((f) => f.key),
      ['3'],
    );
  });

  it('a line torn by a crash is skipped and the next append does not glue onto it', async () => {
    const dir = tmp();
    const s = new FileStateStore(dir);
    await s.updateFailed('hq', [fp('1')], []);
    fs.appendFileSync(path.join(dir, 'failed', 'hq.jsonl'), '{"p":{"key":"torn');
    const again = new FileStateStore(dir);
    await again.updateFailed('hq', [fp('2')], []);
    assert.deepEqual(
      (await new FileStateStore(dir).listFailed('hq')).map((f) => f.key),
      ['1', '2'],
    );
  });

  it('compacts when the journal is mostly history', async () => {
    const dir = tmp();
    const s = new FileStateStore(dir);
    for (let i = 0; i < 1100; i++) await s.updateFailed('hq', [fp(String(i))], i > 0 ? [String(i - 1)] : []);
    const lines = fs
      .readFileSync(path.join(dir, 'failed', 'hq.jsonl'), 'utf8')
      .trim()
      .split('\n').length;
    assert.ok(lines < 1100, `journal has ${lines} lines`);
    assert.deepEqual(
      (await new FileStateStore(dir).listFailed('hq')).map((f) => f.key),
      ['1099'],
    );
  });

  it('keeps only keys, first failures, attempts and line numbers in memory; the records stay in the file', async () => {
    const dir = tmp();
    const j = new FailedJournal(path.join(dir, 'hq.jsonl'));
    const marked = (k: string) => ({ ...fp(k, `reason-${k}`), raw: { id: Number(k), marker: `RAW-${k}` } });
    await j.update([marked('1'), marked('2'), marked('3')], []);
    await j.update([marked('2')], ['3']);
    // Everything the journal object holds, Maps included: no raw record, no reason, no punch field beyond the index.
    const held = JSON.stringify(j, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
    assert.ok(!held.includes('RAW-') && !held.includes('reason-'), held);
    const keys = await j.keys();
    assert.deepEqual([...keys.keys()], ['1', '2']);
    for (const k of keys.keys())
      assert.deepEqual(Object.keys(keys.get(k)!).sort(), ['attempts', 'firstFailedAt', 'line']);
    assert.equal(keys.get('2')?.attempts, 2);
    // Read back from the file, whole and filtered.
    const all = await j.read();
    assert.deepEqual(
      all.map((f) => [f.key, f.raw.marker, f.attempts]),
      [
        ['1', 'RAW-1', 1],
        ['2', 'RAW-2', 2],
      ],
    );
    assert.deepEqual(
      (await j.read((f) => f.attempts > 1)).map((f) => f.key),
      ['2'],
    );
  });

  it('answers a prefiltered read from the index: punches it rules out are not parsed, none read when none match', async () => {
    const dir = tmp();
    const j = new FailedJournal(path.join(dir, 'hq.jsonl'));
    const transient = (k: string, attempts = 1) => ({ ...fp(k), failure: 'transient' as const, attempts });
    await j.update([fp('1'), fp('2'), fp('3')], []);
    const seen: string[] = [];
    const where = (f: { key: string }) => (seen.push(f.key), true);
    const pre = { failure: 'transient' as const, attemptsBelow: 20 };
    assert.deepEqual(await j.read(where, pre), []);
    assert.deepEqual(seen, []);
    // One transient punch among them, another retried too often, a third that was transient and is not any more.
    await j.update([transient('4'), transient('5', 25), transient('2')], []);
    await j.update([fp('2')], []);
    const got = await j.read(where, pre);
    assert.deepEqual(
      got.map((f) => f.key),
      ['4'],
    );
    assert.deepEqual(seen, ['4']);
    // Changed by another process in between: the index is rebuilt from the file and agrees with a full read.
    await new FailedJournal(j.file).update([transient('6')], ['4']);
    assert.deepEqual(
      (await j.read(undefined, pre)).map((f) => f.key),
      ['6'],
    );
  });

  it('the failed keys a run holds follow the store: the run keeps no copy of them', async () => {
    const s = new FileStateStore(tmp());
    await s.updateFailed('hq', [fp('1'), fp('2')], []);
    const keys = await s.failedKeys('hq');
    await s.updateFailed('hq', [fp('3')], ['1']);
    assert.deepEqual([...keys].sort(), ['2', '3']);
    assert.equal(keys.size, 2);
    assert.ok(keys.has('3') && !keys.has('1'));
  });

  it('a compaction keeps the current line of each live punch and the index points at it', async () => {
    const dir = tmp();
    const s = new FileStateStore(dir);
    for (let i = 0; i < 1200; i++) await s.updateFailed('hq', [fp(String(i % 3), `try ${i}`)], []);
    const file = path.join(dir, 'failed', 'hq.jsonl');
    assert.ok(fs.readFileSync(file, 'utf8').trim().split('\n').length < 1200);
    const got = await s.listFailed('hq');
    assert.deepEqual(
      got.map((f) => [f.key, f.reason, f.attempts]),
      [
        ['0', 'try 1197', 400],
        ['1', 'try 1198', 400],
        ['2', 'try 1199', 400],
      ],
    );
    await s.updateFailed('hq', [fp('0', 'after')], ['1']);
    assert.deepEqual(
      (await new FileStateStore(dir).listFailed('hq')).map((f) => [f.key, f.reason, f.attempts]),
      [
        ['0', 'after', 401],
        ['2', 'try 1199', 400],
      ],
    );
    assert.deepEqual([...(await s.failedKeys('hq'))].sort(), ['0', '2']);
  });
});
