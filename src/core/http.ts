// The HTTP layer shared by the BioTime and Frappe clients: one axios instance per server with keep-alive, TLS
// verification on by default (custom CA or an explicit per-device opt-out), bounded bodies, timeouts, and
// retries with backoff that honour Retry-After. It never throws for an HTTP status: callers read the status
// and the body. It throws HttpTransportError when no usable answer arrived.
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { CancelledError } from './errors';
import { Emitter } from './events';
import type { Clock, Logger } from './ports';

export interface TlsOptions {
  /** false turns certificate verification off (per device, explicit opt-out). */
  rejectUnauthorized?: boolean;
  /** PEM file with the CA that signed a self-signed server certificate. */
  caFile?: string;
}

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface HttpOptions {
  /** Human name used in messages: "BioTime hq", "Frappe site acme". */
  name: string;
  baseUrl: string;
  timeoutMs: number;
  tls?: TlsOptions;
  maxBodyBytes?: number;
  retry?: RetryPolicy;
  clock: Clock;
  logger: Logger;
  /** Which server this is, for metrics: never a name or anything personal, only the configured id. */
  labels?: { server: 'biotime' | 'frappe'; target: string };
}

/** One attempt of one request, as the metrics of a headless service count it. */
export interface HttpExchange {
  server: 'biotime' | 'frappe';
  /** The device id (BioTime) or site id (Frappe) from the configuration. */
  target: string;
  method: string;
  /** The HTTP status, or undefined when no answer arrived (see `error`). */
  status?: number;
  error?: TransportKind;
  durationMs: number;
}

/**
 * Every exchange of every HttpClient that has `labels`, process-wide, for whoever measures them (the CLI's
 * `watch --listen`). Listeners must be cheap: they run on the request path.
 */
export const httpExchanges = new Emitter<HttpExchange>();

/**
 * `read`: safe to repeat (GETs, lookups) — retried on timeouts, resets, 5xx and 429.
 * `write`: retried only when the server certainly did not process it (connection refused, 429 + Retry-After).
 */
export type RetryMode = 'read' | 'write' | 'none';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path relative to baseUrl (starting with "/") or an absolute URL on the same origin. */
  url: string;
  params?: Record<string, string | number | undefined>;
  data?: unknown;
  headers?: Record<string, string>;
  retry: RetryMode;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Bound on this answer's body, when the caller knows what size to expect (default: the client's maxBodyBytes). */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Attempts it took. */
  attempts: number;
}

export type TransportKind = 'timeout' | 'reset' | 'refused' | 'dns' | 'tls' | 'tooLarge' | 'other';

export class HttpTransportError extends Error {
  constructor(
    readonly kind: TransportKind,
    message: string,
    /** Whether the request may have reached the server and been processed. */
    readonly maybeProcessed: boolean,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

/** The abort reason of a request whose deadline passed (told apart from the caller's cancellation). */
const DEADLINE = Symbol('deadline');

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

export class HttpClient {
  private readonly ax: AxiosInstance;
  private readonly retry: RetryPolicy;
  readonly origin: string;

  constructor(private readonly opts: HttpOptions) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
    const base = new URL(opts.baseUrl);
    this.origin = base.origin;
    const ca = opts.tls?.caFile ? fs.readFileSync(opts.tls.caFile) : undefined;
    this.ax = axios.create({
      baseURL: opts.baseUrl.replace(/\/+$/, ''),
      timeout: opts.timeoutMs,
      maxContentLength: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxBodyLength: 16 * 1024 * 1024,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      proxy: false,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new https.Agent({
        keepAlive: true,
        maxSockets: 16,
        ca,
        rejectUnauthorized: opts.tls?.rejectUnauthorized !== false,
      }),
    });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const attempts = req.retry === 'none' ? 1 : this.retry.attempts;
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw new CancelledError();
      let res: HttpResponse | undefined;
      let err: HttpTransportError | undefined;
      const started = performance.now();
      try {
        res = await this.once(req, attempt);
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        err = e as HttpTransportError;
      }
      this.observe(req, started, res, err);
      const delay = attempt < attempts ? this.retryDelay(req.retry, attempt, res, err) : undefined;
      if (delay === undefined) {
        if (err) throw err;
        return res!;
      }
      const why = err ? err.message : `HTTP ${res!.status}`;
      this.opts.logger.debug(
        `${this.opts.name}: ${req.method} ${pathOf(req.url)} ${why}; retry ${attempt}/${attempts - 1} in ${delay} ms`,
      );
      await this.opts.clock.sleep(delay, req.signal);
    }
  }

  private observe(req: HttpRequest, started: number, res?: HttpResponse, err?: HttpTransportError): void {
    const labels = this.opts.labels;
    if (!labels) return;
    httpExchanges.fire({
      ...labels,
      method: req.method,
      status: res?.status,
      error: err ? (err.kind ?? 'other') : undefined,
      durationMs: performance.now() - started,
    });
  }

  /** Milliseconds to wait before another attempt, or undefined when this outcome must not be retried. */
  private retryDelay(
    mode: RetryMode,
    attempt: number,
    res?: HttpResponse,
    err?: HttpTransportError,
  ): number | undefined {
    const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    if (err) {
      if (err.kind === 'tls' || err.kind === 'tooLarge' || err.kind === 'dns') return undefined;
      if (mode === 'write' && err.maybeProcessed) return undefined;
      return backoff;
    }
    const status = res!.status;
    if (status === 429 || status === 503) {
      const ra = parseRetryAfter(res!.headers['retry-after'], this.opts.clock.now());
      if (mode === 'write' && status === 503 && ra === undefined) return undefined;
      return Math.min(this.retry.maxDelayMs, Math.max(ra ?? backoff, 0));
    }
    if (mode === 'read' && (status === 500 || status === 502 || status === 504)) return backoff;
    return undefined;
  }

  private async once(req: HttpRequest, attempt: number): Promise<HttpResponse> {
    // axios' `timeout` is an idle timeout on the socket: an answer that trickles one byte at a time never trips it.
    // The deadline bounds the whole exchange (connect, headers and body) of this attempt.
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs;
    const deadline = new AbortController();
    const onCaller = () => deadline.abort();
    req.signal?.addEventListener('abort', onCaller, { once: true });
    const timer = setTimeout(() => deadline.abort(DEADLINE), timeoutMs);
    try {
      return await this.exchange(req, attempt, deadline.signal);
    } catch (e) {
      if (deadline.signal.reason === DEADLINE && !req.signal?.aborted) throw this.timedOut(req, timeoutMs);
      throw e;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCaller);
    }
  }

  private timedOut(req: HttpRequest, timeoutMs: number, code?: string): HttpTransportError {
    const within = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
    return new HttpTransportError(
      'timeout',
      `${this.opts.name} (${this.origin}): no complete answer to ${req.method} ${pathOf(req.url)} within ${within} (the deadline of one request, timeoutSeconds).`,
      true,
      code,
    );
  }

  private async exchange(req: HttpRequest, attempt: number, signal: AbortSignal): Promise<HttpResponse> {
    const url = this.sameOrigin(req.url);
    const cfg: AxiosRequestConfig = {
      method: req.method,
      url,
      params: req.params,
      data: req.data,
      headers: {
        Accept: 'application/json',
        ...(req.data !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...req.headers,
      },
      signal,
      timeout: req.timeoutMs ?? this.opts.timeoutMs,
      ...(req.maxBodyBytes !== undefined ? { maxContentLength: req.maxBodyBytes } : {}),
    };
    try {
      const r = await this.ax.request<string>(cfg);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers ?? {}))
        if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
      return {
        status: r.status,
        headers,
        text: typeof r.data === 'string' ? r.data : String(r.data ?? ''),
        attempts: attempt,
      };
    } catch (e) {
      if (signal.reason === DEADLINE) throw e;
      if (req.signal?.aborted || axios.isCancel(e)) throw new CancelledError();
      throw this.classify(e, req);
    }
  }

  /** Accepts absolute URLs only on our own origin; `next` links with an internal host are rebuilt on our base. */
  private sameOrigin(url: string): string {
    if (!/^https?:\/\//i.test(url)) return url;
    const u = new URL(url);
    return u.origin === this.origin ? url : `${this.origin}${u.pathname}${u.search}`;
  }

  private classify(e: unknown, req: HttpRequest): HttpTransportError {
    const err = e as { code?: string; message?: string; cause?: { code?: string } };
    const code = err.code ?? err.cause?.code ?? '';
    const where = `${this.opts.name} (${this.origin})`;
    const msg = String(err.message ?? e);
    if (TLS_CODES.has(code) || /certificate|self[- ]signed/i.test(msg)) {
      return new HttpTransportError('tls', `${where}: TLS certificate not trusted (${code || msg}).`, false, code);
    }
    if (/maxContentLength|maxBodyLength/i.test(msg) || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') {
      const limit = req.maxBodyBytes ?? this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      return new HttpTransportError(
        'tooLarge',
        `${where}: answer to ${req.method} ${pathOf(req.url)} is larger than the ${Math.round(limit / 1048576)} MB limit.`,
        true,
      );
    }
    if (code === 'ECONNREFUSED') return new HttpTransportError('refused', `${where}: connection refused.`, false, code);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return new HttpTransportError('dns', `${where}: host name not found.`, false, code);
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(msg))
      return this.timedOut(req, req.timeoutMs ?? this.opts.timeoutMs, code);
    if (
      code === 'ECONNRESET' ||
      code === 'EPIPE' ||
      code === 'ERR_BAD_RESPONSE' ||
      /socket hang up|aborted/i.test(msg)
    ) {
      return new HttpTransportError(
        'reset',
        `${where}: connection reset during ${req.method} ${pathOf(req.url)}.`,
        true,
        code,
      );
    }
    return new HttpTransportError('other', `${where}: ${msg}`, true, code);
  }
}

export function pathOf(url: string): string {
  try {
    return /^https?:\/\//i.test(url) ? new URL(url).pathname : url.split('?')[0];
  } catch {
    return url;
  }
}

/** Retry-After as delta-seconds or HTTP date → milliseconds. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : undefined;
}

export type JsonParse =
  { ok: true; value: unknown } | { ok: false; problem: 'empty' | 'html' | 'malformed' | 'tooDeep'; snippet: string };

/** Parses a body that should be JSON, telling HTML pages, truncated JSON and hostile nesting apart. */
export function parseJsonBody(text: string, maxDepth = 64): JsonParse {
  const trimmed = text.trimStart();
  const snippet = trimmed.slice(0, 120).replace(/\s+/g, ' ');
  if (!trimmed) return { ok: false, problem: 'empty', snippet };
  if (trimmed.startsWith('<')) return { ok: false, problem: 'html', snippet };
  if (nestingDepth(trimmed, maxDepth) > maxDepth) return { ok: false, problem: 'tooDeep', snippet: '' };
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch {
    return { ok: false, problem: 'malformed', snippet };
  }
}

/** Maximum bracket depth outside strings, stopping early once past `limit`. */
function nestingDepth(s: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123 || c === 91) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
