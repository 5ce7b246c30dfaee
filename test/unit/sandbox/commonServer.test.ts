import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultKind } from '../../../src/sandbox/common/faults';
import { FaultInjector } from '../../../src/sandbox/common/faults';
import type { Handler, RunningServer, ServerKnobs } from '../../../src/sandbox/common/httpServer';
import { startServer } from '../../../src/sandbox/common/httpServer';
import { createRng } from '../../../src/sandbox/common/rng';
import { WorkerPool } from '../../../src/sandbox/common/workerPool';

/** Lets a test await the moment the server has decided a request's fault, instead of sleeping. */
class SignallingFaults extends FaultInjector {
  private waiters: Array<(kind: FaultKind | undefined) => void> = [];

  nextTake(): Promise<FaultKind | undefined> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  override take(method: string, path: string): FaultKind | undefined {
    const kind = super.take(method, path);
    this.waiters.shift()?.(kind);
    return kind;
  }
}

const echo: Handler = (req) => ({
  status: 200,
  body: { method: req.method, path: req.path, q: req.query.get('q'), size: req.body.length },
});

describe('sandbox common', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function start(
    handler: Handler,
    knobs: Partial<ServerKnobs> = {},
  ): Promise<{ server: RunningServer; knobs: ServerKnobs }> {
    const full: ServerKnobs = { latencyMs: 0, workers: 0, faults: new FaultInjector(7), ...knobs };
    const server = await startServer({ name: 'test', handler, knobs: full });
    servers.push(server);
    return { server, knobs: full };
  }

  describe('createRng', () => {
    it('is reproducible per seed and stays in [0, 1)', () => {
      const a = createRng(42);
      const b = createRng(42);
      const values = Array.from({ length: 1000 }, () => a());
      assert.deepEqual(
        values,
        Array.from({ length: 1000 }, () => b()),
      );
      assert.ok(values.every((v) => v >= 0 && v < 1));
      assert.notDeepEqual(values.slice(0, 5), Array.from({ length: 5 }, createRng(43)));
    });
  });

  describe('FaultInjector', () => {
    it('serves deterministic injections to the next matching requests only', () => {
      const faults = new FaultInjector();
      faults.injectNext('503', 2, /transactions/);
      assert.equal(faults.take('GET', '/api-token-auth/'), undefined);
      assert.equal(faults.take('GET', '/iclock/api/transactions/'), '503');
      assert.equal(faults.take('GET', '/iclock/api/transactions/'), '503');
      assert.equal(faults.take('GET', '/iclock/api/transactions/'), undefined);
      assert.equal(faults.counts['503'], 2);
    });

    it('matches a plan against "METHOD path" too', () => {
      const faults = new FaultInjector();
      faults.injectNext('reset', 1, /^POST /);
      assert.equal(faults.take('GET', '/x/'), undefined);
      assert.equal(faults.take('POST', '/x/'), 'reset');
    });

    it('replays the same random faults for the same seed', () => {
      const draw = (seed: number): Array<FaultKind | undefined> => {
        const faults = new FaultInjector(seed);
        faults.setRandom({ rate: 0.3, kinds: ['500', '429', 'timeout'] });
        return Array.from({ length: 200 }, (_, i) => faults.take('GET', `/r/${i}`));
      };
      const first = draw(5);
      assert.deepEqual(first, draw(5));
      assert.notDeepEqual(first, draw(6));
      const hits = first.filter(Boolean).length;
      assert.ok(hits > 30 && hits < 90, `about 30% faulted, got ${hits}`);
    });

    it('clear() drops plans; rate 0 never and rate 1 always faults', () => {
      const faults = new FaultInjector();
      faults.setRandom({ rate: 1, kinds: ['html'] });
      assert.equal(faults.take('GET', '/'), 'html');
      faults.setRandom({ rate: 0, kinds: ['html'] });
      assert.equal(faults.take('GET', '/'), undefined);
      faults.injectNext('500', 5);
      faults.clear();
      assert.equal(faults.take('GET', '/'), undefined);
      assert.throws(() => faults.setRandom({ rate: 2, kinds: ['500'] }), RangeError);
    });
  });

  describe('WorkerPool', () => {
    it('grants slots in FIFO order within the limit', async () => {
      const pool = new WorkerPool(() => 1);
      const order: number[] = [];
      const first = await pool.acquire();
      const second = pool.acquire().then((release) => (order.push(1), release));
      const third = pool.acquire().then((release) => (order.push(2), release));
      assert.equal(pool.busy, 1);
      assert.equal(pool.queued, 2);
      order.push(0);
      first();
      (await second)();
      (await third)();
      assert.deepEqual(order, [0, 1, 2]);
      assert.equal(pool.busy, 0);
    });
  });

  describe('startServer', () => {
    it('hands the handler method, decoded path, query and body over a keep-alive connection', async () => {
      const { server } = await start(echo);
      const first = await fetch(`${server.url}/api/resource/Employee%20Checkin?q=a+b`, {
        method: 'POST',
        body: '{"x":1}',
      });
      assert.deepEqual(await first.json(), {
        method: 'POST',
        path: '/api/resource/Employee Checkin',
        q: 'a b',
        size: 7,
      });
      const second = await fetch(`${server.url}/iclock/api/transactions/42/`);
      assert.equal(second.status, 200);
      assert.equal(server.stats.total, 2);
      assert.deepEqual(server.stats.byRoute, {
        'POST /api/resource/Employee Checkin': 1,
        'GET /iclock/api/transactions/{id}/': 1,
      });
      server.stats.reset();
      assert.equal(server.stats.total, 0);
      assert.deepEqual(server.stats.byRoute, {});
    });

    it('json() throws SyntaxError on bad JSON and a throwing handler becomes a 500', async () => {
      const { server } = await start((req) => {
        try {
          req.json();
          return { status: 200 };
        } catch (err) {
          if (err instanceof SyntaxError) throw new Error('bad json seen');
          throw err;
        }
      });
      const res = await fetch(server.url, { method: 'POST', body: '{nope' });
      assert.equal(res.status, 500);
      assert.match(await res.text(), /bad json seen/);
    });

    it('refuses bodies over 10 MB with 413', async () => {
      const { server } = await start(echo);
      const res = await fetch(server.url, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) });
      assert.equal(res.status, 413);
      const ok = await fetch(server.url, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024) });
      assert.equal(((await ok.json()) as { size: number }).size, 10 * 1024 * 1024);
    });

    it('serves each HTTP fault kind', async () => {
      const { server, knobs } = await start(echo, { retryAfterSeconds: 7 });
      for (const kind of ['500', '502', '503'] as const) {
        knobs.faults.injectNext(kind);
        const res = await fetch(server.url);
        assert.equal(res.status, Number(kind));
        assert.equal(((await res.json()) as { status: number }).status, Number(kind));
      }
      knobs.faults.injectNext('429');
      const throttled = await fetch(server.url);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get('retry-after'), '7');
      knobs.faults.injectNext('malformed');
      const malformed = await fetch(server.url);
      assert.equal(malformed.status, 200);
      await assert.rejects(malformed.json(), SyntaxError);
      knobs.faults.injectNext('html');
      const html = await fetch(server.url);
      assert.equal(html.status, 200);
      assert.match(html.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await html.text(), /Page not found/);
      assert.deepEqual(
        { ...knobs.faults.counts },
        { '500': 1, '502': 1, '503': 1, timeout: 0, reset: 0, '429': 1, malformed: 1, html: 1 },
      );
      assert.equal((await fetch(server.url)).status, 200);
    });

    it('resets the connection for a reset fault', async () => {
      const { server, knobs } = await start(echo);
      knobs.faults.injectNext('reset');
      await assert.rejects(fetch(server.url), TypeError);
      assert.equal((await fetch(server.url)).status, 200);
    });

    it('holds a timeout fault open until the client gives up', async () => {
      const faults = new SignallingFaults();
      const { server } = await start(echo, { faults });
      faults.injectNext('timeout');
      const abort = new AbortController();
      const taken = faults.nextTake();
      const pending = fetch(server.url, { signal: abort.signal });
      assert.equal(await taken, 'timeout');
      abort.abort();
      await assert.rejects(pending, { name: 'AbortError' });
      assert.equal((await fetch(server.url)).status, 200);
    });

    it('close() does not hang on a request held by a timeout fault', async () => {
      const faults = new SignallingFaults();
      const server = await startServer({ name: 'hang', handler: echo, knobs: { latencyMs: 0, workers: 1, faults } });
      faults.injectNext('timeout');
      const taken = faults.nextTake();
      const pending = fetch(server.url).then(
        () => 'answered',
        () => 'failed',
      );
      await taken;
      await server.close();
      assert.equal(await pending, 'failed');
      await server.close();
    });

    it('runs one handler at a time with one worker', async () => {
      let active = 0;
      let peak = 0;
      const { server } = await start(
        async (_req, ctx) => {
          active++;
          peak = Math.max(peak, active);
          await ctx.work(15);
          active--;
          return { status: 204 };
        },
        { workers: 1 },
      );
      const results = await Promise.all([1, 2, 3, 4].map(() => fetch(server.url)));
      assert.deepEqual(
        results.map((r) => r.status),
        [204, 204, 204, 204],
      );
      assert.equal(peak, 1);
    });

    it('runs handlers concurrently when workers is 0', async () => {
      let arrived = 0;
      let openGate: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const { server } = await start(async () => {
        // Deadlocks unless all three handlers are in flight together.
        if (++arrived === 3) openGate();
        await gate;
        return { status: 204 };
      });
      const results = await Promise.all([1, 2, 3].map(() => fetch(server.url)));
      assert.deepEqual(
        results.map((r) => r.status),
        [204, 204, 204],
      );
    });

    it('adds latency without holding a worker', async () => {
      // The only worker is held by the first request's handler; a second request sent then still gets through its
      // latency (it reaches the intercept hook, which runs after the latency and before a worker is taken). Were
      // the latency inside the worker slot, the second request would never get there and the test would time out.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let running: () => void = () => undefined;
      const firstRunning = new Promise<void>((resolve) => (running = resolve));
      let handled = 0;
      const { server, knobs } = await start(
        async () => {
          if (++handled === 1) {
            running();
            await held;
          }
          return { status: 204 };
        },
        { latencyMs: 50, workers: 1 },
      );
      let passed = 0;
      let secondPast: () => void = () => undefined;
      const secondPastLatency = new Promise<void>((resolve) => (secondPast = resolve));
      knobs.intercept = () => {
        if (++passed === 2) secondPast();
        return undefined;
      };
      const started = performance.now();
      const first = fetch(server.url);
      await firstRunning;
      const second = fetch(server.url);
      await secondPastLatency;
      assert.equal(handled, 1, 'the first request still holds the only worker');
      // A lower bound only: the latency was applied (load can only make it longer).
      assert.ok(performance.now() - started >= 45, 'latency applied');
      release();
      assert.deepEqual(
        (await Promise.all([first, second])).map((r) => r.status),
        [204, 204],
      );
    });

    it('serves HTTPS when given a key and certificate', async function () {
      const dir = mkdtempSync(join(tmpdir(), 'sandbox-tls-'));
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            join(dir, 'k.pem'),
            '-out',
            join(dir, 'c.pem'),
            '-days',
            '1',
            '-subj',
            '/CN=localhost',
          ],
          { stdio: 'ignore' },
        );
      } catch {
        this.skip();
      }
      const tls = { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
      const server = await startServer({
        name: 'tls',
        tls,
        handler: echo,
        knobs: { latencyMs: 0, workers: 0, faults: new FaultInjector() },
      });
      servers.push(server);
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        httpsRequest(`${server.url}/secure/?q=1`, { rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      assert.equal(JSON.parse(body).path, '/secure/');
    });
  });
});
