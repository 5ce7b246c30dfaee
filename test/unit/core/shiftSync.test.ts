import * as assert from 'node:assert/strict';
import { syncShifts } from '../../../src/core/shiftSync';
import { emptyDeviceState } from '../../../src/core/state/fileStateStore';
import { nullLogger } from '../../../src/core/redact';
import type { DeviceState } from '../../../src/core/types';
import { FakeClock } from '../../support/fakeClock';
import { device, site } from '../../support/configBuilders';
import { FakeSink } from '../../support/enginePortFakes';

// Clock: 2026-11-24 12:00 in Dubai (UTC+4) = 08:00Z.
const clock = new FakeClock('2026-11-24T08:00:00Z');
const ok = (startedAt: string, extra: Partial<DeviceState> = {}): DeviceState => ({
  ...emptyDeviceState(),
  lastSyncAt: startedAt,
  lastSyncStartedAt: startedAt,
  ...extra,
});

function run(states: Record<string, DeviceState>, sink: FakeSink, feeds = [{ shiftType: 'Day' }], margin = 5) {
  const devices = Object.keys(states).map((id) => device({ id }));
  return syncShifts({
    site: site({ shiftTypes: feeds, shiftSyncMarginMinutes: margin }),
    siteZone: 'Asia/Dubai',
    devices,
    loadDevice: async (id) => states[id],
    sink,
    clock,
    logger: nullLogger,
  });
}

describe('core/shiftSync', () => {
  it('moves to the earliest complete point of all feeding devices minus the margin, in the site zone', async () => {
    const sink = new FakeSink();
    sink.shifts.set('Day', { name: 'Day', exists: true, lastSyncOfCheckin: '2026-11-24 08:00:00', autoUpdate: false });
    const [r] = await run({ a: ok('2026-11-24T07:50:00Z'), b: ok('2026-11-24T07:30:00Z') }, sink);
    assert.equal(r.status, 'moved');
    assert.equal(r.to, '2026-11-24 11:25:00');
    assert.equal(sink.shifts.get('Day')!.lastSyncOfCheckin, '2026-11-24 11:25:00');
  });

  it('is held back by a terminal that has not reported since, naming it', async () => {
    const sink = new FakeSink();
    sink.shifts.set('Day', { name: 'Day', exists: true, lastSyncOfCheckin: null, autoUpdate: false });
    const terminals = [
      {
        sn: 'W',
        alias: 'Warehouse',
        area: '',
        lastActivity: '2026-11-24 09:00:00',
        userCount: null,
        transactionCount: null,
        offline: true,
      },
    ];
    const [r] = await run({ a: ok('2026-11-24T07:50:00Z', { terminals }) }, sink);
    assert.equal(r.to, '2026-11-24 08:55:00');
    assert.match(r.reason, /terminal Warehouse \(device a\) last seen 3 h ago/);
  });

  it('does not move at all while a feeding device fails or has never synced', async () => {
    const sink = new FakeSink();
    sink.shifts.set('Day', { name: 'Day', exists: true, lastSyncOfCheckin: '2026-11-01 00:00:00', autoUpdate: false });
    const [r] = await run(
      {
        a: ok('2026-11-24T07:50:00Z'),
        b: ok('2026-11-24T07:50:00Z', {
          consecutiveFailures: 2,
          lastError: { code: 'x', message: 'BioTime unreachable' },
        }),
      },
      sink,
    );
    assert.equal(r.status, 'held');
    assert.match(r.reason, /device b: its last run failed \(BioTime unreachable\)/);
    const [r2] = await run({ a: ok('2026-11-24T07:50:00Z'), c: emptyDeviceState() }, sink);
    assert.match(r2.reason, /device c has not completed a sync yet/);
    assert.equal(sink.shifts.get('Day')!.lastSyncOfCheckin, '2026-11-01 00:00:00');
  });

  it('only counts the devices a shift is configured with', async () => {
    const sink = new FakeSink();
    sink.shifts.set('Day', { name: 'Day', exists: true, lastSyncOfCheckin: null, autoUpdate: false });
    const [r] = await run({ a: ok('2026-11-24T07:50:00Z'), b: emptyDeviceState() }, sink, [
      { shiftType: 'Day', devices: ['a'] } as never,
    ]);
    assert.equal(r.status, 'moved');
  });

  it('never moves back; leaves auto-updating and missing Shift Types alone with a reason', async () => {
    const sink = new FakeSink();
    sink.shifts.set('Day', { name: 'Day', exists: true, lastSyncOfCheckin: '2026-12-01 00:00:00', autoUpdate: false });
    sink.shifts.set('Auto', { name: 'Auto', exists: true, lastSyncOfCheckin: null, autoUpdate: true });
    const rs = await run({ a: ok('2026-11-24T07:50:00Z') }, sink, [
      { shiftType: 'Day' },
      { shiftType: 'Auto' },
      { shiftType: 'Gone' },
    ]);
    assert.deepEqual(
      rs.map((r) => r.status),
      ['unchanged', 'autoUpdate', 'failed'],
    );
    assert.equal(sink.shifts.get('Day')!.lastSyncOfCheckin, '2026-12-01 00:00:00');
  });
});
