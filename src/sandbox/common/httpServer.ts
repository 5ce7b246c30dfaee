import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultInjector, FaultKind } from './faults';
import { SharedCpu } from './sharedCpu';
import { TimerSet, WorkerPool } from './workerPool';

export interface SandboxRequest {
  method: string;
  /** URL path, percent-decoded (e.g. "/api/resource/Employee Checkin"); the query string is in `query`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  /** Parses the body as JSON; throws SyntaxError on bad (or empty) JSON. */
  json(): unknown;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Strings and Buffers are sent as-is (text/plain unless a content-type is given); objects as JSON. */
  body?: string | Buffer | object;
}

export interface HandlerContext {
  /** Simulated server CPU time: sleeps while holding this request's worker slot. */
  work(ms: number): Promise<void>;
}

export type Handler = (req: SandboxRequest, ctx: HandlerContext) => Promise<SandboxResponse> | SandboxResponse;

/** Read on every request, so tests may change them on a running server. */
export interface ServerKnobs {
  /** Added round-trip latency per request (does not hold a worker). */
  latencyMs: number;
  /** Concurrent requests being handled; 0 = unlimited; extra requests queue (FIFO). */
  workers: number;
  faults: FaultInjector;
  /** For '429' faults (default 1). */
  retryAfterSeconds?: number;
  /**
   * Sees every request once it is counted, before faults and the handler: the fault campaign acts on the exact
   * request sequence with it (SIGKILL the client at the k-th insert, change the data mid-pagination), and tests
   * answer with hostile bodies (100 MB, deep nesting) no fault kind produces. A returned response is sent instead
   * of the handler's; undefined lets the request go on as usual.
   */
  intercept?: (req: SandboxRequest) => SandboxResponse | undefined;
  /** Simulated work (HandlerContext.work) exact below 1 ms (the benchmark's 0.5 ms per document); default off. */
  preciseWork?: boolean;
  /**
   * The site's CPU shared by the requests in its workers (SharedCpu): simulated work of k requests at once
   * progresses at min(1, cpuCapacity / k) each. Unset (the default): every worker works alone, at full speed.
   */
  cpuCapacity?: number;
  /**
   * Awaited after the handler ran (its writes are committed) and before the answer is sent: a delay here is an
   * answer lost after the commit, the case a client must not turn into a duplicate by resending blindly.
   */
  beforeAnswer?: (req: SandboxRequest, res: SandboxResponse) => Promise<void> | void;
  /**
   * After the handler ran (its writes are committed): a number makes the answer trickle — status and headers at
   * once, then one byte of the body every that many milliseconds (a congested link or a slow proxy). undefined
   * answers as usual.
   */
  trickleAnswer?: (req: SandboxRequest) => number | undefined;
}

export interface ServerStats {
  total: number;
  /** Requests by route key, e.g. "GET /iclock/api/transactions/". */
  byRoute: Record<string, number>;
  reset(): void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
  stats: ServerStats;
}

export interface StartServerOptions {
  name: string;
  host?: string;
  port?: number;
  tls?: { key: string; cert: string };
  handler: Handler;
  knobs: ServerKnobs;
  routeKey?: (req: SandboxRequest) => string;
}

export const maxBodyBytes = 10 * 1024 * 1024;

const pageNotFoundHtml =
  '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Page not found</title></head>\n' +
  '<body>\n<h1>Page not found</h1>\n<p>The requested page could not be found.</p>\n</body>\n</html>\n';

/** The HTML "Page not found" page that BioTime serves with status 200 for unknown paths. */
export function pageNotFound(): SandboxResponse {
  return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: pageNotFoundHtml };
}

/** Default route key: method plus path, with numeric path segments folded to `{id}`. */
export function defaultRouteKey(req: SandboxRequest): string {
  return `${req.method} ${req.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function makeRequest(method: string, url: URL, headers: IncomingHttpHeaders, body: Buffer): SandboxRequest {
  return {
    method,
    path: decodePath(url.pathname),
    query: url.searchParams,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: (): unknown => JSON.parse(body.toString('utf8')),
  };
}

/**
 * Collects the request body. Past the cap the rest is read and discarded rather than cutting the
 * connection, so the client reliably receives the 413 instead of an EPIPE half-way through its upload.
 */
function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean } | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', () => resolve(undefined));
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function send(res: ServerResponse, response: SandboxResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let payload: Buffer;
  if (response.body === undefined) {
    payload = Buffer.alloc(0);
  } else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) {
    payload = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'text/plain; charset=utf-8';
  } else {
    payload = Buffer.from(JSON.stringify(response.body), 'utf8');
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
  }
  headers['Content-Length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Sends the status and headers, then the body one byte every `everyMs` until it is sent or the socket closes. */
function trickle(res: ServerResponse, response: SandboxResponse, everyMs: number): void {
  const body =
    typeof response.body === 'string' || Buffer.isBuffer(response.body)
      ? Buffer.from(response.body)
      : Buffer.from(response.body === undefined ? '' : JSON.stringify(response.body), 'utf8');
  res.writeHead(response.status, {
    'Content-Type': 'application/json',
    ...(response.headers ?? {}),
    'Content-Length': String(body.length),
  });
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed || i >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(i, ++i));
  }, everyMs);
  res.on('close', () => clearInterval(timer));
}

const statusText: Record<string, string> = {
  '500': 'Internal Server Error',
  '502': 'Bad Gateway',
  '503': 'Service Unavailable',
};

/** Answers an injected fault; returns nothing for 'timeout' (the socket is left hanging until close()). */
function serveFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse, knobs: ServerKnobs): void {
  switch (kind) {
    case '500':
    case '502':
    case '503':
      send(res, { status: Number(kind), body: { detail: statusText[kind], status: Number(kind) } });
      return;
    case '429': {
      const seconds = knobs.retryAfterSeconds ?? 1;
      const detail = `Request was throttled. Expected available in ${seconds} seconds.`;
      send(res, { status: 429, headers: { 'Retry-After': String(seconds) }, body: { detail } });
      return;
    }
    case 'malformed':
      // Cut mid-record, as a proxy or a crashed worker would leave it.
      send(res, {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: '{"count": 2, "next": null, "previous": null, "data": [{"id": 1, "name": "trunc',
      });
      return;
    case 'html':
      send(res, pageNotFound());
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'timeout':
      return;
  }
}

function createStats(): ServerStats {
  const stats: ServerStats = {
    total: 0,
    byRoute: {},
    reset(): void {
      stats.total = 0;
      for (const key of Object.keys(stats.byRoute)) delete stats.byRoute[key];
    },
  };
  return stats;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Starts a real HTTP(S) server on loopback. Per request: collect the body (10 MB cap → 413), count it,
 * wait the configured latency, maybe serve a fault, then run the handler inside a worker slot.
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { knobs, handler } = opts;
  const routeKey = opts.routeKey ?? defaultRouteKey;
  const sockets = new Set<Socket>();
  const timers = new TimerSet();
  const pool = new WorkerPool(() => knobs.workers);
  const stats = createStats();
  const cpu = new SharedCpu(() => knobs.cpuCapacity ?? Infinity);
  const ctx: HandlerContext = {
    work: (ms) =>
      knobs.cpuCapacity !== undefined ? cpu.run(ms) : knobs.preciseWork ? timers.sleepPrecise(ms) : timers.sleep(ms),
  };
  let closed: Promise<void> | undefined;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const collected = await readBody(req);
    if (!collected || closed) return;
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const request = makeRequest(req.method ?? 'GET', url, req.headers, collected.body);
    const key = routeKey(request);
    stats.total++;
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    await timers.sleep(knobs.latencyMs);
    if (collected.tooLarge) {
      send(res, { status: 413, body: { detail: `Request body exceeds ${maxBodyBytes} bytes.` } });
      return;
    }
    const intercepted = knobs.intercept?.(request);
    if (intercepted) return send(res, intercepted);
    const fault = knobs.faults.take(request.method, request.path);
    if (fault) return serveFault(fault, req, res, knobs);
    const release = await pool.acquire();
    let response: SandboxResponse;
    try {
      response = await handler(request, ctx);
    } catch (err) {
      response = { status: 500, body: { detail: 'Server Error (500)', error: describeError(err) } };
    } finally {
      release();
    }
    await knobs.beforeAnswer?.(request, response);
    const every = knobs.trickleAnswer?.(request);
    if (every !== undefined) return trickle(res, response, every);
    send(res, response);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => void serve(req, res);
  const server = opts.tls
    ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
    : http.createServer(listener);
  // Longer than undici's 4 s idle keep-alive so a pooled client never races the server closing the socket;
  // close() destroys idle sockets anyway.
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`${opts.name} sandbox could not listen: ${err.message}`));
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      timers.cancelAll();
      cpu.cancelAll();
      server.close(() => resolve());
      // Requests held open by a 'timeout' fault (and idle keep-alive sockets) would otherwise keep close() waiting.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });
    return closed;
  };

  return { url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`, port, close, stats };
}
