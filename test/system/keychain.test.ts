// CLI secrets in a real OS keychain: gnome-keyring's Secret Service in a private D-Bus session (Debian packages
// gnome-keyring and dbus, installed by .ci/run), and the clear message where no Secret Service runs.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkins, punch, SECRETS, world, type World } from './world';

import { CLI } from './cliPath';
const haveSecretService = ['/usr/bin/gnome-keyring-daemon', '/usr/bin/dbus-run-session'].every((p) => fs.existsSync(p));

/** The environment without any secret variable and without a session bus. */
function bareEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8' };
  return env;
}

function sh(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    p.stdin.end(input ?? '');
  });
}

describe('system: CLI secrets in the OS keychain', function () {
  this.timeout(120_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('without a Secret Service: `secrets list` says so and points to the environment; `run` names the variables', async () => {
    w = await world();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-kc-'));
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify(w.rawConfig));
    const env = bareEnv(dir);
    const list = await sh(process.execPath, [CLI, 'secrets', 'list', '--config', config], env);
    assert.equal(list.code, 1, list.out + list.err);
    assert.match(list.err, /The OS keychain is not available here .*set the secrets as environment variables/s);
    const run = await sh(process.execPath, [CLI, 'run', '--config', config, '--state-dir', path.join(dir, 's')], env);
    assert.equal(run.code, 2);
    assert.match(run.err, /BIOTIME_PASSWORD_HQ: not set/);
    assert.match(run.err, /OS keychain is not available here/);
  });

  it('with gnome-keyring: secrets set from standard input, list shows names only, run syncs from the keychain', async function () {
    if (!haveSecretService) {
      if (process.env.CI)
        throw new Error('gnome-keyring and dbus are not installed (apt-get install gnome-keyring dbus)');
      this.skip();
    }
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-kc-'));
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify(w.rawConfig));
    const script = path.join(dir, 'session.sh');
    // One private D-Bus session: unlock a fresh keyring, store the three secrets through the CLI, list, run.
    fs.writeFileSync(
      script,
      [
        'set -e',
        `printf %s keyring-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null`,
        `cli() { "${process.execPath}" "${CLI}" "$@" --config "${config}"; }`,
        `printf %s '${SECRETS.biotimePassword}' | cli secrets set BIOTIME_PASSWORD_HQ`,
        `printf %s '${SECRETS.frappeApiKey}' | cli secrets set FRAPPE_API_KEY_ACME`,
        `printf '%s\\n' '${SECRETS.frappeApiSecret}' | cli secrets set FRAPPE_API_SECRET_ACME`,
        'echo "--- list"',
        'cli secrets list',
        'echo "--- run"',
        `cli run --state-dir "${path.join(dir, 'state')}"`,
      ].join('\n'),
    );
    const r = await sh('dbus-run-session', ['--', 'bash', script], bareEnv(dir));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Stored BIOTIME_PASSWORD_HQ in the OS keychain\./);
    assert.match(r.out, /BIOTIME_PASSWORD_HQ\s+OS keychain/);
    assert.match(r.out, /FRAPPE_API_SECRET_ACME\s+OS keychain/);
    assert.match(r.out, /hq: sync completed .* created 1/);
    for (const s of Object.values(SECRETS)) assert.ok(!(r.out + r.err).includes(s), 'a secret was printed');
    assert.equal(checkins(w).length, 1);
  });
});
