// The sync cursor's arithmetic on its own (core/cursor.ts): where a run reads from, which ids are new, the cursor
// after a page with the gaps it passed over, and the check that notices a restored BioTime database.
import * as assert from 'node:assert/strict';
import { OVERLAP_IDS, advance, checkRestore, fingerprint, readFrom, unseen } from '../../../src/core/cursor';
import { BioTimeError } from '../../../src/core/errors';
import { GapSet } from '../../../src/core/gaps';
import type { Logger } from '../../../src/core/ports';
import type { DeviceCursor } from '../../../src/core/types';
import { nullLogger } from '../../../src/core/redact';
import { FakeSource, punch } from '../../support/enginePortFakes';

const NOW = new Date('2026-03-01T08:00:00Z');
const cursorAt = (hwm: number, recent: number[] = []): DeviceCursor => ({ hwm, recent });
const noGaps = (): GapSet => new GapSet([], NOW);

describe('core/cursor: where a run reads from', () => {
  it('reads the overlap window again below the cursor, never below id 0', () => {
    assert.equal(readFrom(cursorAt(1000), noGaps()), 1000 - OVERLAP_IDS);
    assert.equal(readFrom(cursorAt(10), noGaps()), 0);
  });

  it('reads from just below the oldest watched gap when it is older than the overlap', () => {
    const gaps = new GapSet([[900, 905, NOW.toISOString()]], NOW);
    assert.equal(readFrom(cursorAt(1000), gaps), 899);
    const recentGap = new GapSet([[990, 991, NOW.toISOString()]], NOW);
    assert.equal(readFrom(cursorAt(1000), recentGap), 1000 - OVERLAP_IDS);
  });
});

describe('core/cursor: which ids are new', () => {
  const cursor = cursorAt(1000, [990, 995]);
  const recent = new Set(cursor.recent);

  it('an id above the cursor is new; one in the overlap is new unless it was seen', () => {
    assert.equal(unseen(1001, cursor, recent, noGaps()), true);
    assert.equal(unseen(996, cursor, recent, noGaps()), true);
    assert.equal(unseen(995, cursor, recent, noGaps()), false);
    assert.equal(unseen(1000, cursor, recent, noGaps()), true, 'the cursor id itself is in the overlap, not in recent');
  });

  it('an id at or below the overlap is old, unless it is a watched gap', () => {
    assert.equal(unseen(1000 - OVERLAP_IDS, cursor, recent, noGaps()), false);
    assert.equal(unseen(900, cursor, recent, undefined), false);
    assert.equal(unseen(900, cursor, recent, new GapSet([[899, 901, NOW.toISOString()]], NOW)), true);
  });
});

describe('core/cursor: the cursor after a page', () => {
  it('moves past every id, watches the ids it skipped and fingerprints the top punch', () => {
    const gaps = noGaps();
    const recent = new Set<number>();
    const page = [punch(101, 'E1', '2026-03-01 07:00:00'), punch(104, 'E2', '2026-03-01 07:01:00')];
    const next = advance(cursorAt(100), page, recent, gaps, NOW);
    assert.equal(next.hwm, 104);
    assert.deepEqual(next.recent, [101, 104]);
    assert.equal(next.hwmFingerprint, fingerprint(page[1]));
    assert.deepEqual(next.gaps, [[102, 103, NOW.toISOString()]]);
  });

  it('an id that appears late leaves the watched gap; the cursor and its fingerprint stay', () => {
    const gaps = new GapSet([[102, 103, NOW.toISOString()]], NOW);
    const before: DeviceCursor = { ...cursorAt(104, [101, 104]), hwmFingerprint: 'top' };
    const next = advance(before, [punch(102, 'E3', '2026-03-01 06:59:00')], new Set(before.recent), gaps, NOW);
    assert.equal(next.hwm, 104);
    assert.equal(next.hwmFingerprint, 'top');
    assert.deepEqual(next.recent, [101, 102, 104]);
    assert.deepEqual(next.gaps, [[103, 103, NOW.toISOString()]]);
  });

  it('forgets seen ids that fell out of the overlap window, and ignores rows without an id', () => {
    const recent = new Set([100, 150, 160]);
    const idless = punch(0, 'E4', '2026-03-01 07:02:00', '0', { id: null, key: 'raw:abc' });
    const next = advance(
      cursorAt(160, [100, 150, 160]),
      [punch(200, 'E1', '2026-03-01 07:03:00'), idless],
      recent,
      noGaps(),
      NOW,
    );
    assert.equal(next.hwm, 200);
    assert.deepEqual(next.recent, [160, 200], `ids at or below ${200 - OVERLAP_IDS} are dropped`);
  });

  it('makes no gap on a first read, and keeps the saved gaps when this read watches none (importSince)', () => {
    const first = advance(cursorAt(0), [punch(500, 'E1', '2026-03-01 07:00:00')], new Set(), noGaps(), NOW);
    assert.deepEqual(first.gaps, []);
    const saved: DeviceCursor = { ...cursorAt(10), gaps: [[3, 4, NOW.toISOString()]] };
    const filtered = advance(saved, [punch(20, 'E1', '2026-03-01 07:00:00')], new Set(), undefined, NOW);
    assert.deepEqual(filtered.gaps, saved.gaps);
  });
});

describe('core/cursor: a restored BioTime database', () => {
  const top = punch(104, 'E2', '2026-03-01 07:01:00');
  const warnings: string[] = [];
  const logger: Logger = { ...nullLogger, warn: (m) => void warnings.push(m) };
  const at = (source: FakeSource) => ({ deviceId: 'hq', source, logger });
  beforeEach(() => (warnings.length = 0));

  it('passes when the punch under the cursor is the one it passed', async () => {
    const source = new FakeSource();
    source.punches = [top];
    await checkRestore({ ...cursorAt(104), hwmFingerprint: fingerprint(top) }, at(source));
    assert.deepEqual(warnings, []);
  });

  it('refuses to run when that id is now another punch: ids are being reused', async () => {
    const source = new FakeSource();
    source.punches = [punch(104, 'E9', '2025-01-01 09:00:00')];
    await assert.rejects(
      checkRestore({ ...cursorAt(104), hwmFingerprint: fingerprint(top) }, at(source)),
      (e: unknown) =>
        e instanceof BioTimeError &&
        e.code === 'biotime.idsWentBack' &&
        e.message.includes('BioTime transaction 104 is now a different punch (E9 at 2025-01-01 09:00:00)'),
    );
  });

  it('only warns, naming the reset, when the punch under the cursor was deleted', async () => {
    await checkRestore({ ...cursorAt(104), hwmFingerprint: fingerprint(top) }, at(new FakeSource()));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^Device hq: BioTime transaction 104 \(the sync cursor\) no longer exists\..*reset-cursor/,
    );
  });

  it('asks BioTime nothing for a cursor without a fingerprint (a first run, or a cursor from an older version)', async () => {
    const source = new FakeSource();
    source.getTransaction = () => assert.fail('getTransaction was called');
    await checkRestore(cursorAt(104), at(source));
    await checkRestore({ ...cursorAt(0), hwmFingerprint: 'x' }, at(source));
  });
});
