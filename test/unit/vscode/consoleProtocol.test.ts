// The console webviews' messages are validated on arrival: a malformed or hostile message is dropped, never acted on.
import * as assert from 'node:assert/strict';
import {
  parseDashboardToHost,
  parseFilters,
  parseHistoryToHost,
  parseHostToDashboard,
} from '../../../src/shared/consoleProtocol';

describe('console webview protocol', () => {
  it('accepts the dashboard messages and refuses anything else', () => {
    assert.deepEqual(parseDashboardToHost({ type: 'show', site: null, range: 90 }), {
      type: 'show',
      site: null,
      range: 90,
    });
    assert.equal(parseDashboardToHost({ type: 'show', site: null, range: 7 }), undefined);
    assert.deepEqual(parseDashboardToHost({ type: 'missing', date: '2026-11-20' }), {
      type: 'missing',
      date: '2026-11-20',
    });
    assert.equal(parseDashboardToHost({ type: 'missing', date: '20/11/2026' }), undefined);
    assert.equal(parseDashboardToHost({ type: 'eval', code: 'x' }), undefined);
    assert.equal(parseHostToDashboard({ type: 'error', message: 'x'.repeat(5000) }), undefined);
  });

  it('history filters: the CLI flags, validated (dates, outcome, limit); unknown keys dropped', () => {
    assert.deepEqual(
      parseFilters({ code: '1001', from: '2026-11-01', outcome: 'rerun', limit: 50, extra: 'dropped' }),
      { code: '1001', from: '2026-11-01', outcome: 'rerun', limit: 50 },
    );
    assert.equal(parseFilters({ limit: 0 }), undefined);
    assert.equal(parseFilters({ limit: 10, outcome: 'lost' }), undefined);
    assert.equal(parseFilters({ limit: 10, to: 'tomorrow' }), undefined);
    assert.equal(parseFilters({ limit: 10, name: 'x'.repeat(500) }), undefined);
    assert.equal(parseHistoryToHost({ type: 'search', seq: 1, filters: { limit: 10 } })?.type, 'search');
    assert.equal(parseHistoryToHost({ type: 'openCheckin', deviceId: 'hq', name: '' }), undefined);
  });
});
