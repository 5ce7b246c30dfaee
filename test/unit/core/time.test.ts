import * as assert from 'node:assert/strict';
import { convertNaive, naiveToInstant, normaliseNaive, addSecondsNaive } from '../../../src/core/time';

describe('core/time', () => {
  it('normalises fractions and the T separator, rejects impossible dates', () => {
    assert.equal(normaliseNaive('2026-03-02T07:58:41.000000'), '2026-03-02 07:58:41');
    assert.equal(normaliseNaive('2026-02-30 10:00:00'), undefined);
    assert.equal(normaliseNaive('yesterday'), undefined);
  });

  it('converts between zones through the instant', () => {
    assert.deepEqual(convertNaive('2026-03-02 07:58:41', 'Asia/Dubai', 'Asia/Kolkata'), {
      ok: true,
      time: '2026-03-02 09:28:41',
    });
    assert.deepEqual(convertNaive('2026-03-02 00:30:00', 'Asia/Dubai', 'Europe/London'), {
      ok: true,
      time: '2026-03-01 20:30:00',
    });
  });

  it('keeps text identical (normalised) when both zones are the same', () => {
    assert.deepEqual(convertNaive('2026-03-02 07:58:41.5', 'Asia/Dubai', 'Asia/Dubai'), {
      ok: true,
      time: '2026-03-02 07:58:41',
    });
  });

  it('refuses a wall time inside a DST gap instead of guessing', () => {
    const r = naiveToInstant('2026-03-08 02:30:00', 'America/New_York');
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /does not exist in America\/New_York/);
  });

  it('reads a repeated hour (clocks going back) as its first occurrence', () => {
    const r = naiveToInstant('2026-11-01 01:30:00', 'America/New_York');
    assert.ok(r.ok);
    assert.equal((r as { instant: Date }).instant.toISOString(), '2026-11-01T05:30:00.000Z'); // EDT, -4h
  });

  it('adds seconds across midnight', () => {
    assert.equal(addSecondsNaive('2026-12-31 23:59:30', 45), '2027-01-01 00:00:15');
  });
});

describe('core/time DST edges', () => {
  it('refuses a DST-gap time even when BioTime and Frappe share the zone', () => {
    const r = convertNaive('2026-03-08 02:30:00', 'America/New_York', 'America/New_York');
    assert.equal(r.ok, false);
  });
  it('converts correctly on both sides of a DST change (memoised fast path and slow path agree)', () => {
    // 2026-03-29 01:00Z Europe/London goes from GMT to BST.
    assert.deepEqual(convertNaive('2026-03-29 00:30:00', 'Europe/London', 'UTC'), {
      ok: true,
      time: '2026-03-29 00:30:00',
    });
    assert.deepEqual(convertNaive('2026-03-29 02:30:00', 'Europe/London', 'UTC'), {
      ok: true,
      time: '2026-03-29 01:30:00',
    });
    assert.deepEqual(convertNaive('2026-03-27 12:00:00', 'Europe/London', 'UTC'), {
      ok: true,
      time: '2026-03-27 12:00:00',
    });
    assert.deepEqual(convertNaive('2026-04-02 12:00:00', 'Europe/London', 'UTC'), {
      ok: true,
      time: '2026-04-02 11:00:00',
    });
    assert.deepEqual(convertNaive('2026-03-29 01:30:00', 'UTC', 'Europe/London'), {
      ok: true,
      time: '2026-03-29 02:30:00',
    });
  });
});
