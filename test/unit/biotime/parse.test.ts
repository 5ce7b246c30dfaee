import * as assert from 'node:assert/strict';
import { decodeJson } from '../../../src/biotime/answers';
import { normaliseDateTime, parseEnvelope, parsePunch, parseTerminal, rawKey } from '../../../src/biotime/parse';
import { BioTimeError } from '../../../src/core/errors';
import { tx } from '../../support/biotimeStub';

const S = 'BioTime hq';
const W = 'GET /iclock/api/transactions/';

describe('biotime/parse: records → Punch', () => {
  it('maps a documented record', () => {
    const p = parsePunch(
      tx(48211, {
        emp_code: '1001',
        first_name: ' Sara ',
        last_name: 'Ali',
        punch_time: '2026-03-02 07:58:41',
        punch_state: '0',
        punch_state_display: 'Check In',
      }),
    );
    assert.equal(p.key, '48211');
    assert.equal(p.id, 48211);
    assert.equal(p.empCode, '1001');
    assert.equal(p.name, 'Sara Ali');
    assert.equal(p.punchTime, '2026-03-02 07:58:41');
    assert.equal(p.uploadTime, '2026-03-02 09:31:00');
    assert.equal(p.punchState, '0');
    assert.equal(p.punchStateDisplay, 'Check In');
    assert.equal(p.terminalSn, 'CQUJ1');
    assert.equal(p.problem, undefined);
  });

  it('keeps emp_code as text: leading zeros stay, numbers become strings, spaces are trimmed', () => {
    assert.equal(parsePunch(tx(1, { emp_code: '007' })).empCode, '007');
    assert.equal(parsePunch(tx(1, { emp_code: 1001 })).empCode, '1001');
    assert.equal(parsePunch(tx(1, { emp_code: '  0042 ' })).empCode, '0042');
  });

  it('treats punch_state as opaque text: ints become strings, letters and 255 pass, missing is ""', () => {
    assert.equal(parsePunch(tx(1, { punch_state: 1 })).punchState, '1');
    assert.equal(parsePunch(tx(1, { punch_state: 'I' })).punchState, 'I');
    assert.equal(parsePunch(tx(1, { punch_state: '255' })).punchState, '255');
    const missing = parsePunch(tx(1, { punch_state: undefined, punch_state_display: null }));
    assert.equal(missing.punchState, '');
    assert.equal(missing.punchStateDisplay, '');
    assert.equal(missing.problem, undefined);
  });

  it('accepts loose types: id and coordinates as strings, nulls for text', () => {
    const p = parsePunch(
      tx(null, { id: '17', latitude: '25.2', longitude: '55.3', terminal_alias: null, area_alias: undefined }),
    );
    assert.equal(p.id, 17);
    assert.equal(p.key, '17');
    assert.equal(p.latitude, 25.2);
    assert.equal(p.longitude, 55.3);
    assert.equal(p.terminalAlias, '');
    assert.equal(p.areaAlias, '');
  });

  it('drops 0,0 and out-of-range coordinates', () => {
    assert.equal(parsePunch(tx(1, { latitude: 0, longitude: 0 })).latitude, null);
    assert.equal(parsePunch(tx(1, { latitude: 95, longitude: 10 })).latitude, null);
    assert.equal(parsePunch(tx(1, { latitude: '-', longitude: '-' })).longitude, null);
  });

  it('flags an empty emp_code', () => {
    for (const code of ['', '  ', null, undefined])
      assert.equal(parsePunch(tx(1, { emp_code: code })).problem, 'empty emp_code');
  });

  it('flags an unparsable punch_time and keeps the text', () => {
    const p = parsePunch(tx(1, { punch_time: '02/03/2026 8:00' }));
    assert.equal(p.problem, "punch_time '02/03/2026 8:00' is not a date-time");
    assert.equal(p.punchTime, '02/03/2026 8:00');
    assert.match(parsePunch(tx(1, { punch_time: '2026-02-30 08:00:00' })).problem!, /not a date-time/);
    assert.match(parsePunch(tx(1, { punch_time: null })).problem!, /punch_time '' is not a date-time/);
  });

  it('gives a record without a usable id a raw:<sha1> key that ignores key order', () => {
    const a = parsePunch({ emp_code: '1', punch_time: '2026-03-02 08:00:00' });
    const b = parsePunch({ punch_time: '2026-03-02 08:00:00', emp_code: '1' });
    assert.match(a.key, /^raw:[0-9a-f]{40}$/);
    assert.equal(a.key, b.key);
    assert.equal(a.id, null);
    assert.equal(a.problem, 'record has no id');
    assert.equal(parsePunch(tx(null, { id: 'x1' })).problem, "id 'x1' is not a positive integer");
    assert.equal(parsePunch(tx(null, { id: 0 })).id, null);
    assert.equal(rawKey({ a: 1, b: [1, { c: 2 }] }), rawKey({ b: [1, { c: 2 }], a: 1 }));
  });

  it('joins several problems and survives a non-object record', () => {
    assert.equal(parsePunch(tx(null, { emp_code: '' })).problem, 'record has no id; empty emp_code');
    const p = parsePunch('garbage');
    assert.match(p.problem!, /not a JSON object/);
    assert.match(p.key, /^raw:/);
  });
});

describe('biotime/parse: timestamps', () => {
  it('normalises T, fractions and missing seconds', () => {
    assert.equal(normaliseDateTime('2026-03-02T07:58:41'), '2026-03-02 07:58:41');
    assert.equal(normaliseDateTime('2026-03-02 07:58:41.123456'), '2026-03-02 07:58:41');
    assert.equal(normaliseDateTime('2026-03-02 07:58'), '2026-03-02 07:58:00');
    assert.equal(normaliseDateTime(' 2026-3-2 7:58:41 '), '2026-03-02 07:58:41');
  });

  it('converts a time with an offset into the BioTime zone, and refuses it without one', () => {
    assert.equal(normaliseDateTime('2026-03-02T04:00:00Z', 'Asia/Dubai'), '2026-03-02 08:00:00');
    assert.equal(normaliseDateTime('2026-03-02T08:00:00+04:00', 'Asia/Dubai'), '2026-03-02 08:00:00');
    assert.equal(normaliseDateTime('2026-03-02T08:00:00+0530', 'UTC'), '2026-03-02 02:30:00');
    assert.equal(normaliseDateTime('2026-03-02T04:00:00Z'), null);
    assert.equal(
      parsePunch(tx(1, { punch_time: '2026-03-02T04:00:00Z' }), { timeZone: 'Asia/Dubai' }).punchTime,
      '2026-03-02 08:00:00',
    );
  });

  it('refuses impossible dates and other shapes', () => {
    for (const v of [
      '2026-13-01 00:00:00',
      '2026-02-29 00:00:00',
      '2026-03-02 24:00:00',
      '2026-03-02',
      'yesterday',
      1700000000,
    ]) {
      assert.equal(normaliseDateTime(v), null, String(v));
    }
    assert.equal(normaliseDateTime('2028-02-29 00:00:00'), '2028-02-29 00:00:00');
  });
});

describe('biotime/parse: envelope and bodies', () => {
  it('reads data, falls back to results, accepts count as text and a bare list', () => {
    const e = parseEnvelope(
      { count: '2', next: 'http://10.0.0.1/x?page=2', previous: null, msg: '', code: 0, data: [{}, {}] },
      S,
      W,
    );
    assert.equal(e.count, 2);
    assert.equal(e.rows.length, 2);
    assert.equal(e.next, 'http://10.0.0.1/x?page=2');
    assert.equal(parseEnvelope({ count: 1, next: null, results: [{}] }, S, W).rows.length, 1);
    assert.equal(parseEnvelope({ count: 1, data: [], results: [{}] }, S, W).rows.length, 1);
    assert.deepEqual(parseEnvelope({ count: 0, data: [], results: [] }, S, W).rows, []);
    assert.equal(parseEnvelope([{}, {}, {}], S, W).count, 3);
    assert.equal(parseEnvelope({ count: 1, next: 'null', data: [{}] }, S, W).next, null);
  });

  it('treats a non-zero code as an error, and a licence message as a licence error', () => {
    assert.throws(
      () => parseEnvelope({ code: 1, msg: 'Something failed', data: [] }, S, W),
      (e) => BioTimeError.is(e, 'http') && /code 1.*Something failed/.test(e.message),
    );
    assert.throws(
      () => parseEnvelope({ code: '403', msg: 'License expired', data: [] }, S, W),
      (e) => BioTimeError.is(e, 'license'),
    );
    assert.doesNotThrow(() => parseEnvelope({ code: '0', msg: '', data: [] }, S, W));
  });

  it('refuses JSON without a list', () => {
    assert.throws(
      () => parseEnvelope({ count: 3 }, S, W),
      (e) => BioTimeError.is(e, 'badResponse') && /without a "data" list/.test(e.message),
    );
    assert.throws(
      () => parseEnvelope('x', S, W),
      (e) => BioTimeError.is(e, 'badResponse'),
    );
  });

  it('explains HTML, malformed, empty and too-deep bodies without quoting them', () => {
    const html = '<html><body>Page not found secret-ish</body></html>';
    assert.throws(
      () => decodeJson(html, S, W),
      (e) =>
        BioTimeError.is(e, 'badResponse') &&
        e.message ===
          `${S} answered an HTML page instead of JSON for ${W} — is the URL the BioTime server root, and is the API module installed?`,
    );
    assert.throws(
      () => decodeJson('{"count": 3, "data": [{"device_password": "1234"', S, W),
      (e) => BioTimeError.is(e, 'badResponse') && /malformed JSON/.test(e.message) && !e.message.includes('1234'),
    );
    assert.throws(
      () => decodeJson('', S, W),
      (e) => BioTimeError.is(e, 'badResponse') && /empty body/.test(e.message),
    );
    assert.throws(
      () => decodeJson('['.repeat(100) + ']'.repeat(100), S, W),
      (e) => BioTimeError.is(e, 'badResponse') && /nested too deeply/.test(e.message),
    );
  });
});

describe('biotime/parse: terminals', () => {
  it('maps §6 fields with loose types', () => {
    const t = parseTerminal({
      id: '5',
      sn: 'A6KX',
      alias: 'Main gate',
      area: { id: 1, area_code: '1', area_name: 'Head office' },
      last_activity: '2026-03-02 15:04:38',
      user_count: '12',
      transaction_count: null,
      state: '1',
    });
    assert.deepEqual(
      { ...t, raw: undefined },
      {
        id: 5,
        sn: 'A6KX',
        alias: 'Main gate',
        area: 'Head office',
        lastActivity: '2026-03-02 15:04:38',
        userCount: 12,
        transactionCount: null,
        raw: undefined,
      },
    );
    assert.equal(parseTerminal({ sn: 'X', area: 'Lobby' }).area, 'Lobby');
    assert.equal(parseTerminal({ sn: 'X', area: { id: 1 }, area_name: 'Yard' }).area, 'Yard');
    assert.equal(parseTerminal({ sn: 'X', last_activity: null }).lastActivity, null);
  });
});
