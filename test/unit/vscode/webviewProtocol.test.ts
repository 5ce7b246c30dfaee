import * as assert from 'node:assert';
import {
  DEFAULT_QUERY,
  parseHostToWebview,
  parseWebviewState,
  parseWebviewToHost,
} from '../../../src/shared/webviewProtocol';
import { outcome } from './builders';

describe('webview protocol (validated on arrival on both sides)', () => {
  it('accepts every well-formed WebviewToHost message', () => {
    assert.deepStrictEqual(parseWebviewToHost({ type: 'ready' }), { type: 'ready' });
    assert.deepStrictEqual(
      parseWebviewToHost({ type: 'apply', extra: 1 }),
      { type: 'apply' },
      'unknown fields are dropped',
    );
    assert.deepStrictEqual(
      parseWebviewToHost({ type: 'query', seq: 3, query: { ...DEFAULT_QUERY, outcome: 'failed', search: 'x' } }),
      { type: 'query', seq: 3, query: { ...DEFAULT_QUERY, outcome: 'failed', search: 'x' } },
    );
    assert.deepStrictEqual(parseWebviewToHost({ type: 'rerun', keys: ['1', '2'] }), {
      type: 'rerun',
      keys: ['1', '2'],
    });
    assert.deepStrictEqual(
      parseWebviewToHost({ type: 'open', doctype: 'Employee Checkin', name: 'EMP-CKIN-1', deviceId: 'hq' }),
      { type: 'open', doctype: 'Employee Checkin', name: 'EMP-CKIN-1', deviceId: 'hq' },
    );
    assert.deepStrictEqual(parseWebviewToHost({ type: 'link', key: '7' }), { type: 'link', key: '7' });
  });

  it('rejects anything else', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'nope' },
      { type: 'query', seq: -1, query: DEFAULT_QUERY },
      { type: 'query', seq: 1, query: { ...DEFAULT_QUERY, sort: 'secret' } },
      { type: 'query', seq: 1, query: { ...DEFAULT_QUERY, outcome: 'everything' } },
      { type: 'query', seq: 1, query: { ...DEFAULT_QUERY, search: 'x'.repeat(201) } },
      { type: 'query', seq: 1, query: { ...DEFAULT_QUERY, page: 1.5 } },
      { type: 'rerun', keys: [1] },
      { type: 'rerun', keys: 'all' },
      { type: 'open', doctype: 'User', name: 'Administrator', deviceId: 'hq' },
      { type: 'open', doctype: 'Employee', name: '', deviceId: 'hq' },
      { type: 'link' },
    ];
    for (const m of bad) assert.strictEqual(parseWebviewToHost(m), undefined, JSON.stringify(m));
  });

  it('checks host messages too', () => {
    const totals = { all: 1, created: 1, duplicate: 0, failed: 0, skipped: 0 };
    assert.ok(
      parseHostToWebview({
        type: 'page',
        seq: 1,
        rows: [outcome(0)],
        page: 0,
        pageCount: 1,
        pageSize: 200,
        matched: 1,
        totals,
      }),
    );
    assert.ok(
      parseHostToWebview({
        type: 'source',
        source: { ref: { kind: 'run', runId: 'r1' }, title: 'Sync', subtitle: '', isPlan: false, canRerun: true },
      }),
    );
    assert.ok(parseHostToWebview({ type: 'notice', level: 'info', message: 'ok' }));
    assert.strictEqual(
      parseHostToWebview({ type: 'source', source: { ref: { kind: 'bogus' }, title: 'x' } }),
      undefined,
    );
    assert.strictEqual(parseHostToWebview({ type: 'notice', level: 'shout', message: 'x' }), undefined);
  });

  it('restores webview state and repairs a damaged query', () => {
    assert.deepStrictEqual(
      parseWebviewState({ ref: { kind: 'failed', deviceId: 'hq' }, query: { outcome: 'bad' }, selected: ['1', 2] }),
      { ref: { kind: 'failed', deviceId: 'hq' }, query: DEFAULT_QUERY, selected: ['1'] },
    );
    assert.deepStrictEqual(parseWebviewState({ ref: { kind: 'plan', deviceId: 'hq', runId: 'r' } })?.ref, {
      kind: 'plan',
      deviceId: 'hq',
      runId: 'r',
    });
    assert.strictEqual(parseWebviewState({ ref: { kind: 'run' } }), undefined);
    assert.strictEqual(parseWebviewState(undefined), undefined);
  });
});
