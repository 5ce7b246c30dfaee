// The CLI as operators run it: a child process with a config file and env secrets, against the sandboxes.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answeredUntil, holdAnswer } from '../support/heldAnswer';
import { checkins, punch, SECRETS, world, type World } from './world';

import { CLI } from './cliPath';

function files(w: World) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-cli-'));
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify(w.rawConfig));
  return { dir, config, state: path.join(dir, 'state') };
}

const env = {
  ...process.env,
  BIOTIME_PASSWORD_HQ: SECRETS.biotimePassword,
  FRAPPE_API_KEY_ACME: SECRETS.frappeApiKey,
  FRAPPE_API_SECRET_ACME: SECRETS.frappeApiSecret,
};

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

describe('system: the CLI', function () {
  this.timeout(60_000);
  let w: World;
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
  });
  afterEach(async () => w && (await w.close()));

  it('run prints a summary and exits 0; --json gives machine output; status/failed/show-run work', async () => {
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    punch(w, '8888', '2026-11-20 08:01:00');
    const f = files(w);
    const r = await cli(['run', '--config', f.config, '--state-dir', f.state]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /hq: sync completed .* created 1, duplicates 0, failed 1/);
    const st = JSON.parse((await cli(['status', '--json', '--config', f.config, '--state-dir', f.state])).out);
    assert.equal(st.devices[0].failedCount, 1);
    const failed = JSON.parse((await cli(['failed', '--json', '--config', f.config, '--state-dir', f.state])).out);
    assert.equal(failed.failed[0].reason, 'no employee with Biometric ID 8888');
    const runId = st.devices[0].lastRun.runId;
    const shown = await cli(['show-run', runId, '--config', f.config, '--state-dir', f.state]);
    assert.match(shown.out, /no employee with Biometric ID 8888/);
    punch(w, '1002', '2026-11-20 08:02:00');
    const j = JSON.parse((await cli(['run', '--json', '--config', f.config, '--state-dir', f.state])).out);
    assert.equal(j.runs[0].counts.created, 1);
  });

  it('exits 2 for bad configuration, listing every problem by key, before contacting anything', async () => {
    w = await world();
    const f = files(w);
    fs.writeFileSync(
      f.config,
      JSON.stringify({
        sites: [{ id: 'acme', url: 'ftp://x' }],
        devices: [
          { id: 'hq', url: 'http://u:p@host', username: 'api', site: 'nope', intervalMinutes: 0, colour: 'red' },
        ],
      }),
    );
    const before = w.biotime.stats.total + w.frappe.stats.total;
    const r = await cli(['run', '--config', f.config, '--state-dir', f.state]);
    assert.equal(r.code, 2);
    // Named by site or device and key, not by index (issue 12).
    for (const key of [
      'site "acme" · url',
      'device "hq" · url',
      'device "hq" · site',
      'device "hq" · intervalMinutes',
      'device "hq" · colour',
    ])
      assert.ok(r.err.includes(key), `${key} missing in:\n${r.err}`);
    assert.ok(!r.err.includes('u:p@'), 'credentials from the URL must not be echoed');
    assert.equal(w.biotime.stats.total + w.frappe.stats.total, before);
    const missing = await cli(['run', '--config', files(w).config, '--state-dir', f.state], {
      BIOTIME_PASSWORD_HQ: '',
      BIOTIME_PASSWORD: '',
    });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /BIOTIME_PASSWORD_HQ/);
  });

  it('exits 1 when a device run fails, saying what to do', async () => {
    w = await world();
    const f = files(w);
    const r = await cli(['run', '--config', f.config, '--state-dir', f.state], {
      BIOTIME_PASSWORD_HQ: 'wrong-password',
    });
    assert.equal(r.code, 1);
    assert.match(r.out, /error: .*(refused|credentials)/i);
    assert.ok(!(r.out + r.err).includes('wrong-password'));
  });

  it('killed mid-run and run again: nothing lost, nothing duplicated', async () => {
    w = await world({ device: { pageSize: 10 } });
    for (let i = 0; i < 120; i++)
      punch(
        w,
        ['1001', '1002', '1003'][i % 3],
        `2026-11-${10 + Math.floor(i / 60)} ${String(6 + Math.floor((i % 60) / 6)).padStart(2, '0')}:${String((i % 6) * 10).padStart(2, '0')}:00`,
        String(i % 2),
      );
    const f = files(w);
    // The first write that brings Frappe to 30 checkins is committed but never answered: the run is provably
    // in the middle when it is killed.
    const held = holdAnswer(w.frappe.knobs, (req) => req.method === 'POST' && checkins(w).length >= 30);
    const p = spawn(process.execPath, [CLI, 'run', '--config', f.config, '--state-dir', f.state], { env });
    await held.arrived;
    p.kill('SIGKILL');
    await new Promise((r) => p.on('close', r));
    held.release();
    assert.ok(checkins(w).length < 120, 'the run was still in progress when killed');
    const killed = JSON.parse((await cli(['status', '--json', '--config', f.config, '--state-dir', f.state])).out)
      .devices[0].lastRun;
    assert.equal(killed.status, 'running', 'status (without the lock) leaves the killed run as it found it');
    const r = await cli(['run', '--config', f.config, '--state-dir', f.state]);
    assert.equal(r.code, 0, r.err + r.out);
    const made = checkins(w);
    assert.equal(made.length, 120);
    assert.equal(new Set(made.map((c) => `${c.employee}|${c.time}`)).size, 120);
    // The run that holds the lock closed the killed one: interrupted, with the pages it had completed.
    assert.match(r.err + r.out, new RegExp(`run ${killed.runId} .* was interrupted`));
    const shown = JSON.parse(
      (await cli(['show-run', killed.runId, '--json', '--config', f.config, '--state-dir', f.state])).out,
    );
    assert.equal(shown.run.status, 'interrupted');
    assert.match(shown.run.error.message, /process stopped before the run finished \(killed or crashed\)/);
    // Its counts are what it had recorded (none when it died inside its first batch), not the zeros written at start.
    assert.equal(shown.run.counts.fetched, shown.outcomes.length);
  });

  it('two processes on one state directory: the second says who holds it and exits 1', async () => {
    w = await world();
    for (let i = 0; i < 40; i++) punch(w, '1001', `2026-11-20 08:${String(i).padStart(2, '0')}:00`);
    const f = files(w);
    // The first process takes the lock before it talks to BioTime; its first BioTime answer is held until the second
    // process has been turned away, so the first is inside its run (holding the lock) the whole time.
    const held = holdAnswer(w.biotime.knobs, () => true);
    const first = cli(['run', '--config', f.config, '--state-dir', f.state]);
    await held.arrived;
    const second = await cli(['run', '--config', f.config, '--state-dir', f.state]);
    held.release();
    assert.equal(second.code, 1, second.err + second.out);
    assert.match(second.err + second.out, /Another BioTime Sync process is syncing/);
    const done = await first;
    assert.equal(done.code, 0, done.err + done.out);
    assert.equal(checkins(w).length, 40);
  });

  it('watch syncs on its schedule and stops cleanly on SIGTERM, releasing the state lock', async () => {
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    const f = files(w);
    const p = spawn(process.execPath, [CLI, 'watch', '--config', f.config, '--state-dir', f.state], { env });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    await answeredUntil(w.frappe.knobs, () => checkins(w).length === 1);
    p.kill('SIGTERM');
    const code = await new Promise((r) => p.on('close', r));
    assert.equal(code, 0, err);
    assert.match(err, /Watching 1 device/);
    assert.ok(!fs.existsSync(path.join(f.state, 'sync.lock')), 'the lock is released');
  });

  it('help and usage errors', () => {
    const h = spawnSync(process.execPath, [CLI, 'help'], { encoding: 'utf8' });
    assert.equal(h.status, 0);
    assert.match(h.stdout, /Usage: biotime-sync/);
    const bad = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
