import * as assert from 'node:assert/strict';
import type { DeviceStatus, FailedPunch, RunSummary } from '../../../src/shared/model';
import { emptyCounts } from '../../../src/shared/model';
import { barState, barText } from '../../../src/vscode/statusBarState';
import { applyFailedFilter, filterChoices, filterText } from '../../../src/vscode/tree/failedFilter';
import {
  attentionReasons,
  foldQuietRuns,
  groupBySite,
  quietLabel,
  siteDescription,
} from '../../../src/vscode/tree/runGroups';

const run = (id: string, startedAt: string, created = 0, extra: Partial<RunSummary> = {}): RunSummary => ({
  runId: id,
  deviceId: 'hq',
  kind: 'sync',
  status: 'completed',
  startedAt,
  finishedAt: startedAt,
  durationMs: 100,
  counts: { ...emptyCounts(), created, fetched: created },
  cursorBefore: 1,
  cursorAfter: 1,
  ...extra,
});

const status = (id: string, extra: Partial<DeviceStatus> = {}): DeviceStatus => ({
  deviceId: id,
  name: id.toUpperCase(),
  enabled: true,
  health: 'ok',
  lastSyncAt: '2026-12-03T09:00:00Z',
  nextRunAt: null,
  cursor: 10,
  watchedGaps: [],
  failedCount: 0,
  consecutiveFailures: 0,
  lastRun: null,
  terminals: [],
  ...extra,
});

describe('vscode overview: runs folded, devices by site, attention, failed filter', () => {
  it('folds stretches of runs with nothing new into one item, keeps lone quiet runs and every other run', () => {
    const runs = [
      run('r9', '2026-12-03T10:00:00'),
      run('r8', '2026-12-03T09:55:00'),
      run('r7', '2026-12-03T09:50:00'),
      run('r6', '2026-12-03T09:45:00', 3),
      run('r5', '2026-12-03T09:40:00'),
      run('r4', '2026-12-03T09:35:00', 0, { status: 'failed' }),
      run('r3', '2026-12-03T09:30:00', 0, { kind: 'dryRun' }),
    ];
    const items = foldQuietRuns(runs);
    assert.deepEqual(
      items.map((i) => (i.kind === 'run' ? i.run.runId : i.runs.map((r) => r.runId).join('+'))),
      ['r9+r8+r7', 'r6', 'r5', 'r4', 'r3'],
    );
    const quiet = items[0];
    assert.ok(quiet.kind === 'quiet');
    assert.equal(quietLabel(quiet.runs, new Date('2026-12-03T12:00:00')), '3 runs with nothing new, 09:50–10:00');
  });

  it('groups devices by site in settings order, unknown sites last', () => {
    const groups = groupBySite(
      [status('a'), status('b'), status('c'), status('x')],
      (id) => ({ a: 'north', b: 'south', c: 'north' })[id],
      ['south', 'north', 'empty'],
    );
    assert.deepEqual(
      groups.map((g) => [g.site, g.devices.map((d) => d.deviceId)]),
      [
        ['south', ['b']],
        ['north', ['a', 'c']],
        ['(no site)', ['x']],
      ],
    );
    assert.equal(
      siteDescription([status('a', { health: 'error', failedCount: 2 }), status('b', { enabled: false })]),
      '2 devices · 1 failing · 2 failed punches · 1 disabled',
    );
  });

  it('a device needs attention when failing, when punches wait or when a terminal is offline; never when disabled', () => {
    const offline = { sn: 'T1', alias: 'Gate', offline: true } as DeviceStatus['terminals'][number];
    assert.deepEqual(
      attentionReasons(
        status('a', {
          health: 'error',
          lastError: { code: 'x', message: 'BioTime is unreachable' },
          failedCount: 1,
          terminals: [offline],
        }),
      ),
      ['failing: BioTime is unreachable', '1 failed punch waiting', 'terminal(s) offline: Gate'],
    );
    assert.deepEqual(attentionReasons(status('b', { enabled: false, failedCount: 3 })), []);
    assert.deepEqual(attentionReasons(status('c')), []);
  });

  it('status bar: counts devices needing attention and failed punches, says why, and clicks to the failed list', () => {
    const t = barText(
      barState('ready', 0, 0, [status('a', { failedCount: 3 }), status('b'), status('c', { enabled: false })], false),
    );
    assert.equal(t.text, '$(warning) BioTime: 1 device needs attention · 3 failed punches · 1 disabled');
    assert.match(t.tooltip, /Needs attention:\n• A: 3 failed punches waiting/);
    assert.match(t.tooltip, /Disabled \(not syncing\): C/);
    assert.equal(t.command, 'bioSync.showFailedPunches');
    const green = barText(barState('ready', 0, 0, [status('a')], false));
    assert.equal(green.text, '$(check) BioTime');
    assert.equal(green.command, 'workbench.view.extension.bioSync');
    const off = barText(barState('ready', 0, 0, [status('a')], false, true));
    assert.equal(off.text, '$(circle-slash) BioTime: scheduler off');
    const offAndFailed = barText(
      barState('ready', 0, 0, [status('a', { failedCount: 1 }), status('b', { enabled: false })], false, true),
    );
    assert.equal(
      offAndFailed.text,
      '$(warning) BioTime: 1 device needs attention · 1 failed punch · scheduler off · 1 disabled',
    );
    const failing = barText(
      barState(
        'ready',
        0,
        0,
        [status('a', { health: 'error', lastError: { code: 'x', message: 'down' } }), status('b', { failedCount: 1 })],
        false,
      ),
    );
    assert.equal(failing.text, '$(error) BioTime: 1 failing · 2 devices need attention · 1 failed punch');
    assert.match(failing.tooltip, /• A: failing: down\n• B: 1 failed punch waiting/);
    assert.equal(barText(barState('invalid', 2, 0, [], false)).command, 'bioSync.openSettings');
  });

  it('failed punches filter by device, site (recorded or the device’s) and reason', () => {
    const f = (deviceId: string, failure: string, site?: string) =>
      ({ deviceId, key: `${deviceId}-${failure}`, failure, ...(site ? { site } : {}) }) as FailedPunch;
    const list = [f('a', 'unknownEmployee'), f('a', 'validation', 'old'), f('b', 'unknownEmployee')];
    const siteOf = (id: string) => ({ a: 'north', b: 'south' })[id];
    assert.deepEqual(
      applyFailedFilter(list, { site: 'north' }, siteOf).map((x) => x.key),
      ['a-unknownEmployee'],
    );
    assert.deepEqual(
      applyFailedFilter(list, { reason: 'unknownEmployee' }, siteOf).map((x) => x.key),
      ['a-unknownEmployee', 'b-unknownEmployee'],
    );
    assert.deepEqual(
      applyFailedFilter(list, { device: 'a', site: 'old' }, siteOf).map((x) => x.key),
      ['a-validation'],
    );
    assert.equal(filterText({ device: 'a', reason: 'validation' }), 'device a · reason validation');
    assert.deepEqual(
      [...filterChoices(list, siteOf).site],
      [
        ['north', 1],
        ['old', 1],
        ['south', 1],
      ],
    );
  });
});
