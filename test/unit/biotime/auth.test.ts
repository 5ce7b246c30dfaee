import * as assert from 'node:assert/strict';
import { jwtExpiry } from '../../../src/biotime/auth';
import { BioTimeError, CredentialsMissingError } from '../../../src/core/errors';
import { makeJwt, tx } from '../../support/biotimeStub';
import { biotimeKit, readAll, range, type Kit } from '../../support/biotimeKit';

const JWT_LOGIN = '/jwt-api-token-auth/';
const TOKEN_LOGIN = '/api-token-auth/';
const TX = '/iclock/api/transactions/';

describe('biotime/auth', () => {
  let k: Kit;
  afterEach(async () => k && (await k.close()));

  it('logs in with JWT, sends "Authorization: JWT <token>", stores the token and reuses it while exp is > now + 60 s', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 3).map((i) => tx(i));
    await readAll(k.client);
    assert.equal(k.stub.count('POST', JWT_LOGIN), 1);
    const login = k.stub.calls.find((c) => c.path === JWT_LOGIN)!;
    assert.deepEqual(login.body, { username: 'api', password: 'secret-pass' });
    const stored = k.creds.tokens.get('hq')!;
    assert.ok(jwtExpiry(stored));
    assert.equal(k.stub.calls.find((c) => c.path === TX)!.authorization, `JWT ${stored}`);

    // A later run (new client) reuses the stored token: 300 s lifetime, 200 s later is still > 60 s away.
    k.clock.advance(200_000);
    await readAll(k.newClient());
    assert.equal(k.stub.count('POST', JWT_LOGIN), 1);

    // 41 s later only 59 s remain: log in again before going on, and store the new token.
    k.clock.advance(41_000);
    await readAll(k.newClient());
    assert.equal(k.stub.count('POST', JWT_LOGIN), 2);
    assert.notEqual(k.creds.tokens.get('hq'), stored);
    assert.equal(k.stub.count('GET', TX), 3, 'no request was sent with the nearly expired token');
  });

  it('uses the general token scheme: POST /api-token-auth/, "Token <key>", reused until a 401', async () => {
    k = await biotimeKit({ authScheme: 'token' });
    k.stub.transactions = [tx(1)];
    await readAll(k.client);
    assert.equal(k.stub.count('POST', TOKEN_LOGIN), 1);
    assert.equal(k.stub.count('POST', JWT_LOGIN), 0);
    const key = k.creds.tokens.get('hq')!;
    assert.match(key, /^[0-9a-f]{40}$/);
    assert.equal(k.stub.calls.find((c) => c.path === TX)!.authorization, `Token ${key}`);
    k.clock.advance(30 * 86_400_000);
    await readAll(k.newClient());
    assert.equal(k.stub.count('POST', TOKEN_LOGIN), 1, 'a token without exp is reused whatever the time');
    k.stub.revokeTokens();
    await readAll(k.newClient());
    assert.equal(k.stub.count('POST', TOKEN_LOGIN), 2);
  });

  it('drops a stored token of the other scheme or of another user instead of trying it', async () => {
    k = await biotimeKit();
    k.stub.transactions = [tx(1)];
    k.creds.tokens.set('hq', 'a'.repeat(40));
    await readAll(k.client);
    assert.equal(k.stub.count('POST', JWT_LOGIN), 1);
    assert.equal(k.stub.calls.filter((c) => c.path === TX && c.authorization === `JWT ${'a'.repeat(40)}`).length, 0);

    const other = makeJwt({ username: 'someone-else', exp: Math.floor(k.clock.now().getTime() / 1000) + 3600 });
    k.stub.acceptToken(other, 'JWT', Math.floor(k.clock.now().getTime() / 1000) + 3600);
    k.creds.tokens.set('hq', other);
    await readAll(k.newClient());
    assert.equal(k.stub.count('POST', JWT_LOGIN), 2);
  });

  it('logs in once more after a 401 mid-pagination and retries that page once, skipping nothing', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 35).map((i) => tx(i));
    k.stub.beforeTransactionsPage = (call) => call === 3 && k.stub.revokeTokens();
    const { ids } = await readAll(k.client);
    assert.deepEqual(ids, range(1, 35));
    assert.equal(k.stub.count('POST', JWT_LOGIN), 2);
    // The stub revokes while serving page 3, so page 4 meets the 401 and is asked again.
    assert.deepEqual(k.stub.pagesRequested(), [1, 2, 3, 4, 4]);
  });

  it('a token refused again right after a fresh login fails with advice to try the token scheme', async () => {
    k = await biotimeKit();
    k.stub.on((r) => (r.path === TX ? { status: 401, body: { detail: 'Invalid signature.' } } : undefined));
    await assert.rejects(
      readAll(k.client),
      (e) => BioTimeError.is(e, 'auth') && /freshly issued token/.test(e.message) && /authScheme/.test(e.hint!),
    );
    assert.equal(k.stub.count('POST', JWT_LOGIN), 2);
    assert.equal(k.stub.count('GET', TX), 2);
  });

  it('bad credentials: a clear auth error, then fail fast for 60 s without calling the login endpoint again', async () => {
    k = await biotimeKit();
    k.creds.secrets.biotimePassword = 'wrong';
    const refused = (e: unknown) =>
      BioTimeError.is(e, 'auth') &&
      e.message.startsWith("BioTime hq refused the username/password for user 'api'") &&
      /password/i.test(e.hint ?? '') &&
      !e.message.includes('wrong');
    await assert.rejects(readAll(k.client), refused);
    assert.equal(k.stub.count('POST', JWT_LOGIN), 1);
    await assert.rejects(readAll(k.client), (e) => refused(e) && /paused/.test((e as Error).message));
    await assert.rejects(k.newClient().probe(), refused);
    assert.equal(k.stub.count('POST', JWT_LOGIN), 1, 'no second login within the cool-down');
    assert.equal(k.stub.count('GET', TX), 0);

    k.clock.advance(61_000);
    await assert.rejects(readAll(k.client), refused);
    assert.equal(k.stub.count('POST', JWT_LOGIN), 2, 'tried again after the cool-down');
  });

  it('a corrected password is tried at once, even during the cool-down', async () => {
    k = await biotimeKit();
    k.stub.transactions = [tx(1)];
    k.creds.secrets.biotimePassword = 'wrong';
    await assert.rejects(readAll(k.client));
    k.creds.secrets.biotimePassword = 'secret-pass';
    const { ids } = await readAll(k.client);
    assert.deepEqual(ids, [1]);
    assert.equal(k.stub.count('POST', JWT_LOGIN), 2);
  });

  it('401 on the login endpoint counts as refused credentials too', async () => {
    k = await biotimeKit();
    k.stub.on((r) => (r.path === JWT_LOGIN ? { status: 401, body: { detail: 'Nope' } } : undefined));
    await assert.rejects(readAll(k.client), (e) => BioTimeError.is(e, 'auth'));
    await assert.rejects(readAll(k.client), (e) => BioTimeError.is(e, 'auth'));
    assert.equal(k.stub.count('POST', JWT_LOGIN), 1);
  });

  it('a missing password is CredentialsMissingError and nothing is sent', async () => {
    k = await biotimeKit();
    k.creds.secrets.biotimePassword = undefined;
    await assert.rejects(readAll(k.client), (e) => CredentialsMissingError.is(e) && /device 'hq'/.test(e.message));
    assert.equal(k.stub.calls.length, 0);
  });

  it('403 mentioning the licence is reason license; other 403s are permission', async () => {
    k = await biotimeKit();
    k.stub.on((r) =>
      r.path === TX
        ? { status: 403, body: { detail: 'The API module is not licensed. Please activate the license.' } }
        : undefined,
    );
    await assert.rejects(readAll(k.client), (e) => BioTimeError.is(e, 'license') && e.status === 403);
    k.stub.on((r) =>
      r.path === TX
        ? { status: 403, body: { detail: 'You do not have permission to perform this action.' } }
        : undefined,
    );
    await assert.rejects(readAll(k.client), (e) => BioTimeError.is(e, 'permission'));
    k.stub.on((r) => (r.path === JWT_LOGIN ? { status: 403, text: 'License expired' } : undefined));
    k.creds.tokens.clear();
    await assert.rejects(readAll(k.newClient()), (e) => BioTimeError.is(e, 'license'));
  });

  it('a login endpoint that answers HTML says so, and suggests the token scheme', async () => {
    k = await biotimeKit();
    k.stub.on((r) => (r.path === JWT_LOGIN ? { text: '<html>Page not found</html>' } : undefined));
    await assert.rejects(
      readAll(k.client),
      (e) => BioTimeError.is(e, 'badResponse') && /HTML/.test(e.message) && /authScheme/.test(e.hint!),
    );
  });

  it('never puts the password or a token in messages or log lines; registers them with the redactor', async () => {
    k = await biotimeKit();
    k.stub.transactions = range(1, 12).map((i) => tx(i));
    k.stub.beforeTransactionsPage = (call) => call === 2 && k.stub.revokeTokens();
    await readAll(k.client);
    const token = k.creds.tokens.get('hq')!;
    const all = k.log.lines.join('\n');
    assert.ok(!all.includes('secret-pass'));
    assert.ok(!all.includes(token));
    assert.equal(k.redactor.redact(`x ${token} secret-pass`), 'x «redacted» «redacted»');
  });
});
