// Issue 12, CLI side: every message says what happened. Dismiss counts only what it dismissed, unknown devices are
// usage errors (exit 2), one bad device entry stops that device only, help/version work, status shows run ids and
// local times, and a removed device's punches are said to be unconfigured instead of a silent empty rerun.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine } from '../../src/app/createEngine';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/core/config';
import { UnknownDeviceError } from '../../src/core/errors';
import { setHintHost } from '../../src/core/fixHints';
import { nullLogger } from '../../src/core/redact';
import { checkins, punch, SECRETS, world, type World } from './world';
import { FakeCredentials } from '../support/fakeCredentials';

import { CLI } from './cliPath';
const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };

const env = {
  BIOTIME_PASSWORD_HQ: SECRETS.biotimePassword,
  BIOTIME_PASSWORD_RIYADH: SECRETS.biotimePassword,
  FRAPPE_API_KEY_ACME: SECRETS.frappeApiKey,
  FRAPPE_API_SECRET_ACME: SECRETS.frappeApiSecret,
};

async function run(argv: string[], extraEnv: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => (out += t + '\n'),
    err: (t) => (err += t + '\n'),
    env: { ...env, ...extraEnv },
  });
  return { code, out, err };
}

function files(raw: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-truth-'));
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify(raw));
  return { config, state: path.join(dir, 'state'), args: ['--config', config, '--state-dir', path.join(dir, 'state')] };
}

describe('system: the CLI tells what happened (issue 12)', function () {
  this.timeout(60_000);
  let w: World | undefined;
  afterEach(async () => {
    setHintHost('both'); // main() sets the CLI's; other tests in this process expect the default
    await w?.close();
    w = undefined;
  });

  it('a wrong BioTime password: the fix names the CLI way (the environment variable), no palette command', async () => {
    w = await world();
    const r = await run(['run', ...files(w.rawConfig).args], { BIOTIME_PASSWORD_HQ: 'wrong-password' });
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /fix: Set the BioTime password for device 'hq' again \(set BIOTIME_PASSWORD_HQ \(or BIOTIME_PASSWORD\) in the environment\)/,
    );
    assert.doesNotMatch(r.out + r.err, /BioTime Sync: |Set Credentials/);
  });

  it('dismiss: counts only what it dismissed; a punch that is not failed exits 1; an unknown device exits 2', async () => {
    w = await world();
    punch(w, '8888', '2026-11-20 08:01:00');
    const f = files(w.rawConfig);
    assert.equal((await run(['run', ...f.args])).code, 0);
    const failed = JSON.parse((await run(['failed', '--json', ...f.args])).out).failed;
    assert.equal(failed.length, 1);

    const none = await run(['dismiss', '--device', 'hq', '--punch', '999', ...f.args]);
    assert.equal(none.code, 1);
    assert.doesNotMatch(none.out, /Dismissed/);
    assert.match(none.err, /Not dismissed: 999 is not a failed punch of hq/);

    const nope = await run(['dismiss', '--device', 'nope', '--punch', failed[0].key, ...f.args]);
    assert.equal(nope.code, 2);
    assert.doesNotMatch(nope.out, /Dismissed/);
    assert.match(nope.err, /No device 'nope' is configured/);

    const both = await run(['dismiss', '--device', 'hq', '--punch', `${failed[0].key},999`, ...f.args]);
    assert.equal(both.code, 1, 'one id was not a failed punch');
    assert.match(both.out, new RegExp(`Dismissed 1 failed punch\\(es\\) of hq \\(${failed[0].key}\\)`));
    assert.match(both.err, /999 is not a failed punch/);
    assert.equal(JSON.parse((await run(['failed', '--json', ...f.args])).out).failed.length, 0);
    // Recorded as dismissed, not resolved: the engine keeps it apart.
    const h = createEngine({
      config: validateConfig(w.rawConfig),
      stateDir: f.state,
      credentials: new FakeCredentials(SECRETS),
      logger: nullLogger,
      lockOwner: 'test',
    });
    const dismissed = await h.engine.listDismissed('hq');
    await h.dispose();
    assert.deepEqual(
      dismissed.map((d) => [d.key, d.empCode, typeof d.dismissedAt]),
      [[failed[0].key, '8888', 'string']],
    );
    assert.equal((await run(['dismiss', '--device', 'hq', '--punch', failed[0].key, ...f.args])).code, 1, 'twice');
  });

  it('run --dry-run says what it cannot predict (text and JSON)', async () => {
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    const f = files(w.rawConfig);
    const text = await run(['run', '--dry-run', ...f.args]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /A dry run cannot predict:\n {2}- permission errors/);
    const json = JSON.parse((await run(['run', '--dry-run', '--json', ...f.args])).out);
    assert.ok(json.unpredictable.length >= 3);
    assert.equal(json.runs[0].outcomes[0].outcome, 'created');
  });

  it('run --device nope exits 2 (a usage error), not 1', async () => {
    w = await world();
    const r = await run(['run', '--device', 'nope', ...files(w.rawConfig).args]);
    assert.equal(r.code, 2);
    assert.match(r.err, /No device 'nope' is configured[\s\S]*Configured devices: hq/);
    const failed = await run(['failed', '--device', 'nope', ...files(w.rawConfig).args]);
    assert.equal(failed.code, 2);
    assert.doesNotMatch(failed.out, /No failed punches/);
  });

  it('one bad device entry stops only that device, named by name and key; nothing runnable exits 2', async () => {
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    const bad = {
      ...w.rawConfig.devices[0],
      id: 'riyadh',
      name: 'Riyadh office',
      timeZone: 'Asia/Riyad',
      intervall: 5,
    };
    const f = files({ ...w.rawConfig, devices: [w.rawConfig.devices[0], bad] });
    const r = await run(['run', ...f.args]);
    assert.equal(r.code, 1, 'a device could not run');
    assert.match(r.out, /hq: sync completed/);
    assert.equal(checkins(w).length, 1, 'the valid device synced');
    assert.match(
      r.err,
      /device "Riyadh office" \(riyadh\) · timeZone: unknown time zone "Asia\/Riyad".*did you mean "Asia\/Riyadh"/,
    );
    assert.match(r.err, /device "Riyadh office" \(riyadh\) · intervall: unknown key; did you mean 'intervalMinutes'/);
    assert.match(r.err, /do not run until fixed: riyadh/);
    assert.doesNotMatch(r.err, /devices\[1\]/);
    const st = JSON.parse((await run(['status', '--json', ...f.args])).out);
    assert.deepEqual(
      st.devices.map((d: { deviceId: string }) => d.deviceId),
      ['hq'],
    );
    assert.deepEqual(
      st.configProblems.map((p: { deviceId: string; key: string; path: string }) => [p.deviceId, p.key, p.path]),
      [
        ['riyadh', 'intervall', 'devices[1].intervall'],
        ['riyadh', 'timeZone', 'devices[1].timeZone'],
      ],
    );
    const only = await run(['run', '--device', 'riyadh', ...f.args]);
    assert.equal(only.code, 2);
    const allBad = files({ ...w.rawConfig, devices: [bad] });
    const nothing = await run(['run', ...allBad.args]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.err, /No device can run; nothing was contacted/);
    // A missing secret stops its device the same way (the other devices' secrets are there).
    const two = files({
      ...w.rawConfig,
      devices: [w.rawConfig.devices[0], { ...bad, timeZone: 'Asia/Dubai', intervall: undefined }],
    });
    const noSecret = await run(['run', ...two.args], { BIOTIME_PASSWORD_RIYADH: '' });
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.err, /device "Riyadh office" \(riyadh\) · BIOTIME_PASSWORD_RIYADH: not set/);
  });

  it('help per command, -h, --version; usage errors exit 2', async () => {
    const help = await run(['run', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: biotime-sync run \[--device ID\] \[--dry-run\] \[--json\]/);
    assert.match(help.out, /--dry-run +Read BioTime/);
    assert.match((await run(['help', 'dismiss'])).out, /^Usage: biotime-sync dismiss/);
    const h = await run(['-h']);
    assert.equal(h.code, 0);
    assert.match(h.out, /^Usage: biotime-sync <command>/);
    const v = await run(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.out.trim(), `biotime-sync ${pkg.version}`);
    assert.equal((await run(['frob', '--help'])).code, 2);
  });

  it('status shows the last run id (for show-run) and local times with their offset', async () => {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    const f = files(w.rawConfig);
    assert.equal((await run(['run', ...f.args])).code, 0);
    const st = JSON.parse((await run(['status', '--json', ...f.args])).out);
    const runId: string = st.devices[0].lastRun.runId;
    assert.match(st.devices[0].lastSyncAt, /Z$/, 'JSON stays ISO UTC');
    const r = spawnSync(process.execPath, [CLI, 'status', ...f.args], {
      encoding: 'utf8',
      env: { ...process.env, ...env, TZ: 'Asia/Kolkata' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(runId), r.stdout);
    assert.match(r.stdout, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30/);
    assert.doesNotMatch(r.stdout, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/);
    const shown = await run(['show-run', runId, ...f.args]);
    assert.equal(shown.code, 0);
  });

  it('rerun of a removed device says it is no longer configured instead of a silent empty rerun', async () => {
    w = await world();
    punch(w, '8888', '2026-11-20 08:01:00');
    const f = files(w.rawConfig);
    assert.equal((await run(['run', ...f.args])).code, 0);
    const runId = JSON.parse((await run(['status', '--json', ...f.args])).out).devices[0].lastRun.runId;
    const other = { ...w.rawConfig.devices[0], id: 'annex' };
    const h = createEngine({
      config: validateConfig({ ...w.rawConfig, devices: [other] }),
      stateDir: f.state,
      credentials: new FakeCredentials(SECRETS),
      logger: nullLogger,
      lockOwner: 'test',
    });
    try {
      for (const options of [{ deviceId: 'hq' }, { runId }, { deviceId: 'hq', runId }]) {
        await assert.rejects(h.engine.rerun(options), (e: unknown) => {
          assert.ok(UnknownDeviceError.is(e));
          assert.match(e.message, /Device 'hq' is no longer configured/);
          return true;
        });
      }
      // Its failed punches can still be dismissed.
      const key = (await h.engine.listFailed('hq'))[0].key;
      assert.deepEqual(await h.engine.dismiss('hq', [key]), { deviceId: 'hq', dismissed: [key], notFailed: [] });
    } finally {
      await h.dispose();
    }
    const cli = await run(['rerun', '--device', 'hq', ...files({ ...w.rawConfig, devices: [other] }).args]);
    assert.equal(cli.code, 2);
  });
});
