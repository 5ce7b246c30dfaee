// The state directory on a real, tiny tmpfs that fills up during a run. Mounting needs root (and a sandbox that
// allows it): elsewhere the test is skipped and test/unit/core/diskFull.test.ts covers the same through an
// injected full disk.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkins, punch, SECRETS, world, type World } from './world';

import { CLI } from './cliPath';
const PUNCHES = 400;

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        BIOTIME_PASSWORD_HQ: SECRETS.biotimePassword,
        FRAPPE_API_KEY_ACME: SECRETS.frappeApiKey,
        FRAPPE_API_SECRET_ACME: SECRETS.frappeApiSecret,
      },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('system: the state directory on a file system that fills up (real tmpfs)', function () {
  this.timeout(60_000);
  let mnt = '';
  let w: World | undefined;
  before(function () {
    mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-tmpfs-'));
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt], { encoding: 'utf8' });
    if (r.status !== 0) {
      fs.rmSync(mnt, { recursive: true, force: true });
      mnt = '';
      this.skip();
    }
  });
  after(async () => {
    await w?.close();
    if (mnt) spawnSync('umount', [mnt]);
    if (mnt) fs.rmSync(mnt, { recursive: true, force: true });
  });

  it('the run says the disk is full, keeps its counts, is recorded as failed; with space the next run completes', async () => {
    const state = path.join(mnt, 'state');
    w = await world({ stateDir: state });
    for (let i = 0; i < PUNCHES; i++)
      punch(w, '1001', new Date(Date.UTC(2026, 10, 20, 4, i)).toISOString().slice(0, 19).replace('T', ' '));
    const config = path.join(os.tmpdir(), `bts-tmpfs-config-${process.pid}.json`);
    fs.writeFileSync(config, JSON.stringify(w.rawConfig));
    fs.mkdirSync(state, { recursive: true });
    // Leave room for the start of the run, not for its end.
    const { bavail, bsize } = fs.statfsSync(mnt);
    const filler = path.join(mnt, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 96 * 1024)));
    const r = await cli(['run', '--json', '--config', config, '--state-dir', state]);
    assert.equal(r.code, 1, r.err);
    const [run] = (
      JSON.parse(r.out) as {
        runs: {
          runId: string;
          status: string;
          counts: { created: number };
          error?: { code: string; message: string };
        }[];
      }
    ).runs;
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'state.diskFull');
    assert.match(run.error!.message, new RegExp(`^The disk holding the state directory ${state} is full \\(ENOSPC\\)`));
    const received = checkins(w).length;
    assert.ok(received > 0, 'Frappe received nothing: the disk filled too early for this test');
    assert.equal(run.counts.created, received);
    assert.equal(JSON.parse(fs.readFileSync(path.join(state, 'runs', `${run.runId}.json`), 'utf8')).status, 'failed');
    fs.rmSync(filler);
    const next = await cli(['run', '--json', '--config', config, '--state-dir', state]);
    assert.equal(next.code, 0, next.err);
    assert.doesNotMatch(next.err, /interrupted|killed or crashed/);
    assert.equal(checkins(w).length, PUNCHES);
    assert.equal(JSON.parse(fs.readFileSync(path.join(state, 'runs', `${run.runId}.json`), 'utf8')).status, 'failed');
  });
});
