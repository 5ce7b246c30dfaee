// The redactor is the last line of defence for secrets in logs, run records, `--json` output and the webview.
// What holds today is tested; what the security campaign found broken is kept as skipped reproductions (the
// campaign's owner does not patch src/core): un-skip each with its fix.
import * as assert from 'node:assert/strict';
import { Redactor } from '../../src/core/redact';

const SECRET = 'hushhush-secret-9e8d7c';
const KEY = 'planted-key-5c1f2a';

describe('security: redaction of planted secrets', () => {
  it('masks a registered secret wherever it appears in text, and in values written as JSON', () => {
    const r = new Redactor();
    r.add(SECRET);
    assert.equal(r.redact(`before ${SECRET} after ${SECRET}`).includes(SECRET), false);
    assert.equal(JSON.stringify(r.redactValue({ a: [{ b: `x${SECRET}y` }] })).includes(SECRET), false);
  });

  it('masks secret shapes it was never told about: Authorization values, JWTs, credentials in URLs', () => {
    const r = new Redactor();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlLXZhbHVl';
    const out = r.redact(`Authorization: token ${KEY}:${SECRET} | JWT ${jwt} | https://api:${SECRET}@biotime.example/`);
    for (const s of [SECRET, jwt]) assert.equal(out.includes(s), false, out);
  });

  // FINDING: redactValue serialises to JSON, masks, and parses back; the key=value pattern
  // (password|token|secret…)(: or =)(value) eats the closing quote of the JSON string and inserts its own quotes,
  // so JSON.parse throws SyntaxError. deviceRun.ts catches errors with redactValue(describeError(e)): a run whose
  // error text contains "password: …", "token=…" or "secret: …" (a BioTime 400 {"password": ["This field may not be
  // blank."]} reads "password: This field may not be blank") then ends with the SyntaxError's text as its error,
  // its record stays "running" and the device state is not saved. doctor.ts and engine.ts use it the same way.
  // Seen end to end: a BioTime that echoes "Received password: …" in its refusal (see test/system/securitySecrets).
  it('redactValue never throws on text that looks like key=value (FINDING)', () => {
    const r = new Redactor();
    for (const message of ['BioTime refused: password: This field may not be blank.', 'token=abc', 'the secret: x', 'api_key=1; apiSecret: 2']) {
      assert.doesNotThrow(() => r.redactValue({ message }), message);
    }
  });

  // FINDING: a registered secret with a quote or a backslash is looked for only as typed; inside JSON it is
  // escaped (\" and \\), so redactValue (and `redact` over `--json` output) leave it in clear.
  it('masks a registered secret with quotes and backslashes inside JSON too (FINDING)', () => {
    const r = new Redactor();
    const pw = 'pa"ss\\wörd-77';
    r.add(pw);
    const value = r.redactValue({ message: `login failed for ${pw}` });
    assert.equal(value.message.includes(pw), false, JSON.stringify(value));
    const json = r.redact(JSON.stringify({ message: `login failed for ${pw}` }));
    assert.equal(json.includes(JSON.stringify(pw).slice(1, -1)), false, json);
  });

  // FINDING: Frappe's header is "Authorization: token <key>:<secret>", lowercase. Without the word
  // "Authorization" in front (a proxy's "request authorised as token k:s", a traceback), the generic pattern only
  // matches "Token". Processes that never loaded the credentials (`show-run`, `failed`, the extension's webview)
  // have only the patterns to rely on. End to end: test/system/securitySecrets.test.ts.
  it('masks a Frappe "token key:secret" value without its header name (FINDING)', () => {
    const out = new Redactor().redact(`request authorised as token ${KEY}:${SECRET}`);
    assert.equal(out.includes(SECRET), false, out);
  });
});
