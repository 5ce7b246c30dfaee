import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nullLogger } from '../../../src/core/redact';
import { Scheduler } from '../../../src/core/scheduler';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import { StateDirLock } from '../../../src/core/state/lock';
import type { Logger } from '../../../src/core/ports';
import { FakeClock } from '../../support/fakeClock';
import { device } from '../../support/configBuilders';
import { FakeSink, FakeSource, punch, fakeEngine } from '../../support/enginePortFakes';

function setup(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-sched-'))) {
  const clock = new FakeClock('2026-11-24T08:00:00Z');
  const source = new FakeSource();
  const sink = new FakeSink();
  sink.employee('HR-EMP-1', '1001');
  const store = new FileStateStore(dir);
  const lines: string[] = [];
  const logger: Logger = { ...nullLogger, info: (m) => lines.push(m), error: (m) => lines.push(m) };
  const engine = fakeEngine({
    devices: [device({ intervalMinutes: 5 }), device({ id: 'off', enabled: false })],
    store,
    source,
    sink,
    clock,
    logger,
  });
  const lock = new StateDirLock(dir, { owner: 'test' });
  const scheduler = new Scheduler({ engine, store, lock, clock, logger, tickMs: 60_000 });
  return { clock, source, sink, store, engine, scheduler, lines, dir, lock };
}

const settle = () => new Promise((r) => setImmediate(r));
const idle = (s: ReturnType<typeof setup>) => s.scheduler.whenIdle();

describe('core/scheduler', () => {
  it('runs a never-synced device at once, then again only after its interval', async () => {
    const s = setup();
    s.source.punches = [punch(1, '1001', '2026-11-24 08:00:00')];
    await s.scheduler.tick();
    await idle(s);
    assert.equal((await s.engine.listRuns('hq')).length, 1);
    assert.equal((await s.engine.listRuns('off')).length, 0);
    s.clock.advance(4 * 60_000);
    await s.scheduler.tick();
    await idle(s);
    assert.equal((await s.engine.listRuns('hq')).length, 1);
    s.clock.advance(60_000);
    await s.scheduler.tick();
    await idle(s);
    assert.equal((await s.engine.listRuns('hq')).length, 2);
    await s.scheduler.stop();
  });

  it('a device this installation is not the runner of is never synced on a schedule, until it is chosen', async () => {
    const s = setup();
    let here = false;
    const { engine, store, lock, clock } = s;
    const scheduler = new Scheduler({
      engine,
      store,
      lock,
      clock,
      logger: nullLogger,
      runsHere: (id) => id !== 'hq' || here,
    });
    s.source.punches = [punch(1, '1001', '2026-11-24 08:00:00')];
    await scheduler.tick();
    await scheduler.whenIdle();
    assert.equal((await s.engine.listRuns('hq')).length, 0);
    assert.equal(scheduler.nextRunAt('hq'), null);
    here = true; // chosen as this device's runner: the next tick syncs it
    await scheduler.tick();
    await scheduler.whenIdle();
    assert.equal((await s.engine.listRuns('hq')).length, 1);
    await scheduler.stop();
  });

  it('skips and logs a tick that lands while the device is still running', async () => {
    const s = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const orig = s.sink.findEmployeesByDeviceIds.bind(s.sink);
    s.sink.findEmployeesByDeviceIds = async (c) => (await gate, orig(c));
    s.source.punches = [punch(1, '1001', '2026-11-24 08:00:00')];
    await s.scheduler.tick();
    await settle();
    assert.ok(s.engine.isRunning('hq'));
    await s.scheduler.tick();
    assert.ok(s.lines.some((l) => /tick skipped/.test(l)));
    release();
    await idle(s);
    await s.scheduler.stop();
    assert.equal((await s.engine.listRuns('hq')).length, 1);
  });

  it('only the lock holder runs syncs; a follower takes over when the runner stops', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-sched2-'));
    const a = setup(dir);
    const b = setup(dir);
    await a.scheduler.tick();
    await b.scheduler.tick();
    assert.equal(a.scheduler.isRunner, true);
    assert.equal(b.scheduler.isRunner, false);
    await idle(a);
    await a.scheduler.stop();
    await b.scheduler.tick();
    assert.equal(b.scheduler.isRunner, true);
    await b.scheduler.stop();
  });

  it('says it stopped when it stops, never that another process took over', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-sched3-'));
    const a = setup(dir);
    const b = setup(dir);
    await a.scheduler.tick();
    b.scheduler.start();
    b.clock.advance(0);
    await settle();
    await idle(a);
    await idle(b);
    assert.equal(b.scheduler.isRunner, false);
    a.lines.length = 0;
    b.lines.length = 0;
    await a.scheduler.stop();
    await b.scheduler.stop();
    assert.deepEqual(a.lines, [
      'Stopped: this process no longer runs the scheduled syncs (the state directory lock is released).',
    ]);
    assert.deepEqual(b.lines, ['Stopped: this process no longer follows the scheduled syncs.']);
  });

  it('keeps ticking on its timer and survives a failing tick', async () => {
    const s = setup();
    let loads = 0;
    const orig = s.store.loadDevice.bind(s.store);
    s.store.loadDevice = async (id) => {
      if (++loads === 1) throw new Error('disk hiccup');
      return orig(id);
    };
    s.scheduler.start();
    s.clock.advance(0);
    await settle();
    await idle(s);
    assert.ok(s.lines.some((l) => /Scheduler tick failed: disk hiccup/.test(l)));
    s.clock.advance(60_000);
    await idle(s);
    assert.equal((await s.engine.listRuns('hq')).length, 1);
    await s.scheduler.stop();
  });
});
