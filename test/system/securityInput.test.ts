// Bad input at the CLI: only http and https URLs, no credentials inside URLs, and fuzzed malformed configuration
// files. Each is refused with exit code 2 and a message naming the key (or the line and column), before anything
// is contacted or written: no request reaches the servers, no state directory appears, no stack trace is printed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzzCase } from '../../chaos/configFuzz';
import { cli, configFor, leaks, requireCli, startPair, tempDir, writeJson, type Pair } from './securityKit';

describe('system: bad input is refused before anything is contacted', function () {
  this.timeout(120_000);
  let p: Pair;
  before(async () => {
    requireCli();
    p = await startPair();
  });
  after(async () => p?.close());

  const requests = () => p.biotime.stats.total + p.frappe.stats.total;

  /**
   * How the CLI names a problem at a JSON path: by entry and key, not by index (issue 12), e.g. devices[0].url →
   * `· url:` after the device's name; whole-file keys ("(file)", "(root)") as they are.
   */
  function named(jsonPath: string): string {
    const m = /^(?:sites|devices)\[\d+\](?:\.)?(.*)$/.exec(jsonPath);
    return m ? `· ${m[1] || '(entry)'}:` : jsonPath;
  }

  async function refused(config: unknown, expectKey: string | RegExp, what: string): Promise<string> {
    const dir = tempDir('bts-input-');
    const state = path.join(dir, 'state');
    const file = writeJson(path.join(dir, 'config.json'), config);
    const before = requests();
    const r = await cli(['run', '--config', file, '--state-dir', state]);
    assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.out}\n${r.err}`);
    if (typeof expectKey === 'string')
      assert.ok(r.err.includes(named(expectKey)), `${what}: "${expectKey}" is not named in:\n${r.err}`);
    else assert.match(r.err, expectKey, what);
    assert.doesNotMatch(r.err, /Unexpected error|\n\s+at .+:\d+:\d+/, `${what}: stack trace`);
    assert.equal(requests(), before, `${what}: a server was contacted`);
    assert.equal(fs.existsSync(state), false, `${what}: a state directory was written`);
    assert.equal(r.out, '', `${what}: something was printed as a result`);
    return r.err;
  }

  it('only http and https URLs, for devices and sites', async () => {
    const schemes = [
      'ftp://127.0.0.1:21',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ws://127.0.0.1:8080',
      'gopher://127.0.0.1',
      '127.0.0.1:8081',
      '//127.0.0.1:8081',
      'data:text/plain,x',
      '',
    ];
    for (const url of schemes) {
      await refused(configFor(p, { url }), 'devices[0].url', `device url ${JSON.stringify(url)}`);
      await refused(configFor(p, {}, { url }), 'sites[0].url', `site url ${JSON.stringify(url)}`);
    }
  });

  it('credentials inside URLs are refused, and not repeated in the message', async () => {
    const secretish = 'Url-Embedded-pw-7f3e';
    for (const url of [
      `http://api:${secretish}@127.0.0.1:8081`,
      `https://${secretish}@biotime.example`,
      `http://api:${encodeURIComponent(secretish)}@[::1]:8081/`,
    ]) {
      const err = await refused(configFor(p, { url }), 'devices[0].url', `device url with credentials`);
      assert.match(err, /credential|user ?name|password/i, err);
      assert.ok(!err.includes(secretish) && !leaks(err, { secretish }).length, `the credential is repeated: ${err}`);
      const siteErr = await refused(
        configFor(p, {}, { url: url.replace(':8081', ':8000') }),
        'sites[0].url',
        'site url with credentials',
      );
      assert.ok(!siteErr.includes(secretish), siteErr);
    }
  });

  it('secrets written into the configuration are refused with where they belong', async () => {
    const err = await refused(
      configFor(p, { password: 'Cfg-Secret-pw-1b2c' }, { apiSecret: 'Cfg-Secret-api-3d4e' }),
      'devices[0].password',
      'password in the config',
    );
    assert.ok(err.includes('site "acme" · apiSecret:'), err);
    assert.match(err, /BIOTIME_PASSWORD|environment|keychain/, err);
    assert.ok(
      !err.includes('Cfg-Secret-pw-1b2c') && !err.includes('Cfg-Secret-api-3d4e'),
      `the value is repeated: ${err}`,
    );
  });

  it('40 fuzzed malformed files (wrong types, unknown keys, huge values, deep nesting, broken JSON): exit 2, the key named', async () => {
    for (let seed = 1001; seed <= 1040; seed++) {
      const c = fuzzCase(seed);
      const dir = tempDir('bts-fuzz-');
      const state = path.join(dir, 'state');
      const file = path.join(dir, 'config.json');
      // The fuzzed base points at unreachable example hosts: were a file accepted, the run would fail (exit 1), not 2.
      fs.writeFileSync(file, c.text);
      const r = await cli(['run', '--config', file, '--state-dir', state]);
      assert.equal(r.code, 2, `seed ${seed} (${c.what}): exit ${r.code}\n${r.err.slice(0, 2000)}`);
      assert.ok(
        r.err.includes(named(c.key)),
        `seed ${seed} (${c.what}): ${c.key} not named in:\n${r.err.slice(0, 2000)}`,
      );
      assert.doesNotMatch(r.err, /Unexpected error|\n\s+at .+:\d+:\d+/, `seed ${seed}: stack trace`);
      assert.ok(r.err.length < 40_000, `seed ${seed}: a ${r.err.length}-character message`);
      assert.equal(fs.existsSync(state), false, `seed ${seed}: a state directory was written`);
    }
  });
});
