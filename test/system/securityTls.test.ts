// HTTPS verification is on by default. Against sandbox servers with a self-signed certificate (made with openssl
// for 127.0.0.1) the CLI fails with a message that names the fix; the server's certificate as the device's or
// site's tls.caFile makes it work, and so does an explicit tls.verify false. A CA file of another CA does not.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addPunches, cli, configFor, leaks, requireCli, startPair, tempDir, writeJson, type Pair } from './securityKit';

interface Cert {
  key: string;
  cert: string;
  certFile: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost (EC P-256: fast to make). Needs the openssl command. */
function selfSigned(dir: string, name: string): Cert {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=BioTime Sync test ${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8' },
  );
  if (r.error || r.status !== 0) {
    throw new Error(
      `openssl could not make a test certificate (${r.error?.message ?? r.stderr}). Install it: apt-get install -y --no-install-recommends openssl`,
    );
  }
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}

describe('system: HTTPS verification (self-signed sandbox servers)', function () {
  this.timeout(60_000);
  let dir: string;
  let server: Cert;
  let other: Cert;
  let p: Pair | undefined;

  before(function () {
    requireCli();
    dir = tempDir('bts-tls-');
    server = selfSigned(dir, 'server');
    other = selfSigned(dir, 'other-ca');
  });
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  async function sync(device: Record<string, unknown>, site: Record<string, unknown>) {
    const runDir = tempDir('bts-tls-run-');
    const config = writeJson(path.join(runDir, 'config.json'), configFor(p!, device, site));
    return cli(['run', '--config', config, '--state-dir', path.join(runDir, 'state')]);
  }

  it('BioTime over https: refused by default with the fix named; trusted with tls.caFile or an explicit tls.verify false', async () => {
    p = await startPair({ biotimeTls: server });
    assert.match(p.biotime.url, /^https:/);
    addPunches(p, 3);
    const refused = await sync({}, {});
    assert.equal(refused.code, 1, refused.out + refused.err);
    const said = refused.out + refused.err;
    assert.match(said, /certificate/i, said);
    assert.match(said, /tls\.caFile/, 'the message names the fix');
    assert.equal(p.frappe.store.checkins().length, 0);
    assert.deepEqual(leaks(said), []);

    const wrongCa = await sync({ tls: { caFile: other.certFile } }, {});
    assert.equal(wrongCa.code, 1, 'a CA file of another CA does not make the server trusted');
    assert.equal(p.frappe.store.checkins().length, 0);

    const withCa = await sync({ tls: { caFile: server.certFile } }, {});
    assert.equal(withCa.code, 0, withCa.out + withCa.err);
    assert.equal(p.frappe.store.checkins().length, 3);

    addPunches(p, 2, '2026-11-21');
    const optOut = await sync({ tls: { verify: false } }, {});
    assert.equal(optOut.code, 0, optOut.out + optOut.err);
    assert.equal(p.frappe.store.checkins().length, 5);
  });

  it('Frappe over https: the same, per site', async () => {
    p = await startPair({ frappeTls: server });
    assert.match(p.frappe.url, /^https:/);
    addPunches(p, 2);
    const refused = await sync({}, {});
    assert.equal(refused.code, 1, refused.out + refused.err);
    assert.match(refused.out + refused.err, /tls\.caFile/);
    assert.equal(p.frappe.store.checkins().length, 0);
    assert.equal((await sync({}, { tls: { caFile: other.certFile } })).code, 1);
    const withCa = await sync({}, { tls: { caFile: server.certFile } });
    assert.equal(withCa.code, 0, withCa.out + withCa.err);
    assert.equal(p.frappe.store.checkins().length, 2);
    addPunches(p, 1, '2026-11-21');
    assert.equal((await sync({}, { tls: { verify: false } })).code, 0);
    assert.equal(p.frappe.store.checkins().length, 3);
  });

  it('doctor reports the untrusted certificate with the fix too', async () => {
    p = await startPair({ biotimeTls: server });
    const runDir = tempDir('bts-tls-doctor-');
    const config = writeJson(path.join(runDir, 'config.json'), configFor(p));
    const r = await cli(['doctor', '--json', '--config', config, '--state-dir', path.join(runDir, 'state')]);
    assert.equal(r.code, 1, r.out + r.err);
    const checks = (JSON.parse(r.out) as { checks: { status: string; detail: string; fix?: string }[] }).checks;
    const failed = checks.filter((c) => c.status === 'fail');
    assert.ok(
      failed.some((c) => /certificate/i.test(c.detail) && /caFile/.test(`${c.fix ?? ''} ${c.detail}`)),
      JSON.stringify(failed, null, 2),
    );
  });
});
