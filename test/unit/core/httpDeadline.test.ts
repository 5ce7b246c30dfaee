import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledError } from '../../../src/core/errors';
import { HttpClient, HttpTransportError } from '../../../src/core/http';
import { nullLogger } from '../../../src/core/redact';
import { FakeClock } from '../../support/fakeClock';

/**
 * A real loopback server that commits to an answer (status and headers), then sends one body byte every few
 * milliseconds until the test closes it: an idle timeout never trips on it, only a deadline does.
 */
async function trickler(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('[');
    const t = setInterval(() => res.write(' '), 10);
    timers.add(t);
    res.on('close', () => (clearInterval(t), timers.delete(t)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function client(url: string, timeoutMs: number, attempts = 1): HttpClient {
  return new HttpClient({
    name: 'Frappe site acme',
    baseUrl: url,
    timeoutMs,
    retry: { attempts, baseDelayMs: 1, maxDelayMs: 1 },
    clock: new FakeClock(undefined, { autoAdvance: true }),
    logger: nullLogger,
  });
}

describe('core/http: a deadline for the whole exchange', () => {
  let srv: Awaited<ReturnType<typeof trickler>>;
  beforeEach(async () => (srv = await trickler()));
  afterEach(() => srv.close());

  it('an answer that trickles one byte at a time ends in a timeout naming the request and the deadline', async () => {
    await assert.rejects(
      client(srv.url, 300).request({ method: 'GET', url: '/api/resource/Employee', retry: 'none' }),
      (e: unknown) => {
        assert.ok(e instanceof HttpTransportError);
        assert.equal(e.kind, 'timeout');
        assert.equal(
          e.message,
          `Frappe site acme (${srv.url}): no complete answer to GET /api/resource/Employee within 300 ms (the deadline of one request, timeoutSeconds).`,
        );
        return true;
      },
    );
  });

  it('a trickling answer to a write is not sent again (it may have been processed)', async () => {
    await assert.rejects(
      client(srv.url, 300, 4).request({ method: 'POST', url: '/api/method/insert', data: {}, retry: 'write' }),
      (e: unknown) => e instanceof HttpTransportError && e.kind === 'timeout' && e.maybeProcessed,
    );
    assert.deepEqual(srv.requests, ['POST /api/method/insert']);
  });

  it('a trickling read is tried again, each attempt with its own deadline', async () => {
    await assert.rejects(
      client(srv.url, 200, 3).request({ method: 'GET', url: '/iclock/api/transactions/', retry: 'read' }),
      (e: unknown) => e instanceof HttpTransportError && e.kind === 'timeout',
    );
    assert.equal(srv.requests.length, 3);
  });

  it('the caller cancelling during a trickle is a cancellation, not a timeout', async () => {
    const ac = new AbortController();
    const p = client(srv.url, 60_000).request({ method: 'GET', url: '/slow', retry: 'none', signal: ac.signal });
    // Cancel once the server has the request (its answer is trickling by then).
    await new Promise<void>((resolve) => {
      const check = () => (srv.requests.length ? resolve() : setImmediate(check));
      check();
    });
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof CancelledError);
  });
});
