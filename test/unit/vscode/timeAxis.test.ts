// The dashboard's Shift Type chart: its time axes span the decisions shown, with a margin, never years.
import * as assert from 'node:assert/strict';
import { timeAxisBounds } from '../../../src/shared/timeAxis';

describe('the Shift Type chart time axes', () => {
  const held = Date.parse('2026-12-02T00:00:00Z');
  const hour = 3_600_000;

  it('one Last Sync of Checkin held at one time: an hour either side of it, not the 5% of its value Chart.js adds', () => {
    assert.deepEqual(timeAxisBounds([held, held], hour), { min: held - hour, max: held + hour });
  });

  it('values that differ: from the first to the last, with the margin', () => {
    assert.deepEqual(timeAxisBounds([held + 5 * hour, held, held + 2 * hour], hour), {
      min: held - hour,
      max: held + 6 * hour,
    });
  });

  it('nothing to show (or nothing readable): left to the chart', () => {
    assert.deepEqual(timeAxisBounds([], hour), {});
    assert.deepEqual(timeAxisBounds([Number.NaN], hour), {});
  });
});
