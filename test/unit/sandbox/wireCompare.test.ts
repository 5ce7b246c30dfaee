import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { differences, normalise, shapeOf } from '../../wire/compare';
import { loadExchanges, parseCurl } from '../../wire/recordings';

// The pieces of `npm run test:wire`: reading the recorded curl lines, and a comparison that does fail when the
// sandbox answers differently (otherwise the replay could never fail).

const wire = path.resolve(__dirname, '../../../docs/reference/frappe-wire');

const serverMessages = (...messages: string[]): string =>
  JSON.stringify(messages.map((message) => JSON.stringify({ message, title: 'Message' })));

describe('wire replay: recordings', () => {
  it('rebuilds requests from the unquoted curl lines: headers, JSON and url-encoded data, -G, placeholders', () => {
    const post = parseCurl(
      '### REQUEST: curl -X POST -H Authorization: token <sync-api-key>:<sync-api-secret> -H Content-Type: application/json --data {"a":"b c"} http://127.0.0.1:8000/api/method/x',
    );
    assert.deepEqual(post, {
      method: 'POST',
      path: '/api/method/x',
      headers: { Authorization: 'token sync-api-key:sync-api-secret', 'Content-Type': 'application/json' },
      body: '{"a":"b c"}',
    });
    const get = parseCurl(
      '### REQUEST: curl -G -H Authorization: Basic <base64 k:s> --data-urlencode doctype=Has Role --data-urlencode parent=User http://h:8000/api/method/frappe.client.get_list',
    );
    assert.equal(get.method, 'GET');
    assert.equal(get.path, '/api/method/frappe.client.get_list?doctype=Has%20Role&parent=User');
    assert.equal(get.headers.Authorization, `Basic ${Buffer.from('k:s').toString('base64')}`);
    const bare = parseCurl('### REQUEST: curl http://127.0.0.1:8000/api/method/frappe.auth.get_logged_user');
    assert.deepEqual(bare, {
      method: 'GET',
      path: '/api/method/frappe.auth.get_logged_user',
      headers: {},
      body: undefined,
    });
  });

  it('loads all 97 recorded files in the order the site answered them', () => {
    const names = loadExchanges(wire).map((e) => e.name);
    assert.equal(names.length, 97);
    assert.ok(names.indexOf('c1_insert_many_3') < names.indexOf('c2_insert_many_3_duplicate'));
    assert.ok(names.indexOf('g4_weak_add_log_based_on_field') < names.indexOf('g2b_weak_verify'));
    assert.ok(names.indexOf('h9_put_hr_settings_geoloc_off') < names.indexOf('h10_checkin_no_latlong_tracking_off'));
  });
});

describe('wire replay: comparison', () => {
  const dup = (name: string, host = ''): string =>
    `This employee already has a log with the same timestamp.<Br><a href="${host}/app/Form/Employee Checkin/${name}">x</a>`;

  it('accepts answers that differ only in hosts, checkin names, timestamps and key order', () => {
    const real = {
      status: 417,
      body: JSON.stringify({
        exc_type: 'ValidationError',
        _server_messages: serverMessages(dup('EMP-CKIN-12-2026-000001', 'http://127.0.0.1:8000')),
      }),
    };
    const sandbox = {
      status: 417,
      body: JSON.stringify({
        _server_messages: serverMessages(dup('EMP-CKIN-01-2027-000042', 'http://127.0.0.1:41234')),
        exc_type: 'ValidationError',
      }),
    };
    assert.deepEqual(differences(real, sandbox), []);
    assert.equal(normalise('at 2026-12-03 13:17:02.163951 on http://a.b:80'), 'at TIMESTAMP on http://HOST');
  });

  it('reports status, exc_type, single-encoded messages, text and shape differences', () => {
    const real = { status: 200, body: JSON.stringify({ data: [{ name: 'a', n: 1 }] }) };
    assert.match(differences(real, { status: 417, body: '{}' }).join('\n'), /status 200 ≠ 417/);
    assert.match(
      differences(real, { status: 200, body: JSON.stringify({ data: [{ name: 'a', n: '1' }] }) }).join(),
      /shape/,
    );
    const message = { status: 417, body: JSON.stringify({ exc_type: 'A', _server_messages: serverMessages('x') }) };
    const single = JSON.stringify({ exc_type: 'B', _server_messages: JSON.stringify([{ message: 'y' }]) });
    const diffs = differences(message, { status: 417, body: single }).join('\n');
    assert.match(diffs, /exc_type A ≠ B/);
    assert.match(diffs, /_server_messages double ≠ other/);
    assert.match(
      differences(message, {
        status: 417,
        body: JSON.stringify({ exc_type: 'A', _server_messages: serverMessages('y') }),
      }).join(),
      /text "x" ≠ "y"/,
    );
  });

  it('compares values to the second: a stored time that differs fails, microseconds and volatile keys do not', () => {
    const row = (time: string, creation: string) => ({
      status: 200,
      body: JSON.stringify({ data: { name: 'EMP-CKIN-12-2026-000013', time, creation } }),
    });
    const real = row('2026-12-03 13:17:02', '2026-12-03 13:17:02.163951');
    assert.deepEqual(differences(real, row('2026-12-03 13:17:02', '2026-12-03 13:17:02')), []);
    assert.match(differences(real, row('2026-11-01 08:00:00', '2026-12-03 13:17:02')).join(), /values/);
  });

  it('compares a truncated recording by status and the beginning of the body', () => {
    const real = { status: 200, body: '{"message":["EMP-CKIN-12-2026-000019","EMP-CKIN-12-2026-000020","EMP-CKIN-1' };
    const ok = { status: 200, body: '{"message":["EMP-CKIN-12-2026-000003","EMP-CKIN-12-2026-000004","x"]}' };
    assert.deepEqual(differences(real, ok), []);
    assert.notDeepEqual(differences(real, { status: 200, body: '{"message":[]}' }), []);
  });

  it('describes shapes independently of array order', () => {
    assert.equal(shapeOf([{ a: 1 }, { a: null }]), shapeOf([{ a: null }, { a: 2 }]));
    assert.notEqual(shapeOf([1, 2]), shapeOf([1]));
  });
});
