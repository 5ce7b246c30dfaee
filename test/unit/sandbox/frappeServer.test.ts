import * as assert from 'node:assert/strict';
import { startFrappeSandbox, type FrappeSandbox, type FrappeSandboxOptions } from '../../../src/sandbox/frappe/server';

// Transactions, error bodies, document updates, cost model, faults and the limiter (frappe-api.md §2, §4.1, §6, §11).

const auth = { Authorization: 'token demo-key:demo-secret', Accept: 'application/json' };

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

async function send(
  sb: FrappeSandbox,
  method: string,
  path: string,
  payload?: unknown,
  extra: Record<string, string> = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...auth, ...extra };
  if (payload !== undefined && typeof payload !== 'string') headers['Content-Type'] = 'application/json';
  const body = payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload);
  const res = await fetch(sb.url + path, { method, headers, body });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

function decoded(body: Record<string, unknown>): Array<Record<string, unknown>> {
  return (JSON.parse(String(body._server_messages)) as string[]).map((m) => JSON.parse(m) as Record<string, unknown>);
}

const checkin = (employee: string, time: string): Record<string, unknown> => ({
  doctype: 'Employee Checkin',
  employee,
  time,
  log_type: 'IN',
});
const insertMany = '/api/method/frappe.client.insert_many';

async function withSandbox(opts: FrappeSandboxOptions, run: (sb: FrappeSandbox) => Promise<void>): Promise<void> {
  const sb = await startFrappeSandbox({ now: () => new Date('2024-05-24T15:29:52Z'), ...opts });
  sb.store.addEmployee({ name: 'HR-EMP-00003', employee_name: 'Rajbir Singh', attendance_device_id: '101' });
  sb.store.addEmployee({ name: 'HR-EMP-00004', employee_name: 'Zoë Müller', attendance_device_id: '102' });
  try {
    await run(sb);
  } finally {
    await sb.close();
  }
}

describe('Frappe sandbox: insert_many and insert', () => {
  it('returns the names and commits all docs', () =>
    withSandbox({}, async (sb) => {
      const reply = await send(sb, 'POST', insertMany, {
        docs: [checkin('HR-EMP-00003', '2024-05-24 08:50:08'), checkin('HR-EMP-00004', '2024-05-24 08:51:02')],
      });
      assert.deepEqual(reply.body, { message: ['EMP-CKIN-05-2024-000001', 'EMP-CKIN-05-2024-000002'] });
      assert.equal(sb.counters.checkinsWritten, 2);
    }));

  it('is all-or-nothing: one bad doc rolls back the whole batch, names included', () =>
    withSandbox({}, async (sb) => {
      const docs = JSON.stringify([
        checkin('HR-EMP-00003', '2024-05-24 08:50:08'),
        checkin('HR-EMP-00003', '2024-05-24 08:50:08'),
      ]);
      const reply = await send(sb, 'POST', insertMany, { docs });
      assert.equal(reply.status, 417);
      assert.match(String(decoded(reply.body)[0].message), /^This employee already has a log with the same timestamp/);
      assert.equal(sb.store.checkins().length, 0);
      assert.equal(sb.counters.rolledBack, 1);
      const again = await send(sb, 'POST', insertMany, { docs: [checkin('HR-EMP-00003', '2024-05-24 08:50:08')] });
      assert.deepEqual(again.body, { message: ['EMP-CKIN-05-2024-000001'] });
    }));

  it('accepts 200 docs and refuses 201 with "Only 200 inserts allowed in one request"', () =>
    withSandbox({}, async (sb) => {
      const docs = (n: number): unknown[] =>
        Array.from({ length: n }, (_, i) =>
          checkin(
            'HR-EMP-00003',
            `2024-05-24 08:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
          ),
        );
      const refused = await send(sb, 'POST', insertMany, { docs: docs(201) });
      assert.equal(refused.status, 417);
      assert.equal(decoded(refused.body)[0].message, 'Only 200 inserts allowed in one request');
      assert.equal(sb.store.checkins().length, 0);
      const accepted = await send(sb, 'POST', insertMany, { docs: docs(200) });
      assert.equal((accepted.body.message as string[]).length, 200);
    }));

  it('refuses GET for POST-only methods with 403 "Not permitted"', () =>
    withSandbox({}, async (sb) => {
      const reply = await send(
        sb,
        'GET',
        `${insertMany}?docs=${encodeURIComponent(JSON.stringify([checkin('HR-EMP-00003', '2024-05-24 08:50:08')]))}`,
      );
      assert.equal(reply.status, 403);
      assert.equal(decoded(reply.body)[0].message, 'Not permitted');
    }));

  it('frappe.client.insert answers with as_dict(): nulls kept', () =>
    withSandbox({}, async (sb) => {
      const reply = await send(sb, 'POST', '/api/method/frappe.client.insert', {
        doc: checkin('HR-EMP-00003', '2024-05-24 08:50:08'),
      });
      const doc = reply.body.message as Record<string, unknown>;
      assert.equal(doc.attendance, null);
      assert.equal(doc.name, 'EMP-CKIN-05-2024-000001');
    }));
});

describe('Frappe sandbox: error bodies', () => {
  const duplicate = async (sb: FrappeSandbox): Promise<Reply> => {
    sb.store.addCheckin({ employee: 'HR-EMP-00004', time: '2024-05-24 08:50:08', log_type: 'IN' });
    return send(sb, 'POST', '/api/resource/Employee Checkin', checkin('HR-EMP-00004', '2024-05-24 08:50:08'));
  };

  it('double-encodes _server_messages with Python separators and ASCII escapes, no traceback by default', () =>
    withSandbox({}, async (sb) => {
      const reply = await duplicate(sb);
      assert.deepEqual(Object.keys(reply.body), ['exc_type', '_server_messages']);
      const outer = JSON.parse(String(reply.body._server_messages)) as string[];
      assert.equal(typeof outer[0], 'string');
      assert.match(outer[0], /^\{"message": "This employee/);
      assert.match(outer[0], /Employee Checkin Zo\\u00eb M\\u00fcller/);
      const entry = decoded(reply.body)[0];
      assert.deepEqual(Object.keys(entry), ['message', 'title', 'indicator', 'raise_exception', '__frappe_exc_id']);
      assert.deepEqual([entry.title, entry.indicator, entry.raise_exception], ['Message', 'red', 1]);
    }));

  it('adds exception and exc with allowErrorTraceback, and compacts inner JSON with orjsonStyle', () =>
    withSandbox({ allowErrorTraceback: true, orjsonStyle: true }, async (sb) => {
      const reply = await duplicate(sb);
      assert.deepEqual(Object.keys(reply.body), ['exception', 'exc_type', 'exc', '_server_messages']);
      assert.match(
        String(reply.body.exception),
        /^frappe\.exceptions\.ValidationError: This employee already has a log/,
      );
      assert.match((JSON.parse(String(reply.body.exc)) as string[])[0], /^Traceback \(most recent call last\)/);
      assert.match((JSON.parse(String(reply.body._server_messages)) as string[])[0], /^\{"message":"This employee/);
      const missing = await send(sb, 'GET', '/api/resource/Employee/nobody');
      assert.equal('exception' in missing.body, false);
    }));
});

describe('Frappe sandbox: updates and other doctypes', () => {
  it('enforces the unique attendance_device_id on PUT Employee', () =>
    withSandbox({}, async (sb) => {
      const reply = await send(sb, 'PUT', '/api/resource/Employee/HR-EMP-00004', { attendance_device_id: '101 ' });
      assert.equal(reply.status, 417);
      assert.equal(reply.body.exc_type, 'UniqueValidationError');
      assert.equal(decoded(reply.body)[0].message, 'Attendance Device ID (Biometric/RF tag ID) must be unique');
      const ok = await send(sb, 'PUT', '/api/resource/Employee/HR-EMP-00004', { attendance_device_id: '202' });
      assert.equal((ok.body.data as Record<string, unknown>).attendance_device_id, '202');
      sb.store.setPermissions('sync@example.com', { writeEmployee: false });
      assert.equal(
        (await send(sb, 'PUT', '/api/resource/Employee/HR-EMP-00004', { attendance_device_id: '203' })).status,
        403,
      );
    }));

  it('updates Shift Type last_sync_of_checkin from a bare JSON body without Content-Type', () =>
    withSandbox({}, async (sb) => {
      sb.store.addShiftType({ name: 'General Shift' });
      const reply = await send(
        sb,
        'PUT',
        '/api/resource/Shift Type/General Shift',
        JSON.stringify({ last_sync_of_checkin: '2024-05-24 10:00:00.000000' }),
      );
      assert.equal(reply.status, 200);
      assert.equal(sb.store.shiftTypes()[0].last_sync_of_checkin, '2024-05-24 10:00:00');
    }));

  it('answers a duplicate primary key with 409 DuplicateEntryError', () =>
    withSandbox({}, async (sb) => {
      const body = { name: 'Night', start_time: '22:00:00', end_time: '06:00:00' };
      assert.equal((await send(sb, 'POST', '/api/resource/Shift Type', body)).status, 200);
      const again = await send(sb, 'POST', '/api/resource/Shift Type', body);
      assert.equal(again.status, 409);
      assert.equal(again.body.exc_type, 'DuplicateEntryError');
      assert.equal(decoded(again.body)[0].message, 'Shift Type Night already exists');
    }));

  it('deletes with 202 {"data": "ok"}', () =>
    withSandbox({}, async (sb) => {
      const name = sb.store.addCheckin({ employee: 'HR-EMP-00003', time: '2024-05-24 08:50:08' });
      const reply = await send(sb, 'DELETE', `/api/resource/Employee Checkin/${name}`);
      assert.equal(reply.status, 202);
      assert.deepEqual(reply.body, { data: 'ok' });
      assert.equal(sb.store.checkins().length, 0);
    }));

  it('serves the HR Settings single', () =>
    withSandbox({}, async (sb) => {
      sb.store.setHrSettings({ allow_geolocation_tracking: true });
      const reply = await send(sb, 'GET', '/api/resource/HR Settings/HR Settings');
      assert.equal((reply.body.data as Record<string, unknown>).allow_geolocation_tracking, 1);
    }));
});

describe('Frappe sandbox: cost model, faults and limiter', () => {
  const batch = (i: number): unknown => ({
    docs: [checkin('HR-EMP-00003', `2024-05-24 09:00:0${i}`), checkin('HR-EMP-00004', `2024-05-24 09:00:0${i}`)],
  });

  it('spends perDocCostMs per checkin inside the worker slots', () =>
    withSandbox({ workers: 1, perDocCostMs: 15 }, async (sb) => {
      const replies = await Promise.all([0, 1, 2].map((i) => send(sb, 'POST', insertMany, batch(i))));
      assert.deepEqual(
        replies.map((r) => r.status),
        [200, 200, 200],
      );
      assert.equal(sb.counters.workMs, 3 * 2 * 15);
      assert.equal(sb.counters.maxInFlight, 1);
      assert.equal(sb.counters.checkinsWritten, 6);
    }));

  it('overlaps requests when workers allow it', () =>
    withSandbox({ workers: 2, perDocCostMs: 60 }, async (sb) => {
      await Promise.all([0, 1, 2, 3].map((i) => send(sb, 'POST', insertMany, batch(i))));
      assert.equal(sb.counters.maxInFlight, 2);
      assert.equal(sb.counters.workMs, 4 * 2 * 60);
    }));

  it('serves injected faults before the handler runs', () =>
    withSandbox({}, async (sb) => {
      sb.faults.injectNext('503', 1, /insert_many/);
      const failed = await send(sb, 'POST', insertMany, batch(0));
      assert.equal(failed.status, 503);
      assert.equal(sb.store.checkins().length, 0);
      sb.faults.injectNext('reset');
      await assert.rejects(send(sb, 'POST', insertMany, batch(0)));
      assert.deepEqual([sb.faults.counts['503'], sb.faults.counts.reset], [1, 1]);
      assert.equal((await send(sb, 'POST', insertMany, batch(0))).status, 200);
    }));

  it('refuses with 429 once the site-wide limiter window is spent, until the window rolls', async () => {
    let clock = new Date('2024-05-24T15:29:00Z');
    await withSandbox({ now: () => clock, rateLimit: { limitMs: 2, windowSeconds: 60 } }, async (sb) => {
      const path = '/api/method/frappe.auth.get_logged_user';
      assert.equal((await send(sb, 'GET', path)).status, 200);
      const second = await send(sb, 'GET', path);
      assert.equal(second.headers.get('x-ratelimit-limit'), '2000');
      const refused = await send(sb, 'GET', path);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.exc_type, 'TooManyRequestsError');
      assert.equal(refused.headers.get('retry-after'), '60');
      clock = new Date('2024-05-24T15:30:00Z');
      assert.equal((await send(sb, 'GET', path)).status, 200);
    });
  });
});
