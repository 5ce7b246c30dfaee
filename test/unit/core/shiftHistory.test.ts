import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import { mergeShiftDecisions, readShiftHistory, shiftHistoryFile } from '../../../src/core/state/shiftHistoryFile';
import type { ShiftSyncRecord } from '../../../src/shared/model';

const rec = (status: ShiftSyncRecord['status'], to: string | null, reason = 'r', from = '2026-11-01 08:00:00') => ({
  site: 'acme',
  shiftType: 'Day',
  from,
  to,
  status,
  reason,
});

describe('core/state shift history', () => {
  it('merges repeated holds into one point, keeps what held it back, and starts a new point on a change', () => {
    let p = mergeShiftDecisions([], '2026-11-02T08:00:00Z', [rec('held', null, 'terminal T1 last seen 2 h ago')]);
    p = mergeShiftDecisions(p, '2026-11-02T08:05:00Z', [rec('held', null, 'terminal T1 last seen 2 h 5 min ago')]);
    assert.equal(p.length, 1);
    assert.deepEqual(p[0], {
      shiftType: 'Day',
      status: 'held',
      lastSync: '2026-11-01 08:00:00',
      firstAt: '2026-11-02T08:00:00Z',
      at: '2026-11-02T08:05:00Z',
      count: 2,
      reason: 'terminal T1 last seen 2 h 5 min ago',
    });
    p = mergeShiftDecisions(p, '2026-11-02T08:10:00Z', [rec('moved', '2026-11-02 07:55:00', 'synced')]);
    assert.equal(p.length, 2);
    assert.equal(p[1].lastSync, '2026-11-02 07:55:00');
  });

  it('keeps one point per hour of moves (the latest value) and separate points per Shift Type', () => {
    let p = mergeShiftDecisions([], '2026-11-02T08:00:00Z', [rec('moved', '2026-11-02 07:55:00')]);
    p = mergeShiftDecisions(p, '2026-11-02T08:55:00Z', [
      rec('moved', '2026-11-02 08:50:00'),
      { ...rec('held', null, 'device b failed'), shiftType: 'Night' },
    ]);
    p = mergeShiftDecisions(p, '2026-11-02T09:00:00Z', [rec('moved', '2026-11-02 08:55:00')]);
    assert.deepEqual(
      p.map((x) => [x.shiftType, x.status, x.lastSync, x.count]),
      [
        ['Day', 'moved', '2026-11-02 08:50:00', 2],
        ['Night', 'held', '2026-11-01 08:00:00', 1],
        ['Day', 'moved', '2026-11-02 08:55:00', 1],
      ],
    );
  });

  it('is bounded: only the newest points are kept', () => {
    let p = mergeShiftDecisions([], '2026-11-02T00:00:00Z', [rec('moved', 'a')], 3);
    for (let h = 1; h < 10; h++)
      p = mergeShiftDecisions(p, `2026-11-02T${String(h).padStart(2, '0')}:00:00Z`, [rec('moved', `v${h}`)], 3);
    assert.deepEqual(
      p.map((x) => x.lastSync),
      ['v7', 'v8', 'v9'],
    );
  });

  it('FileStateStore.saveSite records each decision in the site history file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-shifts-'));
    const store = new FileStateStore(dir);
    await store.saveSite('acme', { shiftSync: [rec('held', null, 'x')], checkedAt: '2026-11-02T08:00:00Z' });
    await store.saveSite('acme', {
      shiftSync: [rec('moved', '2026-11-02 08:00:00')],
      checkedAt: '2026-11-02T09:00:00Z',
    });
    const h = await readShiftHistory(dir, 'acme');
    assert.deepEqual(
      h.map((x) => x.status),
      ['held', 'moved'],
    );
    assert.equal((await store.loadSite('acme')).shiftSync[0].status, 'moved');
    assert.ok(fs.existsSync(shiftHistoryFile(dir, 'acme')));
  });

  it('a corrupt history file reads as empty and is replaced on the next decision, the decision is saved', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-shifts-'));
    fs.mkdirSync(path.join(dir, 'sites'), { recursive: true });
    fs.writeFileSync(shiftHistoryFile(dir, 'acme'), '{not json');
    assert.deepEqual(await readShiftHistory(dir, 'acme'), []);
    const store = new FileStateStore(dir);
    await store.saveSite('acme', { shiftSync: [rec('unchanged', null)], checkedAt: '2026-11-02T08:00:00Z' });
    assert.equal((await readShiftHistory(dir, 'acme')).length, 1);
  });
});
