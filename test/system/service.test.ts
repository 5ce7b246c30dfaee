// The headless service as an SRE runs it: `watch --listen` serving /metrics, /healthz and /readyz, JSON logs, and a
// real Prometheus (Debian's package, installed by .ci/run) scraping it and answering queries about it.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { punch, SECRETS, world, type World } from './world';

import { CLI } from './cliPath';
const env = {
  ...process.env,
  BIOTIME_PASSWORD_HQ: SECRETS.biotimePassword,
  FRAPPE_API_KEY_ACME: SECRETS.frappeApiKey,
  FRAPPE_API_SECRET_ACME: SECRETS.frappeApiSecret,
};

/** Polls `probe` until it returns a value; fails with what it was waiting for after `ms`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`gave up after ${ms / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Watch {
  proc: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  stop(): Promise<number>;
}

async function startWatch(w: World, extra: string[] = []): Promise<Watch> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-service-'));
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(config, JSON.stringify(w.rawConfig));
  const proc = spawn(
    process.execPath,
    [CLI, 'watch', '--listen', '127.0.0.1:0', '--config', config, '--state-dir', path.join(dir, 'state'), ...extra],
    { env },
  );
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number>((resolve) => proc.on('close', (code) => resolve(code ?? -1)));
  const url = await waitFor(
    'the "Serving …" line of watch',
    async () => /Serving (http:\/\/\S+)\/metrics/.exec(err)?.[1],
  );
  return {
    proc,
    url,
    stderr: () => err,
    stop: async () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
};

function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const body = line.slice(name.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return undefined;
}

describe('system: the headless service (watch --listen)', function () {
  this.timeout(120_000);
  let w: World;
  let watch: Watch | undefined;
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
  });
  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await w?.close();
  });

  it('serves metrics, health and readiness, and writes JSON logs with device and run', async () => {
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    punch(w, '8888', '2026-11-20 08:01:00');
    watch = await startWatch(w, ['--log-format', 'json']);
    const metrics = await waitFor('a created punch in /metrics', async () => {
      const m = await get(`${watch!.url}/metrics`);
      return (sample(m.text, 'biotime_sync_punches_total', { device: 'hq', outcome: 'created' }) ?? 0) >= 1
        ? m
        : undefined;
    });
    assert.equal(metrics.status, 200);
    assert.match(metrics.type, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(metrics.text, 'biotime_sync_punches_total', { device: 'hq', outcome: 'failed' }), 1);
    assert.equal(sample(metrics.text, 'biotime_sync_failed_punches_waiting', { device: 'hq' }), 1);
    assert.equal(sample(metrics.text, 'biotime_sync_device_consecutive_failures', { device: 'hq' }), 0);
    assert.equal(sample(metrics.text, 'biotime_sync_device_last_run_status', { device: 'hq', status: 'completed' }), 1);
    assert.ok(sample(metrics.text, 'biotime_sync_device_last_success_timestamp_seconds', { device: 'hq' })! > 0);
    assert.ok(sample(metrics.text, 'biotime_sync_http_requests_total', { server: 'frappe', class: '2xx' })! >= 1);
    assert.ok(sample(metrics.text, 'biotime_sync_http_request_duration_seconds_count', { server: 'biotime' })! >= 1);
    assert.match(metrics.text, /^biotime_sync_process_resident_memory_bytes /m);
    // No secret anywhere in the exposition, and no personal data (names, codes) in its labels (values are numbers,
    // where a code's digits may appear by chance).
    for (const secret of Object.values(SECRETS))
      assert.ok(!metrics.text.includes(secret), `/metrics contains a secret`);
    const labels = [...metrics.text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).join('\n');
    for (const leak of ['1001', '8888', 'Employee 1001', 'First1001'])
      assert.ok(!labels.includes(leak), `a /metrics label contains ${leak}`);

    const health = await get(`${watch.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.text).status, 'ok');
    const ready = await get(`${watch.url}/readyz`);
    assert.equal(ready.status, 200, ready.text);
    const r = JSON.parse(ready.text);
    assert.equal(r.ready, true);
    assert.deepEqual(
      r.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok]),
      [
        ['configuration', true],
        ['state lock', true],
        ['devices', true],
      ],
    );
    assert.equal(r.devices[0].device, 'hq');
    assert.equal((await get(`${watch.url}/nope`)).status, 404);

    assert.equal(await watch.stop(), 0);
    const lines = watch.stderr().trim().split('\n');
    const logs = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    assert.ok(logs.length > 0, 'no JSON log line');
    for (const l of logs) {
      assert.ok(l.time && l.level && typeof l.message === 'string', JSON.stringify(l));
      for (const s of Object.values(SECRETS)) assert.ok(!JSON.stringify(l).includes(s), 'a secret in the logs');
    }
    const inRun = logs.filter((l) => l.device === 'hq');
    assert.ok(inRun.length > 0, 'no log line carries the device');
    assert.ok(
      inRun.some((l) => typeof l.run === 'string' && l.run.length > 0),
      'no log line carries the run',
    );
    watch = undefined;
  });

  it('readyz says not ready, and why, while another process holds the state lock', async () => {
    w = await world();
    await w.handle.lock.acquire(); // a process that syncs this state directory already (the test's own engine)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-service-'));
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify(w.rawConfig));
    const proc = spawn(
      process.execPath,
      [CLI, 'watch', '--listen', '127.0.0.1:0', '--config', config, '--state-dir', w.stateDir],
      { env },
    );
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number>((resolve) => proc.on('close', (code) => resolve(code ?? -1)));
    try {
      const url = await waitFor('the "Serving …" line', async () => /Serving (http:\/\/\S+)\/metrics/.exec(err)?.[1]);
      const ready = await get(`${url}/readyz`);
      assert.equal(ready.status, 503);
      const lock = JSON.parse(ready.text).checks.find((c: { check: string }) => c.check === 'state lock');
      assert.equal(lock.ok, false);
      assert.match(lock.detail, /system test \(pid \d+/);
      assert.equal((await get(`${url}/healthz`)).status, 200);
    } finally {
      proc.kill('SIGTERM');
      await exited;
    }
  });

  it('readyz is not ready while a configuration problem stops a device, and names it', async () => {
    w = await world();
    w.rawConfig.devices.push({ ...w.rawConfig.devices[0], id: 'branch', timeZone: 'Asia/Riyad' });
    watch = await startWatch(w);
    const ready = await get(`${watch.url}/readyz`);
    assert.equal(ready.status, 503);
    const config = JSON.parse(ready.text).checks.find((c: { check: string }) => c.check === 'configuration');
    assert.equal(config.ok, false);
    assert.match(config.detail, /branch.*timeZone/);
  });

  describe('a real Prometheus', function () {
    const prometheus = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => fs.existsSync(p));
    const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => fs.existsSync(p));
    before(function () {
      if (prometheus && promtool) return;
      // CI installs Debian's prometheus (.ci/run); elsewhere the suite says what is missing instead of failing.
      if (process.env.CI) throw new Error('prometheus/promtool are not installed (apt-get install prometheus)');
      this.skip();
    });

    it('scrapes watch, answers queries for the punches counter and each device’s readiness; promtool accepts it', async () => {
      w = await world();
      punch(w, '1001', '2026-11-20 08:00:00');
      watch = await startWatch(w);
      const exposition = await waitFor('a created punch in /metrics', async () => {
        const m = await get(`${watch!.url}/metrics`);
        return (sample(m.text, 'biotime_sync_punches_total', { device: 'hq', outcome: 'created' }) ?? 0) >= 1
          ? m.text
          : undefined;
      });
      const check = spawnSync(promtool!, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
      assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-prom-'));
      const target = new URL(watch.url).host;
      fs.writeFileSync(
        path.join(dir, 'prometheus.yml'),
        `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: biotime-sync\n    static_configs:\n      - targets: ['${target}']\n`,
      );
      const port = 20_000 + (process.pid % 20_000);
      const prom = spawn(
        prometheus!,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      const promExited = new Promise((resolve) => prom.on('close', resolve));
      try {
        const query = async (q: string) => {
          const r = await get(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
          const body = JSON.parse(r.text) as { data: { result: { value: [number, string] }[] } };
          return body.data.result.length ? Number(body.data.result[0].value[1]) : undefined;
        };
        const created = await waitFor('Prometheus to have scraped the punches counter', () =>
          query('biotime_sync_punches_total{device="hq",outcome="created"}'),
        );
        assert.equal(created, 1);
        assert.equal(await waitFor('the readiness of hq', () => query('biotime_sync_device_ready{device="hq"}')), 1);
        assert.equal(await query('up{job="biotime-sync"}'), 1);
      } finally {
        prom.kill('SIGTERM');
        await promExited;
      }
    });
  });
});
