// Issue 17: the simulated servers are a bundle of their own (dist/sandbox.js), loaded only by the commands that start
// them. The main bundles must not carry them, and `biotime-sync demo` / `sandbox` must still work from dist/.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '../../dist');
const CLI = path.join(DIST, 'cli.js');

/** Runs the CLI until it exits; `stopWhen` sends SIGTERM once the output says the servers are up. */
function cli(args: string[], stopWhen?: RegExp): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args]);
    let out = '';
    let err = '';
    let stopped = false;
    p.stdout.on('data', (d) => {
      out += d;
      if (stopWhen && !stopped && stopWhen.test(out)) {
        stopped = true;
        p.kill('SIGTERM');
      }
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('system: the sandbox is its own bundle', function () {
  this.timeout(60_000);
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
  });

  it('dist/cli.js and dist/extension.js load dist/sandbox.js instead of containing the simulated servers', () => {
    assert.ok(fs.existsSync(path.join(DIST, 'sandbox.js')), 'dist/sandbox.js is built');
    // The development build names every bundled module in a `// src/...` comment.
    assert.match(fs.readFileSync(path.join(DIST, 'sandbox.js'), 'utf8'), /^\/\/ src\/sandbox\/frappe\/server\.ts$/m);
    for (const main of ['cli.js', 'extension.js']) {
      const text = fs.readFileSync(path.join(DIST, main), 'utf8');
      assert.doesNotMatch(text, /^\/\/ src\/(sandbox\/|app\/sandboxDemo\.ts)/m, `${main} inlines the sandbox`);
      assert.match(text, /require\("\.\/sandbox\.js"\)/, `${main} loads the sandbox bundle`);
    }
  });

  it('`biotime-sync demo` runs its three syncs from dist/', async () => {
    const r = await cli(['demo']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /== 1\. First sync/);
    assert.match(r.out, /== 3\. Code 2001 had no employee/);
  });

  for (const extra of [[], ['--real-site']]) {
    it(`\`biotime-sync ${['sandbox', ...extra].join(' ')}\` starts both servers from dist/, writes their config and stops on SIGTERM`, async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bts-sandbox-')), 'biotime-sync.json');
      const r = await cli(['sandbox', '--write-config', file, ...extra], /Press Ctrl\+C/);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /Simulated BioTime: http:\/\/127\.0\.0\.1:\d+/);
      const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { sites: { url: string }[]; devices: unknown[] };
      assert.match(written.sites[0].url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(written.devices.length, 1);
    });
  }
});
