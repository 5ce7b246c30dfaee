// A device moved to another site: the run that finds it says what it means, does what onSiteChange asks, and the
// failed punches of the old site stay with it until the operator moves them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeviceConfig } from '../../../src/core/configTypes';
import type { EngineEvent } from '../../../src/core/engineApi';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import { device, site } from '../../support/configBuilders';
import { FakeSink, FakeSource, punch, fakeEngine } from '../../support/enginePortFakes';

const heldLock = { isHeld: true, tryAcquire: async () => true };

function world() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-site-'));
  const store = new FileStateStore(dir);
  const source = new FakeSource();
  const sink = new FakeSink();
  sink.employee('HR-EMP-1', '1001');
  const warnings: string[] = [];
  const events: EngineEvent[] = [];
  const engineFor = (dev: DeviceConfig) => {
    const logger = { trace() {}, debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const e = fakeEngine({
      devices: [dev],
      sites: [site(), site({ id: 'north' })],
      store,
      source,
      sink,
      lock: heldLock,
      logger,
    });
    e.onEvent((x) => events.push(x));
    return e;
  };
  return { store, source, sink, warnings, events, engineFor };
}

async function firstRunOnAcme(w: ReturnType<typeof world>) {
  w.source.punches = [
    punch(1, '1001', '2026-11-20 08:00:00'),
    punch(2, '9999', '2026-11-20 08:05:00'),
    punch(3, '1001', '2026-11-20 17:00:00', '1'),
  ];
  const r = await w.engineFor(device()).runDevice('hq');
  assert.equal(r.status, 'completed');
  assert.equal(r.siteChange, undefined);
  assert.deepEqual(
    (await w.store.listFailed('hq')).map((f) => f.site),
    ['acme'],
  );
}

describe('core: a device moved to another site', () => {
  it('keepCursor (the default): said when it happens, cursor kept, old failed punches stay with the old site', async () => {
    const w = world();
    await firstRunOnAcme(w);
    w.source.punches.push(punch(4, '1001', '2026-11-21 08:00:00'));
    const engine = w.engineFor(device({ site: 'north' }));
    const r = await engine.runDevice('hq');
    assert.equal(r.status, 'completed');
    assert.deepEqual(
      { ...r.siteChange, message: undefined },
      { from: 'acme', to: 'north', cursor: 'kept', failedOfOldSite: 1, message: undefined },
    );
    assert.equal(
      r.siteChange?.message,
      'Device hq now sends to site north; it sent to site acme before. Its cursor was kept (onSiteChange "keepCursor"): punches already read (up to BioTime transaction 3) stay in acme and are not imported into north; new punches go to north. To import them into north too, run `biotime-sync reset-cursor --device hq` (reads again from the first transaction (no importSince is set)). 1 failed punch(es) recorded for acme stay with acme and are not sent to north; to send them to north: `biotime-sync rerun --device hq --to-site north`.',
    );
    assert.deepEqual(w.warnings, [r.siteChange?.message]);
    assert.ok(w.events.some((e) => e.type === 'siteChanged' && e.change.to === 'north'));
    assert.equal(r.counts.fetched, 1, 'only the new punch is read');
    // Said once: the next run finds nothing changed.
    const again = await engine.runDevice('hq');
    assert.equal(again.siteChange, undefined);
    assert.equal(w.warnings.length, 1);
    // rerun refuses the old site's failed punches and says how to move them.
    const sentBefore = w.sink.requests.insert ?? 0;
    const [refused] = await engine.rerun({ deviceId: 'hq' });
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error?.code, 'site.moved');
    assert.match(
      refused.error!.message,
      /1 failed punch\(es\) of device hq were recorded for site acme; the device now sends to site north, so they were not sent\./,
    );
    assert.match(refused.error!.hint!, /biotime-sync rerun --device hq --to-site north/);
    assert.equal(w.sink.requests.insert ?? 0, sentBefore);
    // --to-site must name the current site.
    const [wrong] = await engine.rerun({ deviceId: 'hq', toSite: 'acme' });
    assert.equal(wrong.error?.code, 'site.notCurrent');
    // Moved explicitly: rerun sends them to north (still failing here: nobody has Biometric ID 9999).
    w.sink.employee('HR-EMP-2', '9999');
    const [moved] = await engine.rerun({ deviceId: 'hq', toSite: 'north' });
    assert.equal(moved.status, 'completed');
    assert.equal(moved.counts.created, 1);
    assert.deepEqual(await w.store.listFailed('hq'), []);
  });

  it('readFromImportSince: the run reads again into the new site, existing checkins are duplicates', async () => {
    const w = world();
    await firstRunOnAcme(w);
    const r = await w.engineFor(device({ site: 'north', onSiteChange: 'readFromImportSince' })).runDevice('hq');
    assert.equal(r.status, 'completed');
    assert.equal(r.siteChange?.cursor, 'readAgain');
    assert.match(
      r.siteChange!.message,
      /this run reads again from the first transaction \(no importSince is set\) into north/,
    );
    assert.equal(w.source.reads.at(-1)?.afterId, 0);
    assert.equal(r.counts.fetched, 3);
    assert.equal(r.counts.duplicate, 2);
    assert.equal(r.counts.created, 0);
    assert.match(
      r.siteChange!.message,
      /1 failed punch\(es\) recorded for acme stay with acme unless this run reads them again/,
    );
    // Read again for north, the unknown employee's punch failed again: it is now north's failed punch.
    assert.deepEqual(
      (await w.store.listFailed('hq')).map((f) => [f.key, f.site, f.attempts]),
      [['2', 'north', 2]],
    );
  });

  it('a dry run reports the change and changes nothing', async () => {
    const w = world();
    await firstRunOnAcme(w);
    const engine = w.engineFor(device({ site: 'north' }));
    const plan = await engine.runDevice('hq', { dryRun: true });
    assert.equal(plan.siteChange?.from, 'acme');
    assert.equal((await w.store.loadDevice('hq')).site, 'acme');
    assert.equal((await w.store.listFailed('hq'))[0].site, 'acme');
    assert.equal((await engine.runDevice('hq')).siteChange?.to, 'north');
  });
});
