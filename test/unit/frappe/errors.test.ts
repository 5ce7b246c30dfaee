import * as assert from 'node:assert/strict';
import {
  decodeFrappeError,
  decodeServerMessages,
  duplicateCheckinName,
  failureCodeOf,
  frappeErrorFrom,
  htmlToText,
  isTransientStatus,
} from '../../../src/frappe/errors';
import { assertReadOnlyGet } from '../../../src/frappe/api';
import { frappeErrorBody } from '../../support/frappeStub';
import { AUTH_401_TRACEBACK, DUPLICATE_TRACEBACK, INACTIVE, NO_EMPLOYEE } from './referenceBodies';

const ctx = { siteId: 'acme', action: 'POST /api/method/frappe.client.insert_many' };
const classify = (status: number, body: string | object) => {
  const d = decodeFrappeError(status, typeof body === 'string' ? body : JSON.stringify(body));
  return { d, e: frappeErrorFrom(d, ctx) };
};
const DUP_TEXT = 'This employee already has a log with the same timestamp. Employee Checkin Rajbir Singh';
const DUP_HTML =
  'This employee already has a log with the same timestamp.<Br><a href="/app/Form/Employee Checkin/EMP-CKIN-05-2024-000008" style="font-weight: bold;">Employee Checkin Rajbir Singh</a>';

function assertClean(message: string): void {
  for (const bad of ['Traceback', '{"', '_server_messages', 'exc_type', '<a ', '<Br>', '\\"'])
    assert.ok(!message.includes(bad), `"${bad}" leaked into: ${message}`);
}

describe('frappe/errors: decoding the bodies of frappe-api.md §6', () => {
  it('401 AuthenticationError with traceback → auth, names the env vars, no traceback', () => {
    const { d, e } = classify(401, AUTH_401_TRACEBACK);
    assert.equal(d.excType, 'AuthenticationError');
    assert.equal(d.message, '');
    assert.equal(e.reason, 'auth');
    assert.match(e.message, /^Frappe site acme refused the API key\/secret/);
    assert.match(e.hint!, /FRAPPE_API_KEY_ACME/);
    assert.match(e.hint!, /Set Frappe API Key/);
    assertClean(e.message);
  });

  it('401 login body falls back to `message`', () => {
    const { e } = classify(401, { message: 'Invalid login credentials', exc_type: 'AuthenticationError' });
    assert.equal(e.reason, 'auth');
    assert.match(e.message, /Invalid login credentials/);
  });

  it('417 duplicate with traceback (§6.3, verbatim) → duplicate, plain text, checkin name from the link', () => {
    const { d, e } = classify(417, DUPLICATE_TRACEBACK);
    assert.equal(e.reason, 'duplicate');
    assert.equal(e.status, 417);
    assert.equal(e.excType, 'ValidationError');
    assert.equal(e.message, DUP_TEXT);
    assert.equal(d.rawMessage, DUP_HTML);
    assert.equal(duplicateCheckinName(d.rawMessage), 'EMP-CKIN-05-2024-000008');
    assert.equal(failureCodeOf(e), 'refused');
  });

  for (const variant of [{}, { orjson: true }, { traceback: true, orjson: true }]) {
    it(`417 duplicate ${JSON.stringify(variant)} → same message and name`, () => {
      const { d, e } = classify(417, frappeErrorBody('ValidationError', DUP_HTML, variant));
      assert.equal(e.reason, 'duplicate');
      assert.equal(e.message, DUP_TEXT);
      assert.equal(duplicateCheckinName(d.rawMessage), 'EMP-CKIN-05-2024-000008');
    });
  }

  it('duplicate in another language is still recognised by its Employee Checkin link', () => {
    const { d, e } = classify(
      417,
      frappeErrorBody(
        'ValidationError',
        'Dieser Mitarbeiter hat bereits einen Eintrag.<br><a href="/app/employee-checkin/EMP-CKIN-01-2025-000042">Anna</a>',
      ),
    );
    assert.equal(e.reason, 'duplicate');
    assert.equal(duplicateCheckinName(d.rawMessage), 'EMP-CKIN-01-2025-000042');
  });

  it('duplicate without a link: no name, still duplicate', () => {
    const { d, e } = classify(
      417,
      frappeErrorBody('ValidationError', 'This employee already has a log with the same timestamp.'),
    );
    assert.equal(e.reason, 'duplicate');
    assert.equal(duplicateCheckinName(d.rawMessage), undefined);
  });

  it('417 "No Employee found" (verbatim) → employeeNotFound, refused', () => {
    const { e } = classify(417, NO_EMPLOYEE);
    assert.equal(e.reason, 'employeeNotFound');
    assert.equal(e.message, "No Employee found for the given employee field value. 'attendance_device_id': 9999");
    assert.equal(failureCodeOf(e), 'refused');
  });

  it("417 InactiveEmployeeStatusError (verbatim) → validation with Frappe's text, link stripped", () => {
    const { e } = classify(417, INACTIVE);
    assert.equal(e.reason, 'validation');
    assert.equal(e.excType, 'InactiveEmployeeStatusError');
    assert.equal(e.message, 'Transactions cannot be created for an Inactive Employee HR-EMP-00007.');
    assert.equal(failureCodeOf(e), 'refused');
  });

  const refusals: [string, string, string][] = [
    ['ValidationError', 'Log Type is required for check-ins falling in the shift: General Shift.', 'validation'],
    ['ValidationError', 'Latitude and longitude values are required for checking in.', 'validation'],
    ['CheckinRadiusExceededError', 'You must be within 50 meters of your shift location to check in.', 'validation'],
    ['LinkValidationError', 'Could not find Employee: HR-EMP-99999', 'employeeNotFound'],
    ['MandatoryError', 'Error: Value missing for Employee Checkin: Time', 'validation'],
    ['UniqueValidationError', 'Attendance Device ID (Biometric/RF tag ID) must be unique', 'validation'],
  ];
  for (const [exc, message, reason] of refusals) {
    for (const opts of [{}, { traceback: true }, { orjson: true }]) {
      it(`417 ${exc} ${JSON.stringify(opts)} → ${reason}: "${message.slice(0, 30)}…"`, () => {
        const { e } = classify(417, frappeErrorBody(exc, message, opts));
        assert.equal(e.reason, reason);
        assert.equal(e.message, message);
        assert.equal(failureCodeOf(e), 'refused');
        assertClean(e.message);
      });
    }
  }

  it('falls back to the last line of `exception` when there are no server messages', () => {
    const { e } = classify(417, {
      exc_type: 'ValidationError',
      exception:
        'frappe.exceptions.ValidationError: Log Type is required for check-ins falling in the shift: <b>Night</b>.',
      exc: '["Traceback (most recent call last):\\n  File x\\nfrappe.exceptions.ValidationError: boom\\n"]',
    });
    assert.equal(e.message, 'Log Type is required for check-ins falling in the shift: Night.');
  });

  it("403 PermissionError → permission with Frappe's own message and an HR role hint", () => {
    const { e } = classify(
      403,
      frappeErrorBody(
        'PermissionError',
        'User <strong>sync@example.com</strong> does not have doctype access via role permission for document <strong>Employee Checkin</strong>',
        { traceback: true },
      ),
    );
    assert.equal(e.reason, 'permission');
    assert.equal(
      e.message,
      'Frappe site acme: User sync@example.com does not have doctype access via role permission for document Employee Checkin',
    );
    assert.match(e.hint!, /HR Manager or HR User/);
    assert.equal(failureCodeOf(e), 'permission');
  });

  it('403 with `_error_message` only', () => {
    const { e } = classify(403, { exc_type: 'PermissionError', _error_message: 'No permission for Employee Checkin' });
    assert.equal(e.reason, 'permission');
    assert.equal(e.message, 'Frappe site acme: No permission for Employee Checkin');
  });

  it('403 as Guest (v14 and older with a bad key, frappe-js-sdk#55) → auth', () => {
    const { e } = classify(403, {
      exception: 'frappe.exceptions.PermissionError',
      exc_type: 'PermissionError',
      _server_messages: JSON.stringify([
        JSON.stringify({
          message:
            'User <strong>Guest</strong> does not have doctype access via role permission for document <strong>Lead</strong>',
        }),
      ]),
    });
    assert.equal(e.reason, 'auth');
  });

  it('404 → http; HTML page → badResponse asking about the URL', () => {
    assert.equal(classify(404, frappeErrorBody('DoesNotExistError', 'Employee HR-EMP-1 not found')).e.reason, 'http');
    const { e } = classify(404, '<!DOCTYPE html><html><head><title>Page Not Found</title></head><body>…</body></html>');
    assert.equal(e.reason, 'badResponse');
    assert.match(e.message, /answered an HTML page \("Page Not Found"\).*is the site URL right\?/);
    const ok200 = classify(403, '<html><body>Blocked</body></html>').e;
    assert.equal(ok200.reason, 'badResponse');
  });

  it('429 and 5xx (JSON, HTML or plain) → transient', () => {
    for (const [status, body] of [
      [429, 'Too Many Requests'],
      [429, frappeErrorBody('TooManyRequestsError', '')],
      [502, '<html><head><title>502 Bad Gateway</title></head></html>'],
      [
        500,
        frappeErrorBody(
          'TypeError',
          "add_log_based_on_employee_field() missing 2 required positional arguments: 'employee_field_value' and 'timestamp'",
          { traceback: true },
        ),
      ],
    ] as [number, string | object][]) {
      const { e } = classify(status, body);
      assert.ok(isTransientStatus(e.status), `${status}`);
      assert.equal(failureCodeOf(e), 'transient');
      assertClean(e.message);
    }
  });
});

describe('frappe/errors: _server_messages variants', () => {
  const entry = { message: 'Boom &amp; bust', title: 'Message', indicator: 'red', raise_exception: 1 };
  const variants: [string, unknown][] = [
    ['double-encoded (normal)', JSON.stringify([JSON.stringify(entry)])],
    ['single-encoded list of objects', JSON.stringify([entry])],
    ['already a list of objects', [entry]],
    ['a list of JSON strings', [JSON.stringify(entry)]],
    ['a single object string', JSON.stringify(entry)],
    ['a list of plain strings', JSON.stringify(['Boom &amp; bust'])],
  ];
  for (const [name, value] of variants) {
    it(name, () => {
      assert.equal(htmlToText(decodeServerMessages(value)[0].message), 'Boom & bust');
    });
  }

  it('missing or garbage → empty', () => {
    assert.deepEqual(decodeServerMessages(undefined), []);
    assert.deepEqual(decodeServerMessages(''), []);
    assert.deepEqual(decodeServerMessages('[not json'), [{ message: '[not json' }]);
  });

  it('prefers the message that raised over an earlier informational one', () => {
    const body = {
      exc_type: 'ValidationError',
      _server_messages: JSON.stringify([
        JSON.stringify({ message: 'Shift fetched', indicator: 'blue' }),
        JSON.stringify({ message: 'Real problem', raise_exception: 1 }),
      ]),
    };
    assert.equal(decodeFrappeError(417, JSON.stringify(body)).message, 'Real problem');
  });

  it('accepts the v2 error envelope', () => {
    const d = decodeFrappeError(
      417,
      JSON.stringify({ errors: [{ type: 'ValidationError', message: 'Nope <b>x</b>' }] }),
    );
    assert.equal(d.excType, 'ValidationError');
    assert.equal(d.message, 'Nope x');
  });

  it('strips tags and decodes entities', () => {
    assert.equal(
      htmlToText('a<br/>b &lt;c&gt; &#39;d&#x27; &quot;e&quot;&nbsp;f <strong>g</strong>'),
      'a b <c> \'d\' "e" f g',
    );
  });
});

describe('frappe/errors: Frappe v15 and v16 desk links (issue 11)', () => {
  const wrap = (href: string) =>
    `This employee already has a log with the same timestamp.<Br><a href="${href}" style="font-weight: bold;">Employee Checkin Worker D101</a>`;
  for (const href of [
    '/app/Form/Employee Checkin/EMP-CKIN-12-2026-000001', // v15, recording c2
    '/desk/Form/Employee Checkin/EMP-CKIN-12-2026-000001', // v16 desk moved to /desk
    '/app/employee-checkin/EMP-CKIN-12-2026-000001',
    '/desk/employee-checkin/EMP-CKIN-12-2026-000001',
    'https://hr.example.com/desk/employee-checkin/EMP-CKIN-12-2026-000001',
    '/desk/Form/Employee%20Checkin/EMP-CKIN-12-2026-000001',
  ]) {
    it(`duplicate link ${href} → the checkin name, classified duplicate`, () => {
      const { d, e } = classify(417, frappeErrorBody('ValidationError', wrap(href)));
      assert.equal(e.reason, 'duplicate');
      assert.equal(duplicateCheckinName(d.rawMessage), 'EMP-CKIN-12-2026-000001');
    });
  }
});

describe('frappe/api: never a GET on a method that writes (v16 refuses it, v15 rolls it back: f7)', () => {
  it('only read-only methods may be sent with GET', () => {
    for (const path of [
      '/api/method/frappe.client.insert_many',
      '/api/method/frappe.client.insert',
      '/api/method/hrms.hr.doctype.employee_checkin.employee_checkin.add_log_based_on_employee_field',
      '/api/v1/method/frappe.client.set_value',
    ])
      assert.throws(() => assertReadOnlyGet({ method: 'GET', path }), /must be called with POST/, path);
    for (const path of [
      '/api/method/frappe.auth.get_logged_user',
      '/api/method/frappe.client.get_time_zone',
      '/api/resource/User/sync%40acme.test',
    ])
      assertReadOnlyGet({ method: 'GET', path });
    assertReadOnlyGet({ method: 'POST', path: '/api/method/frappe.client.insert_many' });
  });
});
