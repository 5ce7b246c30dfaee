// The CLI's standard output through a pipe: nothing cut however large, and a reader that goes away early ends the
// command with a non-zero status and one line on stderr, never a stack trace.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FailedPunch } from '../../src/shared/model';

import { CLI } from './cliPath';
const PUNCHES = 3000;

/** A config (no server is contacted by `failed`) and a state directory holding PUNCHES failed punches. */
function stateWithFailedPunches(): { config: string; state: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-out-'));
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      sites: [{ id: 'acme', url: 'http://127.0.0.1:9', timeZone: 'Asia/Dubai' }],
      devices: [{ id: 'hq', url: 'http://127.0.0.1:9', username: 'api', site: 'acme' }],
    }),
  );
  const state = path.join(dir, 'state');
  fs.mkdirSync(path.join(state, 'failed'), { recursive: true });
  const lines: string[] = [];
  for (let i = 1; i <= PUNCHES; i++) {
    const p: FailedPunch = {
      key: `t${i}`,
      deviceId: 'hq',
      empCode: String(8000 + i),
      name: `Person ${i}`,
      punchTime: `2026-11-20 08:${String(i % 60).padStart(2, '0')}:00`,
      terminalAlias: 'Gate',
      punchState: '0',
      reason: `no employee with Biometric ID ${8000 + i}`,
      failure: 'unknownEmployee',
      firstFailedAt: '2026-11-20T05:00:00.000Z',
      lastTriedAt: '2026-11-20T05:00:00.000Z',
      attempts: 1,
      runId: 'r1',
      transactionId: i,
      terminalSn: 'SN1',
      uploadTime: null,
      punchStateDisplay: 'Check In',
      latitude: null,
      longitude: null,
      raw: { id: i, emp_code: String(8000 + i), note: 'x'.repeat(300) },
    };
    lines.push(JSON.stringify({ p }));
  }
  fs.writeFileSync(path.join(state, 'failed', 'hq.jsonl'), lines.join('\n') + '\n');
  return { config, state };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: Buffer;
  err: string;
}

/** Runs the CLI with stdout to a pipe; `closeEarly` closes the reading end at the first chunk. */
function cli(args: string[], closeEarly = false): Promise<Exit> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      if (closeEarly) p.stdout.destroy();
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code, signal) => resolve({ code, signal, out: Buffer.concat(chunks), err }));
  });
}

describe('system: CLI output through a pipe', function () {
  this.timeout(60_000);
  let f: { config: string; state: string };
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
    f = stateWithFailedPunches();
  });

  it('failed --json: more than 1 MB through a pipe arrives whole and parses', async () => {
    const r = await cli(['failed', '--json', '--config', f.config, '--state-dir', f.state]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.length > 1024 * 1024, `only ${r.out.length} bytes`);
    const parsed = JSON.parse(r.out.toString('utf8')) as { failed: FailedPunch[] };
    assert.equal(parsed.failed.length, PUNCHES);
  });

  it('failed (the table) through a pipe lists every failed punch', async () => {
    const r = await cli(['failed', '--config', f.config, '--state-dir', f.state]);
    assert.equal(r.code, 0, r.err);
    const text = r.out.toString('utf8');
    assert.ok(text.includes(`no employee with Biometric ID ${8000 + PUNCHES}`));
    assert.ok(text.includes('no employee with Biometric ID 8001'));
  });

  it('a reader that closes the pipe early: status 3, one line on stderr, no stack trace', async () => {
    const r = await cli(['failed', '--json', '--config', f.config, '--state-dir', f.state], true);
    assert.equal(r.signal, null);
    assert.equal(r.code, 3);
    assert.equal(
      r.err.trim(),
      'biotime-sync: standard output was closed before everything was written (EPIPE); the output is incomplete.',
    );
  });
});
